#!/usr/bin/env node
// Counted fuzzing through the wasm package in Node (make fuzz: 10⁶ inputs per parser; make
// test: 10⁴): decodeToken, tokenTimes, parseRedirect, the Nadeo, OAuth, lookup and user
// answers (status, Retry-After and body) through loginBasic / exchangeCode / displayNames /
// currentUser with a `fetch` option that answers the generated input, and store values
// through a NadeoClient whose store holds the generated value (the JSON.parse readers of
// src/json.rs). Every throw must be a NadeoAuthError; a wasm panic would surface as
// another error (and kill the instance), and is counted as a failure. Exits non-zero on any.
//
//   node scripts/fuzz-wasm.mjs [inputs per parser] [seed]
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const lib = await import(pathToFileURL(`${root}pkg/index-node.js`).href);
const n = Number(process.argv[2] ?? 1_000_000);
let state = BigInt(process.argv[3] ?? "0x5eed1234abcdef01") | 1n;

/** xorshift64*, as the native runner. */
function next() {
  state ^= state >> 12n;
  state ^= (state << 25n) & 0xffffffffffffffffn;
  state ^= state >> 27n;
  return Number(((state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n);
}
const below = (k) => next() % Math.max(1, k);
const pick = (xs) => xs[below(xs.length)];

const b64 = (s) => Buffer.from(s).toString("base64url");
const HEADER = '{"alg":"HS256","env":"trackmania-prod","ver":"1"}';
const jwt = (payload) => `${b64(HEADER)}.${b64(payload)}.c2lnbmF0dXJlLWJ5dGVz`;
const PAYLOADS = [
  '{"jti":"8f5e","iss":"NadeoServices","iat":1735394983,"rat":1735396783,"exp":1735398583,"aud":"NadeoLiveServices","usg":"Client","sid":"a","sat":1735394983,"sub":"5b4d42f4","aun":"svc","rtk":false,"pce":false}',
  '{"jti":"x","iss":"NadeoServices","iat":1735394983,"exp":1735481383,"aud":"NadeoServices","rtk":true,"refresh_aud":"NadeoLiveServices","limit_type":"none"}',
  '{"aud":"client","jti":"j","iat":1700000000,"nbf":1700000000,"exp":1700003600,"sub":"s","scopes":["clubs"]}',
];
const FRAGMENTS = [
  "1e400",
  "-0",
  "-0.0",
  "1E+2",
  '"\\ud800"',
  '"\\udc00\\ud800"',
  '"\\u0000"',
  "null",
  "true",
  "[]",
  "{}",
  ',"exp":1,"exp":2',
  ',"iat":"1"',
  "\ufeff",
  "\0",
  "\\",
  '"',
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "%",
  "%zz",
  "%C3%28",
  "&",
  "=",
  "#",
  "?",
  "+",
  "/",
  "==",
  ".",
  "\ud800",
  "\udfff",
  "🏎",
  "\r\n",
  " ",
];

function mutate(seed) {
  const chars = [...seed];
  for (let k = 1 + below(4); k > 0; k--) {
    const at = below(chars.length + 1);
    switch (below(6)) {
      case 0:
        if (chars.length)
          chars[below(chars.length)] = String.fromCharCode(chars[below(chars.length)].charCodeAt(0) ^ (1 << below(8)));
        break;
      case 1:
        chars.length = at;
        break;
      case 2:
        chars.splice(at, 0, pick(FRAGMENTS));
        break;
      case 3:
        chars.splice(at, 1 + below(8));
        break;
      case 4:
        chars.splice(at, 0, String.fromCharCode(below(0x3000)));
        break;
      default:
        chars.splice(at, 0, ...chars.slice(at, at + below(40)));
    }
  }
  return chars.join("");
}

function monster() {
  switch (below(3)) {
    case 0:
      return `${"[".repeat(1 + below(200_000))}1${"]".repeat(below(200_000))}`;
    case 1:
      return `{"exp":1,"blob":"${"a".repeat(1 << 20)}"}`;
    default:
      return `{${'"k":{"k":'.repeat(1 + below(50_000))}"exp":1}`;
  }
}

const input = (seeds) => (below(20_000) === 0 ? monster() : below(10) === 0 ? pick(seeds) : mutate(pick(seeds)));

const tokens = PAYLOADS.map(jwt);
const [access, refresh] = tokens;
const redirects = [
  "https://app.example/cb?code=abc&state=S1",
  "https://app.example/cb?code=a%2Fb+c&state=S1&iss=https%3A%2F%2Fapi.trackmania.com#frag",
  "https://app.example/cb?error=access_denied&error_description=The+user+said+no&state=S1",
  "https://app.example/cb?code=foo&state=S1&id_token=x&token=y",
];
const nadeoBodies = [
  JSON.stringify({ accessToken: access, refreshToken: refresh }),
  JSON.stringify({ accessToken: access }),
  '{"code":"C-AA-00-03","correlation_id":"abc","message":"There was a validation error.","info":{}}',
  '["clubMemberRole:error-notMember"]',
];
const oauthBodies = [
  JSON.stringify({ token_type: "bearer", expires_in: 3600, access_token: tokens[2], refresh_token: "r" }),
  '{"token_type":"Bearer","expires_in":"3600","access_token":"a","scope":"clubs"}',
  '{"error":"invalid_grant","message":"m"}',
];
const nameBodies = ['{"5b4d42f4-c2de-407d-b367-cbff3fe817bc":"Hylis","a59df3e8":"Other"}', "[]"];
const userBodies = ['{"accountId":"5b4d42f4-c2de-407d-b367-cbff3fe817bc","displayName":"Hylis"}'];
const records = [
  JSON.stringify({ v: 1, accessToken: access, refreshToken: refresh }),
  JSON.stringify({
    v: 1,
    accessToken: access,
    refreshToken: refresh,
    after401: true,
    backoff: { failures: 2, notBeforeMs: 1735396000500, code: "HTTP", status: 500, body: '{"m":1}' },
  }),
  JSON.stringify({ v: 1, backoff: { failures: 1, notBeforeMs: 1735395999000, code: "RATE_LIMITED", status: 429 } }),
];
const retryAfters = [
  "120",
  "7",
  "Sun, 06 Nov 1994 08:49:37 GMT",
  "Sunday, 06-Nov-94 08:49:37 GMT",
  "Sun Nov  6 08:49:37 1994",
];
const STATUSES = [200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 429, 500, 503];

/** A fetch that answers the generated status, Retry-After and body. */
function answering(bodies) {
  return async () => {
    const status = pick(STATUSES);
    const headers = new Headers({ "content-type": "application/json" });
    if (below(2))
      headers.set(
        "retry-after",
        input(retryAfters)
          .replace(/[\r\n\0]/g, "")
          .replace(/[^\x20-\x7e]/g, "?"),
      );
    const body = status === 204 ? null : input(bodies);
    return new Response(body, { status, headers });
  };
}

const tallies = [];
async function run(name, count, one) {
  const t = { name, inputs: 0, ok: 0, codes: new Set(), foreign: 0, example: undefined, started: Date.now() };
  for (let i = 0; i < count; i++) {
    t.inputs++;
    try {
      await one();
      t.ok++;
    } catch (e) {
      if (e instanceof lib.NadeoAuthError) t.codes.add(e.code);
      else {
        t.foreign++;
        t.example ??= String(e?.stack ?? e).slice(0, 300);
      }
    }
  }
  t.seconds = (Date.now() - t.started) / 1000;
  tallies.push(t);
}

const started = Date.now();
const ua = { userAgent: "nadeo-auth fuzz / fuzz@example.com", timeoutMs: 30_000 };
await run("decodeToken (mutated tokens)", n >> 1, () => lib.decodeToken(input(tokens)));
await run("decodeToken (mutated payloads)", n - (n >> 1), () => lib.decodeToken(jwt(input(PAYLOADS))));
await run("tokenTimes", n, () => lib.tokenTimes(below(2) ? input(tokens) : jwt(input(PAYLOADS)), { now: 1735396000 }));
await run("parseRedirect", n, () => lib.parseRedirect(input(redirects), "S1"));
const nadeoFetch = answering(nadeoBodies);
await run("Nadeo answers (status, Retry-After, body) via loginBasic", n, () =>
  lib.loginBasic({ login: "l", password: "p", ...ua, fetch: nadeoFetch }),
);
const oauthFetch = answering(oauthBodies);
await run("OAuth answers via exchangeCode", n, () =>
  lib.exchangeCode({
    clientId: "c",
    clientSecret: "s",
    code: "x",
    redirectUri: "https://a.example/cb",
    ...ua,
    fetch: oauthFetch,
  }),
);
const namesFetch = answering(nameBodies);
await run("lookup answers via displayNames", n, () =>
  lib.displayNames(["5b4d42f4-c2de-407d-b367-cbff3fe817bc", "a59df3e8"], {
    accessToken: "a",
    ...ua,
    fetch: namesFetch,
  }),
);
const userFetch = answering(userBodies);
await run("user answers via currentUser", n, () => lib.currentUser({ accessToken: "a", ...ua, fetch: userFetch }));
// Stored values: the client adopts a good pair, logs in past garbage, or reports the stored
// backoff; never anything but a NadeoAuthError. Its clock sits inside the pair's lifetime.
// A client's first token takes ~1.3 ms (its single flight polls on timers), so this runs a
// twentieth of the inputs.
const loginFetch = async () => new Response(nadeoBodies[0], { status: 200 });
await run("store values via NadeoClient", Math.ceil(n / 20), async () => {
  const store = { get: async () => input(records), put: async () => {} };
  const client = new lib.NadeoClient({
    login: "l",
    password: "p",
    ...ua,
    fetch: loginFetch,
    store,
    now: () => 1735396000_000,
  });
  try {
    await client.accessToken("NadeoLiveServices");
  } finally {
    client.free();
  }
});

console.log(
  "| parser (through the wasm package in Node) | inputs | accepted | distinct error codes | panics or non-NadeoAuthError throws | s |",
);
console.log("| --- | ---: | ---: | --- | ---: | ---: |");
let bad = 0;
for (const t of tallies) {
  console.log(
    `| ${t.name} | ${t.inputs} | ${t.ok} | ${[...t.codes].sort().join(", ") || "(none)"} | ${t.foreign} | ${t.seconds.toFixed(1)} |`,
  );
  if (t.example) console.log(`  first: ${t.example}`);
  bad += t.foreign;
}
// The instance still works after all of it (a panic would have killed it).
lib.decodeToken(access);
console.log(
  `fuzz (wasm in Node ${process.version}): ${tallies.reduce((a, t) => a + t.inputs, 0)} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s, ${bad} panics or foreign throws`,
);
process.exit(bad ? 1 : 0);
