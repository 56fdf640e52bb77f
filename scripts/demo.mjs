#!/usr/bin/env node
// make demo: the playground, all on this machine.
//
// Starts on loopback: stand-ins for Nadeo and api.trackmania.com (tests/mock/), the example
// Worker (examples/worker) in workerd through Miniflare with local KV, and the pages of www/
// with the package; prints one URL and runs until Ctrl-C, which stops everything.
//
// Real mode: with NADEO_LOGIN and NADEO_PASSWORD (and NADEO_USER_AGENT) in the environment
// the Worker calls the real Nadeo services; with TM_CLIENT_ID and TM_CLIENT_SECRET it uses
// the real api.trackmania.com (register http://127.0.0.1:<port>/signin.html as a redirect URI).
// PORT picks the port (default 8787; 0 for any free one).
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { readFile as readFileP } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import { startNadeoMock } from "../tests/mock/nadeo.mjs";
import { startOAuthMock } from "../tests/mock/oauth.mjs";

const t0 = Date.now();
const root = new URL("..", import.meta.url).pathname;
const env = process.env;
const port = Number(env.PORT ?? 8787);
const host = "127.0.0.1";
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};
const stoppers = [];
const say = (m) => console.log(m);

async function stopAll(code = 0) {
  for (const stop of stoppers.reverse()) {
    try {
      await stop();
    } catch {}
  }
  process.exit(code);
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

// 1. The front door first, so that a port in use is said plainly before anything starts.
let worker; // the Worker's URL, once it runs
const front = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname.startsWith("/api/")) return proxy(req, res, url);
  let path = normalize(decodeURIComponent(url.pathname));
  if (path.includes("..")) return res.writeHead(400).end();
  if (path.endsWith("/")) path += "index.html";
  const base = path.startsWith("/pkg/") ? root : join(root, "www");
  try {
    const body = await readFileP(join(base, path));
    res.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});

async function proxy(req, res, url) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = {};
  for (const [k, v] of Object.entries(req.headers))
    if (!["host", "connection", "content-length"].includes(k)) headers[k] = v;
  try {
    const r = await fetch(`${worker}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks),
      redirect: "manual",
    });
    const out = {};
    r.headers.forEach((v, k) => {
      if (k !== "set-cookie" && k !== "content-encoding" && k !== "content-length") out[k] = v;
    });
    const cookies = r.headers.getSetCookie?.() ?? [];
    if (cookies.length) out["set-cookie"] = cookies;
    res.writeHead(r.status, out);
    res.end(Buffer.from(await r.arrayBuffer()));
  } catch (e) {
    res
      .writeHead(502, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "WORKER_UNREACHABLE", message: String(e) }));
  }
}

await new Promise((resolve) => {
  front.once("error", (e) => {
    if (e.code === "EADDRINUSE")
      console.error(`make demo: port ${port} is in use. Stop what uses it, or run PORT=8788 make demo.`);
    else console.error(`make demo: cannot listen on ${host}:${port}: ${e.message}`);
    process.exit(1);
  });
  front.listen(port, host, resolve);
});
stoppers.push(() => new Promise((r) => front.close(r)));
const origin = `http://${host}:${front.address().port}`;

// 2. The services: stand-ins unless real credentials are given.
const realNadeo = Boolean(env.NADEO_LOGIN && env.NADEO_PASSWORD);
const realOAuth = Boolean(env.TM_CLIENT_ID && env.TM_CLIENT_SECRET);
const bindings = {
  NADEO_USER_AGENT: env.NADEO_USER_AGENT ?? "nadeo-auth playground / local demo",
  DEMO_MODE: realNadeo || realOAuth ? "real" : "local stand-ins",
};
if (realNadeo) {
  Object.assign(bindings, { NADEO_LOGIN: env.NADEO_LOGIN, NADEO_PASSWORD: env.NADEO_PASSWORD });
} else {
  const nadeo = await startNadeoMock({ host });
  stoppers.push(() => nadeo.close());
  Object.assign(bindings, {
    NADEO_LOGIN: "svc_login",
    NADEO_PASSWORD: "pa:ss wörd 🏎",
    NADEO_CORE_URL: nadeo.coreUrl,
    NADEO_LIVE_URL: nadeo.liveUrl,
  });
}
if (realOAuth) {
  Object.assign(bindings, { TM_CLIENT_ID: env.TM_CLIENT_ID, TM_CLIENT_SECRET: env.TM_CLIENT_SECRET });
} else {
  const tm = await startOAuthMock({ host, redirectUris: [`${origin}/signin.html`] });
  stoppers.push(() => tm.close());
  Object.assign(bindings, { TM_CLIENT_ID: tm.clientId, TM_CLIENT_SECRET: tm.clientSecret, TM_API_URL: tm.origin });
}

// 3. The example Worker, bundled as a user would (wrangler) and run in workerd (Miniflare).
const example = join(root, "examples/worker");
const link = join(example, "node_modules/nadeo-auth");
mkdirSync(join(example, "node_modules"), { recursive: true });
if (
  existsSync(link) ||
  (() => {
    try {
      return lstatSync(link).isSymbolicLink();
    } catch {
      return false;
    }
  })()
)
  rmSync(link, { recursive: true, force: true });
symlinkSync(join(root, "pkg"), link, "dir");
const out = join(root, "build/demo-worker");
execFileSync(join(root, "tools/node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
  cwd: example,
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...env, WRANGLER_SEND_METRICS: "false", CI: "true" },
});
const require = createRequire(join(root, "tools/package.json"));
const { Miniflare } = await import(pathToFileURL(require.resolve("miniflare")).href);
const mf = new Miniflare({
  modules: true,
  scriptPath: join(out, "index.js"),
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2026-04-01",
  kvNamespaces: ["SESSIONS"],
  durableObjects: { NADEO_BROKER: "NadeoTokenBroker" },
  bindings,
  host,
  port: 0,
});
worker = String(await mf.ready).replace(/\/$/, "");
stoppers.push(() => mf.dispose());

say(
  `nadeo-auth playground: ${origin}/   (${bindings.DEMO_MODE}; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; Ctrl-C to stop)`,
);
