// The documentation's examples, run as Rust runs its doctests: every fenced js/sh block of
// the README and the guides as the installed package ships them (node_modules/nadeo-auth),
// against the mocks (the real hosts are routed to them: examples/routes.mjs), in the runtime its
// info string names:
//   ```js node [example=NAME]     an ES module run by Node
//   ```js worker [example=NAME]   a Worker module, bundled by wrangler and run in workerd
//   ```sh                         a shell script (the CLI through npx, curl), run by bash
//   ```js illustrative: WHY       not run (a fragment); counted and listed with its reason
// A js/sh block that says none of these fails the suite: every example says where it runs.
// NAME picks a scenario below (what to ask the example and what it must answer); without one
// a Node example must exit 0, a Worker must answer GET / with a 2xx.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startNadeoMock } from "./mock/nadeo.mjs";
import { startOAuthMock } from "./mock/oauth.mjs";
import { OPENPLANET_SECRET } from "./mock/openplanet-data.mjs";
import { code, REDIRECT } from "./oauth-suite.mjs";
import { startRedis } from "./redis-server.mjs";
import { bundleWorker, tool, TOOLS } from "./tools.mjs";
import { routed } from "./examples/routes.mjs";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;
const shipped = join(here, "node_modules/nadeo-auth");
const work = join(here, "examples-run");
mkdirSync(work, { recursive: true });

// The placeholders the examples use for credentials are the mocks' accounts.
const LOGIN = "my_service_account";
const PASSWORD = "…";
const TM_APP = { clientId: "my_app_id", clientSecret: "…" };

/** Every fenced block of the shipped Markdown: { doc, line, lang, mode, name, why, code }. */
function blocks() {
  const docs = [
    "README.md",
    ...readdirSync(join(shipped, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  const out = [];
  for (const doc of docs) {
    const lines = readFileSync(join(shipped, doc), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\S+)\s*(.*)$/.exec(lines[i]);
      if (!open) continue;
      const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
      const [, lang, info] = open;
      const [, mode = "", rest = ""] = /^(\w*)\s*(.*)$/.exec(info);
      out.push({
        doc,
        line: i + 1,
        lang,
        mode,
        name: /example=(\S+)/.exec(rest)?.[1],
        why: mode === "illustrative" ? info.replace(/^illustrative:?\s*/, "") : undefined,
        code: lines.slice(i + 1, end).join("\n"),
      });
      i = end;
    }
  }
  return out.filter((b) => ["js", "ts", "sh"].includes(b.lang));
}

const all = blocks();
let nadeo;
let tm;
let redis;
let routes;
let accessToken;

before(async () => {
  // The Redis client the stores guide installs (node-redis), as the project would have it.
  if (!existsSync(join(here, "node_modules/redis")))
    symlinkSync(join(TOOLS, "node_modules/redis"), join(here, "node_modules/redis"));
  nadeo = await startNadeoMock({
    accounts: { [LOGIN]: { password: PASSWORD, accountId: "5b4d42f4-c2de-407d-b367-cbff3fe817bc" } },
  });
  tm = await startOAuthMock({ ...TM_APP, redirectUris: [REDIRECT] });
  redis = await startRedis();
  routes = {
    "https://prod.trackmania.core.nadeo.online": nadeo.coreUrl,
    "https://live-services.trackmania.nadeo.live": nadeo.liveUrl,
    "https://meet.trackmania.nadeo.club": nadeo.meetUrl,
    "https://api.trackmania.com": tm.origin,
    "https://api.openplanet.dev": tm.origin,
  };
  accessToken = nadeo.issue("5b4d42f4-c2de-407d-b367-cbff3fe817bc", LOGIN, "NadeoLiveServices").accessToken;
});

after(async () => {
  await nadeo?.close();
  await tm?.close();
  await redis?.stop();
});

/** The environment of a Node or shell example: the routes, the names it takes as given. */
function env(extra = {}) {
  return {
    ...process.env,
    NADEO_AUTH_EXAMPLE_ROUTES: JSON.stringify(routes),
    NADEO_AUTH_EXAMPLE_GIVEN: JSON.stringify({
      accessToken,
      login: LOGIN,
      password: PASSWORD,
      userAgent: "docs / me@example.com",
      userId: "42",
    }),
    NADEO_LOGIN: LOGIN,
    NADEO_PASSWORD: PASSWORD,
    TM_CLIENT_ID: TM_APP.clientId,
    TM_CLIENT_SECRET: TM_APP.clientSecret,
    REDIS_URL: redis.url,
    TOKEN_DIR: mkdtempSync(join(tmpdir(), "nadeo-auth-example-")),
    XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "nadeo-auth-example-cache-")),
    ...extra,
  };
}

/** Runs `driver` (module text that imports the example) in Node; resolves to its stdout. */
async function node(file, driver, extra) {
  const main = `${file}.driver.mjs`;
  writeFileSync(main, driver.replaceAll("EXAMPLE", JSON.stringify(file)));
  const { stdout } = await run(process.execPath, ["--import", join(here, "examples/net.mjs"), main], {
    cwd: work,
    env: env(extra),
    timeout: 30_000,
  });
  return stdout;
}

const nodeScenarios = {
  default: (file) => node(file, "await import(EXAMPLE);\nprocess.exit(0);\n"),
  // The bot answers a command, stops, and exits by itself; its restart reuses the stored pair.
  async bot(file) {
    const driver = `const bot = await import(EXAMPLE);
const reply = await bot.onCommand("!campaign");
if (!reply.includes("Winter 2027")) throw new Error(reply);
bot.shutdown();
console.log(reply);
`;
    const tokenDir = mkdtempSync(join(tmpdir(), "nadeo-auth-bot-"));
    const logins = nadeo.stats.basic;
    const started = Date.now();
    assert.match(await node(file, driver, { TOKEN_DIR: tokenDir }), /Winter 2027/);
    assert.ok(Date.now() - started < 10_000, "the bot's process exits by itself once stopped");
    await node(file, driver, { TOKEN_DIR: tokenDir });
    assert.equal(nadeo.stats.basic - logins, 1, "a restart reuses the pair in the fileStore");
  },
};

/** A Worker example in workerd, with the bindings the examples name. */
async function worker(file) {
  const main = file.slice(work.length + 1);
  const scriptPath = bundleWorker(`${work}/`, main, main.replace(/\.mjs$/, "-dist"));
  const { Miniflare } = await tool("miniflare");
  const broker = readFileSync(file, "utf8").includes("NadeoTokenBroker");
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: {
      NADEO_LOGIN: LOGIN,
      NADEO_PASSWORD: PASSWORD,
      TM_CLIENT_ID: TM_APP.clientId,
      TM_CLIENT_SECRET: TM_APP.clientSecret,
      OPENPLANET_SECRET,
    },
    kvNamespaces: ["TOKENS", "SESSIONS", "PLAYERS"],
    ...(broker && { durableObjects: { NADEO_BROKER: "NadeoTokenBroker" } }),
    // The Worker's outgoing requests, sent on by Node to the mocks.
    async outboundService(req) {
      const body = ["GET", "HEAD"].includes(req.method) ? undefined : await req.arrayBuffer();
      return fetch(routed(req.url, routes), { method: req.method, headers: req.headers, body, redirect: "manual" });
    },
  });
  return mf;
}

const workerScenarios = {
  async default(mf) {
    const res = await mf.dispatchFetch("http://example/");
    assert.ok(res.ok, `GET / answered ${res.status}: ${await res.text()}`);
  },
  // Signs in, then calls the API as the player across two rotations of the refresh token.
  async "sign-in"(mf) {
    const res = await mf.dispatchFetch("http://example/api/session", {
      method: "POST",
      body: JSON.stringify({ code: await code(tm), redirectUri: REDIRECT }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).accountId, "5b4d42f4-c2de-407d-b367-cbff3fe817bc");
    const cookie = res.headers.get("set-cookie").split(";")[0];
    const refreshed = tm.stats.refreshed;
    const clubs = async () => {
      const r = await mf.dispatchFetch("http://example/api/clubs", { headers: { cookie } });
      assert.equal(r.status, 200, await r.text());
    };
    await clubs();
    for (const hours of [1, 2]) {
      await fetch(`${tm.origin}/__control/now`, {
        method: "POST",
        body: JSON.stringify({ now: Date.now() / 1000 + hours * 3700 }),
      });
      await clubs();
    }
    await fetch(`${tm.origin}/__control/now`, { method: "POST", body: "{}" });
    assert.equal(tm.stats.refreshed - refreshed, 2, "two rotations");
  },
  async openplanet(mf) {
    const res = await mf.dispatchFetch("http://example/", {
      method: "POST",
      body: JSON.stringify({ token: "op-token-good" }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).hello, "tooInfinite");
  },
};

/** A shell example: bash, with the package's bin on PATH (npx finds it offline) and curl
 *  sent to the mocks. */
async function shell(file) {
  const curl = `curl() { ${JSON.stringify(process.execPath)} ${JSON.stringify(join(here, "examples/curl.mjs"))} "$@"; }`;
  writeFileSync(`${file}.sh`, `set -euo pipefail\n${curl}\n${readFileSync(file, "utf8")}\n`);
  const { stdout } = await run("bash", [`${file}.sh`], {
    cwd: here,
    env: env({
      NODE_OPTIONS: `--import ${join(here, "examples/net.mjs")}`,
      ACCESS_TOKEN: accessToken,
      npm_config_offline: "true",
    }),
    timeout: 60_000,
  });
  return stdout;
}

let ran = 0;
const marked = [];
for (const [i, b] of all.entries()) {
  const where = `${b.doc}:${b.line}`;
  if (b.mode === "illustrative") {
    marked.push(`${where} (${b.why})`);
    test(`example ${where}: illustrative, not run: ${b.why}`, () => assert.ok(b.why, "an illustrative block says why"));
    continue;
  }
  test(`example ${where} (${b.lang}${b.mode ? ` ${b.mode}` : ""}${b.name ? ` ${b.name}` : ""})`, async () => {
    const file = join(work, `example-${i}.${b.lang === "sh" ? "sh" : "mjs"}`);
    writeFileSync(file, `${b.code}\n`);
    if (b.lang === "sh") {
      await shell(file);
    } else if (b.mode === "node") {
      const scenario = nodeScenarios[b.name ?? "default"];
      assert.ok(scenario, `no Node scenario ${b.name}`);
      await scenario(file);
    } else if (b.mode === "worker") {
      const scenario = workerScenarios[b.name ?? "default"];
      assert.ok(scenario, `no Worker scenario ${b.name}`);
      const mf = await worker(file);
      try {
        await scenario(mf);
      } finally {
        await mf.dispose();
      }
    } else {
      assert.fail(`${where}: a \`\`\`${b.lang} block says where it runs (node, worker) or why it is illustrative`);
    }
    ran++;
  });
}

test("the examples: how many ran, how many are illustrative and why", () => {
  console.log(`examples: ${ran} run, ${marked.length} illustrative:\n  ${marked.join("\n  ")}`);
  assert.equal(ran + marked.length, all.length, "every block ran or says why not");
  assert.ok(ran >= 12, `only ${ran} examples ran`);
});
