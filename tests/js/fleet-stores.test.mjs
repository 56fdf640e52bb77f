// Fleets outside Cloudflare: 4 Node processes sharing a store with a lock (a real Redis through
// node-redis, ioredis and iovalkey; a fileStore directory), against the strict mocks. One
// login, one refresh per due audience and one rotation per due player for the whole fleet,
// no REFRESH_EXPIRED; Redis stopped in the middle costs no request memory can serve, and the
// fleet recovers when it is back; a lease holder killed mid-renewal holds nobody up past the
// lease's time. Time is the fleet's simulated clock, moved with the mocks' clocks.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as lib from "nadeo-auth";
import { fileStore, redisStore } from "nadeo-auth/stores";
import { startNadeoMock } from "./mock/nadeo.mjs";
import { startOAuthMock } from "./mock/oauth.mjs";
import { startProcessFleet } from "./process-fleet.mjs";
import { signInPlayer } from "./sign-in-player.mjs";
import { startRedis } from "./redis-server.mjs";
import { tool } from "./tools.mjs";

const REDIRECT = "https://app.example/cb";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const equal = (a, b, what) => {
  if (a !== b) throw new Error(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
};
const ok = (v, what) => {
  if (!v) throw new Error(what);
};

let mock;
let tm;
const cleanups = [];
before(async () => {
  mock = await startNadeoMock();
  tm = await startOAuthMock({ redirectUris: [REDIRECT] });
});
after(async () => {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch {} // a client already closed, a server already stopped
  }
  await mock?.close();
  await tm?.close();
});

/** `n` processes of the fleet on the store `kind` at `target`. */
async function fleet(kind, target, n = 4) {
  const f = await startProcessFleet({ kind, target, mock, tm, n });
  cleanups.push(() => f.close());
  return f;
}

function setTime(t) {
  mock.setNow(t);
  tm.setNow(t);
}

/** The fleet's life: a login, a due audience, a due player. Returns the time reached. */
async function renewals(f, seedStore) {
  mock.reset();
  tm.reset();
  const T = Math.floor(Date.now() / 1000);
  setTime(T);
  const tokens = await signInPlayer(lib, tm, REDIRECT);
  // The player's pair goes to the store the way a sign-in hands it over.
  const seed = new lib.TrackmaniaUserClient({
    clientId: tm.clientId,
    clientSecret: tm.clientSecret,
    apiUrl: tm.origin,
    tokens,
    store: seedStore,
    key: "player:1",
  });
  await seed.accessToken();

  const first = await f.burst("nadeo", T);
  equal(first.ok, 200, `every first call served: ${JSON.stringify(first.errors)}`);
  equal(mock.stats.basic, 1, "one login for 4 processes x 50 calls");

  const due = T + 3400; // 56 min on: due (5 min margin), not expired
  setTime(due);
  for (const what of ["nadeo", "player"]) {
    const a = await f.burst(what, due);
    equal(a.ok, 200, `${what}: every due call served: ${JSON.stringify(a.errors)}`);
    await sleep(50);
    const b = await f.burst(what, due + 1);
    equal(b.ok, 200, `${what}: and after: ${JSON.stringify(b.errors)}`);
    equal(b.tokens.size, 1, `${what}: one token for the fleet`);
  }
  equal(mock.stats.refresh, 1, "one refresh of the audience for the fleet");
  equal(mock.stats.basic, 1, "no second login");
  equal(tm.stats.refreshed, 1, "one rotation of the player for the fleet");
  equal(tm.stats.spent, 0, "no spent refresh token sent");
  return due;
}

for (const kind of ["node-redis", "ioredis", "iovalkey"]) {
  test(`${kind}: 4 processes make 1 login, 1 refresh, 1 rotation; Redis down costs no served request; the fleet recovers`, async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const client = await seedClient(kind, redis.url);
    const f = await fleet(kind, redis.url);
    const due = await renewals(f, redisStore(client));

    // Redis goes away: fresh tokens are served from memory.
    await redis.stop();
    const down = await f.burst("nadeo", due + 60);
    equal(down.ok, 200, `served from memory while Redis is down: ${JSON.stringify(down.errors)}`);
    const downPlayer = await f.burst("player", due + 60);
    equal(downPlayer.ok, 200, `the player too: ${JSON.stringify(downPlayer.errors)}`);
    equal(mock.stats.basic + mock.stats.refresh, 2, "no auth call while it is down");

    // Back (empty): the next due renewal is one for the fleet again.
    const back = await startRedis(redis.port);
    cleanups.push(() => back.stop());
    await sleep(500); // the clients reconnect
    const later = due + 3350;
    setTime(later);
    const a = await f.burst("nadeo", later);
    equal(a.ok, 200, `due again, Redis back: ${JSON.stringify(a.errors)}`);
    await sleep(50);
    await f.burst("nadeo", later + 1);
    ok(
      mock.stats.refresh <= 3,
      `${mock.stats.refresh} refreshes in all (one per due time, one more at most while Redis came back)`,
    );
    equal(mock.stats.basic, 1, "still one login");
  });
}

/** The parent's own client of the store (to hand the player's pair over). */
async function seedClient(kind, url) {
  if (kind === "node-redis") {
    const { createClient } = await tool("redis");
    const c = createClient({ url });
    c.on("error", () => {});
    await c.connect();
    cleanups.push(() => c.destroy());
    return c;
  }
  const { default: Redis } = await tool(kind);
  const c = new Redis(url);
  c.on("error", () => {});
  cleanups.push(() => c.disconnect());
  return c;
}

test("node-redis: a lease holder killed mid-renewal: another process renews once the lease has passed, nobody logged out", async () => {
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  const client = await seedClient("node-redis", redis.url);
  const f = await fleet("node-redis", redis.url);
  const due = await renewals(f, redisStore(client));
  const next = due + 3350;
  setTime(next);
  mock.failNext("refresh", "hang");
  const [holder, ...others] = f.procs;
  holder.child.send({ cmd: "burst", what: "nadeo", n: 5, now: next * 1000 });
  await sleep(300); // it holds the lease, its refresh hangs
  holder.child.kill("SIGKILL");
  const meanwhile = await f.burst("nadeo", next + 1, 50, others);
  equal(meanwhile.ok, 150, `the others serve their still-valid token: ${JSON.stringify(meanwhile.errors)}`);
  const before = mock.stats.refresh;
  await sleep(7_500); // the lease's time (timeoutMs 2 s + 5 s)
  const afterLease = await f.burst("nadeo", next + 10, 50, others);
  equal(afterLease.ok, 150, `served after the lease passed: ${JSON.stringify(afterLease.errors)}`);
  await sleep(50);
  const settled = await f.burst("nadeo", next + 11, 50, others);
  equal(settled.tokens.size, 1, "one token for the fleet");
  equal(mock.stats.refresh - before, 1, "one renewal once the lease passed");
  equal(mock.stats.basic, 1, "nobody logged in again");
});

test("fileStore: 4 processes make 1 login, 1 refresh, 1 rotation; files are 0600 and hold no secret", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nadeo-auth-fleet-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const f = await fleet("file", dir);
  await renewals(f, fileStore(dir));
  const { statSync } = await import("node:fs");
  for (const f of readdirSync(dir)) {
    equal(statSync(join(dir, f)).mode & 0o777, 0o600, `${f} mode`);
    const text = readFileSync(join(dir, f), "utf8");
    ok(!text.includes("pa:ss") && !text.includes(tm.clientSecret), `${f} holds a secret`);
  }
});

test("denoKvStore: 2 Deno processes x 2 clients on one Deno KV file make 1 login, then 1 refresh once due", async () => {
  const { execFile } = await import("node:child_process");
  const { dirname } = await import("node:path");
  const deno = join(dirname(process.env.NADEO_AUTH_TOOLS), "tests/consumers/node_modules/@deno/linux-x64-glibc/deno");
  const dir = mkdtempSync(join(tmpdir(), "nadeo-auth-kv-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const kvPath = join(dir, "kv.sqlite");
  const here = new URL(".", import.meta.url).pathname;
  const run = (t) =>
    new Promise((resolve, reject) =>
      execFile(
        deno,
        ["run", "-A", "--unstable-kv", "deno-kv-process.mjs", kvPath, mock.origin, String(t * 1000), "50"],
        { cwd: here, env: { ...process.env, NO_COLOR: "1" } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
      ),
    );
  mock.reset();
  const T = Math.floor(Date.now() / 1000);
  setTime(T);
  const first = await Promise.all([run(T), run(T)]);
  equal(first[0].ok + first[1].ok, 200, `every call served: ${JSON.stringify(first.map((r) => r.errors))}`);
  equal(mock.stats.basic, 1, "one login for 2 processes x 2 clients x 50 calls");
  const due = T + 3400;
  setTime(due);
  const later = await Promise.all([run(due), run(due)]);
  equal(later[0].ok + later[1].ok, 200, `every due call served: ${JSON.stringify(later.map((r) => r.errors))}`);
  equal(mock.stats.refresh, 1, "one refresh for the two");
  equal(mock.stats.basic, 1, "no second login");
});
