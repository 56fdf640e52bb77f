// NadeoClient on the service's clock, in Node and in workerd: a machine clock hours or
// minutes off serves working tokens and renews on the service's schedule; two clients on a
// store that lags like KV keep every request working. The mock's clock (its tokens, its checks,
// its Date headers) is the service's; the client's `now` is that plus the skew.
import { equal, ok } from "./assert.mjs";
import { laggingStore } from "./lagging-store.mjs";

const T = 1_900_000_000;
const HOURS = 6;

const opts = (mock, extra = {}) => ({
  login: "svc_login",
  password: "pa:ss wörd 🏎",
  userAgent: "nadeo-auth tests / clock / tests@example.com",
  coreUrl: mock.coreUrl,
  liveUrl: mock.liveUrl,
  ...extra,
});

/** Runs `step(i)` every `every` simulated seconds for `hours`, the mock's clock moved first. */
async function simulate(mock, service, hours, every, step) {
  for (let i = 0; i < (hours * 3600) / every; i++) {
    service.now = T + i * every;
    await mock.setNow(service.now);
    await step(i);
  }
}

const SKEWS = [
  ["2 h fast", 7200],
  ["2 h slow", -7200],
  ["10 min fast", 600],
  ["10 min slow", -600],
];

export const tests = [
  ...SKEWS.map(([name, skew]) => [
    `a machine clock ${name}: 6 h of requests every 30 s all answer 200, auth calls at the floor`,
    async (lib, mock) => {
      await mock.reset();
      const service = { now: T };
      await mock.setNow(T);
      const client = new lib.NadeoClient(opts(mock, { now: () => (service.now + skew) * 1000 }));
      const statuses = new Map();
      await simulate(mock, service, HOURS, 30, async () => {
        const res = await client.fetch(`${mock.liveUrl}/api/x`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      });
      equal(statuses.get(200), (HOURS * 3600) / 30, `every request 200: ${JSON.stringify([...statuses])}`);
      const { logins, refreshes, clockOffset } = client.stats;
      equal(logins, 1, "one login");
      // Renewed 55 min into each 60 min token: 6 or 7 renewals in 6 h.
      ok(refreshes >= 6 && refreshes <= 7, `${refreshes} renewals in ${HOURS} h`);
      equal(clockOffset, -skew, "the offset learnt");
      const api = (await mock.stats()).api;
      ok(api - (HOURS * 3600) / 30 <= refreshes + 1, `at most one API 401 per token: ${api} API calls`);
    },
  ]),

  [
    "1,000 concurrent first calls on a clock 2 h fast make one login, and all are served",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const client = new lib.NadeoClient(opts(mock, { now: () => (T + 7200) * 1000 }));
      const tokens = await Promise.all(Array.from({ length: 1000 }, () => client.accessToken("NadeoLiveServices")));
      equal(new Set(tokens).size, 1, "one token");
      equal((await mock.stats()).basic, 1, "one login");
    },
  ],

  [
    "two clients on a store that lags 60 s: 6 h of requests every 30 s all answer 200",
    async (lib, mock) => {
      await mock.reset();
      const service = { now: T };
      await mock.setNow(T);
      const kv = laggingStore(() => service.now, 60);
      const clients = ["a", "b"].map(
        (name) => new lib.NadeoClient(opts(mock, { store: kv.view(name), now: () => service.now * 1000 })),
      );
      const failed = [];
      await simulate(mock, service, HOURS, 30, async (i) => {
        const res = await clients[i % 2].fetch(`${mock.liveUrl}/api/x`).catch((e) => e);
        if (res.status !== 200) failed.push(res.code ?? res.status);
      });
      equal(failed.length, 0, `failed: ${failed.slice(0, 5)}`);
      const logins = clients.reduce((n, c) => n + c.stats.logins, 0);
      ok(logins <= 1 + 2 * HOURS, `${logins} logins in ${HOURS} h`);
    },
  ],
];
