// The cron example Worker (examples/cron-worker) in workerd: 30 scheduled runs, one every 6
// minutes of a simulated 3 hours (the mock's clock and the client's move together), against
// the strict Nadeo mock, with a KV token store. A Worker that logged in on every run would
// make 30 logins; this one must make 1 login and a refresh an hour (the token is due 55
// minutes into its hour: refreshes at 60 and 120 minutes), and keep the leaderboard in KV.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startNadeoMock } from "./mock/nadeo.mjs";
import { bundleWorker, tool } from "./tools.mjs";

const here = new URL(".", import.meta.url).pathname;
const MAP_UID = "olsKnq_qAghcVAnEkoeUnVHFZei";
let mf;
let mock;

before(async () => {
  const scriptPath = bundleWorker(here, "cron-worker.mjs", "dist-cron");
  mock = await startNadeoMock();
  const [login, { password }] = Object.entries(mock.accounts)[0];
  const { Miniflare } = await tool("miniflare");
  mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    kvNamespaces: ["TOKENS", "LEADERBOARD"],
    bindings: {
      NADEO_LOGIN: login,
      NADEO_PASSWORD: password,
      NADEO_USER_AGENT: "nadeo-auth cron test / tests@example.invalid",
      NADEO_CORE_URL: mock.coreUrl,
      NADEO_LIVE_URL: mock.liveUrl,
      MAP_UID,
    },
  });
});

after(async () => {
  await mf?.dispose();
  await mock?.close();
});

test("cron example: 30 runs over 3 simulated hours make 1 login and a refresh an hour", async () => {
  const worker = await mf.getWorker();
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const perRun = [];
  for (let i = 0; i < 30; i++) {
    const at = t0 + i * 6 * 60_000;
    mock.setNow(at / 1000);
    const before = { ...mock.stats };
    const result = await worker.scheduled({ cron: "*/6 * * * *", scheduledTime: new Date(at) });
    assert.equal(result.outcome, "ok", `run ${i} at +${i * 6} min: ${JSON.stringify(result)}`);
    perRun.push({
      minute: i * 6,
      logins: mock.stats.basic - before.basic,
      refreshes: mock.stats.refresh - before.refresh,
    });
  }
  const calls = perRun.filter((r) => r.logins || r.refreshes);
  assert.deepEqual(calls, [
    { minute: 0, logins: 1, refreshes: 0 },
    { minute: 60, logins: 0, refreshes: 1 },
    { minute: 120, logins: 0, refreshes: 1 },
  ]);
  assert.equal(mock.stats.api, 30, "every run read the leaderboard");
  assert.equal(mock.stats.rejected, 0);

  const kv = await mf.getKVNamespace("LEADERBOARD");
  const board = JSON.parse(await kv.get(`top:${MAP_UID}`));
  assert.equal(board.updatedAt, new Date(t0 + 29 * 6 * 60_000).toISOString());
  assert.equal(board.top.ok, true);
  assert.match(board.top.path, new RegExp(`^/live/api/token/leaderboard/group/Personal_Best/map/${MAP_UID}/top\\?`));

  // The token store holds tokens and failure state, never the password.
  const tokens = await mf.getKVNamespace("TOKENS");
  const { keys } = await tokens.list();
  assert.ok(keys.length >= 1);
  for (const { name } of keys) {
    const value = await tokens.get(name);
    assert.ok(!value.includes(Object.values(mock.accounts)[0].password), `${name} holds the password`);
  }
});
