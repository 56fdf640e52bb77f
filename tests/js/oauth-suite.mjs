// Trackmania OAuth on the server side against the mock api.trackmania.com
// (tests/mock/oauth.mjs), run in Node and in workerd: (lib, tm).
import { deepEqual, equal, ok } from "./assert.mjs";

import { OPENPLANET_SECRET, OPENPLANET_TOKEN_TIME, OPENPLANET_TOKENS } from "./mock/openplanet-data.mjs";

export const REDIRECT = "https://app.example/callback?from=suite";

async function rejects(lib, promise, code, what = code) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  ok(err instanceof lib.NadeoAuthError, `${what}: expected a NadeoAuthError, got ${err}`);
  equal(err.code, code, what);
  return err;
}

const surface = (e) =>
  [e.message, String(e), e.stack ?? "", JSON.stringify(e), JSON.stringify(e.body ?? null), String(e.cause ?? "")].join(
    "\n",
  );

/** A fresh authorization code, as the authorize page hands out after "Authorize" (with the
 *  PKCE challenge of `pkce`, an authorizationUrl's URL, when given). */
export async function code(tm, scope = "clubs read_favorite", pkce = undefined) {
  const form = new URLSearchParams({
    client_id: tm.clientId,
    redirect_uri: REDIRECT,
    scope,
    state: "s",
    decision: "allow",
  });
  if (pkce) {
    const q = new URL(pkce).searchParams;
    form.set("code_challenge", q.get("code_challenge"));
    form.set("code_challenge_method", q.get("code_challenge_method"));
  }
  const res = await fetch(`${tm.origin}/oauth/authorize/decide`, {
    method: "POST",
    body: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  return new URL(res.headers.get("location")).searchParams.get("code");
}

/** A TokenStore in memory (what a KV namespace does, strongly consistent). */
function memoryStore() {
  const map = new Map();
  return { map, get: (k) => map.get(k) ?? null, put: (k, v) => void map.set(k, v) };
}

export const base = (tm, extra = {}) => ({
  clientId: tm.clientId,
  clientSecret: tm.clientSecret,
  apiUrl: tm.origin,
  ...extra,
});

export const tests = [
  [
    "exchangeCode sends the documented form and checks the answer",
    async (lib, tm) => {
      await tm.reset();
      const c = await code(tm);
      const before = Math.floor(Date.now() / 1000);
      const t = await lib.exchangeCode(base(tm, { code: c, redirectUri: REDIRECT }));
      equal(t.tokenType, "bearer", "returned lowercase");
      equal(typeof t.accessToken, "string");
      equal(typeof t.refreshToken, "string");
      equal(t.expiresIn, 3600);
      ok(t.expiresAt >= before + 3600 && t.expiresAt <= before + 3602, "expiresAt computed on receipt");
      deepEqual(lib.decodeToken(t.accessToken).payload.scopes, ["clubs", "read_favorite"]);
      const [req] = (await tm.log()).filter((r) => r.path === "/api/access_token");
      equal(req.method, "POST");
      equal(req.headers["content-type"], "application/x-www-form-urlencoded");
      deepEqual(Object.fromEntries(new URLSearchParams(req.body)), {
        grant_type: "authorization_code",
        client_id: tm.clientId,
        client_secret: tm.clientSecret,
        code: c,
        redirect_uri: REDIRECT,
      });
      ok(!("authorization" in req.headers), "client authentication is in the body");
    },
  ],

  [
    "a code works once; a wrong redirect URI or secret is refused",
    async (lib, tm) => {
      const c = await code(tm);
      await lib.exchangeCode(base(tm, { code: c, redirectUri: REDIRECT }));
      const again = await rejects(
        lib,
        lib.exchangeCode(base(tm, { code: c, redirectUri: REDIRECT })),
        "HTTP",
        "a used code",
      );
      equal(again.status, 400);
      equal(again.body.error, "invalid_grant");
      const c2 = await code(tm);
      equal(
        (await rejects(lib, lib.exchangeCode(base(tm, { code: c2, redirectUri: "https://app.example/other" })), "HTTP"))
          .body.error,
        "invalid_grant",
      );
      const e = await rejects(
        lib,
        lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT, clientSecret: "wrong-secret-xyz" })),
        "UNAUTHORIZED",
      );
      equal(e.status, 401);
      equal(e.body.error, "invalid_client");
      ok(!surface(e).includes("wrong-secret-xyz"), "no secret in the error");
    },
  ],

  [
    "refreshOAuthTokens renews once and keeps the refresh token when the answer has none",
    async (lib, tm) => {
      const first = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      const second = await lib.refreshOAuthTokens(base(tm, { refreshToken: first.refreshToken }));
      ok(second.accessToken !== first.accessToken && second.refreshToken !== first.refreshToken);
      await rejects(
        lib,
        lib.refreshOAuthTokens(base(tm, { refreshToken: first.refreshToken })),
        "HTTP",
        "a used refresh token",
      );
      const noRefresh = () =>
        Promise.resolve(
          new Response(JSON.stringify({ token_type: "BEARER", expires_in: "60", access_token: "a.b.c" }), {
            status: 200,
          }),
        );
      const kept = await lib.refreshOAuthTokens(base(tm, { refreshToken: "keep-me", fetch: noRefresh }));
      equal(kept.refreshToken, "keep-me");
      equal(kept.expiresIn, 60, "a numeric string");
      equal(kept.tokenType, "bearer");
    },
  ],

  [
    "clientCredentials gets a token without a refresh token",
    async (lib, tm) => {
      await tm.control("string-expires-in", { on: true });
      const t = await lib.clientCredentials(base(tm));
      await tm.control("string-expires-in", { on: false });
      ok(!("refreshToken" in t));
      equal(t.expiresIn, 3600, "expires_in sent as a string");
      await rejects(lib, lib.clientCredentials({ clientId: tm.clientId, apiUrl: tm.origin }), "INVALID_ARGUMENT");
      await rejects(lib, lib.clientCredentials(base(tm, { apiUrl: "not a url" })), "INVALID_ARGUMENT");
    },
  ],

  [
    "token endpoint failures map to their codes",
    async (lib, tm) => {
      await tm.reset();
      const cases = [
        [429, "RATE_LIMITED"],
        [500, "HTTP"],
        [503, "HTTP"],
        ["garbage", "BAD_RESPONSE"],
        ["mac", "BAD_RESPONSE"],
        [302, "BAD_RESPONSE"],
        [403, "UNAUTHORIZED"],
      ];
      for (const [mode, want] of cases) {
        await tm.control("fail", { route: "token", mode });
        const e = await rejects(lib, lib.clientCredentials(base(tm)), want, String(mode));
        if (mode === 429) equal(e.retryAfter, 9);
      }
      await tm.control("fail", { route: "token", mode: "hang" });
      await rejects(lib, lib.clientCredentials(base(tm, { timeoutMs: 200 })), "TIMEOUT");
      await tm.control("release");
      const ac = new AbortController();
      ac.abort();
      await rejects(lib, lib.clientCredentials(base(tm, { signal: ac.signal })), "ABORTED");
      await rejects(lib, lib.clientCredentials(base(tm, { apiUrl: "http://127.0.0.1:9" })), "NETWORK");
    },
  ],

  [
    "displayNames deduplicates and batches 50 a request, in order",
    async (lib, tm) => {
      const app = await lib.clientCredentials(base(tm));
      await tm.reset();
      const known = [
        "5b4d42f4-c2de-407d-b367-cbff3fe817bc",
        "a59df3e8-6bff-48a2-98b6-801abf2a298e",
        "e3ff2b04-3f3c-4c36-9ed8-a3c1e4c4a5b2",
      ];
      const ids = [
        ...known,
        ...Array.from({ length: 117 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`),
        known[0],
      ];
      const names = await lib.displayNames(ids, { accessToken: app.accessToken, apiUrl: tm.origin });
      deepEqual(names, { [known[0]]: "tooInfinite", [known[1]]: "Hylis", [known[2]]: "Élodie ✨" });
      const calls = (await tm.log()).filter((r) => r.path.startsWith("/api/display-names?"));
      equal(calls.length, 3, "120 unique IDs: 50 + 50 + 20");
      deepEqual(
        calls.map((c) => new URL(c.path, "http://x").searchParams.getAll("accountId[]").length),
        [50, 50, 20],
      );
      equal(new URL(calls[0].path, "http://x").searchParams.getAll("accountId[]")[0], known[0], "in order");
      equal(calls[0].headers.authorization, `Bearer ${app.accessToken}`);
      deepEqual(
        await lib.displayNames([], { accessToken: app.accessToken, apiUrl: tm.origin }),
        {},
        "nothing to look up",
      );
      equal((await tm.stats()).names, 3, "and no request for it");
      const ids2 = await lib.accountIds(["Hylis", "Élodie ✨", "nobody"], {
        accessToken: app.accessToken,
        apiUrl: tm.origin,
      });
      deepEqual(ids2, { Hylis: known[1], "Élodie ✨": known[2] });
      await rejects(
        lib,
        lib.displayNames("not an array", { accessToken: app.accessToken, apiUrl: tm.origin }),
        "INVALID_ARGUMENT",
      );
      await rejects(lib, lib.displayNames(ids, { accessToken: "bad token", apiUrl: tm.origin }), "INVALID_ARGUMENT");
      await rejects(lib, lib.displayNames(ids, { accessToken: "not.a.token", apiUrl: tm.origin }), "UNAUTHORIZED");
      await tm.control("fail", { route: "names", mode: "garbage" });
      await rejects(lib, lib.displayNames(known, { accessToken: app.accessToken, apiUrl: tm.origin }), "BAD_RESPONSE");
    },
  ],

  [
    "currentUser needs a user's token",
    async (lib, tm) => {
      const user = await lib.exchangeCode(base(tm, { code: await code(tm, ""), redirectUri: REDIRECT }));
      deepEqual(await lib.currentUser({ accessToken: user.accessToken, apiUrl: tm.origin }), {
        accountId: tm.user.accountId,
        displayName: tm.user.displayName,
      });
      const app = await lib.clientCredentials(base(tm));
      const e = await rejects(
        lib,
        lib.currentUser({ accessToken: app.accessToken, apiUrl: tm.origin }),
        "UNAUTHORIZED",
      );
      equal(e.status, 401);
    },
  ],

  [
    "exchangeCode sends the PKCE verifier; the mock verifies it as league does",
    async (lib, tm) => {
      await tm.reset();
      const a = lib.authorizationUrl({ clientId: tm.clientId, redirectUri: REDIRECT, apiUrl: tm.origin, pkce: true });
      const t = await lib.exchangeCode(
        base(tm, { code: await code(tm, "clubs", a.url), redirectUri: REDIRECT, codeVerifier: a.codeVerifier }),
      );
      equal(t.tokenType, "bearer");
      const [req] = (await tm.log()).filter((r) => r.path === "/api/access_token");
      equal(new URLSearchParams(req.body).get("code_verifier"), a.codeVerifier, "sent as code_verifier");
      const other = lib.authorizationUrl({ clientId: tm.clientId, redirectUri: REDIRECT, pkce: true });
      const wrong = await rejects(
        lib,
        lib.exchangeCode(
          base(tm, { code: await code(tm, "clubs", a.url), redirectUri: REDIRECT, codeVerifier: other.codeVerifier }),
        ),
        "HTTP",
        "a wrong verifier",
      );
      equal(wrong.status, 400);
      equal(wrong.body.error, "invalid_grant");
      equal(wrong.body.hint, "Failed to verify `code_verifier`.");
      const missing = await rejects(
        lib,
        lib.exchangeCode(base(tm, { code: await code(tm, "clubs", a.url), redirectUri: REDIRECT })),
        "HTTP",
        "no verifier for a challenge",
      );
      equal(missing.body.error, "invalid_request");
      const unasked = await rejects(
        lib,
        lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT, codeVerifier: a.codeVerifier })),
        "HTTP",
        "a verifier without a challenge",
      );
      equal(unasked.body.error, "invalid_request");
      equal((await tm.stats()).pkceRefused, 3);
      for (const e of [wrong, missing, unasked])
        ok(!surface(e).includes(a.codeVerifier) && !surface(e).includes(tm.clientSecret), "no secret");
      await rejects(
        lib,
        lib.exchangeCode(base(tm, { code: "c", redirectUri: REDIRECT, codeVerifier: "" })),
        "INVALID_ARGUMENT",
      );
    },
  ],

  [
    "TrackmaniaUserClient: 50 concurrent fetch() with an expired token make 1 refresh; the rotated pair reaches the store and onTokens before any request uses it",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      const store = memoryStore();
      const given = [];
      const sent = [];
      const player = new lib.TrackmaniaUserClient(
        base(tm, {
          tokens,
          store,
          key: "player:1",
          now: () => (tokens.expiresAt + 5) * 1000,
          onTokens: async (t) => {
            given.push(t);
          },
          fetch: (input, init) => {
            const url = String(input);
            if (!url.endsWith("/api/access_token")) {
              const auth = new Headers(init?.headers).get("authorization");
              sent.push({ auth, afterOnTokens: given.length, stored: store.map.get("player:1") ?? "" });
            }
            return fetch(input, init);
          },
        }),
      );
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => player.fetch(`${tm.origin}/api/user/clubs/admin`)),
      );
      ok(
        answers.every((r) => r.status === 200),
        "every call answered",
      );
      const stats = await tm.stats();
      equal(stats.refreshed, 1, "one refresh for 50 calls");
      equal(stats.spent, 0, "no spent refresh token sent");
      deepEqual(player.stats, { refreshes: 1, failures: 0 });
      equal(given.length, 1, "onTokens had the new pair once");
      const fresh = given[0];
      ok(fresh.accessToken !== tokens.accessToken && fresh.refreshToken !== tokens.refreshToken, "a rotated pair");
      ok(fresh.refreshToken.startsWith("def50200"), "league's opaque refresh token");
      equal(sent.length, 50);
      for (const r of sent) {
        equal(r.auth, `Bearer ${fresh.accessToken}`, "every call used the new token");
        equal(r.afterOnTokens, 1, "after onTokens had it");
        ok(r.stored.includes(fresh.refreshToken), "after the store had it");
      }
      const record = JSON.parse(store.map.get("player:1"));
      equal(record.refreshToken, fresh.refreshToken);
      ok(!store.map.get("player:1").includes(tm.clientSecret), "the store holds no client secret");
      deepEqual(player.tokens.accessToken, fresh.accessToken, "tokens: the pair in use");
    },
  ],

  [
    "TrackmaniaUserClient: two clients sharing a store make one refresh between them, and a spent refresh token adopts the store's pair",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      const store = memoryStore();
      // The clients' clock and the service's: past the pair's expiry.
      await tm.setNow(tokens.expiresAt + 5);
      const due = () => (tokens.expiresAt + 5) * 1000;
      const make = (extra = {}) =>
        new lib.TrackmaniaUserClient(base(tm, { tokens, store, key: "p", now: due, ...extra }));
      const a = make();
      const b = make();
      const ta = await a.accessToken();
      const tb = await b.accessToken();
      equal(ta, tb, "B adopted A's pair from the store");
      equal((await tm.stats()).refreshed, 1, "one refresh between them");
      // A client that still holds the spent pair and sees the store only after its refresh
      // failed: invalid_grant, then the store's pair, never REFRESH_EXPIRED.
      // (Its first two reads, at its first call and before its refresh, see a stale store,
      // as KV may show an isolate far away; what it writes meanwhile does not arrive.)
      let stale = 2;
      const late = new lib.TrackmaniaUserClient(
        base(tm, {
          tokens,
          key: "p",
          now: due,
          store: {
            get: (k) => (stale > 0 ? (stale--, null) : store.get(k)),
            put: (k, v) => (stale > 0 ? undefined : store.put(k, v)),
          },
        }),
      );
      equal(await late.accessToken(), ta, "the spent token's client adopted the live pair");
      equal((await tm.stats()).spent, 1, "its spent refresh token was refused once");
      // Concurrent clients on one store: no REFRESH_EXPIRED either way, and one live pair.
      await tm.reset();
      const t2 = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      await tm.setNow(t2.expiresAt - 200); // both due (within the 300 s margin), not expired
      const s2 = memoryStore();
      const both = Array.from(
        { length: 2 },
        () =>
          new lib.TrackmaniaUserClient(
            base(tm, { tokens: t2, store: s2, key: "q", now: () => (t2.expiresAt - 200) * 1000 }),
          ),
      );
      // The mock answers the loser's invalid_grant before the winner's pair (as a real server
      // may): the loser serves its still-valid token meanwhile, or fails for a few seconds.
      await tm.control("refresh-delay", { ms: 50 });
      const first = await Promise.allSettled(both.map((c) => c.accessToken()));
      for (const r of first) {
        if (r.status === "rejected") {
          equal(r.reason.code, "HTTP", "a lost rotation is transient");
          ok(r.reason.retryAfter > 0, "with retryAfter");
        }
      }
      await tm.control("refresh-delay", { ms: 0 });
      const [x, y] = await Promise.all(both.map((c) => c.accessToken()));
      equal(x, y, "both end with the one live pair");
      ok((await tm.stats()).refreshed === 1, "one rotation");
      await tm.setNow(null);
    },
  ],

  [
    "TrackmaniaUserClient: a failing store write or onTokens loses no pair: it is kept and written again on the next call",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      const map = new Map();
      let failPuts = 0;
      let failHandOvers = 1;
      const handed = [];
      const player = new lib.TrackmaniaUserClient(
        base(tm, {
          tokens,
          key: "w",
          now: () => (tokens.expiresAt + 5) * 1000,
          store: {
            get: (k) => map.get(k) ?? null,
            put: (k, v) => {
              if (failPuts > 0) {
                failPuts--;
                throw new Error("KV is down");
              }
              map.set(k, v);
            },
          },
          onTokens: (t) => {
            handed.push(t.accessToken);
            if (failHandOvers > 0) {
              failHandOvers--;
              throw new Error("the app's database is down");
            }
          },
        }),
      );
      // The first call seeds the store with the given pair, finds it due and renews it: both
      // writes fail, and so does onTokens.
      failPuts = 2;
      const renewed = await player.accessToken();
      ok(renewed !== tokens.accessToken, "renewed and served");
      ok(!map.has("w"), "the store missed it");
      equal(await player.accessToken(), renewed, "the same pair, no second refresh");
      ok(map.get("w").includes(renewed), "written on the next call");
      deepEqual(handed, [renewed, renewed], "handed to onTokens again after it failed");
      equal((await tm.stats()).refreshed, 1);
    },
  ],

  [
    "TrackmaniaUserClient: a dead refresh token with nothing newer is REFRESH_EXPIRED, once",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      await lib.refreshOAuthTokens(base(tm, { refreshToken: tokens.refreshToken })); // spent elsewhere
      const player = new lib.TrackmaniaUserClient(base(tm, { tokens, now: () => (tokens.expiresAt + 5) * 1000 }));
      const e = await rejects(lib, player.accessToken(), "REFRESH_EXPIRED");
      ok(!surface(e).includes(tokens.refreshToken) && !surface(e).includes(tm.clientSecret), "no secret");
      await rejects(lib, player.accessToken(), "REFRESH_EXPIRED");
      equal((await tm.stats()).spent, 1, "no second grant with a dead refresh token");
      await rejects(
        lib,
        Promise.resolve().then(() => new lib.TrackmaniaUserClient(base(tm))),
        "INVALID_ARGUMENT",
      );
      await rejects(
        lib,
        Promise.resolve().then(() => new lib.TrackmaniaUserClient(base(tm, { store: memoryStore() }))),
        "INVALID_ARGUMENT",
        "a store needs a key",
      );
    },
  ],

  [
    "TrackmaniaUserClient: the auth endpoint down for 10 simulated minutes makes at most 20 refresh attempts; an API 401 for good is one renewal per token",
    async (lib, tm) => {
      await tm.reset();
      const tokens = await lib.exchangeCode(base(tm, { code: await code(tm), redirectUri: REDIRECT }));
      let now = (tokens.expiresAt + 5) * 1000;
      const player = new lib.TrackmaniaUserClient(base(tm, { tokens, now: () => now }));
      await tm.control("fail", { route: "token", mode: 500, times: 1_000_000 });
      const before = (await tm.stats()).token;
      let failed = 0;
      for (let s = 0; s < 600; s++, now += 1000) {
        await player.accessToken().catch((e) => {
          failed++;
          if (!(e instanceof lib.NadeoAuthError)) throw e;
        });
      }
      const attempts = (await tm.stats()).token - before;
      ok(attempts >= 2 && attempts <= 20, `${attempts} attempts in 10 minutes`);
      equal(failed, 600);
      await tm.control("heal");
      now += 301_000;
      const renewed = await player.accessToken();
      ok(renewed !== tokens.accessToken, "recovers once the service does");
      // An API refusing for good: one renewal for the token it refused, then final.
      await tm.control("fail", { route: "clubs", mode: 401, times: 100 });
      const refreshes = player.stats.refreshes;
      await rejects(lib, player.fetch(`${tm.origin}/api/user/clubs/admin`), "UNAUTHORIZED");
      equal(player.stats.refreshes, refreshes + 1, "one renewal for the refused token");
      await rejects(lib, player.fetch(`${tm.origin}/api/user/clubs/admin`), "UNAUTHORIZED");
      await rejects(lib, player.fetch(`${tm.origin}/api/user/clubs/admin`), "UNAUTHORIZED");
      equal(player.stats.refreshes, refreshes + 1, "no renewal again, never a loop");
      await tm.control("heal");
      const logged = (await tm.log()).length;
      await rejects(lib, player.fetch("https://example.com/api/user"), "INVALID_ARGUMENT");
      equal((await tm.log()).length, logged, "nothing sent elsewhere");
    },
  ],

  [
    "TrackmaniaApi.fetch sends the app's Bearer token to api.trackmania.com endpoints, and nowhere else",
    async (lib, tm) => {
      await tm.reset();
      const api = new lib.TrackmaniaApi(base(tm));
      const id = "a59df3e8-6bff-48a2-98b6-801abf2a298e";
      const res = await api.fetch(`${tm.origin}/api/display-names?accountId[]=${id}`, {
        headers: { accept: "application/json" },
      });
      equal(res.status, 200);
      deepEqual(await res.json(), { [id]: "Hylis" });
      const url = new URL(`${tm.origin}/api/display-names/account-ids`);
      url.searchParams.append("displayName[]", "Hylis");
      deepEqual(await (await api.fetch(new Request(url))).json(), { Hylis: id }, "a Request and a URL work too");
      const [call] = (await tm.log()).filter((r) => r.path.startsWith("/api/display-names?"));
      equal(call.headers.authorization, `Bearer ${await api.accessToken()}`);
      equal(call.headers.accept, "application/json", "the caller's headers are kept");
      equal((await tm.stats()).token, 1, "one grant for both calls");
      const before = (await tm.log()).length;
      for (const elsewhere of [
        "https://example.com/api/user",
        "https://api.trackmania.com.evil.example/api/user",
        "not a url",
      ]) {
        await rejects(lib, api.fetch(elsewhere), "INVALID_ARGUMENT", elsewhere);
      }
      equal((await tm.log()).length, before, "nothing sent elsewhere");
    },
  ],

  [
    "TrackmaniaApi.fetch: a 401 renews the app's token once and retries once; a 401 for good is one renewal per token",
    async (lib, tm) => {
      await tm.reset();
      const api = new lib.TrackmaniaApi(base(tm));
      const id = "a59df3e8-6bff-48a2-98b6-801abf2a298e";
      const names = `${tm.origin}/api/display-names?accountId[]=${id}`;
      await api.accessToken();
      const first = await api.accessToken();
      await tm.control("fail", { route: "names", mode: 401, times: 1 });
      const res = await api.fetch(names);
      equal(res.status, 200, "retried with a renewed token");
      equal(api.grants, 2, "one renewal");
      ok((await api.accessToken()) !== first, "the refused token is not served again");
      await tm.control("fail", { route: "names", mode: 401, times: 100 });
      const e = await rejects(lib, api.fetch(names), "UNAUTHORIZED");
      equal(e.status, 401);
      equal(api.grants, 2, "a token renewed for a 401 is final on a 401: no second renewal");
      // A fresh app whose API refuses everything: one renewal for its first token, then final.
      const fresh = new lib.TrackmaniaApi(base(tm));
      await rejects(lib, fresh.fetch(names), "UNAUTHORIZED");
      equal(fresh.grants, 2, "the first token renewed once");
      await rejects(lib, fresh.fetch(names), "UNAUTHORIZED");
      await rejects(lib, fresh.fetch(names), "UNAUTHORIZED");
      equal(fresh.grants, 2, "and never again, never a loop");
      await tm.control("heal");
    },
  ],

  [
    "TrackmaniaApi keeps one client-credentials token for any number of lookups",
    async (lib, tm) => {
      await tm.reset();
      let offset = 0;
      const api = new lib.TrackmaniaApi(base(tm, { now: () => Date.now() + offset }));
      const all = await Promise.all(
        Array.from({ length: 30 }, () => api.displayNames(["a59df3e8-6bff-48a2-98b6-801abf2a298e"])),
      );
      ok(all.every((r) => r["a59df3e8-6bff-48a2-98b6-801abf2a298e"] === "Hylis"));
      equal((await tm.stats()).token, 1, "one grant for 30 concurrent lookups");
      equal(api.grants, 1);
      offset = 3545 * 1000; // within 60 s of expiry: renewed
      deepEqual(await api.accountIds(["tooInfinite"]), { tooInfinite: "5b4d42f4-c2de-407d-b367-cbff3fe817bc" });
      equal(api.grants, 2);
      equal(await api.accessToken(), await api.accessToken());
      for (const text of [JSON.stringify(api), String(api), Object.keys(api).join()])
        ok(!text.includes(tm.clientSecret), "no secret shown");
      await rejects(
        lib,
        Promise.resolve().then(() => new lib.TrackmaniaApi({ clientId: "x" })),
        "INVALID_ARGUMENT",
      );
    },
  ],
  [
    "TrackmaniaApi backs off after failed grants, serves a valid token meanwhile, and recovers",
    async (lib, tm) => {
      await tm.reset();
      let now = 1_900_000_000;
      await tm.setNow(now); // the service's clock moves with the client's
      const api = new lib.TrackmaniaApi(base(tm, { now: () => now * 1000 }));
      await tm.control("fail", { route: "token", mode: 500, times: 1_000_000 });
      const errors = [];
      for (let i = 0; i < 1000; i++) {
        errors.push(await api.accessToken().catch((e) => e));
        now += 0.6;
      }
      const grants = (await tm.stats()).token;
      ok(grants >= 5 && grants <= 20, `${grants} grants in 10 minutes while the token endpoint answers 500`);
      equal(api.grants, grants);
      ok(errors.every((e) => e instanceof lib.NadeoAuthError && e.code === "HTTP" && e.status === 500));
      const fast = errors.filter((e) => e.retryAfter > 0);
      ok(fast.length >= 1000 - grants, "the others failed fast with retryAfter");
      for (const e of errors)
        ok(!JSON.stringify(e).includes(tm.clientSecret) && !e.message.includes(tm.clientSecret), "no secret");
      // The service comes back: a token within the cap.
      await tm.control("heal");
      const back = now;
      let token;
      while (!token && now - back <= 400) {
        await tm.setNow(now);
        token = await api.accessToken().catch(() => undefined);
        now += 1;
      }
      ok(token && now - back <= 301, `recovered ${now - back} s after the service`);
      // Due for renewal (within 60 s of expiry) while the endpoint is rate limited: the valid
      // token keeps being served, and Retry-After holds the next grant back.
      now += 3545;
      await tm.setNow(now);
      await tm.control("fail", { route: "token", mode: 429, times: 1_000_000 });
      const before = (await tm.stats()).token;
      for (let i = 0; i < 50; i++) {
        equal(await api.accessToken(), token, "the still-valid token");
        now += 0.2;
      }
      equal((await tm.stats()).token - before, 2, "one grant, then another once Retry-After (9 s) has passed");
    },
  ],
  [
    "a 10 MB answer of the token endpoint or a lookup is BAD_RESPONSE",
    async (lib, tm) => {
      await tm.reset();
      await tm.control("fail", { route: "token", mode: "huge" });
      equal((await lib.clientCredentials(base(tm)).catch((e) => e)).code, "BAD_RESPONSE");
      const { accessToken } = await lib.clientCredentials(base(tm));
      await tm.control("fail", { route: "names", mode: "huge" });
      equal(
        (await lib.displayNames(["a59df3e8-6bff-48a2-98b6-801abf2a298e"], { ...base(tm), accessToken }).catch((e) => e))
          .code,
        "BAD_RESPONSE",
      );
      deepEqual(await lib.displayNames(["a59df3e8-6bff-48a2-98b6-801abf2a298e"], { ...base(tm), accessToken }), {
        "a59df3e8-6bff-48a2-98b6-801abf2a298e": "Hylis",
      });
    },
  ],
  [
    "verifyOpenplanetToken: a good token's player; a refused token, a wrong secret, garbage, 500 and a timeout are clear errors without the secret",
    async (lib, tm) => {
      await tm.reset();
      const op = {
        secret: OPENPLANET_SECRET,
        userAgent: "nadeo-auth tests / t@example.com",
        validateUrl: `${tm.origin}/auth/validate`,
      };
      const [token, who] = Object.entries(OPENPLANET_TOKENS)[0];
      deepEqual(await lib.verifyOpenplanetToken({ ...op, token }), {
        accountId: who.accountId,
        displayName: who.displayName,
        tokenTime: OPENPLANET_TOKEN_TIME,
      });
      const refused = await rejects(
        lib,
        lib.verifyOpenplanetToken({ ...op, token: "op-token-forged" }),
        "UNAUTHORIZED",
      );
      ok(refused.message.includes("Invalid token"), refused.message);
      const wrong = await rejects(
        lib,
        lib.verifyOpenplanetToken({ ...op, token, secret: "not-the-secret" }),
        "UNAUTHORIZED",
      );
      ok(wrong.message.includes("Invalid secret") && wrong.status === 401, wrong.message);
      for (const [mode, code] of [
        ["garbage", "BAD_RESPONSE"],
        ["partial", "BAD_RESPONSE"],
        [500, "HTTP"],
        [429, "RATE_LIMITED"],
      ]) {
        await tm.control("fail", { route: "openplanet", mode });
        const e = await rejects(lib, lib.verifyOpenplanetToken({ ...op, token }), code, String(mode));
        ok(!surface(e).includes(OPENPLANET_SECRET), "no secret");
      }
      await tm.control("fail", { route: "openplanet", mode: "hang" });
      await rejects(lib, lib.verifyOpenplanetToken({ ...op, token, timeoutMs: 300 }), "TIMEOUT");
      await tm.control("release");
      for (const e of [refused, wrong]) ok(!surface(e).includes(OPENPLANET_SECRET), "no secret in a refusal");
      await rejects(lib, lib.verifyOpenplanetToken({ ...op, token, userAgent: undefined }), "INVALID_ARGUMENT");
      await rejects(lib, lib.verifyOpenplanetToken({ ...op, token: "" }), "INVALID_ARGUMENT");
      await rejects(lib, lib.verifyOpenplanetToken({ ...op, token, secret: undefined }), "INVALID_ARGUMENT");
      equal((await tm.stats()).openplanet, 8, "nothing sent for a bad argument");
    },
  ],
  [
    "the OAuth calls send the userAgent given (grants and lookups), and check it",
    async (lib, tm) => {
      await tm.reset();
      const userAgent = "My site / @me / me@example.com";
      const { accessToken } = await lib.clientCredentials(base(tm, { userAgent }));
      await lib.displayNames(["a59df3e8-6bff-48a2-98b6-801abf2a298e"], { ...base(tm), accessToken, userAgent });
      const api = new lib.TrackmaniaApi(base(tm, { userAgent }));
      await api.accountIds(["Hylis"]);
      const sent = (await tm.log()).filter((e) => e.path.startsWith("/api/"));
      equal(sent.length, 4);
      for (const e of sent) equal(e.headers["user-agent"], userAgent, e.path);
      await rejects(lib, lib.clientCredentials(base(tm, { userAgent: "two\nlines" })), "INVALID_ARGUMENT");
    },
  ],
];
