// make bench, part: cold start. The time from nothing loaded to the first result: importing
// the package and decoding one token, against jose's decodeJwt.
// - Node: a fresh process per run; the figure is measured inside it (import + first call),
//   median of 15 runs.
// - workerd: a fresh Miniflare per run with a Worker that decodes a token on its first
//   request (bundled by wrangler, as users deploy it); the figure is the time to that first
//   answer, less the same for a Worker that imports nothing (workerd's own start), median of
//   21 runs (Miniflare starts jitter by ~10 ms: read the workerd column to ±5 ms).
// Run after scripts/pack-e2e.sh (the package installed by name in build/e2e).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const tools = join(root, "tools");
const e2e = join(root, "build/e2e");
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const TOKEN = `${b64({ alg: "HS256" })}.${b64({ aud: "NadeoLiveServices", iat: 1700000000, rat: 1700001800, exp: 1700003600, sub: "cold" })}.${Buffer.alloc(32, 1).toString("base64url")}`;
const jose = pathToFileURL(createRequire(join(tools, "package.json")).resolve("jose")).href;

const variants = [
  ["nadeo-auth", `const { decodeToken } = await import("nadeo-auth"); decodeToken(T);`],
  ["nadeo-auth/token", `const { decodeToken } = await import("nadeo-auth/token"); decodeToken(T);`],
  ["jose", `const { decodeJwt } = await import(${JSON.stringify(jose)}); decodeJwt(T);`],
];

// Node.
const node = [];
for (const [name, call] of variants) {
  const script = `const T = ${JSON.stringify(TOKEN)}; const t0 = performance.now(); ${call} console.log(performance.now() - t0);`;
  const runs = [];
  for (let i = 0; i < 15; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: e2e, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    runs.push(Number(r.stdout.trim()));
  }
  node.push([name, median(runs)]);
}

// workerd.
const { Miniflare } = await import(pathToFileURL(createRequire(join(tools, "package.json")).resolve("miniflare")).href);
function worker(name, body) {
  const dir = join(e2e, `coldstart-${name.replace(/\W/g, "-")}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "worker.js"),
    `const T = ${JSON.stringify(TOKEN)};\n${body}\nexport default { async fetch() { return new Response(String(result)); } };\n`,
  );
  writeFileSync(
    join(dir, "wrangler.toml"),
    `name = "coldstart"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n`,
  );
  execFileSync(join(tools, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  return join(dir, "dist/worker.js");
}
const workers = [
  ["(nothing imported)", worker("empty", "const result = T.length;")],
  [
    "nadeo-auth",
    worker("full", `import { decodeToken } from "nadeo-auth";\nconst result = decodeToken(T).payload.sub;`),
  ],
  [
    "nadeo-auth/token",
    worker("token", `import { decodeToken } from "nadeo-auth/token";\nconst result = decodeToken(T).payload.sub;`),
  ],
  [
    "jose",
    worker(
      "jose",
      `import { decodeJwt } from ${JSON.stringify(
        createRequire(join(tools, "package.json"))
          .resolve("jose")
          .replace(/\/dist\/.*$/, "/dist/webapi/index.js"),
      )};\nconst result = decodeJwt(T).sub;`,
    ),
  ],
];
const firstAnswer = {};
for (let i = 0; i < 21; i++) {
  for (const [name, script] of workers) {
    const t0 = performance.now();
    const mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      compatibilityDate: "2026-04-01",
    });
    await (await mf.dispatchFetch("http://cold/")).text();
    (firstAnswer[name] ??= []).push(performance.now() - t0);
    await mf.dispose();
  }
}
const base = median(firstAnswer["(nothing imported)"]);

console.log("\ncold start: import + first decode (ms, median)");
console.log("| package | Node (in process) | workerd (first answer, less an empty Worker's) |");
console.log("| --- | ---: | ---: |");
for (const [name, ms] of node)
  console.log(`| ${name} | ${ms.toFixed(1)} | ${(median(firstAnswer[name]) - base).toFixed(1)} |`);
console.log(`(an empty Worker's first answer: ${base.toFixed(0)} ms, workerd's own start)`);
