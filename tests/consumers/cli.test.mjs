// The command line (docs/cli.md) as a user meets it: the packed tarball
// installed by name in a fresh project, `npx nadeo-auth` and node_modules/.bin/nadeo-auth run
// as separate processes against the strict Nadeo and api.trackmania.com mocks, with the cache
// file in a folder of the test's (NADEO_AUTH_CACHE).
//
// Run by `make test-consumers` (after `make pkg`).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNadeoMock } from "../mock/nadeo.mjs";
import { startOAuthMock, PLAYERS } from "../mock/oauth.mjs";
import { packTarball, project, runAsync } from "./harness.mjs";

let dir;
let mock;
let tm;
let nadeoEnv;
const caches = [];

before(async () => {
  // Outside the repository: npx puts every node_modules/.bin above the project on PATH.
  const base = mkdtempSync(join(tmpdir(), "nadeo-auth-cli-project-"));
  caches.push(base);
  dir = project("cli", packTarball(), {}, base);
  mock = await startNadeoMock();
  tm = await startOAuthMock();
  const [login, { password }] = Object.entries(mock.accounts)[0];
  nadeoEnv = {
    NADEO_LOGIN: login,
    NADEO_PASSWORD: password,
    NADEO_USER_AGENT: "nadeo-auth CLI tests / tests@example.invalid",
    NADEO_CORE_URL: mock.coreUrl,
    NADEO_LIVE_URL: mock.liveUrl,
    NADEO_MEET_URL: mock.meetUrl,
  };
});

after(async () => {
  await mock?.close();
  await tm?.close();
  for (const c of caches) rmSync(c, { recursive: true, force: true });
});

/** A new, empty cache folder. */
function freshCache() {
  const c = mkdtempSync(join(tmpdir(), "nadeo-auth-cli-"));
  caches.push(c);
  return c;
}

/** node_modules/.bin/nadeo-auth with `args`; `env` adds to a clean environment. */
const cli = (args, env = {}, input) =>
  runAsync(join(dir, "node_modules/.bin/nadeo-auth"), args, {
    cwd: dir,
    env: { NADEO_AUTH_CACHE: "/nonexistent", ...env },
    input,
  });

const accessToken = () =>
  mock.issue("5b4d42f4-c2de-407d-b367-cbff3fe817bc", "svc_login", "NadeoLiveServices").accessToken;

test("npx nadeo-auth decode TOKEN: the header, every claim, and the times with what is left", async () => {
  const token = accessToken();
  const r = await runAsync("npx", ["--offline", "--no-install", "nadeo-auth", "decode", token], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /^header {2}\{"alg":"HS256","env":"trackmania-prod","ver":"1"\}$/m);
  for (const claim of ["jti", "iss", "iat", "rat", "exp", "aud", "usg", "sid", "sat", "sub", "aun", "rtk", "pce"]) {
    assert.match(r.stdout, new RegExp(`^  ${claim} +\\S`, "m"), claim);
  }
  assert.match(r.stdout, /^ {2}aud +NadeoLiveServices$/m);
  assert.match(r.stdout, /^ {2}issued +.+ \((now|\d+ s ago)\)$/m);
  assert.match(r.stdout, /^ {2}renewable +.+ \(in 30 min\)$/m);
  assert.match(r.stdout, /^ {2}expires +.+ \(in 1 h\)$/m);

  mock.setNow(Math.floor(Date.now() / 1000) - 2 * 3600);
  const old = accessToken();
  mock.setNow(null);
  const expired = await cli(["decode", old]);
  assert.equal(expired.status, 0, expired.stderr);
  assert.match(expired.stdout, /^ {2}expires +.+ \(expired 1 h ago\)$/m);
  assert.match(expired.stdout, /^ {2}renewable +.+ \(1 h 30 min ago\)$/m);
});

test("decode --json: { header, payload, times } as tokenTimes gives them", async () => {
  const token = accessToken();
  const r = await cli(["decode", "--json", token]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ["header", "payload", "times"]);
  assert.equal(out.header.alg, "HS256");
  assert.equal(out.payload.aun, "svc_login");
  assert.equal(out.times.expiresAt, out.payload.exp);
  assert.equal(out.times.refreshableAt, out.payload.rat);
  assert.equal(out.times.expired, false);
});

test("decode reads an Authorization line, Bearer, and standard input (- or nothing)", async () => {
  const token = accessToken();
  const aud = async (r) => (assert.equal(r.status, 0, r.stderr), JSON.parse(r.stdout).payload.aud);
  assert.equal(await aud(await cli(["decode", "--json", `Authorization: nadeo_v1 t=${token}`])), "NadeoLiveServices");
  assert.equal(await aud(await cli(["decode", "--json", `Bearer ${token}`])), "NadeoLiveServices");
  assert.equal(await aud(await cli(["decode", "--json", "-"], {}, `nadeo_v1 t=${token}\n`)), "NadeoLiveServices");
  assert.equal(await aud(await cli(["decode", "--json"], {}, token)), "NadeoLiveServices");
});

test("a bad token exits 1 with its code on standard error; usage errors exit 2; --help exits 0", async () => {
  const bad = await cli(["decode", "not.a"]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /^nadeo-auth: TOKEN_MALFORMED: .+\n$/);
  const plus = await cli(["decode", "a+b.c.d"]);
  assert.equal(plus.status, 1);
  assert.match(plus.stderr, /^nadeo-auth: TOKEN_(BASE64|MALFORMED): /);
  for (const args of [
    ["frobnicate"],
    ["token"],
    ["token", "NadeoFooServices"],
    ["decode", "a", "b"],
    ["decode", "--jsn", "x"],
    ["names"],
    [],
  ]) {
    const r = await cli(args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr + r.stdout, /nadeo-auth/, args.join(" "));
  }
  for (const command of ["decode", "token", "header", "names", "ids"]) {
    const r = await cli([command, "--help"]);
    assert.equal(r.status, 0, command);
    assert.match(r.stdout, new RegExp(`^Usage: nadeo-auth ${command}`), command);
  }
  assert.equal((await cli(["--help"])).status, 0);
  // The environment the command needs is named.
  const noLogin = await cli(["token", "live"], { NADEO_PASSWORD: "x", NADEO_USER_AGENT: "x" });
  assert.equal(noLogin.status, 2);
  assert.match(noLogin.stderr, /NADEO_LOGIN is not set/);
});

test("token, header: the first run logs in, the next ones reuse the cache (0600, no password)", async () => {
  const cache = freshCache();
  mock.reset();
  const first = await cli(["token", "live"], { ...nadeoEnv, NADEO_AUTH_CACHE: cache });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  assert.equal(first.stderr, "");
  assert.equal(mock.stats.basic, 1);
  const second = await cli(["header", "NadeoLiveServices"], { ...nadeoEnv, NADEO_AUTH_CACHE: cache });
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, `nadeo_v1 t=${first.stdout}`);
  const meet = await cli(["token", "meet"], { ...nadeoEnv, NADEO_AUTH_CACHE: cache });
  assert.equal(meet.stdout, first.stdout, "meet takes the Live token");
  assert.equal(mock.stats.basic, 1, "no second login");
  assert.equal(mock.stats.refresh, 0);
  const core = await cli(["token", "core"], { ...nadeoEnv, NADEO_AUTH_CACHE: cache });
  assert.equal(core.status, 0, core.stderr);
  assert.equal(mock.stats.basic, 2, "one login per audience");

  const text = cacheText(cache);
  assert.ok(!text.includes(nadeoEnv.NADEO_PASSWORD), "the cache holds the password");
  assert.ok(text.includes(first.stdout.trim()), "the cache holds the token");
});

/** Every file of a cache folder (each 0600), as one text. */
function cacheText(cache) {
  const files = readdirSync(cache);
  assert.ok(files.length > 0, "the cache is written");
  return files
    .map((f) => {
      assert.equal(statSync(join(cache, f)).mode & 0o777, 0o600, `${f} mode`);
      return readFileSync(join(cache, f), "utf8");
    })
    .join("\n");
}

test("8 runs at once with an empty cache make one login between them (the cache's lock)", async () => {
  const cache = freshCache();
  mock.reset();
  const env = { ...nadeoEnv, NADEO_AUTH_CACHE: cache };
  const runs = await Promise.all(Array.from({ length: 8 }, () => cli(["token", "live"], env)));
  for (const r of runs) assert.equal(r.status, 0, r.stderr);
  assert.equal(new Set(runs.map((r) => r.stdout)).size, 1, "one token");
  assert.equal(mock.stats.basic, 1, "one login");
});

test("the auth service answering 500: 30 runs in a loop make no more attempts than the backoff allows", async (t) => {
  const cache = freshCache();
  mock.reset();
  mock.failNext("basic", 500, 1e6);
  const t0 = Date.now();
  const failures = [];
  for (let i = 0; i < 30; i++) {
    const r = await cli(["header", "live"], { ...nadeoEnv, NADEO_AUTH_CACHE: cache });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.ok(!r.stderr.includes(nadeoEnv.NADEO_PASSWORD));
    failures.push(r.stderr);
  }
  const seconds = (Date.now() - t0) / 1000;
  mock.heal();
  // The n-th consecutive failure waits at least 2^(n-2) s (equal jitter over 1 s doubling):
  // in T seconds at most 1 + log2(2T + 1) attempts.
  const allowed = Math.floor(1 + Math.log2(2 * seconds + 1));
  assert.ok(
    mock.stats.basic >= 1 && mock.stats.basic <= allowed,
    `${mock.stats.basic} attempts in ${seconds.toFixed(1)} s (allowed ${allowed})`,
  );
  assert.ok(mock.stats.basic < 30);
  t.diagnostic(
    `${mock.stats.basic} login attempts in 30 runs over ${seconds.toFixed(1)} s (the policy allows ${allowed})`,
  );
  assert.match(failures[0], /^nadeo-auth: HTTP: .*\(HTTP 500\)/);
  assert.ok(
    failures.some((f) => /no new attempt for \d+/.test(f)),
    "a blocked run says how long to wait",
  );
});

test("a corrupt or foreign cache file costs a login, never an error", async () => {
  const cache = freshCache();
  mock.reset();
  const env = { ...nadeoEnv, NADEO_AUTH_CACHE: cache };
  const first = await cli(["token", "live"], env);
  assert.equal(first.status, 0, first.stderr);
  const [file] = readdirSync(cache).filter((f) => f.endsWith(".json"));
  for (const garbage of ["{not json", '{"value":1}', "[]", ""]) {
    writeFileSync(join(cache, file), garbage);
    const before = mock.stats.basic;
    const r = await cli(["token", "live"], env);
    assert.equal(r.status, 0, `${garbage}: ${r.stderr}`);
    assert.equal(mock.stats.basic, before + 1, garbage);
    assert.equal(typeof JSON.parse(readFileSync(join(cache, file), "utf8")).value, "string");
  }
});

test("names and ids: one client-credentials grant for both runs, key<TAB>value or --json", async () => {
  const cache = freshCache();
  const env = {
    TM_CLIENT_ID: tm.clientId,
    TM_CLIENT_SECRET: tm.clientSecret,
    TM_API_URL: tm.origin,
    NADEO_AUTH_CACHE: cache,
  };
  const [id1, id2] = Object.keys(PLAYERS);
  const names = await cli(["names", id1, id2, "00000000-0000-0000-0000-000000000000"], env);
  assert.equal(names.status, 0, names.stderr);
  assert.equal(names.stdout, `${id1}\t${PLAYERS[id1]}\n${id2}\t${PLAYERS[id2]}\n`);
  const ids = await cli(["ids", "--json", PLAYERS[id2]], env);
  assert.equal(ids.status, 0, ids.stderr);
  assert.deepEqual(JSON.parse(ids.stdout), { [PLAYERS[id2]]: id2 });
  assert.equal(tm.stats.token, 1, "one grant for both runs");
  assert.equal(tm.stats.names + tm.stats.ids, 2);
  assert.ok(!cacheText(cache).includes(tm.clientSecret), "the cache holds the client secret");
  const nobody = await cli(["names", "--json", "00000000-0000-0000-0000-000000000000"], env);
  assert.equal(nobody.status, 0, nobody.stderr);
  assert.deepEqual(JSON.parse(nobody.stdout), {});
  const wrong = await cli(["names", id1], { ...env, TM_CLIENT_SECRET: "wrong-secret", NADEO_AUTH_CACHE: freshCache() });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /^nadeo-auth: UNAUTHORIZED: /);
  assert.ok(!wrong.stderr.includes("wrong-secret"));
});
