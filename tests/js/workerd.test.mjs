// The shared suite in workerd: the Worker is bundled as a user would (wrangler deploy
// --dry-run, which picks the package's "workerd" entry and imports the .wasm as a module)
// and run by Miniflare.
import { after, before, test } from "node:test";
import { crossTests, suite, tests } from "./suite.mjs";
import { tests as nadeoTests } from "./nadeo-suite.mjs";
import { tests as failureTests } from "./failure-suite.mjs";
import { startNadeoMock } from "./mock/nadeo.mjs";
import { startOAuthMock } from "./mock/oauth.mjs";
import { REDIRECT, tests as oauthTests } from "./oauth-suite.mjs";
import { tests as clockTests } from "./clock-suite.mjs";
import { tests as rotationTests } from "./rotation-suite.mjs";
import { bundleWorker, tool } from "./tools.mjs";

const here = new URL(".", import.meta.url).pathname;
let mf;
let mockServer;
let tmServer;

before(async () => {
  const scriptPath = bundleWorker(here, "worker.mjs", "dist");
  const { Miniflare } = await tool("miniflare");
  mockServer = await startNadeoMock();
  tmServer = await startOAuthMock({ redirectUris: [REDIRECT] });
  mf = new Miniflare({
    bindings: {
      MOCK_ORIGIN: mockServer.origin,
      TM_ORIGIN: tmServer.origin,
      TM_CLIENT_ID: tmServer.clientId,
      TM_CLIENT_SECRET: tmServer.clientSecret,
      TM_USER: JSON.stringify(tmServer.user),
    },
    modules: true,
    scriptPath,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
  });
  const names = await (await mf.dispatchFetch("http://suite/list")).json();
  if (names.length !== tests.length) throw new Error("the Worker sees another suite");
});

after(async () => {
  await mf?.dispose();
  await mockServer?.close();
  await tmServer?.close();
});

for (const [name] of tests) {
  test(`workerd: ${name}`, async () => {
    const res = await mf.dispatchFetch(`http://suite/run?test=${encodeURIComponent(name)}`);
    const out = await res.json();
    if (!out.ok) throw new Error(out.error);
  });
}

for (const [name] of suite("token")) {
  test(`workerd: nadeo-auth/token: ${name}`, async () => {
    const out = await (await mf.dispatchFetch(`http://suite/run?suite=token&test=${encodeURIComponent(name)}`)).json();
    if (!out.ok) throw new Error(out.error);
  });
}

for (const [name] of crossTests) {
  test(`workerd: ${name}`, async () => {
    const out = await (await mf.dispatchFetch(`http://suite/run?suite=cross&test=${encodeURIComponent(name)}`)).json();
    if (!out.ok) throw new Error(out.error);
  });
}

for (const [name] of nadeoTests) {
  test(`workerd: ${name}`, async () => {
    const res = await mf.dispatchFetch(`http://suite/run?suite=nadeo&test=${encodeURIComponent(name)}`);
    const out = await res.json();
    if (!out.ok) throw new Error(out.error);
  });
}

for (const [name] of failureTests) {
  test(`workerd: failure policy: ${name}`, async () => {
    const res = await mf.dispatchFetch(`http://suite/run?suite=failure&test=${encodeURIComponent(name)}`);
    const out = await res.json();
    if (!out.ok) throw new Error(out.error);
  });
}

for (const [suiteName, tests, prefix] of [
  ["oauth", oauthTests, ""],
  ["clock", clockTests, "clocks and stores: "],
  ["rotation", rotationTests, "rotation: "],
]) {
  for (const [name] of tests) {
    test(`workerd: ${prefix}${name}`, async () => {
      const res = await mf.dispatchFetch(`http://suite/run?suite=${suiteName}&test=${encodeURIComponent(name)}`);
      const out = await res.json();
      if (!out.ok) throw new Error(out.error);
    });
  }
}

// Workers are not Node: a login started by one request is awaited by others; when the first
// request finishes early or is cancelled, the others must still get a token (no hang, no
// "Cannot perform I/O on behalf of a different request").
const control = (what, args) =>
  fetch(`${mockServer.origin}/__control/${what}`, { method: "POST", body: args ? JSON.stringify(args) : "" }).then(
    (r) => r.json(),
  );
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("workerd: a request that gives up on its login does not strand the others", async () => {
  await control("reset");
  await mf.dispatchFetch("http://suite/client/reset");
  await control("fail", { route: "basic", mode: "hang", times: 1 });
  const a = mf.dispatchFetch("http://suite/client/token?giveUpAfter=300");
  await sleep(50);
  const b = mf.dispatchFetch("http://suite/client/token");
  const more = Array.from({ length: 5 }, () => mf.dispatchFetch("http://suite/client/token"));
  const ra = await (await a).json();
  if (ra.token !== null) throw new Error("request A was meant to give up");
  const t0 = Date.now();
  const rb = await (await b).json();
  if (typeof rb.token !== "string") throw new Error(`request B got no token: ${JSON.stringify(rb)}`);
  for (const r of more) {
    const out = await (await r).json();
    if (out.token !== rb.token) throw new Error(`a waiter got ${JSON.stringify(out)}`);
  }
  const stats = await (await mf.dispatchFetch("http://suite/client/stats")).json();
  if (stats.logins !== 2) throw new Error(`expected the hung login and one more, got ${JSON.stringify(stats)}`);
  if (Date.now() - t0 > 10_000) throw new Error("the takeover was slow");
  await control("release");
  // And the same client keeps serving: the token is reused, an API call works.
  const again = await (await mf.dispatchFetch("http://suite/client/token")).json();
  if (again.token !== rb.token) throw new Error("the token was not reused");
  const api = await (await mf.dispatchFetch("http://suite/client/api")).json();
  if (api.status !== 200 || api.body.body !== "payload") throw new Error(`API call: ${JSON.stringify(api)}`);
});

// Here the request whose client went away lives on in workerd (Miniflare does not cancel it),
// so its login stays alive until its own timeout. That timeout is a failed attempt like any
// other: the waiting request gets it (no second login behind it), and once the backoff has
// passed the next request logs in.
test("workerd: a hung login of a request whose client went away times out for all, then the backoff passes", async () => {
  await control("reset");
  await mf.dispatchFetch("http://suite/client/reset?timeoutMs=1500");
  await control("fail", { route: "basic", mode: "hang", times: 1 });
  const ac = new AbortController();
  const a = mf.dispatchFetch("http://suite/client/token", { signal: ac.signal }).catch((e) => e);
  await sleep(100);
  const b = mf.dispatchFetch("http://suite/client/token");
  await sleep(100);
  ac.abort();
  await a;
  const t0 = Date.now();
  const rb = await (await b).json();
  if (rb.error !== "TIMEOUT") throw new Error(`request B should share the timeout: ${JSON.stringify(rb)}`);
  if (Date.now() - t0 > 10_000) throw new Error("B waited too long");
  const blocked = await (await mf.dispatchFetch("http://suite/client/token")).json();
  if (blocked.error !== "TIMEOUT") throw new Error(`during the backoff: ${JSON.stringify(blocked)}`);
  let stats = await (await mf.dispatchFetch("http://suite/client/stats")).json();
  if (stats.logins !== 1) throw new Error(`no second login during the backoff, got ${JSON.stringify(stats)}`);
  await mf.dispatchFetch("http://suite/client/advance?s=2");
  const rc = await (await mf.dispatchFetch("http://suite/client/token")).json();
  if (typeof rc.token !== "string") throw new Error(`after the backoff: ${JSON.stringify(rc)}`);
  stats = await (await mf.dispatchFetch("http://suite/client/stats")).json();
  if (stats.logins !== 2 || stats.failures !== 1)
    throw new Error(`expected two logins, one failed: ${JSON.stringify(stats)}`);
  await control("release");
});
