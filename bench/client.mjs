// make bench, part 2: what NadeoClient costs.
// 1. client.fetch overhead per request against a plain fetch with the same headers, both to
//    the local mock (median of sequential requests, microseconds).
// 2. Auth calls a client makes over a simulated 24 h of one request per second per audience
//    (injected clock; the floor is one login and about 26 renewals a day per audience).
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { startNadeoMock } from "../tests/mock/nadeo.mjs";

const root = new URL("..", import.meta.url).pathname;
const lib = await import(pathToFileURL(join(root, "pkg/index-node.js")).href);
const UA = "nadeo-auth bench / bench@example.com";
const LOGIN = "svc_login";
const PASSWORD = "pa:ss wörd 🏎";

// Each host on its own port at its root, as the real ones (base URLs without a path).
const mock = await startNadeoMock({ separateHosts: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// 1. Overhead. Against the local mock over HTTP (what a request costs in all), and against an
// instant fetch (a resolved Response: what client.fetch itself adds in CPU). Over HTTP the
// client's code runs between I/O turns with cold caches, so it adds more than its CPU time;
// base URLs without a path (the real ones, and the mock's here) let the client keep routes
// per origin in JS, while base URLs with a path ask the wasm on every call (the last row).
/** Median µs of plain fetch and client.fetch to a URL, interleaved. */
async function overHttp(client, url, headers, N) {
  const plain = [];
  const managed = [];
  for (let i = 0; i < 200; i++) {
    await (await fetch(url, { headers })).arrayBuffer();
    await (await client.fetch(url)).arrayBuffer();
  }
  // Alternating which goes first, so that neither always runs on a warmer connection.
  for (let i = 0; i < N; i++) {
    const order =
      i % 2
        ? [
            [plain, () => fetch(url, { headers })],
            [managed, () => client.fetch(url)],
          ]
        : [
            [managed, () => client.fetch(url)],
            [plain, () => fetch(url, { headers })],
          ];
    for (const [into, call] of order) {
      const t0 = performance.now();
      await (await call()).arrayBuffer();
      into.push(performance.now() - t0);
    }
  }
  return [median(plain) * 1000, median(managed) * 1000];
}

{
  const client = new lib.NadeoClient({
    login: LOGIN,
    password: PASSWORD,
    userAgent: UA,
    coreUrl: mock.coreUrl,
    liveUrl: mock.liveUrl,
  });
  const token = await client.accessToken("NadeoLiveServices");
  const url = `${mock.liveUrl}/api/token/leaderboard/group/Personal_Best/map/X/top?length=10`;
  const headers = { authorization: lib.nadeoAuthorization(token), "user-agent": UA };
  const N = 1500;
  const [p, m] = await overHttp(client, url, headers, N);
  const pathMock = await startNadeoMock();
  const pathClient = new lib.NadeoClient({
    login: LOGIN,
    password: PASSWORD,
    userAgent: UA,
    coreUrl: pathMock.coreUrl,
    liveUrl: pathMock.liveUrl,
  });
  const pathUrl = `${pathMock.liveUrl}/api/token/leaderboard/group/Personal_Best/map/X/top?length=10`;
  const pathHeaders = {
    authorization: lib.nadeoAuthorization(await pathClient.accessToken("NadeoLiveServices")),
    "user-agent": UA,
  };
  const [pp, pm] = await overHttp(pathClient, pathUrl, pathHeaders, N);
  pathClient.free();
  await pathMock.close();

  // The same client, its fetch an instant one: the client's own cost per call.
  const answer = new Response("ok");
  // Logins and renewals still go to the mock; API calls get the same answer at once.
  const instant = async (u, init) => (String(u).startsWith(mock.coreUrl) ? fetch(u, init) : answer);
  const local = new lib.NadeoClient({
    login: LOGIN,
    password: PASSWORD,
    userAgent: UA,
    coreUrl: mock.coreUrl,
    liveUrl: mock.liveUrl,
    fetch: instant,
  });
  const fast = { plain: [], managed: [] };
  await local.accessToken("NadeoLiveServices");
  const instantHeaders = {
    authorization: lib.nadeoAuthorization(await local.accessToken("NadeoLiveServices")),
    "user-agent": UA,
  };
  for (let i = 0; i < 20000; i++) {
    let t0 = performance.now();
    await instant(url, { headers: instantHeaders });
    fast.plain.push(performance.now() - t0);
    t0 = performance.now();
    await local.fetch(url);
    fast.managed.push(performance.now() - t0);
  }
  const fp = median(fast.plain.slice(2000)) * 1000;
  const fm = median(fast.managed.slice(2000)) * 1000;

  // The median of 40 batches of 1,000 awaited calls (a mean would carry the odd GC pause).
  const batches = [];
  for (let b = 0; b < 40; b++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await client.accessToken("NadeoLiveServices");
    batches.push(performance.now() - t0);
  }
  const cached = median(batches);
  console.log(`\nNadeoClient.fetch against a plain fetch (Node ${process.version}; medians)`);
  console.log("| request | plain fetch, headers set by hand (µs) | client.fetch (µs) | overhead (µs) |");
  console.log("| --- | ---: | ---: | ---: |");
  console.log(
    `| to the local mock over HTTP (${N} each; budget 20 µs) | ${p.toFixed(0)} | ${m.toFixed(0)} | ${(m - p).toFixed(0)} |`,
  );
  console.log(`| to an instant fetch (18,000 each) | ${fp.toFixed(1)} | ${fm.toFixed(1)} | ${(fm - fp).toFixed(1)} |`);
  console.log(
    `| over HTTP, base URLs with a path (${N} each; a wasm call per request) | ${pp.toFixed(0)} | ${pm.toFixed(0)} | ${(pm - pp).toFixed(0)} |`,
  );
  console.log("\n| call | µs (median of 40 batches of 1,000) |");
  console.log("| --- | ---: |");
  console.log(`| client.accessToken() with a cached token, awaited (budget 1 µs) | ${cached.toFixed(2)} |`);
  client.free();
  local.free();
}

// 2. A simulated day, on a machine clock that is right, and hours or minutes off (the mock's
//    clock is the service's; the client's is that plus the skew).
{
  const T = 1_900_000_000;
  const DAY = 86_400;
  const rows = [];
  for (const [name, skew] of [
    ["right", 0],
    ["2 h fast", 7200],
    ["2 h slow", -7200],
    ["10 min slow", -600],
  ]) {
    let now = T;
    mock.reset();
    mock.setNow(now);
    const client = new lib.NadeoClient({
      login: LOGIN,
      password: PASSWORD,
      userAgent: UA,
      coreUrl: mock.coreUrl,
      now: () => (now + skew) * 1000,
    });
    let failed = 0;
    for (let s = 0; s < DAY; s++) {
      now = T + s;
      mock.setNow(now);
      for (const audience of ["NadeoServices", "NadeoLiveServices"])
        await client.accessToken(audience).catch(() => failed++);
    }
    const { logins, refreshes } = client.stats;
    rows.push([name, logins, refreshes, (logins + refreshes) / 2, failed]);
    client.free();
  }
  console.log(
    `\nauth calls over a simulated 24 h, one request per second per audience (2 audiences, refreshMargin 300 s)`,
  );
  console.log("| machine clock | logins | refreshes | per audience per day | failed calls | floor per audience |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) console.log(`| ${r.join(" | ")} | 1 login + ${Math.floor(DAY / 3300)} renewals |`);
}
// 3. Under failure: the auth calls of 1,000 accessToken() calls over 10 simulated minutes, with a
//    fetch option answering every auth call the same way (as the failure-policy issue measured
//    it), and of 100 client.fetch() calls to an API that answers 401 for good.
{
  const T = 1_900_000_000;
  const answer =
    (status, body, headers = {}) =>
    async () =>
      new Response(typeof body === "string" ? body : JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      });
  const modes = [
    ["500", answer(500, { code: "C-AA-00-00", message: "Internal error." })],
    ["429 with Retry-After: 120", answer(429, { message: "Too many requests." }, { "retry-after": "120" })],
    ["401 Invalid credentials. (wrong password)", answer(401, { code: "C-AA-00-01", message: "Invalid credentials." })],
    [
      "fetch throws (network down)",
      async () => {
        throw new TypeError("fetch failed");
      },
    ],
  ];
  const run = async (fetchFn, clients = 1) => {
    let now = T;
    let calls = 0;
    const counted = async (...args) => {
      calls++;
      return fetchFn(...args);
    };
    const map = new Map();
    const store = { get: (k) => map.get(k) ?? null, put: (k, v) => void map.set(k, v) };
    const made = Array.from(
      { length: clients },
      () =>
        new lib.NadeoClient({
          login: LOGIN,
          password: PASSWORD,
          userAgent: UA,
          fetch: counted,
          now: () => now * 1000,
          ...(clients > 1 ? { store } : {}),
        }),
    );
    for (let i = 0; i < 1000; i++) {
      await made[i % clients].accessToken("NadeoLiveServices").catch(() => {});
      now += 0.6;
    }
    return calls;
  };
  console.log("\nauth calls under failure: 1,000 accessToken() calls over 10 simulated minutes (budget: at most 20)");
  console.log("| auth endpoint answers | before the failure policy | now |");
  console.log("| --- | ---: | ---: |");
  for (const [name, fetchFn] of modes) console.log(`| ${name} | 1000 | ${await run(fetchFn)} |`);
  console.log(`| 500, two clients sharing one store (budget 25) | 2000 | ${await run(modes[0][1], 2)} |`);
  mock.setNow(null);
  mock.reset();
  const client = new lib.NadeoClient({
    login: LOGIN,
    password: PASSWORD,
    userAgent: UA,
    coreUrl: mock.coreUrl,
    liveUrl: mock.liveUrl,
  });
  await client.accessToken("NadeoLiveServices");
  mock.failNext("api", 401, 1_000_000);
  for (let i = 0; i < 100; i++) await client.fetch(`${mock.liveUrl}/api/dedicated-only`).catch(() => {});
  console.log(`| an API answering 401 for good, 100 client.fetch calls: renewals | 100 | ${client.stats.refreshes} |`);
  mock.reset();
}
await mock.close();
