// One login per fleet: two Workers (two isolates, bundled by wrangler as a user would) bound to
// one NadeoTokenBroker Durable Object class, run by Miniflare with durable storage on disk,
// against the mock Nadeo service. Time moves through a test clock (the isolates' and the
// broker's), never by waiting.
import { after, before, test } from "node:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startNadeoMock } from "./mock/nadeo.mjs";
import { startOAuthMock } from "./mock/oauth.mjs";
import { startFleet } from "./fleet.mjs";

const PASSWORD = "pa:ss wörd 🏎";
const T = 1_900_000_000;
let mock;
let tm;
let fleet;
let get;
let clock;
let persist;

/** Every file below `dir`. */
function filesOf(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesOf(p) : [p];
  });
}

const equal = (a, b, what) => {
  if (a !== b) throw new Error(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
};
const ok = (v, what) => {
  if (!v) throw new Error(what);
};

before(async () => {
  mock = await startNadeoMock();
  tm = await startOAuthMock({ redirectUris: ["https://app.example/cb"] });
  fleet = await startFleet({ mock, tm, password: PASSWORD, T });
  ({ get, clock, persist } = fleet);
});

after(async () => {
  await fleet?.close();
  await mock?.close();
  await tm?.close();
});

test("broker: 40 concurrent requests in each of two Workers before any login make one login, one token", async () => {
  const all = await Promise.all([...Array(40)].flatMap(() => [get("a", "/token"), get("b", "/token")]));
  ok(
    all.every((r) => typeof r.token === "string"),
    `every request got a token: ${JSON.stringify(all.find((r) => !r.token))}`,
  );
  equal(new Set(all.map((r) => r.token)).size, 1, "one token for the fleet");
  equal(mock.stats.basic, 1, "upstream logins");
  const { broker, client } = await get("a", "/stats");
  equal(broker.logins, 1, "the broker's logins");
  deepEqualStats(client, { logins: 0, refreshes: 0, failures: 0, clockOffset: 0 });
});

test("broker: later requests are served from each isolate's memory", async () => {
  const before = (await get("a", "/stats")).broker.requests;
  await Promise.all([...Array(20)].flatMap(() => [get("a", "/token"), get("b", "/token")]));
  equal(mock.stats.basic, 1, "no new login");
  equal((await get("a", "/stats")).broker.requests, before, "no broker round trip");
});

test("broker: a due token makes one renewal for the fleet", async () => {
  const old = (await get("a", "/token")).token;
  await clock(3400);
  const all = await Promise.all([...Array(40)].flatMap(() => [get("a", "/token"), get("b", "/token")]));
  ok(
    all.every((r) => typeof r.token === "string" && r.token !== old),
    "renewed for all",
  );
  equal(new Set(all.map((r) => r.token)).size, 1);
  equal(mock.stats.refresh, 1, "one upstream renewal");
  equal(mock.stats.basic, 1);
});

test("broker: an API's 401 in both Workers makes one renewal for everyone", async () => {
  mock.failNext("api", 401, 2);
  const [ra, rb] = await Promise.all([get("a", "/api"), get("b", "/api")]);
  equal(ra.status, 200, "a retried with the renewed token");
  equal(rb.status, 200, "b retried with the renewed token");
  equal(mock.stats.refresh, 2, "one renewal for the refusal");
});

test("broker: the password is in no file of the object's storage", async () => {
  const files = filesOf(persist);
  ok(files.length > 0, "the broker wrote its storage to disk");
  const secrets = [PASSWORD, Buffer.from(`svc_login:${PASSWORD}`).toString("base64"), "pa:ss"].map((s) =>
    Buffer.from(s),
  );
  for (const f of files) {
    const bytes = readFileSync(f);
    for (const s of secrets) ok(!bytes.includes(s), `${f} holds a secret`);
  }
  ok(
    files.some((f) => readFileSync(f).includes(Buffer.from("nadeo-auth:v1:NadeoLiveServices:svc_login"))),
    "the tokens are stored under the login and audience",
  );
});

test("broker: the auth service down for 10 simulated minutes while both Workers serve: at most 20 attempts", async () => {
  // The refresh token is dead a day later: the fleet must log in, and logins fail.
  let now = 100_000;
  await clock(now);
  mock.failNext("basic", 500, 1_000_000);
  const before = mock.stats.basic + mock.stats.refresh;
  const errors = new Set();
  for (let step = 0; step < 100; step++) {
    const [ra, rb] = await Promise.all([get("a", "/token"), get("b", "/token")]);
    errors.add(ra.error).add(rb.error);
    now += 6;
    await clock(now);
  }
  const attempts = mock.stats.basic + mock.stats.refresh - before;
  ok(attempts >= 3 && attempts <= 20, `${attempts} upstream attempts for the fleet`);
  console.log(`broker: ${attempts} upstream attempts in 10 simulated minutes down, two Workers serving`);
  ok(!errors.has(undefined), "no request got a token");
  ok(errors.has("HTTP"), `the failure's code reached the Workers: ${[...errors]}`);
  mock.heal();
  now += 301;
  await clock(now);
  ok((await get("a", "/token")).token, "the fleet recovers");
});

test("broker: the added latency of a broker round trip (printed)", async () => {
  const median = async (path) => {
    const ms = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      ok((await get("a", path)).token, path);
      ms.push(performance.now() - t0);
    }
    return ms.sort((x, y) => x - y)[30];
  };
  const memory = await median("/token");
  const broker = await median("/fresh-token");
  console.log(
    `broker round trip: a request served from the isolate's memory ${memory.toFixed(2)} ms, one asking the broker ${broker.toFixed(2)} ms (median): +${(broker - memory).toFixed(2)} ms`,
  );
});

function deepEqualStats(actual, expected) {
  equal(JSON.stringify(actual), JSON.stringify(expected), "the isolate's own auth calls");
}

test("broker for players: 2 Workers x 40 concurrent requests for one player whose token is due make 1 refresh; storage holds no client secret", async () => {
  // A signed-in player: the code the authorize page hands out, exchanged as a back end does.
  const decided = await fetch(`${tm.origin}/oauth/authorize/decide`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: tm.clientId,
      redirect_uri: "https://app.example/cb",
      scope: "clubs",
      state: "s",
      decision: "allow",
    }).toString(),
    redirect: "manual",
  });
  const code = new URL(decided.headers.get("location")).searchParams.get("code");
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    client_id: tm.clientId,
    client_secret: tm.clientSecret,
    code,
    redirect_uri: "https://app.example/cb",
  });
  const answer = await (
    await fetch(`${tm.origin}/api/access_token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    })
  ).json();
  // Seconds since the epoch as exchangeCode gives them: already past on the fleet's clock (T).
  const tokens = {
    tokenType: "bearer",
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresIn: 3600,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  const post = (w) =>
    fleet.workers[w]
      .fetch("http://fleet/player", { method: "POST", body: JSON.stringify({ tokens }) })
      .then((r) => r.json());
  const all = await Promise.all([...Array(40)].flatMap(() => [post("a"), post("b")]));
  ok(
    all.every((r) => typeof r.token === "string"),
    `every request got a token: ${JSON.stringify(all.find((r) => !r.token))}`,
  );
  equal(new Set(all.map((r) => r.token)).size, 1, "one token for the fleet");
  ok(all[0].token !== tokens.accessToken, "a renewed one");
  equal(tm.stats.refreshed, 1, "one refresh for 80 requests in two Workers");
  equal(tm.stats.spent, 0, "no spent refresh token sent");
  for (const file of filesOf(persist)) {
    const text = readFileSync(file).toString("latin1");
    ok(!text.includes(tm.clientSecret), `the client secret in ${file}`);
  }
});
