// make bench: decoding throughput of nadeo-auth's decodeToken (both entries) against
// jwt-decode and jose's decodeJwt on the same Nadeo-shaped tokens, in one process, and
// tokenTimes against jose's decodeJwt plus the same arithmetic in JS; then the same ratios on
// every Node the project tests (22, 24 and 26 ship as npm packages in tests/consumers); and the
// size of each package. A benchmark reports; it never fails.
//
//   node bench/decode.mjs            the tables (this Node), the ratios on each Node, the sizes
//   node bench/decode.mjs --ratios   one JSON line of this Node's ratios (for the table)
//   PKG_ROOT=<checkout> node bench/decode.mjs --ratios
//                                    the same for another checkout's pkg/ (an A/B of a change
//                                    on one machine: ratios move 10-20% between machines)
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const tools = join(root, "tools");
const require = createRequire(join(tools, "package.json"));
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const ratiosOnly = process.argv.includes("--ratios");

const lib = await import(pathToFileURL(join(process.env.PKG_ROOT ?? root, "pkg/index-node.js")).href);
const page = await import(pathToFileURL(join(process.env.PKG_ROOT ?? root, "pkg/token-node.js")).href);
const { jwtDecode } = await load("jwt-decode");
const { decodeJwt } = await load("jose");

// 256 distinct tokens shaped like Nadeo's (header, claim set, sizes).
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const uuid = (i) => `${(0x10000000 + i).toString(16)}-7b3b-4e1b-9a45-${(0x100000000000 + i * 7919).toString(16)}`;
const tokens = [];
for (let i = 0; i < 256; i++) {
  const iat = 1735394983 + i * 37;
  tokens.push(
    `${b64({ alg: "HS256", env: "trackmania-prod", ver: "1" })}.${b64({
      jti: uuid(i),
      iss: "NadeoServices",
      iat,
      rat: iat + 1800,
      exp: iat + 3600,
      aud: i % 2 ? "NadeoLiveServices" : "NadeoServices",
      usg: "Client",
      sid: uuid(i + 1000),
      sat: iat,
      sub: uuid(i + 2000),
      aun: `player_${i}`,
      rtk: false,
      pce: false,
      ubiservices_uid: uuid(i + 3000),
    })}.${Buffer.alloc(32, i).toString("base64url")}`,
  );
}

const NOW = 1735396000;
/** tokenTimes' answer computed in JS from jose's decodeJwt: what a user would write instead. */
function joseTimes(token, now) {
  const { iat = null, rat = null, exp = null } = decodeJwt(token);
  return {
    issuedAt: iat,
    refreshableAt: rat,
    expiresAt: exp,
    expired: exp !== null && now >= exp,
    refreshable: rat === null || now >= rat,
    expiresIn: exp === null ? Number.POSITIVE_INFINITY : Math.max(exp - now, 0),
    refreshableIn: rat === null ? 0 : Math.max(rat - now, 0),
  };
}

const candidates = [
  ["nadeo-auth decodeToken (header + payload)", (t) => lib.decodeToken(t)],
  ["nadeo-auth/token decodeToken (header + payload)", (t) => page.decodeToken(t)],
  ["nadeo-auth tokenTimes", (t) => lib.tokenTimes(t, { now: NOW })],
  ["nadeo-auth/token tokenTimes", (t) => page.tokenTimes(t, { now: NOW })],
  ["jose decodeJwt + the same arithmetic in JS", (t) => joseTimes(t, NOW)],
  ["jwt-decode jwtDecode (payload)", (t) => jwtDecode(t)],
  ["jwt-decode jwtDecode (header + payload)", (t) => [jwtDecode(t, { header: true }), jwtDecode(t)]],
  ["jose decodeJwt (payload)", (t) => decodeJwt(t)],
];

// Same answers first: a benchmark of wrong results is worthless.
for (const t of tokens.slice(0, 4)) {
  const ours = JSON.stringify(lib.decodeToken(t).payload);
  if (ours !== JSON.stringify(jwtDecode(t)) || ours !== JSON.stringify(decodeJwt(t)))
    throw new Error("decoders disagree");
  if (JSON.stringify(page.tokenTimes(t, { now: NOW })) !== JSON.stringify(joseTimes(t, NOW)))
    throw new Error("tokenTimes and its JS equivalent disagree");
}

function opsPerSecond(fn, ms) {
  let n = 0;
  let sink = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) sink += fn(tokens[i]) ? 1 : 0;
    n += 256;
  }
  const took = ms + (performance.now() - end);
  if (sink < 0) console.log(sink);
  return (n / took) * 1000;
}

// Rounds interleave the candidates, so that what the machine does meanwhile falls on all.
const ROUNDS = 7;
const results = new Map(candidates.map(([name]) => [name, []]));
for (const [, fn] of candidates) opsPerSecond(fn, 300); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of candidates) results.get(name).push(opsPerSecond(fn, 250));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ops = (i) => median(results.get(candidates[i][0]));
const jose = ops(7);
if (ratiosOnly) {
  const ratios = {
    node: process.version,
    full: ops(0) / jose,
    token: ops(1) / jose,
    timesFull: ops(2) / ops(4),
    timesToken: ops(3) / ops(4),
  };
  console.log(JSON.stringify(ratios));
  process.exit(0);
}
console.log(
  `\ndecoding throughput (Node ${process.version}, median of ${ROUNDS} rounds, ${tokens[0].length}-char tokens)`,
);
console.log("| decoder | ops/s | vs jose decodeJwt |");
console.log("| --- | ---: | ---: |");
for (const [i, [name]] of candidates.entries()) {
  console.log(`| ${name} | ${Math.round(ops(i)).toLocaleString("en")} | ${(ops(i) / jose).toFixed(2)}x |`);
}

// The same ratios on each Node the project tests (the budget: at least 1.0x on each). A run's
// ratio swings by some 15% with the state of the heap and the machine, so each Node's is the
// median of three processes, with their range.
const PROCESSES = 3;
const nodes = [
  ["20", process.execPath],
  ...["22", "24", "26"].map((v) => [v, join(root, `tests/consumers/node_modules/node${v}/bin/node`)]),
];
const self = fileURLToPath(import.meta.url);
console.log(
  `\ndecodeToken and tokenTimes against jose on each Node (ops/s ratios: the median of ${PROCESSES} processes, each the median of ${ROUNDS} rounds; their range in brackets)`,
);
console.log(
  "| Node | decodeToken, nadeo-auth | decodeToken, nadeo-auth/token | tokenTimes, nadeo-auth | tokenTimes, nadeo-auth/token |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [version, bin] of nodes) {
  if (!existsSync(bin)) {
    console.log(`| ${version} | (not installed: make setup) | | | |`);
    continue;
  }
  const runs = Array.from({ length: PROCESSES }, () =>
    JSON.parse(execFileSync(bin, [self, "--ratios"], { encoding: "utf8" })),
  );
  const cell = (key) => {
    const xs = runs.map((r) => r[key]);
    return `${median(xs).toFixed(2)}x (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
  };
  console.log(
    `| ${runs[0].node} | ${cell("full")} | ${cell("token")} | ${cell("timesFull")} | ${cell("timesToken")} |`,
  );
}

// Sizes: our package as shipped, and each baseline bundled and minified by esbuild.
const gz = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const dir = mkdtempSync(join(tmpdir(), "nadeo-auth-bench-"));
function bundle(name, source) {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(entry, source);
  const out = join(dir, `${name}.out.js`);
  execFileSync(
    join(tools, "node_modules/.bin/esbuild"),
    [entry, "--bundle", "--minify", "--format=esm", "--platform=browser", "--log-level=warning", `--outfile=${out}`],
    {
      cwd: tools,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_PATH: join(tools, "node_modules") },
    },
  );
  return readFileSync(out);
}
const resolveDir = (p) => JSON.stringify(require.resolve(p));
// The browser entries carry their wasm inlined (gzip + base64): the bundle is the whole cost.
const ours = bundle("ours", `export * from ${JSON.stringify(join(root, "pkg/index.js"))};`);
const oursToken = bundle("ourstoken", `export * from ${JSON.stringify(join(root, "pkg/token.js"))};`);
const inlined = readFileSync(join(root, "pkg/nadeo_auth_wasm.js"));
const rows = [
  ["nadeo-auth (bundled, wasm inlined)", ours.length, gz(ours)],
  ["  of which the inlined wasm", inlined.length, gz(inlined)],
  ["nadeo-auth/token (bundled, wasm inlined)", oursToken.length, gz(oursToken)],
  [
    "jwt-decode (whole)",
    ...((b) => [b.length, gz(b)])(bundle("jwtdecode", `export * from ${resolveDir("jwt-decode")};`)),
  ],
  [
    "jose (decodeJwt only, tree-shaken)",
    ...((b) => [b.length, gz(b)])(bundle("josedecode", `export { decodeJwt } from ${resolveDir("jose")};`)),
  ],
  ["jose (whole)", ...((b) => [b.length, gz(b)])(bundle("jose", `export * from ${resolveDir("jose")};`))],
];
console.log("\npackage size (minified; gzip -9)");
console.log("| package | raw | gzip |");
console.log("| --- | ---: | ---: |");
for (const [name, raw, g] of rows) console.log(`| ${name} | ${kb(raw)} | ${kb(g)} |`);
