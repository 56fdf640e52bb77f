// make bench, part: a fleet of 4 Node processes sharing a Redis (nadeo-auth/stores'
// redisStore through node-redis) over a simulated day, each process serving a burst of 5 calls
// a minute for a Nadeo audience and for a signed-in player, with the store's lock and without
// it (a get/put store). Auth calls counted against the floor. Runs in build/e2e (the packed
// package), with Debian's redis-server on a free loopback port.
const e2e = new URL("../build/e2e/", import.meta.url);
const { startNadeoMock } = await import(new URL("mock/nadeo.mjs", e2e));
const { startOAuthMock } = await import(new URL("mock/oauth.mjs", e2e));
const { startRedis } = await import(new URL("redis-server.mjs", e2e));
const { startProcessFleet } = await import(new URL("process-fleet.mjs", e2e));
const lib = await import(new URL("node_modules/nadeo-auth/index-node.js", e2e));
const { redisStore } = await import(new URL("node_modules/nadeo-auth/stores.js", e2e));
const { tool } = await import(new URL("tools.mjs", e2e));
const { signInPlayer } = await import(new URL("sign-in-player.mjs", e2e));

const REDIRECT = "https://app.example/cb";
const DAY = 86_400;
const STEP = 60;
const rows = [];
for (const kind of ["node-redis", "node-redis-nolock"]) {
  const mock = await startNadeoMock();
  const tm = await startOAuthMock({ redirectUris: [REDIRECT] });
  const redis = await startRedis();
  const T = Math.floor(Date.now() / 1000);
  mock.setNow(T);
  tm.setNow(T);
  // A signed-in player whose pair is in the store.
  const tokens = await signInPlayer(lib, tm, REDIRECT);
  const { createClient } = await tool("redis");
  const seedClient = createClient({ url: redis.url });
  await seedClient.connect();
  const seed = new lib.TrackmaniaUserClient({
    clientId: tm.clientId,
    clientSecret: tm.clientSecret,
    apiUrl: tm.origin,
    tokens,
    store: redisStore(seedClient),
    key: "player:1",
  });
  await seed.accessToken();
  const fleet = await startProcessFleet({ kind, target: redis.url, mock, tm });
  let failed = 0;
  let expired = 0;
  for (let t = T; t < T + DAY; t += STEP) {
    mock.setNow(t);
    tm.setNow(t);
    for (const what of ["nadeo", "player"]) {
      const b = await fleet.burst(what, t, 5);
      failed += Object.values(b.errors).reduce((a, n) => a + n, 0);
      expired += b.errors.REFRESH_EXPIRED ?? 0;
    }
  }
  rows.push([
    kind === "node-redis" ? "redisStore (with its lock)" : "the same store without a lock",
    mock.stats.basic,
    mock.stats.refresh,
    tm.stats.refreshed,
    tm.stats.spent,
    expired,
    failed,
  ]);
  fleet.close();
  await seedClient.destroy();
  await redis.stop();
  await mock.close();
  await tm.close();
}
console.log(
  "\nauth calls of a fleet of 4 Node processes on one Redis over a simulated day (a burst of 5 calls a minute each, a Nadeo audience and a player)",
);
console.log(
  "| store | Nadeo logins | Nadeo refreshes | player refreshes | spent refresh tokens sent | REFRESH_EXPIRED | failed calls |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(
  "(the floor for the day: 1 login and about 26 refreshes for the audience, about 26 refreshes for the player: one each 55 min)",
);
