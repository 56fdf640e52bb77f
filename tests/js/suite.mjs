// The package's behaviour as a user sees it, one suite for every runtime: Node (node --test),
// workerd (a Worker run by Miniflare) and Chromium (Playwright). Each test gets the package's
// module namespace, imported by name ("nadeo-auth") by the runner.
import { deepEqual, equal, ok, throwsCode } from "./assert.mjs";

const enc = new TextEncoder();
function b64url(text) {
  const bytes = typeof text === "string" ? enc.encode(text) : text;
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
const SIG = b64url("signature");
const tok = (header, payload) =>
  `${b64url(typeof header === "string" ? header : JSON.stringify(header))}.${b64url(typeof payload === "string" ? payload : JSON.stringify(payload))}.${SIG}`;

const HEADER = { alg: "HS256", env: "trackmania-prod", ver: "1" };
const ACCESS = {
  jti: "0bd5ec6a-7b3b-4e1b-9a45-0a5c2c8e9f10",
  iss: "NadeoServices",
  iat: 1735394983,
  rat: 1735396783,
  exp: 1735398583,
  aud: "NadeoLiveServices",
  usg: "Client",
  sid: "1c4b2a85-8f1e-4a43-9f2f-77e8a1f3f0aa",
  sat: 1735394983,
  sub: "5b4d42f4-c2de-407d-b367-cbff3fe817bc",
  aun: "tooInfinite",
  rtk: false,
  pce: false,
  ubiservices_uid: "a59df3e8-6bff-48a2-98b6-801abf2a298e",
};
const REFRESH = {
  ...ACCESS,
  aud: "NadeoServices",
  rtk: true,
  refresh_aud: "NadeoLiveServices",
  limit_type: "none",
  exp: ACCESS.iat + 86400,
};
delete REFRESH.rat;

/** A marker that must never show up in an error: a token's content is a secret. */
const SECRET = "s3cr3t-marker";

function stillWorks(lib) {
  equal(lib.decodeToken(tok(HEADER, ACCESS)).payload.aun, "tooInfinite", "the module works after an error");
}

/** The functions of `nadeo-auth/token` (its typings, token.d.ts); `nadeo-auth` has them all. */
const TOKEN_ENTRY = [
  "decodeToken",
  "tokenTimes",
  "nadeoAuthorization",
  "bearerAuthorization",
  "audienceForUrl",
  "whenRefreshable",
  "whenExpired",
  "scheduleRefresh",
  "authorizationUrl",
  "parseRedirect",
  "beginLogin",
  "completeLogin",
  "NadeoAuthError",
];
const SERVER_ONLY = [
  "loginBasic",
  "refreshTokens",
  "loginUbiTicket",
  "NadeoClient",
  "exchangeCode",
  "refreshOAuthTokens",
  "clientCredentials",
  "displayNames",
  "accountIds",
  "currentUser",
  "TrackmaniaApi",
  "TrackmaniaUserClient",
  "verifyOpenplanetToken",
];

/** The suite for one entry: "full" (`nadeo-auth`) or "token" (`nadeo-auth/token`). Every test
 *  but the first uses only the token entry's functions, so both entries run them all. */
export function suite(entry) {
  const exportsTest = [
    `exports the public API (${entry === "token" ? "nadeo-auth/token" : "nadeo-auth"})`,
    (lib) => {
      for (const name of entry === "token" ? TOKEN_ENTRY : [...TOKEN_ENTRY, ...SERVER_ONLY])
        equal(typeof lib[name], "function", name);
      if (entry === "token") for (const name of SERVER_ONLY) ok(!(name in lib), `${name} stays out of the token entry`);
      ok(!("default" in lib) && !("initSync" in lib), "no init function leaks out");
    },
  ];
  return [exportsTest, ...shared];
}

/** Tests that take both entries: (full, token). */
export const crossTests = [
  [
    "one NadeoAuthError class for both entries: instanceof holds across them",
    (full, token) => {
      equal(full.NadeoAuthError, token.NadeoAuthError, "the same class");
      for (const [throwing, other] of [
        [token, full],
        [full, token],
      ]) {
        let err;
        try {
          throwing.decodeToken("not.a-token");
        } catch (e) {
          err = e;
        }
        ok(err instanceof other.NadeoAuthError, "an error of one entry is an instance of the other's class");
      }
      equal(token.decodeToken(tok(HEADER, ACCESS)).payload.aun, full.decodeToken(tok(HEADER, ACCESS)).payload.aun);
    },
  ],
];

const shared = [
  [
    "NadeoAuthError is a real Error class",
    (lib) => {
      const cause = new TypeError("boom");
      const e = new lib.NadeoAuthError("HTTP", "the server said no", {
        status: 500,
        body: { code: "C-AA-00-03" },
        retryAfter: 3,
        cause,
      });
      ok(e instanceof lib.NadeoAuthError && e instanceof Error);
      equal(e.name, "NadeoAuthError");
      equal(e.code, "HTTP");
      equal(e.status, 500);
      deepEqual(e.body, { code: "C-AA-00-03" });
      equal(e.retryAfter, 3);
      equal(e.cause, cause);
      equal(String(e), "NadeoAuthError: the server said no");
      ok(typeof e.stack === "string");
      const bare = new lib.NadeoAuthError("NETWORK", "m");
      ok(
        !("status" in bare) && !("body" in bare) && !("retryAfter" in bare) && !("cause" in bare),
        "absent fields are absent",
      );
    },
  ],

  [
    "decodeToken decodes a Nadeo access token",
    (lib) => {
      const { header, payload } = lib.decodeToken(tok(HEADER, ACCESS));
      deepEqual(header, HEADER);
      deepEqual(payload, ACCESS);
    },
  ],

  [
    "decodeToken hands out a new header each time: a repeated header segment is kept, never shared",
    (lib) => {
      const t = tok(HEADER, ACCESS);
      const first = lib.decodeToken(t);
      first.header.alg = "changed";
      first.header.added = { x: 1 };
      const second = lib.decodeToken(t);
      deepEqual(second.header, HEADER, "the caller's changes do not reach the next result");
      ok(first.header !== second.header);
      const other = lib.decodeToken(tok(HEADER, REFRESH));
      deepEqual(other.header, HEADER);
      ok(other.header !== second.header);
      other.header.ver = "2";
      deepEqual(lib.decodeToken(t).header, HEADER);
      // A header with an object inside is parsed each time (a shallow copy would share it).
      const nested = { alg: "RS256", jwk: { kty: "RSA", n: "AQAB" } };
      const a = lib.decodeToken(tok(nested, ACCESS));
      a.header.jwk.kty = "changed";
      deepEqual(lib.decodeToken(tok(nested, ACCESS)).header, nested);
      // "__proto__" in a header is a claim like any other: an own property, never a prototype.
      const proto = '{"alg":"HS256","__proto__":"x"}';
      for (let i = 0; i < 2; i++) {
        const h = lib.decodeToken(tok(proto, ACCESS)).header;
        equal(Object.getPrototypeOf(h), Object.prototype);
        equal(Object.getOwnPropertyDescriptor(h, "__proto__")?.value, "x");
      }
      // Errors after a kept header are the payload's, as before.
      throwsCode(lib, () => lib.decodeToken(`${t.split(".")[0]}.${b64url("[]")}.${SIG}`), "TOKEN_CLAIMS");
    },
  ],

  [
    "decodeToken decodes a refresh token and an OAuth token",
    (lib) => {
      deepEqual(lib.decodeToken(tok(HEADER, REFRESH)).payload, REFRESH);
      const oauth = {
        jti: "x",
        aud: "client",
        iat: 1,
        nbf: 1,
        exp: 3601,
        sub: "acc",
        scopes: ["clubs", "read_favorite"],
      };
      deepEqual(lib.decodeToken(tok({ typ: "JWT", alg: "RS256" }, oauth)).payload, oauth);
    },
  ],

  [
    "decodeToken keeps unknown claims as they came",
    (lib) => {
      const payload = {
        ...ACCESS,
        newClaim: { nested: [1, "two", null, { x: true }] },
        unicode: "été 🏎️",
        // biome-ignore lint/correctness/noPrecisionLoss: the point of the case (JSON numbers past 2^53)
        big: 12345678901234567890,
        __proto__x: 1,
      };
      deepEqual(lib.decodeToken(tok(HEADER, payload)).payload, JSON.parse(JSON.stringify(payload)));
      const proto = lib.decodeToken(tok(HEADER, '{"__proto__":{"polluted":true}}')).payload;
      equal({}.polluted, undefined, "no prototype pollution");
      ok(Object.hasOwn(proto, "__proto__"), "__proto__ kept as an own claim");
    },
  ],

  [
    "decodeToken tolerates padding but not standard base64",
    (lib) => {
      const pad = (s) => s + "=".repeat((4 - (s.length % 4)) % 4);
      const [h, p, s] = tok(HEADER, ACCESS).split(".");
      equal(lib.decodeToken(`${pad(h)}.${pad(p)}.${pad(s)}`).payload.exp, ACCESS.exp);
      const bytes = enc.encode(JSON.stringify({ a: "\u00fb\u00ff\u00fe~~~?>>>" }));
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      const std = btoa(bin).replace(/=+$/, "");
      ok(/[+/]/.test(std), "the sample has + or /");
      throwsCode(lib, () => lib.decodeToken(`${h}.${std}.${s}`), "TOKEN_BASE64");
      throwsCode(lib, () => lib.decodeToken(`${h}=.${p}.${s}`), "TOKEN_BASE64", "wrong amount of padding");
    },
  ],

  [
    "decodeToken refuses malformed tokens with the right code",
    (lib) => {
      const h = b64url(JSON.stringify(HEADER));
      const cases = [
        ["", "TOKEN_MALFORMED"],
        ["abc", "TOKEN_MALFORMED"],
        [`${h}.${b64url("{}")}`, "TOKEN_MALFORMED"],
        [`${h}.${b64url("{}")}.${SIG}.${SIG}`, "TOKEN_MALFORMED"],
        [`${h}.${b64url("{}")}.${SIG}.${SIG}.${SIG}`, "TOKEN_MALFORMED"],
        [`${h}..${SIG}`, "TOKEN_MALFORMED"],
        [`${h}.e30!.${SIG}`, "TOKEN_BASE64"],
        [`${h}.e30.${SIG}+`, "TOKEN_BASE64"],
        [`${h}.${b64url(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]))}.${SIG}`, "TOKEN_JSON"],
        [tok(HEADER, "{not json"), "TOKEN_JSON"],
        [tok(HEADER, "null"), "TOKEN_CLAIMS"],
        [tok(HEADER, "[1,2]"), "TOKEN_CLAIMS"],
        [tok(HEADER, "1735398583"), "TOKEN_CLAIMS"],
        [tok(HEADER, '"a string"'), "TOKEN_CLAIMS"],
        [tok(HEADER, { ...ACCESS, exp: "1735398583" }), "TOKEN_CLAIMS"],
        [tok(HEADER, { ...ACCESS, iat: null }), "TOKEN_CLAIMS"],
        [tok(HEADER, { ...ACCESS, rat: [1] }), "TOKEN_CLAIMS"],
      ];
      for (const [t, code] of cases) {
        throwsCode(lib, () => lib.decodeToken(t), code, `${code} for ${t.slice(0, 40)}`);
        stillWorks(lib);
      }
    },
  ],

  [
    "decodeToken names an Authorization value pasted whole",
    (lib) => {
      const t = tok(HEADER, ACCESS);
      for (const pasted of [`Bearer ${t}`, `nadeo_v1 t=${t}`]) {
        const e = throwsCode(lib, () => lib.decodeToken(pasted), "TOKEN_MALFORMED");
        if (!e.message.includes("pass the token alone")) throw new Error(`message: ${e.message}`);
      }
    },
  ],

  [
    "decodeToken gives INVALID_ARGUMENT for non-strings",
    (lib) => {
      for (const v of [undefined, null, 0, 42, true, {}, [], Symbol("s"), 10n, () => 1, new String("a.b.c")]) {
        throwsCode(lib, () => lib.decodeToken(v), "INVALID_ARGUMENT", String(typeof v));
        stillWorks(lib);
      }
    },
  ],

  [
    "decodeToken survives hostile strings",
    (lib) => {
      const mb = "A".repeat(1 << 20);
      throwsCode(lib, () => lib.decodeToken(mb), "TOKEN_MALFORMED");
      throwsCode(lib, () => lib.decodeToken(`${mb}.${mb}.${mb}`), "TOKEN_JSON");
      throwsCode(lib, () => lib.decodeToken("\ud800.\udc00.x"), "TOKEN_BASE64");
      throwsCode(lib, () => lib.decodeToken(`${b64url("{}")}.e30.\udfff`), "TOKEN_BASE64");
      let binary = "";
      for (let i = 0; i < 256; i++) binary += String.fromCharCode(i);
      throwsCode(lib, () => lib.decodeToken(binary), "TOKEN_MALFORMED");
      const noDots = binary.replace(".", "");
      throwsCode(lib, () => lib.decodeToken(noDots + "." + noDots + "." + noDots), "TOKEN_BASE64");
      const big = { ...ACCESS, blob: "x".repeat(1 << 20) };
      equal(lib.decodeToken(tok(HEADER, big)).payload.blob.length, 1 << 20, "a 1 MB payload decodes");
      stillWorks(lib);
    },
  ],

  [
    "errors never carry the token",
    (lib) => {
      const payload = `{"exp":"${SECRET}"}`;
      for (const t of [tok(HEADER, payload), `${SECRET}.${SECRET}`, `${b64url("{}")}.${b64url(`{${SECRET}`)}.${SIG}`]) {
        let err;
        try {
          lib.decodeToken(t);
        } catch (e) {
          err = e;
        }
        ok(err instanceof lib.NadeoAuthError, "threw");
        const seen = [
          err.message,
          String(err),
          err.stack ?? "",
          JSON.stringify(err),
          JSON.stringify(err.body ?? null),
        ].join("\n");
        ok(!seen.includes(SECRET) && !seen.includes(b64url(payload)), "no token content in the error");
      }
    },
  ],

  [
    "tokenTimes reads iat, rat and exp",
    (lib) => {
      const t = tok(HEADER, ACCESS);
      deepEqual(lib.tokenTimes(t, { now: ACCESS.iat + 100 }), {
        issuedAt: ACCESS.iat,
        refreshableAt: ACCESS.rat,
        expiresAt: ACCESS.exp,
        expired: false,
        refreshable: false,
        expiresIn: 3500,
        refreshableIn: 1700,
      });
      const atRat = lib.tokenTimes(t, { now: ACCESS.rat });
      ok(atRat.refreshable && !atRat.expired);
      equal(atRat.refreshableIn, 0);
      ok(lib.tokenTimes(t, { now: ACCESS.exp }).expired, "expired at exp");
      ok(lib.tokenTimes(t, { now: ACCESS.exp - 30, leeway: 30 }).expired, "leeway");
      ok(!lib.tokenTimes(t, { now: ACCESS.exp - 31, leeway: 30 }).expired);
      const late = lib.tokenTimes(t, { now: ACCESS.exp + 999 });
      equal(late.expiresIn, 0);
      equal(late.refreshableIn, 0);
      // Default clock: that token is from 2024.
      ok(lib.tokenTimes(t).expired);
    },
  ],

  [
    "tokenTimes takes claims objects and tokens without times",
    (lib) => {
      deepEqual(lib.tokenTimes({ exp: 200 }, { now: 100 }), {
        issuedAt: null,
        refreshableAt: null,
        expiresAt: 200,
        expired: false,
        refreshable: true,
        expiresIn: 100,
        refreshableIn: 0,
      });
      const none = lib.tokenTimes(tok(HEADER, { sub: "x" }), { now: 5 });
      equal(none.expiresAt, null);
      equal(none.expired, false);
      equal(none.refreshable, true);
      equal(none.expiresIn, Infinity);
      const payload = lib.decodeToken(tok(HEADER, ACCESS)).payload;
      equal(lib.tokenTimes(payload, { now: ACCESS.iat }).expiresIn, 3600, "decodeToken's payload fits");
    },
  ],

  [
    "tokenTimes refuses bad input",
    (lib) => {
      throwsCode(lib, () => lib.tokenTimes({ exp: "soon" }), "TOKEN_CLAIMS");
      throwsCode(lib, () => lib.tokenTimes({ iat: NaN }), "TOKEN_CLAIMS");
      throwsCode(lib, () => lib.tokenTimes("a.b"), "TOKEN_MALFORMED");
      throwsCode(lib, () => lib.tokenTimes(tok(HEADER, "[]")), "TOKEN_CLAIMS");
      throwsCode(lib, () => lib.tokenTimes(42), "INVALID_ARGUMENT");
      throwsCode(lib, () => lib.tokenTimes(undefined), "INVALID_ARGUMENT");
      throwsCode(lib, () => lib.tokenTimes({}, { now: "later" }), "INVALID_ARGUMENT");
      throwsCode(lib, () => lib.tokenTimes({}, { leeway: Infinity }), "INVALID_ARGUMENT");
      throwsCode(lib, () => lib.tokenTimes({}, 7), "INVALID_ARGUMENT");
      stillWorks(lib);
    },
  ],

  [
    "a getter that tokenTimes or decodeToken reads may call them again",
    (lib) => {
      // The caller's claims object and options (their getters run inside tokenTimes)...
      const inner = () => lib.tokenTimes({ exp: 2 }, { now: 1 }).expiresAt;
      const claims = {
        get iat() {
          return inner() - 1;
        },
        exp: 3,
      };
      const t = lib.tokenTimes(claims, {
        get now() {
          return inner() - 1;
        },
      });
      equal(t.issuedAt, 1);
      equal(t.expiresIn, 2);
      // ...and a claim a payload lacks, looked up on Object.prototype (inside decodeToken).
      let depth = 0;
      Object.defineProperty(Object.prototype, "rat", {
        configurable: true,
        get() {
          if (depth > 0) return undefined;
          depth++;
          try {
            return lib.decodeToken(tok(HEADER, { exp: 9 })).payload.exp;
          } finally {
            depth--;
          }
        },
      });
      try {
        const { rat, ...payload } = ACCESS;
        equal(lib.tokenTimes(tok(HEADER, payload), { now: 0 }).refreshableAt, 9);
      } finally {
        delete Object.prototype.rat;
      }
      stillWorks(lib);
      equal(lib.tokenTimes({ exp: 5 }, { now: 1 }).expiresIn, 4);
    },
  ],

  [
    "nadeoAuthorization and bearerAuthorization",
    (lib) => {
      const t = tok(HEADER, ACCESS);
      equal(lib.nadeoAuthorization(t), `nadeo_v1 t=${t}`);
      equal(lib.bearerAuthorization(t), `Bearer ${t}`);
      for (const bad of ["", " ", "a\r\nX-Injected: 1", undefined, null, 5]) {
        const e = throwsCode(lib, () => lib.nadeoAuthorization(bad), "INVALID_ARGUMENT");
        ok(!String(e.message).includes("X-Injected"));
        throwsCode(lib, () => lib.bearerAuthorization(bad), "INVALID_ARGUMENT");
      }
    },
  ],

  [
    "audienceForUrl matches the game API hosts exactly",
    (lib) => {
      equal(lib.audienceForUrl("https://prod.trackmania.core.nadeo.online/accounts/displayNames"), "NadeoServices");
      equal(
        lib.audienceForUrl("https://live-services.trackmania.nadeo.live/api/token/campaign/official"),
        "NadeoLiveServices",
      );
      equal(lib.audienceForUrl("https://meet.trackmania.nadeo.club/api/cup-of-the-day/current"), "NadeoLiveServices");
      equal(lib.audienceForUrl(new URL("https://meet.trackmania.nadeo.club/x?y=1#z")), "NadeoLiveServices");
      equal(
        lib.audienceForUrl("https://PROD.trackmania.core.nadeo.online"),
        "NadeoServices",
        "hosts are case-insensitive",
      );
      for (const u of [
        "https://prod.trackmania.core.nadeo.online.evil.example/",
        "https://evil.example/?https://prod.trackmania.core.nadeo.online/",
        "https://prod.trackmania.core.nadeo.online@evil.example/",
        "https://xprod.trackmania.core.nadeo.online/",
        "http://prod.trackmania.core.nadeo.online/",
        "https://prod.trackmania.core.nadeo.online:8443/",
        "https://api.trackmania.com/api/display-names",
        "/api/relative",
        "",
        "not a url",
      ]) {
        equal(lib.audienceForUrl(u), null, u);
      }
      for (const bad of [undefined, null, 1, {}, { href: "https://prod.trackmania.core.nadeo.online/" }]) {
        throwsCode(lib, () => lib.audienceForUrl(bad), "INVALID_ARGUMENT");
      }
    },
  ],

  [
    "whenRefreshable and whenExpired wait for rat and exp",
    async (lib) => {
      const now = Date.now() / 1000;
      const t = tok(HEADER, { iat: now, rat: now + 0.25, exp: now + 0.5 });
      let t0 = Date.now();
      await lib.whenRefreshable(t);
      ok(Date.now() - t0 >= 200, `rat waited (${Date.now() - t0} ms)`);
      t0 = Date.now();
      await lib.whenRefreshable(t);
      ok(Date.now() - t0 < 1000, "past rat resolves at once");
      t0 = Date.now();
      await lib.whenExpired(t, { leadSeconds: 0.1 });
      ok(Date.now() - t0 >= 100 && Date.now() - t0 < 3000, `exp - lead (${Date.now() - t0} ms)`);
      await lib.whenRefreshable(tok(HEADER, { sub: "no rat" }));
      const noExp = await Promise.resolve(lib.whenExpired(tok(HEADER, { sub: "x" }))).then(
        () => null,
        (e) => e,
      );
      equal(noExp?.code, "TOKEN_CLAIMS", "no exp: an error, not a promise that never settles");
      const bad = await Promise.resolve(lib.whenExpired("x.y")).then(
        () => null,
        (e) => e,
      );
      equal(bad?.code, "TOKEN_MALFORMED");
    },
  ],

  [
    "whenExpired is abortable and long waits do not overflow the timer",
    async (lib) => {
      const now = Date.now() / 1000;
      const far = tok(HEADER, { iat: now, rat: now + 40 * 86400, exp: now + 90 * 86400 });
      const ac = new AbortController();
      const p = lib.whenExpired(far, { signal: ac.signal }).then(
        () => "resolved",
        (e) => e,
      );
      const early = await Promise.race([p, new Promise((r) => setTimeout(() => r("pending"), 100))]);
      equal(early, "pending", "a 90-day wait does not fire at once");
      ac.abort(new Error("stop"));
      const e = await p;
      equal(e?.code, "ABORTED");
      equal(e.cause?.message, "stop");
      const pre = new AbortController();
      pre.abort();
      equal(
        (
          await lib.whenRefreshable(far, { signal: pre.signal }).then(
            () => null,
            (x) => x,
          )
        )?.code,
        "ABORTED",
      );
    },
  ],

  [
    "scheduleRefresh calls fn once when due, never before rat, and cancels",
    async (lib) => {
      const now = Date.now() / 1000;
      const t = tok(HEADER, { iat: now, rat: now + 0.15, exp: now + 0.6 });
      let calls = 0;
      const t0 = Date.now();
      const fired = new Promise((resolve) =>
        lib.scheduleRefresh(
          t,
          () => {
            calls++;
            resolve(Date.now() - t0);
          },
          { marginSeconds: 0.3, jitterSeconds: 0 },
        ),
      );
      const after = await fired;
      ok(after >= 250, `due at exp - margin (${after} ms)`);
      let cancelledCalls = 0;
      const cancel = lib.scheduleRefresh(t, () => cancelledCalls++, { marginSeconds: 0, jitterSeconds: 0 });
      equal(typeof cancel, "function");
      cancel();
      const n2 = Date.now() / 1000;
      const wide = lib.scheduleRefresh(tok(HEADER, { iat: n2, rat: n2 + 0.3, exp: n2 + 0.6 }), () => calls++, {
        marginSeconds: 3000,
        jitterSeconds: 0,
      });
      await new Promise((r) => setTimeout(r, 100));
      equal(calls, 1, "a margin wider than the token waits for rat");
      wide();
      const farCancel = lib.scheduleRefresh(tok(HEADER, { exp: now + 90 * 86400 }), () => calls++);
      const past = new Promise((resolve) => lib.scheduleRefresh(tok(HEADER, { exp: now - 10 }), resolve));
      await past;
      await new Promise((r) => setTimeout(r, 700));
      farCancel();
      equal(calls, 1, "fired once");
      equal(cancelledCalls, 0, "a cancelled schedule never fires");
      throwsCode(lib, () => lib.scheduleRefresh(tok(HEADER, { sub: "x" }), () => {}), "TOKEN_CLAIMS");
      throwsCode(lib, () => lib.scheduleRefresh(t, "not a function"), "INVALID_ARGUMENT");
    },
  ],

  [
    "authorizationUrl builds the authorize URL with a fresh 32-byte state",
    (lib) => {
      const a = lib.authorizationUrl({
        clientId: "my app",
        redirectUri: "https://app.example/cb?x=1",
        scopes: ["clubs", "read_favorite"],
      });
      const u = new URL(a.url);
      equal(u.origin + u.pathname, "https://api.trackmania.com/oauth/authorize");
      equal(u.searchParams.get("response_type"), "code");
      equal(u.searchParams.get("client_id"), "my app");
      equal(u.searchParams.get("redirect_uri"), "https://app.example/cb?x=1");
      equal(u.searchParams.get("scope"), "clubs read_favorite", "joined by one space");
      ok(a.url.includes("scope=clubs%20read_favorite"), "encoded once");
      equal(u.searchParams.get("state"), a.state);
      ok(/^[A-Za-z0-9_-]{43}$/.test(a.state), "32 random bytes, base64url");
      ok(
        lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb" }).state !== a.state,
        "a new state each time",
      );
      const fixed = lib.authorizationUrl({
        clientId: "c",
        redirectUri: "http://127.0.0.1:9/cb",
        state: "given",
        apiUrl: "http://127.0.0.1:8/",
      });
      equal(
        fixed.url,
        "http://127.0.0.1:8/oauth/authorize?response_type=code&client_id=c&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=given",
      );
      throwsCode(lib, () => lib.authorizationUrl({ clientId: "c", redirectUri: "/relative" }), "INVALID_ARGUMENT");
      throwsCode(lib, () => lib.authorizationUrl({ redirectUri: "https://a.example/cb" }), "INVALID_ARGUMENT");
      throwsCode(
        lib,
        () => lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", scopes: "clubs" }),
        "INVALID_ARGUMENT",
      );
      throwsCode(
        lib,
        () => lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", scopes: ["two words"] }),
        "INVALID_ARGUMENT",
      );
    },
  ],

  [
    "parseRedirect checks duplicates, then state, then error, then code",
    (lib) => {
      deepEqual(lib.parseRedirect("https://app.example/cb?code=abc&state=S1", "S1"), { code: "abc", state: "S1" });
      deepEqual(lib.parseRedirect(new URL("https://app.example/cb?x=1&code=a%2Fb+c&state=S1#code=no"), "S1"), {
        code: "a/b c",
        state: "S1",
      });
      const cases = [
        ["https://a.example/cb?code=1&code=2&state=S1", "OAUTH_DUPLICATE_PARAM"],
        ["https://a.example/cb?code=1&state=S1&state=S1", "OAUTH_DUPLICATE_PARAM"],
        ["https://a.example/cb?error=a&error=b&state=EVIL", "OAUTH_DUPLICATE_PARAM"],
        ["https://a.example/cb?code=1", "OAUTH_STATE_MISSING"],
        ["https://a.example/cb?code=1&state=", "OAUTH_STATE_MISSING"],
        ["https://a.example/cb?code=1&state=S2", "OAUTH_STATE_MISMATCH"],
        ["https://a.example/cb?error=access_denied&state=EVIL", "OAUTH_STATE_MISMATCH"],
        ["https://a.example/cb?state=S1", "OAUTH_CODE_MISSING"],
        ["https://a.example/cb#code=1&state=S1", "OAUTH_STATE_MISSING"],
      ];
      for (const [url, code] of cases) throwsCode(lib, () => lib.parseRedirect(url, "S1"), code, url);
      throwsCode(
        lib,
        () => lib.parseRedirect("https://a.example/cb?code=1&state=S1", ""),
        "OAUTH_STATE_MISSING",
        "nothing expected",
      );
      const denied = throwsCode(
        lib,
        () =>
          lib.parseRedirect(
            "https://a.example/cb?error=access_denied&error_description=The+user+said+no&state=S1",
            "S1",
          ),
        "OAUTH_DENIED",
      );
      deepEqual(denied.body, { error: "access_denied", error_description: "The user said no" });
      const unicode = lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", state: "été" });
      equal(new URL(unicode.url).searchParams.get("state"), "été");
      equal(lib.parseRedirect("https://a.example/cb?code=z&state=%C3%A9t%C3%A9", "été").code, "z");
      throwsCode(lib, () => lib.parseRedirect(42, "S1"), "INVALID_ARGUMENT");
    },
  ],

  [
    "parseRedirect refuses what oauth4webapi refuses: implicit and hybrid parameters, a JARM response, another issuer",
    (lib) => {
      // panva/oauth4webapi's validateAuthResponse cases, in its order: duplicates, state, iss,
      // error, then the parameters of flows api.trackmania.com does not have, then code.
      const cases = [
        ["https://rp.example.com/cb?code=foo&state=foo", null],
        ["https://rp.example.com/cb?response=foo&state=foo", "OAUTH_UNEXPECTED_PARAM"],
        ["https://rp.example.com/cb?code=foo&state=foo&iss=foo", "OAUTH_ISSUER_MISMATCH"],
        ["https://rp.example.com/cb?code=foo&state=bar", "OAUTH_STATE_MISMATCH"],
        ["https://rp.example.com/cb?code=foo", "OAUTH_STATE_MISSING"],
        ["https://rp.example.com/cb?code=foo&state=foo&id_token=foo", "OAUTH_UNEXPECTED_PARAM"],
        ["https://rp.example.com/cb?code=foo&state=foo&token=foo", "OAUTH_UNEXPECTED_PARAM"],
        ["https://rp.example.com/cb?id_token=foo&token=foo&state=foo", "OAUTH_UNEXPECTED_PARAM"],
        ["https://rp.example.com/cb?code=foo&id_token=foo&token=foo&state=foo", "OAUTH_UNEXPECTED_PARAM"],
        ["https://rp.example.com/cb?state=foo&state=foo", "OAUTH_DUPLICATE_PARAM"],
        ["https://rp.example.com/cb?code=foo&state=foo&access_token=x", "OAUTH_UNEXPECTED_PARAM"],
        ["https://rp.example.com/cb?code=foo&state=foo&iss=https%3A%2F%2Fevil.example", "OAUTH_ISSUER_MISMATCH"],
        ["https://rp.example.com/cb?code=foo&state=foo&iss=https%3A%2F%2Fapi.trackmania.com", null],
        ["https://rp.example.com/cb?code=foo&state=foo&iss=a&iss=a", "OAUTH_DUPLICATE_PARAM"],
        ["https://rp.example.com/cb?code=foo&state=WRONG&iss=evil&error=x&token=t", "OAUTH_STATE_MISMATCH"],
        ["https://rp.example.com/cb?state=foo&iss=evil&error=x&token=t", "OAUTH_ISSUER_MISMATCH"],
        ["https://rp.example.com/cb?state=foo&error=x&token=t", "OAUTH_DENIED"],
      ];
      for (const [url, code] of cases) {
        if (code === null) equal(lib.parseRedirect(url, "foo").code, "foo", url);
        else throwsCode(lib, () => lib.parseRedirect(url, "foo"), code, url);
      }
      // The issuer is the configured apiUrl's origin.
      const local = "https://a.example/cb?code=c&state=foo&iss=http%3A%2F%2F127.0.0.1%3A8790";
      equal(lib.parseRedirect(local, "foo", { apiUrl: "http://127.0.0.1:8790/" }).code, "c");
      throwsCode(lib, () => lib.parseRedirect(local, "foo"), "OAUTH_ISSUER_MISMATCH");
      throwsCode(lib, () => lib.parseRedirect(local, "foo", { apiUrl: "ftp://x" }), "INVALID_ARGUMENT");
    },
  ],

  [
    "authorizationUrl with pkce: true adds an S256 challenge of a fresh verifier (RFC 7636), and off by default",
    async (lib) => {
      const a = lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", pkce: true });
      ok(/^[A-Za-z0-9_-]{43}$/.test(a.codeVerifier), `a 43-character base64url verifier: ${a.codeVerifier}`);
      const u = new URL(a.url);
      equal(u.searchParams.get("code_challenge_method"), "S256");
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(a.codeVerifier)));
      const expected = btoa(String.fromCharCode(...digest))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
      equal(u.searchParams.get("code_challenge"), expected, "BASE64URL(SHA-256(codeVerifier))");
      const b = lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", pkce: true });
      ok(b.codeVerifier !== a.codeVerifier && b.state !== a.state, "fresh each time");
      const plain = lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb" });
      ok(!("codeVerifier" in plain), "no verifier without pkce");
      ok(!plain.url.includes("code_challenge"), "no challenge without pkce");
      ok(
        !lib
          .authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", pkce: false })
          .url.includes("code_challenge"),
      );
      throwsCode(
        lib,
        () => lib.authorizationUrl({ clientId: "c", redirectUri: "https://a.example/cb", pkce: "yes" }),
        "INVALID_ARGUMENT",
      );
      if (globalThis.sessionStorage) {
        sessionStorage.clear();
        const url = new URL(
          lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false, pkce: true }),
        );
        const state = url.searchParams.get("state");
        const done = lib.completeLogin({ url: `https://a.example/cb?code=x&state=${state}` });
        equal(done.code, "x");
        ok(/^[A-Za-z0-9_-]{43}$/.test(done.codeVerifier), "completeLogin hands back the verifier");
        const digestOfKept = new Uint8Array(
          await crypto.subtle.digest("SHA-256", new TextEncoder().encode(done.codeVerifier)),
        );
        equal(
          btoa(String.fromCharCode(...digestOfKept))
            .replace(/\+/g, "-")
            .replace(/\//g, "_")
            .replace(/=+$/, ""),
          url.searchParams.get("code_challenge"),
          "the verifier of the URL's challenge",
        );
        const plainState = new URL(
          lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false }),
        ).searchParams.get("state");
        ok(!("codeVerifier" in lib.completeLogin({ url: `https://a.example/cb?code=y&state=${plainState}` })));
      }
    },
  ],

  [
    "beginLogin and completeLogin keep one single-use state per sign-in",
    (lib) => {
      if (!globalThis.sessionStorage) {
        throwsCode(
          lib,
          () => lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false }),
          "INVALID_ARGUMENT",
        );
        throwsCode(lib, () => lib.completeLogin({ url: "https://a.example/cb?code=1&state=2" }), "INVALID_ARGUMENT");
        return;
      }
      sessionStorage.clear();
      const a = new URL(lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb-a", navigate: false }));
      const b = new URL(lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb-b", navigate: false }));
      const stateA = a.searchParams.get("state");
      const stateB = b.searchParams.get("state");
      ok(stateA !== stateB, "two sign-ins, two states");
      // B comes back first: A is not clobbered.
      deepEqual(lib.completeLogin({ url: `https://a.example/cb-b?x=1&code=cb&state=${stateB}#frag` }), {
        code: "cb",
        redirectUri: "https://a.example/cb-b",
      });
      deepEqual(lib.completeLogin({ url: `https://a.example/cb-a?code=ca&state=${stateA}` }), {
        code: "ca",
        redirectUri: "https://a.example/cb-a",
      });
      // Single use: the same redirect again finds nothing pending.
      throwsCode(
        lib,
        () => lib.completeLogin({ url: `https://a.example/cb-a?code=ca&state=${stateA}` }),
        "OAUTH_STATE_MISSING",
      );
      // A denied sign-in consumes its state too.
      const c = new URL(
        lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false }),
      ).searchParams.get("state");
      throwsCode(
        lib,
        () => lib.completeLogin({ url: `https://a.example/cb?error=access_denied&state=${c}` }),
        "OAUTH_DENIED",
      );
      throwsCode(
        lib,
        () => lib.completeLogin({ url: `https://a.example/cb?code=x&state=${c}` }),
        "OAUTH_STATE_MISSING",
      );
      // Forgotten after 10 minutes.
      const d = new URL(
        lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false }),
      ).searchParams.get("state");
      const key = Object.keys(sessionStorage).find((k) => k.endsWith(d));
      const entry = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...entry, at: entry.at - 11 * 60 * 1000 }));
      throwsCode(
        lib,
        () => lib.completeLogin({ url: `https://a.example/cb?code=x&state=${d}` }),
        "OAUTH_STATE_MISSING",
      );
      equal(Object.keys(sessionStorage).filter((k) => k.startsWith("nadeo-auth:")).length, 0, "nothing left behind");
      // On the redirect page itself: the address bar loses code and state, keeps the rest.
      const home = location.href;
      const e = new URL(
        lib.beginLogin({ clientId: "c", redirectUri: location.origin + location.pathname, navigate: false }),
      ).searchParams.get("state");
      history.replaceState(null, "", `${location.pathname}?keep=1&code=cc&y=%20&state=${e}&also=2#frag`);
      const back = lib.completeLogin();
      equal(back.code, "cc");
      equal(location.href, `${location.origin}${location.pathname}?keep=1&y=%20&also=2#frag`, "the rest as written");
      const f = new URL(
        lib.beginLogin({ clientId: "c", redirectUri: location.origin + location.pathname, navigate: false }),
      ).searchParams.get("state");
      history.replaceState(null, "", `${location.pathname}?code=dd&state=${f}`);
      equal(lib.completeLogin().code, "dd");
      equal(location.href, `${location.origin}${location.pathname}`, "no query left at all");
      history.replaceState(null, "", home);
      // Nothing secret is kept: only the state's key and the redirect URI.
      lib.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false });
      ok(!JSON.stringify(sessionStorage).includes("secret"));
      sessionStorage.clear();
    },
  ],
];

/** The full entry's suite (kept for the runners that take one list). */
export const tests = suite("full");
