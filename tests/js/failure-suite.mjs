// The failure policy of NadeoClient against the mock service failing on demand, in Node and
// in workerd: no storm of auth calls whatever fails, fail fast with the last failure during
// a backoff, one renewal per token on API 401, the backoff shared through a store, recovery.
// Time is the client's injected clock: 10 simulated minutes run in well under a second.
import { deepEqual, equal, ok } from "./assert.mjs";

const UA = "nadeo-auth tests / @nadeo-auth / tests@example.com";
const LOGIN = "svc_login";
const PASSWORD = "pa:ss wörd 🏎";
const T = 1_900_000_000;
const FOREVER = 1_000_000;

const opts = (mock, extra = {}) => ({
  login: LOGIN,
  password: PASSWORD,
  userAgent: UA,
  coreUrl: mock.coreUrl,
  liveUrl: mock.liveUrl,
  ...extra,
});

/** A client whose clock the test moves: `clock.now` is in seconds. */
function clocked(lib, mock, extra = {}) {
  const clock = { now: T };
  const client = new lib.NadeoClient(opts(mock, { now: () => clock.now * 1000, ...extra }));
  return { client, clock };
}

const surface = (e) =>
  [e.message, String(e), e.stack ?? "", JSON.stringify(e), JSON.stringify(e.body ?? null), String(e.cause ?? "")].join(
    "\n",
  );

/** Calls accessToken `n` times, `step` simulated seconds apart; returns the settled results. */
async function hammer(client, clock, n, step, audience = "NadeoLiveServices") {
  const out = [];
  for (let i = 0; i < n; i++) {
    try {
      out.push({ token: await client.accessToken(audience) });
    } catch (error) {
      out.push({ error });
    }
    clock.now += step;
  }
  return out;
}

/** The modes of the table: what the auth endpoint answers, and the code it gives. */
const MODES = [
  ["500", 500, "HTTP"],
  ["429 with Retry-After: 120", { status: 429, retryAfter: "120" }, "RATE_LIMITED"],
  ["fetch throws (network down)", "drop", "NETWORK"],
  ["garbage 200", "garbage", "BAD_RESPONSE"],
];

/** A stand-in for a Durable Object namespace bound to NadeoTokenBroker: `answer(ask)` gives the
 *  broker's JSON answer (or throws, as an unreachable object does); `asks` records the calls. */
function fakeBroker(answer) {
  const asks = [];
  const namespace = {
    idFromName: (name) => ({ name }),
    get: (id) => ({
      fetch: async (url, init) => {
        const ask = JSON.parse(init.body);
        asks.push({ id: id.name, url, ask });
        return Response.json(await answer(ask));
      },
    }),
  };
  return { namespace, asks };
}

export const tests = [
  ...MODES.map(([name, mode, code]) => [
    `1,000 calls over 10 minutes while the login answers ${name}: at most 20 attempts, the rest fail fast`,
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      await mock.fail("basic", mode, FOREVER);
      const { client, clock } = clocked(lib, mock);
      const results = await hammer(client, clock, 1000, 0.6);
      const attempts = (await mock.stats()).basic;
      ok(attempts >= 5 && attempts <= 20, `${attempts} login attempts`);
      if (mode.retryAfter) ok(attempts <= 6, `Retry-After 120 s: ${attempts} attempts in 600 s`);
      ok(
        results.every((r) => r.error instanceof lib.NadeoAuthError && r.error.code === code),
        "every call failed with the failure's code",
      );
      const fast = results.filter((r) => r.error.retryAfter > 0 && r.error.message.includes("backoff"));
      ok(fast.length >= 1000 - attempts, `${fast.length} calls failed fast`);
      const last = fast[fast.length - 1].error;
      if (typeof mode === "number" || mode.status) equal(last.status, mode.status ?? mode, "the last failure's status");
      ok(last.retryAfter <= 300 && Number.isInteger(last.retryAfter), `retryAfter ${last.retryAfter}`);
      deepEqual(client.stats, { logins: attempts, refreshes: 0, failures: attempts, clockOffset: 0 });
    },
  ]),

  [
    "1,000 calls over 10 minutes with a wrong password: at most 20 attempts",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const { client, clock } = clocked(lib, mock, { password: "wrong-secret-pw" });
      const results = await hammer(client, clock, 1000, 0.6);
      const attempts = (await mock.stats()).basic;
      ok(attempts >= 2 && attempts <= 20, `${attempts} login attempts`);
      const e = results[results.length - 1].error;
      equal(e.code, "UNAUTHORIZED");
      equal(e.status, 401);
      equal(e.body?.message, "Invalid credentials.", "the last failure's body");
      for (const r of results) ok(!surface(r.error).includes("wrong-secret-pw"), "no secret in any error");
    },
  ],

  [
    "a machine clock two hours ahead serves working tokens: one login, the offset learnt",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T - 7200);
      const { client, clock } = clocked(lib, mock);
      const results = await hammer(client, clock, 1000, 0.6);
      equal((await mock.stats()).basic, 1, "one login");
      ok(
        results.every((r) => r.token),
        "every call served",
      );
      equal(client.stats.clockOffset, -7200);
      // A token that is expired on the service's own clock still came expired.
      await mock.fail("basic", "expired", FOREVER);
      const other = clocked(lib, mock);
      const e = await other.client.accessToken("NadeoServices").catch((err) => err);
      equal(e.code, "BAD_RESPONSE");
      ok(e.message.includes("expired on the auth service's own clock"), e.message);
    },
  ],

  [
    "Retry-After as an HTTP-date is honoured",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      // The date is read against the answer's own Date (the service's clock): 90 s after it.
      const date = new Date((T + 90) * 1000).toUTCString();
      await mock.fail("basic", { status: 503, retryAfter: date }, FOREVER);
      const { client, clock } = clocked(lib, mock);
      const first = await client.accessToken("NadeoLiveServices").catch((e) => e);
      equal(first.code, "HTTP");
      ok(first.retryAfter >= 85 && first.retryAfter <= 90, `retryAfter ${first.retryAfter}`);
      ok(Number.isInteger(first.retryAfter), `whole seconds: ${first.retryAfter}`);
      clock.now += 80;
      const blocked = await client.accessToken("NadeoLiveServices").catch((e) => e);
      ok(blocked.retryAfter >= 5 && blocked.retryAfter <= 10, `still backing off: ${blocked.retryAfter}`);
      equal((await mock.stats()).basic, 1);
      clock.now += 11;
      await client.accessToken("NadeoLiveServices").catch(() => {});
      equal((await mock.stats()).basic, 2, "an attempt once the date has passed");
    },
  ],

  [
    "100 concurrent calls while the service is down make one attempt",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      await mock.fail("basic", 500, FOREVER);
      const { client } = clocked(lib, mock);
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => client.accessToken("NadeoServices")));
      ok(results.every((r) => r.status === "rejected" && r.reason.code === "HTTP"));
      equal((await mock.stats()).basic, 1);
    },
  ],

  [
    "a still-valid token keeps being served while renewals back off",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const { client, clock } = clocked(lib, mock);
      const first = await client.accessToken("NadeoLiveServices");
      clock.now = T + 3300; // due, valid until T + 3590
      await mock.setNow(clock.now);
      await mock.fail("refresh", 500, FOREVER);
      const results = await hammer(client, clock, 280, 1);
      ok(
        results.every((r) => r.token === first),
        "the valid token is served all along",
      );
      const refreshes = (await mock.stats()).refresh;
      ok(refreshes >= 5 && refreshes <= 10, `${refreshes} refresh attempts in 280 s`);
      clock.now = T + 3600; // expired
      const e = await client.accessToken("NadeoLiveServices").catch((x) => x);
      ok(e instanceof lib.NadeoAuthError && e.code === "HTTP", "an expired token is not served");
    },
  ],

  [
    "an API answering 401 for good: 100 client.fetch calls make one renewal, two API calls at most each",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const { client } = clocked(lib, mock);
      await client.accessToken("NadeoLiveServices");
      await mock.fail("api", 401, FOREVER);
      for (let i = 0; i < 100; i++) {
        const e = await client.fetch(`${mock.liveUrl}/api/dedicated-only`).catch((x) => x);
        ok(e instanceof lib.NadeoAuthError && e.code === "UNAUTHORIZED" && e.status === 401, `call ${i}: ${e}`);
      }
      const stats = await mock.stats();
      equal(stats.refresh, 1, "one renewal for the refusal");
      equal(stats.api, 101, "two API calls for the first fetch, one for each later one");
      deepEqual(client.stats, { logins: 1, refreshes: 1, failures: 0, clockOffset: 0 });
    },
  ],

  [
    "the renewed token is renewed again once it is due by time",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const { client, clock } = clocked(lib, mock);
      await mock.fail("api", 401, 3);
      await client.fetch(`${mock.liveUrl}/api/x`).catch(() => {}); // 401, renewal, 401: final
      await client.fetch(`${mock.liveUrl}/api/x`).catch(() => {}); // 401: final, no renewal
      equal((await mock.stats()).refresh, 1);
      clock.now = T + 3400; // the renewed token is due
      await mock.setNow(clock.now);
      const res = await client.fetch(`${mock.liveUrl}/api/x`);
      equal(res.status, 200);
      equal((await mock.stats()).refresh, 2, "a renewal by time");
    },
  ],

  [
    "two clients on one store back off together: at most 25 attempts in 10 minutes",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      await mock.fail("basic", 500, FOREVER);
      const map = new Map();
      const store = { get: async (k) => map.get(k) ?? null, put: async (k, v) => void map.set(k, v) };
      const clock = { now: T };
      const make = () => new lib.NadeoClient(opts(mock, { store, now: () => clock.now * 1000 }));
      const [a, b] = [make(), make()];
      for (let i = 0; i < 1000; i++) {
        await (i % 2 ? a : b).accessToken("NadeoLiveServices").catch(() => {});
        clock.now += 0.6;
      }
      const attempts = (await mock.stats()).basic;
      ok(attempts >= 5 && attempts <= 25, `${attempts} attempts for two clients`);
      const [value] = map.values();
      const parsed = JSON.parse(value);
      equal(parsed.backoff.code, "HTTP");
      ok(parsed.backoff.failures >= 5, "the store counts the failures of both");
      ok(!value.includes(PASSWORD), "no secret in the store");
      // The service comes back: a third client on the store logs in once the backoff passes.
      await mock.heal();
      clock.now += 301;
      ok(await make().accessToken("NadeoLiveServices"));
      equal(JSON.parse([...map.values()][0]).backoff, undefined, "a success clears the shared backoff");
    },
  ],

  [
    "a store holding a garbage or absurd backoff never blocks",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const key = `nadeo-auth:v1:NadeoLiveServices:${LOGIN}`;
      for (const value of [
        `{"v":1,"backoff":{"failures":3,"notBeforeMs":${(T + 86_400 * 365) * 1000},"code":"HTTP","status":500}}`,
        '{"v":1,"backoff":"soon"}',
        '{"v":1,"backoff":{"failures":3,"notBeforeMs":-1,"code":"NOPE"}}',
      ]) {
        const store = { get: () => value, put: () => {} };
        const { client } = clocked(lib, mock, { store });
        ok(await client.accessToken("NadeoLiveServices"), value);
      }
      // A sane shared backoff is honoured: no attempt, the shared failure handed back.
      const shared = `{"v":1,"backoff":{"failures":2,"notBeforeMs":${(T + 60) * 1000},"code":"RATE_LIMITED","status":429,"body":"{\\"message\\":\\"Too many requests.\\"}"}}`;
      const before = (await mock.stats()).basic;
      const { client } = clocked(lib, mock, { store: { get: (k) => (k === key ? shared : null), put: () => {} } });
      const e = await client.accessToken("NadeoLiveServices").catch((x) => x);
      equal(e.code, "RATE_LIMITED");
      equal(e.status, 429);
      equal(e.retryAfter, 60);
      deepEqual(e.body, { message: "Too many requests." });
      equal((await mock.stats()).basic, before, "no attempt");
    },
  ],

  [
    "the client recovers by itself within 5 minutes of the service",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      await mock.fail("basic", "drop", FOREVER);
      const { client, clock } = clocked(lib, mock);
      await hammer(client, clock, 600, 1); // 10 minutes down: the backoff is at its cap
      await mock.heal();
      const back = clock.now;
      let token;
      while (!token && clock.now - back <= 400) {
        token = await client.accessToken("NadeoLiveServices").catch(() => undefined);
        clock.now += 1;
      }
      ok(token, "a token again");
      ok(clock.now - back <= 301, `recovered ${clock.now - back} s after the service`);
      equal(client.stats.failures, (await mock.stats()).basic - 1, "every attempt but the last failed");
    },
  ],

  [
    "an API's 429 is handed back as the Response",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const { client } = clocked(lib, mock);
      await mock.fail("api", { status: 429, retryAfter: "3" });
      const res = await client.fetch(`${mock.liveUrl}/api/busy`);
      equal(res.status, 429);
      equal(res.headers.get("retry-after"), "3");
      deepEqual(client.stats, { logins: 1, refreshes: 0, failures: 0, clockOffset: 0 });
    },
  ],

  [
    "requestsPerSecond queues API calls in order, and a queued call can abort",
    async (lib, mock) => {
      await mock.reset(); // the mock on the machine's clock, as this client is
      for (const bad of [0, -1, NaN, Infinity, "2"]) {
        let err;
        try {
          new lib.NadeoClient(opts(mock, { requestsPerSecond: bad }));
        } catch (e) {
          err = e;
        }
        ok(err instanceof lib.NadeoAuthError && err.code === "INVALID_ARGUMENT", `requestsPerSecond ${bad}`);
      }
      const client = new lib.NadeoClient(opts(mock, { requestsPerSecond: 20 }));
      await client.accessToken("NadeoLiveServices");
      const ac = new AbortController();
      const t0 = Date.now();
      const calls = [0, 1, 2, 3, 4].map((i) =>
        client.fetch(`${mock.liveUrl}/api/n?i=${i}`, i === 3 ? { signal: ac.signal } : undefined),
      );
      setTimeout(() => ac.abort(new Error("not needed")), 60); // call 3 waits in the queue (its turn is at 150 ms)
      const settled = await Promise.allSettled(calls);
      const elapsed = Date.now() - t0;
      equal(settled[3].status, "rejected");
      equal(settled[3].reason.code, "ABORTED");
      ok(settled.every((r, i) => i === 3 || r.value.status === 200));
      const order = (await mock.log()).filter((r) => r.route === "api").map((r) => r.path.slice(-1));
      deepEqual(order, ["0", "1", "2", "4"], "in order, the aborted one left out");
      ok(elapsed >= 140, `four calls at 20 a second take at least 150 ms (took ${elapsed})`);
    },
  ],
  [
    "with a broker, the pair comes from the broker, stays in memory, and a refused token is reported once",
    async (lib, mock) => {
      await mock.reset();
      await mock.setNow(T);
      const pairs = [await lib.loginBasic(opts(mock)), await lib.loginBasic(opts(mock))];
      const { namespace, asks } = fakeBroker((ask) => ({ ...pairs[ask.refused ? 1 : 0], after401: !!ask.refused }));
      const { client } = clocked(lib, mock, { broker: namespace });
      const tokens = await Promise.all(Array.from({ length: 20 }, () => client.accessToken("NadeoLiveServices")));
      ok(
        tokens.every((t) => t === pairs[0].accessToken),
        "the broker's token for all",
      );
      equal(asks.length, 1, "one ask for 20 concurrent calls");
      equal(asks[0].id, LOGIN, "one broker object per login");
      equal(asks[0].url, "https://nadeo-token-broker/token");
      deepEqual(Object.keys(asks[0].ask).sort(), ["audience", "coreUrl", "login", "password", "userAgent"]);
      equal(asks[0].ask.audience, "NadeoLiveServices");
      await client.accessToken("NadeoLiveServices");
      equal(asks.length, 1, "later calls are served from memory");
      // An API refuses the token: the broker is told which one, and its renewal is final on 401.
      await mock.fail("api", 401, FOREVER);
      const e = await client.fetch(`${mock.liveUrl}/api/x`).catch((x) => x);
      equal(e.code, "UNAUTHORIZED");
      equal(asks.length, 2);
      equal(asks[1].ask.refused, pairs[0].accessToken);
      await client.fetch(`${mock.liveUrl}/api/x`).catch(() => {});
      equal(asks.length, 2, "a 401 to the broker's renewed token is final: no new ask");
      deepEqual(client.stats, { logins: 0, refreshes: 0, failures: 0, clockOffset: 0 }, "no auth call of its own");
      equal((await mock.stats()).basic, 2, "the two logins of the test set-up only");
    },
  ],

  [
    "with a broker, the broker's backoff is this client's: no ask before its retryAfter",
    async (lib, mock) => {
      await mock.reset();
      const error = {
        code: "RATE_LIMITED",
        message: "backing off",
        status: 429,
        body: { message: "Too many requests." },
        retryAfter: 120,
      };
      const { namespace, asks } = fakeBroker(() => ({ error }));
      const { client, clock } = clocked(lib, mock, { broker: namespace });
      const results = await hammer(client, clock, 1000, 0.6);
      ok(asks.length >= 5 && asks.length <= 6, `${asks.length} asks in 10 minutes (one per 120 s)`);
      const first = results[0].error;
      equal(first.code, "RATE_LIMITED");
      equal(first.status, 429);
      deepEqual(first.body, { message: "Too many requests." });
      ok(results.every((r) => r.error?.code === "RATE_LIMITED"));
    },
  ],

  [
    "an unreachable broker is a clear NETWORK error and no storm, neither on it nor upstream",
    async (lib, mock) => {
      await mock.reset();
      const { namespace, asks } = fakeBroker(() => {
        throw new Error("Durable Object reset");
      });
      const { client, clock } = clocked(lib, mock, { broker: namespace });
      const results = await hammer(client, clock, 1000, 0.6);
      ok(asks.length >= 5 && asks.length <= 20, `${asks.length} asks in 10 minutes`);
      const e = results[0].error;
      equal(e.code, "NETWORK");
      ok(e.message.includes("broker"), e.message);
      equal((await mock.stats()).basic, 0, "the client never logs in on its own");
      let bad;
      try {
        new lib.NadeoClient(opts(mock, { broker: {} }));
      } catch (x) {
        bad = x;
      }
      equal(bad?.code, "INVALID_ARGUMENT", "a broker that is not a namespace");
    },
  ],
];
