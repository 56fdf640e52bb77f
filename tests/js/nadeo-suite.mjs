// Nadeo network behaviour against the mock service (tests/mock/nadeo.mjs), run in Node and in
// workerd. Each test gets the package and a client of the mock: (lib, mock).
import { deepEqual, equal, ok } from "./assert.mjs";

const UA = "nadeo-auth tests / @nadeo-auth / tests@example.com";
const LOGIN = "svc_login";
const PASSWORD = "pa:ss wörd 🏎";

async function rejects(lib, promise, code, message = "") {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  ok(err !== undefined, `${message || code}: expected a rejection`);
  ok(err instanceof lib.NadeoAuthError, `${message || code}: expected a NadeoAuthError, got ${err}`);
  equal(err.code, code, message || "code");
  return err;
}

/** Everything an error shows, for secret checks. */
const surface = (e) =>
  [e.message, String(e), e.stack ?? "", JSON.stringify(e), JSON.stringify(e.body ?? null), String(e.cause ?? "")].join(
    "\n",
  );

const opts = (mock, extra = {}) => ({
  login: LOGIN,
  password: PASSWORD,
  userAgent: UA,
  coreUrl: mock.coreUrl,
  ...extra,
});

/** Every property name reachable on `value` (own and inherited, Object.prototype's aside). */
function reachable(value) {
  const names = new Set();
  for (let o = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Reflect.ownKeys(o)) if (typeof k === "string") names.add(k);
  }
  return [...names];
}

export const tests = [
  [
    "a wrong option is INVALID_ARGUMENT naming the field and what it must be, never its value",
    async (lib, mock) => {
      await mock.reset();
      const cases = [
        [() => lib.loginBasic({ login: LOGIN, password: PASSWORD }), "options.userAgent must be a non-empty string"],
        [() => lib.loginBasic(opts(mock, { timeoutMs: "soon" })), "options.timeoutMs must be a finite number"],
        [() => lib.loginBasic(opts(mock, { password: 31415926 })), "options.password must be a non-empty string"],
        [() => lib.loginBasic(opts(mock, { audience: "NadeoFooServices" })), "options.audience must be"],
        [() => lib.loginBasic(opts(mock, { fetch: "globalThis.fetch" })), "options.fetch must be a function"],
        [() => lib.refreshTokens(opts(mock)), "options.refreshToken must be a non-empty string"],
        [
          () => lib.exchangeCode({ clientId: "id", clientSecret: 27182818, code: "c", redirectUri: "https://x/" }),
          "options.clientSecret must be a non-empty string",
        ],
        [() => lib.displayNames(["a"], { accessToken: "" }), "options.accessToken must be a non-empty string"],
        [
          async () => new lib.NadeoClient(opts(mock, { store: {} })),
          "options.store must be an object with get and put",
        ],
        [async () => new lib.NadeoClient(opts(mock, { now: 5 })), "options.now must be a function"],
        [async () => new lib.TrackmaniaApi({ clientId: "id" }), "options.clientSecret must be a non-empty string"],
        [
          () => new lib.NadeoClient(opts(mock)).accessToken("NadeoServices", { signal: 1 }),
          "options.signal must be an AbortSignal",
        ],
      ];
      for (const [call, message] of cases) {
        const e = await rejects(lib, (async () => call())(), "INVALID_ARGUMENT", message);
        ok(e.message.startsWith(message), `${e.message} (expected ${message})`);
        ok(!/31415926|27182818|globalThis\.fetch|soon/.test(e.message), `no value in the message: ${e.message}`);
      }
      equal((await mock.stats()).basic ?? 0, 0, "nothing sent");
    },
  ],
  [
    "no private __ property on the objects users hold: NadeoClient, TrackmaniaApi, NadeoTokenBroker",
    async (lib, mock) => {
      const client = new lib.NadeoClient(opts(mock));
      const api = new lib.TrackmaniaApi({ clientId: "id", clientSecret: "secret" });
      const held = [
        ["NadeoClient", client],
        ["TrackmaniaApi", api],
      ];
      if (lib.NadeoTokenBroker) held.push(["NadeoTokenBroker.prototype", lib.NadeoTokenBroker.prototype]);
      for (const [name, value] of held) {
        const names = reachable(value);
        deepEqual(
          names.filter((k) => k.startsWith("__")),
          [],
          `${name}: ${names.join(", ")}`,
        );
      }
      deepEqual(reachable(client).sort(), ["accessToken", "constructor", "fetch", "free", "startAutoRefresh", "stats"]);
      client.free();
    },
  ],
  [
    "loginBasic sends exactly the documented request",
    async (lib, mock) => {
      await mock.reset();
      const t = await lib.loginBasic(opts(mock));
      const p = lib.decodeToken(t.accessToken).payload;
      equal(p.aud, "NadeoLiveServices", "default audience");
      equal(p.aun, LOGIN);
      equal(p.exp - p.iat, 3600);
      equal(p.rat - p.iat, 1800);
      equal(lib.decodeToken(t.refreshToken).payload.refresh_aud, "NadeoLiveServices");
      deepEqual(Object.keys(t).sort(), ["accessToken", "refreshToken"]);
      const [req] = await mock.log();
      equal(req.method, "POST");
      equal(req.path, "/core/v2/authentication/token/basic");
      const utf8 = new TextEncoder().encode(`${LOGIN}:${PASSWORD}`);
      let bin = "";
      for (const b of utf8) bin += String.fromCharCode(b);
      equal(req.headers.authorization, `Basic ${btoa(bin)}`, "Basic over UTF-8 bytes");
      equal(req.headers["content-type"], "application/json");
      equal(req.headers["user-agent"], UA);
      equal(req.body, '{"audience":"NadeoLiveServices"}');
    },
  ],

  [
    "loginBasic audiences: NadeoServices, and NadeoClubServices sent as NadeoLiveServices",
    async (lib, mock) => {
      await mock.reset();
      const core = await lib.loginBasic(opts(mock, { audience: "NadeoServices" }));
      equal(lib.decodeToken(core.accessToken).payload.aud, "NadeoServices");
      const club = await lib.loginBasic(opts(mock, { audience: "NadeoClubServices" }));
      equal(lib.decodeToken(club.accessToken).payload.aud, "NadeoLiveServices");
      const log = await mock.log();
      equal(log[1].body, '{"audience":"NadeoLiveServices"}', "the deprecated audience is never sent");
      await rejects(lib, lib.loginBasic(opts(mock, { audience: "Nope" })), "INVALID_ARGUMENT");
    },
  ],

  [
    "options.fetch is called as a plain function with redirect manual",
    async (lib, mock) => {
      const calls = [];
      const spy = function (input, init) {
        calls.push({ self: this, input: String(input), init });
        return fetch(input, init);
      };
      await lib.loginBasic(opts(mock, { fetch: spy }));
      equal(calls.length, 1);
      equal(calls[0].self, undefined, "no this");
      equal(calls[0].init.redirect, "manual");
      equal(calls[0].init.method, "POST");
      ok(!("mode" in calls[0].init) && !("credentials" in calls[0].init), "mode and credentials left unset");
    },
  ],

  [
    "a fetch that ignores its signal still ends: TIMEOUT after timeoutMs, ABORTED when the caller aborts",
    async (lib, mock) => {
      let seen;
      const deaf = (_input, init) => {
        seen = init;
        return new Promise(() => {});
      };
      const t0 = Date.now();
      const e = await lib.loginBasic(opts(mock, { fetch: deaf, timeoutMs: 50 })).catch((x) => x);
      equal(e.code, "TIMEOUT");
      ok(Date.now() - t0 < 5_000, "ended by the timer, not by the fetch");
      ok(seen.signal && seen.signal.aborted, "the fetch's own signal was aborted when the time was up");
      ok(seen.headers instanceof Headers && seen.headers.get("user-agent") === UA, "headers as a Headers");
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user gave up")), 30);
      const a = await lib
        .refreshTokens(opts(mock, { fetch: deaf, refreshToken: "x.y.z", signal: controller.signal, timeoutMs: 60_000 }))
        .catch((x) => x);
      equal(a.code, "ABORTED");
      equal(a.cause?.message, "user gave up", "the signal's reason is the cause");
    },
  ],

  [
    "an answer whose body fails while it is read is NETWORK, with the stream's error as the cause",
    async (lib, mock) => {
      const broken = async () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('{"accessToken":'));
              c.error(new Error("connection reset"));
            },
          }),
          { status: 200 },
        );
      const e = await lib.loginBasic(opts(mock, { fetch: broken })).catch((x) => x);
      equal(e.code, "NETWORK");
      equal(e.cause?.message, "connection reset");
    },
  ],

  [
    "a missing userAgent or login is INVALID_ARGUMENT before any request",
    async (lib, mock) => {
      await mock.reset();
      await rejects(
        lib,
        lib.loginBasic({ login: LOGIN, password: PASSWORD, coreUrl: mock.coreUrl }),
        "INVALID_ARGUMENT",
      );
      await rejects(lib, lib.loginBasic(opts(mock, { userAgent: "  " })), "INVALID_ARGUMENT");
      await rejects(lib, lib.loginBasic(opts(mock, { login: "" })), "INVALID_ARGUMENT");
      await rejects(lib, lib.loginBasic(opts(mock, { password: 42 })), "INVALID_ARGUMENT");
      await rejects(lib, lib.loginBasic(opts(mock, { timeoutMs: -1 })), "INVALID_ARGUMENT");
      await rejects(lib, lib.loginBasic(opts(mock, { fetch: "nope" })), "INVALID_ARGUMENT");
      await rejects(lib, lib.loginBasic(opts(mock, { coreUrl: "ftp://x" })), "INVALID_ARGUMENT");
      await rejects(lib, lib.loginBasic(), "INVALID_ARGUMENT");
      await rejects(lib, lib.refreshTokens({ userAgent: UA, coreUrl: mock.coreUrl }), "INVALID_ARGUMENT");
      equal((await mock.stats()).basic, 0, "no request was sent");
    },
  ],

  [
    "wrong credentials: UNAUTHORIZED with the Core error body, and no secret anywhere",
    async (lib, mock) => {
      const e = await rejects(lib, lib.loginBasic(opts(mock, { password: "wrong-secret-pw" })), "UNAUTHORIZED");
      equal(e.status, 401);
      equal(e.body.message, "Invalid credentials.");
      equal(typeof e.body.correlation_id, "string");
      ok(!surface(e).includes("wrong-secret-pw"), "no password in the error");
      ok(!surface(e).includes(btoa(`${LOGIN}:wrong-secret-pw`)), "no Authorization value in the error");
      const u = await rejects(lib, lib.loginBasic(opts(mock, { login: "nobody" })), "UNAUTHORIZED");
      equal(u.body.message, "Username could not be found.");
    },
  ],

  [
    "failures map to their codes",
    async (lib, mock) => {
      await mock.reset();
      await mock.fail("basic", 429);
      const r = await rejects(lib, lib.loginBasic(opts(mock)), "RATE_LIMITED");
      equal(r.status, 429);
      equal(r.retryAfter, 7);
      await mock.fail("basic", 403);
      equal((await rejects(lib, lib.loginBasic(opts(mock)), "UNAUTHORIZED")).status, 403);
      await mock.fail("basic", 500);
      const h = await rejects(lib, lib.loginBasic(opts(mock)), "HTTP");
      equal(h.status, 500);
      equal(h.body, "status 500", "a text body stays text");
      ok(!("retryAfter" in h));
      await mock.fail("basic", "live-403");
      deepEqual((await rejects(lib, lib.loginBasic(opts(mock)), "UNAUTHORIZED")).body, [
        "clubMemberRole:error-notMember",
      ]);
      await mock.fail("basic", "garbage");
      await rejects(lib, lib.loginBasic(opts(mock)), "BAD_RESPONSE");
      await mock.fail("basic", "empty-200");
      await rejects(lib, lib.loginBasic(opts(mock)), "BAD_RESPONSE");
      await mock.fail("basic", 302);
      const redirect = await rejects(lib, lib.loginBasic(opts(mock)), "BAD_RESPONSE");
      equal(redirect.status, 302);
      // And the next call works.
      ok((await lib.loginBasic(opts(mock))).accessToken);
    },
  ],

  [
    "a hung answer is TIMEOUT, an aborted call ABORTED, a dead host NETWORK",
    async (lib, mock) => {
      await mock.fail("basic", "hang");
      const t0 = Date.now();
      await rejects(lib, lib.loginBasic(opts(mock, { timeoutMs: 300 })), "TIMEOUT");
      ok(Date.now() - t0 < 5000, "the timeout fired");
      await mock.release();
      const ac = new AbortController();
      await mock.fail("basic", "hang");
      const p = lib.loginBasic(opts(mock, { signal: ac.signal }));
      setTimeout(() => ac.abort(new Error("user gave up")), 50);
      const a = await rejects(lib, p, "ABORTED");
      equal(a.cause?.message, "user gave up");
      await mock.release();
      const pre = new AbortController();
      pre.abort();
      await rejects(lib, lib.loginBasic(opts(mock, { signal: pre.signal })), "ABORTED");
      const n = await rejects(lib, lib.loginBasic(opts(mock, { coreUrl: "http://127.0.0.1:9/core" })), "NETWORK");
      ok(n.cause !== undefined, "the fetch error is the cause");
      ok(!surface(n).includes(PASSWORD));
    },
  ],

  [
    "refreshTokens renews a pair once; the used refresh token is dead",
    async (lib, mock) => {
      const first = await lib.loginBasic(opts(mock));
      const second = await lib.refreshTokens({
        refreshToken: first.refreshToken,
        userAgent: UA,
        coreUrl: mock.coreUrl,
      });
      ok(second.accessToken !== first.accessToken && second.refreshToken !== first.refreshToken);
      equal(lib.decodeToken(second.accessToken).payload.aud, "NadeoLiveServices");
      const log = await mock.log();
      const last = log[log.length - 1];
      equal(last.headers.authorization, `nadeo_v1 t=${first.refreshToken}`);
      equal(last.body, "", "a refresh has no body");
      const e = await rejects(
        lib,
        lib.refreshTokens({ refreshToken: first.refreshToken, userAgent: UA, coreUrl: mock.coreUrl }),
        "UNAUTHORIZED",
      );
      ok(!surface(e).includes(first.refreshToken), "no token in the error");
    },
  ],

  [
    "loginUbiTicket exchanges a ticket",
    async (lib, mock) => {
      const t = await lib.loginUbiTicket({
        ticket: "UBI-TICKET",
        userAgent: UA,
        coreUrl: mock.coreUrl,
        audience: "NadeoServices",
      });
      equal(lib.decodeToken(t.accessToken).payload.aun, "ubi_player");
      equal(lib.decodeToken(t.accessToken).payload.aud, "NadeoServices");
      const log = await mock.log();
      equal(log[log.length - 1].headers.authorization, "ubi_v1 t=UBI-TICKET");
      await rejects(lib, lib.loginUbiTicket({ ticket: "bad", userAgent: UA, coreUrl: mock.coreUrl }), "UNAUTHORIZED");
    },
  ],

  [
    "NadeoClient: 100 concurrent accessToken calls make one login; two audiences two",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock));
      const tokens = await Promise.all(Array.from({ length: 100 }, () => client.accessToken("NadeoLiveServices")));
      ok(
        tokens.every((t) => t === tokens[0]),
        "one token for all",
      );
      equal(lib.decodeToken(tokens[0]).payload.aud, "NadeoLiveServices");
      const core = await Promise.all(Array.from({ length: 20 }, () => client.accessToken("NadeoServices")));
      equal(lib.decodeToken(core[0]).payload.aud, "NadeoServices");
      equal((await mock.stats()).basic, 2);
      deepEqual(client.stats, { logins: 2, refreshes: 0, failures: 0, clockOffset: 0 });
      equal(await client.accessToken("NadeoClubServices"), tokens[0], "the club alias is the live audience");
    },
  ],

  [
    "NadeoClient: past rat but not due is served from cache; once due, one refresh for 100 callers",
    async (lib, mock) => {
      await mock.reset();
      const T = 1_900_000_000;
      let now = T;
      await mock.setNow(T);
      const client = new lib.NadeoClient(opts(mock, { now: () => now * 1000 }));
      const first = await client.accessToken("NadeoLiveServices");
      now = T + 2000; // past rat (1800), not within 300 s of exp (3600)
      await mock.setNow(now);
      equal(await client.accessToken("NadeoLiveServices"), first);
      deepEqual(client.stats, { logins: 1, refreshes: 0, failures: 0, clockOffset: 0 });
      now = T + 3400; // due
      await mock.setNow(now);
      const renewed = await Promise.all(Array.from({ length: 100 }, () => client.accessToken("NadeoLiveServices")));
      ok(renewed.every((t) => t === renewed[0]) && renewed[0] !== first);
      deepEqual(client.stats, { logins: 1, refreshes: 1, failures: 0, clockOffset: 0 });
      equal((await mock.stats()).refresh, 1);
    },
  ],

  [
    "NadeoClient: a dead refresh token means one login; a refused refresh one login",
    async (lib, mock) => {
      await mock.reset();
      const T = 1_900_000_000;
      let now = T;
      await mock.setNow(T);
      const client = new lib.NadeoClient(opts(mock, { now: () => now * 1000 }));
      await client.accessToken("NadeoServices");
      now = T + 90_000; // the 24 h refresh token is dead
      await mock.setNow(now);
      await Promise.all(Array.from({ length: 10 }, () => client.accessToken("NadeoServices")));
      deepEqual(client.stats, { logins: 2, refreshes: 0, failures: 0, clockOffset: 0 });
      now += 3500; // due again; the refresh is refused
      await mock.setNow(now);
      await mock.fail("refresh", 401);
      const t = await client.accessToken("NadeoServices");
      equal(lib.decodeToken(t).payload.iat, now);
      deepEqual(
        client.stats,
        { logins: 3, refreshes: 1, failures: 1, clockOffset: 0 },
        "the refused refresh counts as a failed call",
      );
    },
  ],

  [
    "NadeoClient.fetch: a 401 once makes one renewal and one retry with the same body",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock, { liveUrl: mock.liveUrl }));
      const first = await client.accessToken("NadeoLiveServices");
      await mock.fail("api", 401);
      const res = await client.fetch(`${mock.liveUrl}/api/token/x?y=1`, {
        method: "POST",
        body: JSON.stringify({ hello: "wörld" }),
        headers: { "content-type": "application/json" },
      });
      equal(res.status, 200);
      const out = await res.json();
      equal(out.body, '{"hello":"wörld"}');
      const api = (await mock.log()).filter((r) => r.route === "api");
      equal(api.length, 2, "one retry");
      equal(api[0].body, api[1].body, "the body was sent again");
      equal(api[0].headers.authorization, `nadeo_v1 t=${first}`);
      ok(api[1].headers.authorization !== api[0].headers.authorization, "the retry carries the renewed token");
      equal(api[1].headers["user-agent"], UA);
      deepEqual(client.stats, { logins: 1, refreshes: 1, failures: 0, clockOffset: 0 });
    },
  ],

  [
    "NadeoClient: the cached token (a JS lookup) is dropped on a refusal, under either name of the Live audience",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock, { liveUrl: mock.liveUrl }));
      const first = await client.accessToken("NadeoClubServices");
      equal(await client.accessToken("NadeoLiveServices"), first, "one token for both names");
      equal(await client.accessToken("NadeoClubServices"), first, "served from the cache");
      equal((await mock.stats()).basic, 1);
      await mock.fail("api", 401);
      equal((await client.fetch(`${mock.liveUrl}/api/token/x`)).status, 200);
      const renewed = await client.accessToken("NadeoClubServices");
      ok(renewed !== first, "the refused token is not served again, whatever name asks");
      equal(await client.accessToken("NadeoLiveServices"), renewed);
      deepEqual(client.stats, { logins: 1, refreshes: 1, failures: 0, clockOffset: 0 });
    },
  ],

  [
    "NadeoClient.fetch: a Request with a body, a URL object, and a string all reach the API with the token",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock, { liveUrl: mock.liveUrl }));
      const token = await client.accessToken("NadeoLiveServices");
      const url = `${mock.liveUrl}/api/token/x?y=1`;
      await client.fetch(new Request(url, { method: "PUT", body: "a body", headers: { "x-mine": "1" } }));
      await client.fetch(new URL(url), { headers: { "user-agent": "my own agent" } });
      await client.fetch(url, { method: "delete" });
      const api = (await mock.log()).filter((r) => r.route === "api");
      equal(api.length, 3);
      for (const r of api) equal(r.headers.authorization, `nadeo_v1 t=${token}`);
      equal(api[0].body, "a body");
      equal(api[0].headers["x-mine"], "1");
      equal(api[1].headers["user-agent"], "my own agent", "a caller's User-Agent is kept");
      equal(api[2].headers["user-agent"], UA);
      equal(api[2].method, "DELETE");
    },
  ],

  [
    "NadeoClient.fetch with the default base URLs (routes kept per host): each host gets its audience's token, others none",
    async (lib) => {
      const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
      const now = Math.floor(Date.now() / 1000);
      const tok = (aud) => `${b64({ alg: "HS256" })}.${b64({ aud, iat: now, rat: now + 3600, exp: now + 7200 })}.c2ln`;
      const sent = [];
      const fake = async (url, init) => {
        if (String(url).endsWith("/v2/authentication/token/basic")) {
          const { audience } = JSON.parse(init.body);
          return new Response(JSON.stringify({ accessToken: tok(audience), refreshToken: tok(audience) }), {
            status: 200,
          });
        }
        sent.push({
          url: String(url),
          aud: lib.decodeToken(init.headers.get("authorization").slice("nadeo_v1 t=".length)).payload.aud,
        });
        return new Response("ok");
      };
      const client = new lib.NadeoClient({ login: LOGIN, password: PASSWORD, userAgent: UA, fetch: fake });
      for (const url of [
        "https://live-services.trackmania.nadeo.live/api/a",
        "https://live-services.trackmania.nadeo.live/api/b?x=1",
        "https://prod.trackmania.core.nadeo.online/accounts/displayNames",
        "https://meet.trackmania.nadeo.club/api/matches",
        "https://live-services.trackmania.nadeo.live/api/c",
      ]) {
        equal((await client.fetch(url)).status, 200);
      }
      deepEqual(
        sent.map((s) => s.aud),
        ["NadeoLiveServices", "NadeoLiveServices", "NadeoServices", "NadeoLiveServices", "NadeoLiveServices"],
      );
      await rejects(lib, client.fetch("https://example.com/api/a"), "INVALID_ARGUMENT");
      await rejects(
        lib,
        client.fetch("http://live-services.trackmania.nadeo.live/api/a"),
        "INVALID_ARGUMENT",
        "plain http is not the API",
      );
      // The Live host is known now: URL strings that start with it but name another host or
      // port go to the URL parser, never to its token.
      for (const url of [
        "https://live-services.trackmania.nadeo.live.evil.example/api/a",
        "https://live-services.trackmania.nadeo.live@evil.example/api/a",
        "https://live-services.trackmania.nadeo.live:8443/api/a",
      ]) {
        await rejects(lib, client.fetch(url), "INVALID_ARGUMENT", url);
      }
      equal(sent.length, 5, "nothing sent to the refused URLs");
      // What the parser reads as the Live host gets its token, written as it may be.
      for (const url of [
        "HTTPS://Live-Services.Trackmania.Nadeo.Live/api/d",
        "https://live-services.trackmania.nadeo.live",
        "https://live-services.trackmania.nadeo.live?q=1",
      ]) {
        equal((await client.fetch(url)).status, 200, url);
      }
      deepEqual(
        sent.slice(5).map((s) => s.aud),
        ["NadeoLiveServices", "NadeoLiveServices", "NadeoLiveServices"],
      );
      deepEqual(client.stats, { logins: 2, refreshes: 0, failures: 0, clockOffset: 0 });
    },
  ],

  [
    "NadeoClient.fetch: a 401 forever makes at most two API calls, then UNAUTHORIZED",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock, { liveUrl: mock.liveUrl, meetUrl: mock.meetUrl }));
      await mock.fail("api", 401, 50);
      const e = await rejects(lib, client.fetch(`${mock.meetUrl}/api/matches`), "UNAUTHORIZED");
      equal(e.status, 401);
      equal((await mock.stats()).api, 2);
      await mock.reset();
      const ok200 = await client.fetch(new URL(`${mock.coreUrl}/accounts/displayNames`));
      equal((await ok200.json()).aud, "NadeoServices", "the Core base URL picks the Core audience");
    },
  ],

  [
    "NadeoClient.fetch refuses URLs that are not Nadeo game APIs",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock));
      for (const u of [
        "https://prod.trackmania.core.nadeo.online.evil.example/x",
        "https://api.trackmania.com/api/user",
        `${mock.origin}/other`,
        "relative/url",
      ]) {
        await rejects(lib, client.fetch(u), "INVALID_ARGUMENT", u);
      }
      equal((await mock.stats()).basic, 0, "no login, no token sent");
    },
  ],

  [
    "NadeoClient: two clients on one store make one login; a bad store degrades to a login",
    async (lib, mock) => {
      await mock.reset();
      const map = new Map();
      const puts = [];
      const store = {
        get: async (k) => map.get(k) ?? null,
        put: async (k, v, o) => {
          puts.push({ k, v, o });
          map.set(k, v);
        },
      };
      const a = new lib.NadeoClient(opts(mock, { store }));
      const b = new lib.NadeoClient(opts(mock, { store }));
      const ta = await a.accessToken("NadeoLiveServices");
      const tb = await b.accessToken("NadeoLiveServices");
      equal(ta, tb);
      equal((await mock.stats()).basic, 1, "one login for two clients");
      ok(puts[0].k.includes(LOGIN) && puts[0].k.includes("NadeoLiveServices"), "the key names login and audience");
      ok(puts[0].o.expirationTtl >= 60, "a TTL");
      for (const { k, v } of puts) ok(!k.includes(PASSWORD) && !v.includes(PASSWORD), "no password in the store");
      const garbage = { get: () => "{not json", put: () => {} };
      const throwing = {
        get: () => {
          throw new Error("KV down");
        },
        put: async () => {
          throw new Error("KV down");
        },
      };
      ok(await new lib.NadeoClient(opts(mock, { store: garbage })).accessToken("NadeoServices"));
      ok(await new lib.NadeoClient(opts(mock, { store: throwing })).accessToken("NadeoServices"));
      await rejects(
        lib,
        Promise.resolve().then(() => new lib.NadeoClient(opts(mock, { store: {} }))),
        "INVALID_ARGUMENT",
      );
    },
  ],

  [
    "NadeoClient: failures reach every waiter once, and no secret leaks",
    async (lib, mock) => {
      await mock.reset();
      const client = new lib.NadeoClient(opts(mock, { password: "wrong-secret-pw" }));
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.accessToken("NadeoServices")));
      ok(results.every((r) => r.status === "rejected" && r.reason.code === "UNAUTHORIZED"));
      equal((await mock.stats()).basic, 1, "one login attempt for 20 callers");
      for (const text of [JSON.stringify(client), String(client), surface(results[0].reason)]) {
        ok(!text.includes("wrong-secret-pw"), "no password");
      }
      await rejects(
        lib,
        Promise.resolve().then(() => new lib.NadeoClient({ login: LOGIN, password: PASSWORD })),
        "INVALID_ARGUMENT",
      );
    },
  ],

  [
    "NadeoClient: failures of the auth service keep their codes",
    async (lib, mock) => {
      await mock.reset();
      let now = 1_900_000_000;
      await mock.setNow(now);
      const client = new lib.NadeoClient(opts(mock, { timeoutMs: 300, now: () => now * 1000 }));
      const cases = [
        [500, "HTTP"],
        [429, "RATE_LIMITED"],
        [403, "UNAUTHORIZED"],
        ["garbage", "BAD_RESPONSE"],
        [302, "BAD_RESPONSE"],
        ["hang", "TIMEOUT"],
        ["drop", "NETWORK"],
      ];
      for (const [mode, code] of cases) {
        await mock.fail("basic", mode);
        const e = await rejects(lib, client.accessToken("NadeoLiveServices"), code, String(mode));
        if (mode === 429) equal(e.retryAfter, 7);
        await mock.release();
        now += 301; // past any backoff of the policy
        await mock.setNow(now);
      }
      const down = new lib.NadeoClient(opts(mock, { coreUrl: "http://127.0.0.1:9/core" }));
      await rejects(lib, down.accessToken("NadeoServices"), "NETWORK");
      ok(await client.accessToken("NadeoLiveServices"), "then it recovers");
      deepEqual(client.stats, { logins: 8, refreshes: 0, failures: 7, clockOffset: 0 });
    },
  ],

  [
    "NadeoClient: a refresh that fails in passing keeps serving the valid token",
    async (lib, mock) => {
      await mock.reset();
      const T = 1_900_000_000;
      let now = T;
      await mock.setNow(T);
      const client = new lib.NadeoClient(opts(mock, { now: () => now * 1000 }));
      const first = await client.accessToken("NadeoLiveServices");
      now = T + 3400;
      await mock.setNow(now);
      await mock.fail("refresh", 500);
      equal(await client.accessToken("NadeoLiveServices"), first, "still valid: served");
      deepEqual(client.stats, { logins: 1, refreshes: 1, failures: 1, clockOffset: 0 });
      now = T + 3700; // expired now (and long past the backoff): the next call renews
      await mock.setNow(now);
      ok((await client.accessToken("NadeoLiveServices")) !== first);
      deepEqual(client.stats, { logins: 1, refreshes: 2, failures: 1, clockOffset: 0 });
    },
  ],

  [
    "NadeoClient: a waiting caller can abort; the others still get the token",
    async (lib, mock) => {
      await mock.reset();
      let now = 1_900_000_000;
      await mock.setNow(now);
      const client = new lib.NadeoClient(opts(mock, { now: () => now * 1000 }));
      await mock.fail("basic", "hang");
      const owner = client.accessToken("NadeoServices").catch((e) => e);
      const ac = new AbortController();
      const waiter = client.accessToken("NadeoServices", { signal: ac.signal });
      setTimeout(() => ac.abort(new Error("enough")), 30);
      const e = await rejects(lib, waiter, "ABORTED");
      equal(e.cause?.message, "enough");
      await mock.release(); // the hung login fails (NETWORK); the owner reports it
      const o = await owner;
      ok(o instanceof lib.NadeoAuthError, "the owner of the hung call gets its error");
      now += 2; // past the first backoff
      ok(await client.accessToken("NadeoServices"), "and the next call logs in");
    },
  ],

  [
    "NadeoClient.startAutoRefresh renews due tokens in the background and stops",
    async (lib, mock) => {
      await mock.reset();
      const T = 1_900_000_000;
      let now = T;
      await mock.setNow(T);
      const client = new lib.NadeoClient(opts(mock, { now: () => now * 1000 }));
      await client.accessToken("NadeoLiveServices");
      now = T + 3500; // due (and within any jitter)
      await mock.setNow(now);
      const stop = client.startAutoRefresh();
      for (let i = 0; i < 100 && client.stats.refreshes === 0; i++) await new Promise((r) => setTimeout(r, 20));
      equal(client.stats.refreshes, 1, "renewed without being asked");
      stop();
      deepEqual(client.stats, { logins: 1, refreshes: 1, failures: 0, clockOffset: 0 });
    },
  ],

  [
    "NadeoClient holds no secret where JS can see it",
    async (lib, mock) => {
      const client = new lib.NadeoClient(opts(mock, { password: "hidden-pw-123" }));
      await client.accessToken("NadeoLiveServices").catch(() => {});
      const shown = [
        JSON.stringify(client),
        String(client),
        Object.keys(client).join(","),
        JSON.stringify(client.stats),
      ];
      for (const text of shown)
        ok(!text.includes("hidden-pw-123") && !text.includes(LOGIN), `nothing secret in ${text.slice(0, 60)}`);
    },
  ],
  [
    "a 10 MB answer to a login is BAD_RESPONSE, the rest unread, and the client recovers",
    async (lib, mock) => {
      await mock.reset();
      await mock.fail("basic", "huge");
      const e = await lib.loginBasic(opts(mock)).catch((x) => x);
      equal(e.code, "BAD_RESPONSE");
      ok(e.message.includes("1 MiB"), e.message);
      // An answer that never ends past the cap: refused at once, not after the timeout.
      await mock.fail("basic", "huge-endless");
      const t0 = Date.now();
      equal((await lib.loginBasic(opts(mock, { timeoutMs: 20_000 })).catch((x) => x)).code, "BAD_RESPONSE");
      ok(Date.now() - t0 < 10_000, "refused without reading to the end");
      await mock.release();
      let now = 1_900_000_000;
      await mock.setNow(now);
      const client = new lib.NadeoClient(opts(mock, { now: () => now * 1000 }));
      await mock.fail("basic", "huge");
      equal((await client.accessToken("NadeoServices").catch((x) => x)).code, "BAD_RESPONSE");
      now += 2; // past the first backoff
      ok(await client.accessToken("NadeoServices"), "the next attempt logs in");
    },
  ],
];
