// A player's rotating tokens against the mock api.trackmania.com, in Node and in workerd:
// league's rotation (a refresh spends the refresh token and revokes the access token issued
// with it), two clients of one player on a store that lags like KV, and the loser of a rotation
// race hearing invalid_grant before the winner has its pair. Never a logout while a live pair
// exists; a lost rotation fails a few calls transiently at most.
import { equal, ok } from "./assert.mjs";
import { laggingStore } from "./lagging-store.mjs";
import { base, code, REDIRECT } from "./oauth-suite.mjs";

export const tests = [
  [
    "two clients of a player on a store that lags 60 s, a request each every 10 s for 6 h: no REFRESH_EXPIRED, at most 2 % failing transiently",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      const start = Math.floor(tokens.expiresAt - 3600);
      const service = { now: start };
      const kv = laggingStore(() => service.now, 60);
      const clients = ["a", "b"].map(
        (name) =>
          new lib.TrackmaniaUserClient(
            base(tm, { tokens, store: kv.view(name), key: "player:1", now: () => service.now * 1000 }),
          ),
      );
      const outcomes = new Map();
      let calls = 0;
      for (let i = 0; i < (6 * 3600) / 10; i++) {
        service.now = start + i * 10;
        await tm.setNow(service.now);
        for (const client of clients) {
          calls++;
          const res = await client.fetch(`${tm.origin}/api/user`).catch((e) => e);
          const outcome = res instanceof lib.NadeoAuthError ? res.code : res.status;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (res instanceof lib.NadeoAuthError) {
            equal(res.code, "HTTP", `only transient failures: ${res.message}`);
            ok(res.retryAfter > 0, "with retryAfter");
          }
        }
      }
      await tm.setNow(null);
      const summary = JSON.stringify([...outcomes]);
      equal(outcomes.get("REFRESH_EXPIRED") ?? 0, 0, summary);
      ok((outcomes.get("HTTP") ?? 0) <= calls * 0.02, `at most 2 % transient: ${summary}`);
      const refreshed = (await tm.stats()).refreshed;
      ok(refreshed >= 6 && refreshed <= 8, `about one rotation an hour: ${refreshed}`);
    },
  ],

  [
    "two clients of a player due at once, the loser's invalid_grant answered before the winner's pair: no REFRESH_EXPIRED, and both end with the winner's pair",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      // Both due, 30 s before the access token expires.
      const at = tokens.expiresAt - 30;
      await tm.setNow(at);
      await tm.control("refresh-delay", { ms: 30 });
      const store = new Map();
      const shared = { get: (k) => store.get(k) ?? null, put: (k, v) => void store.set(k, v) };
      const clients = Array.from(
        { length: 2 },
        () => new lib.TrackmaniaUserClient(base(tm, { tokens, store: shared, key: "p", now: () => at * 1000 })),
      );
      const failures = [];
      for (let round = 0; round < 10; round++) {
        const answers = await Promise.all(clients.map((c) => c.fetch(`${tm.origin}/api/user`).catch((e) => e)));
        for (const a of answers) if (a instanceof lib.NadeoAuthError) failures.push(a.code);
      }
      await tm.control("refresh-delay", { ms: 0 });
      await tm.setNow(null);
      const stats = await tm.stats();
      equal(stats.refreshed, 1, "one rotation");
      equal(stats.spent, 1, "the race happened: one invalid_grant");
      ok(!failures.includes("REFRESH_EXPIRED"), `no logout: ${failures}`);
      ok(failures.length <= 2, `a transient failure or two at most: ${failures}`);
      equal(clients[0].tokens.accessToken, clients[1].tokens.accessToken, "one live pair");
    },
  ],
];
