#!/usr/bin/env node
// Prints what each entry of the package loads (raw and gzip, each file gzipped on its own as a
// server sends it) and, with --check, fails when an entry is over its budget:
// - the full entry's guard, 96 KiB (wasm + JS, gzip): it is for servers and Workers, so this
//   guards against accidents (a dependency that drags in megabytes), not a budget to design
//   for; its size and cold start are reported by make bench;
// - the token entry (what a page loads), in each condition (browser, node, workerd): its
//   budget, 16 KiB;
// - a Vite page that imports only the token entry (every file of its dist/assets: Vite's own
//   module-preload polyfill counts too), built with the consumers' pinned Vite 8 and Vite 7:
//   the same budget.
// Usage: node scripts/size.mjs [--check]
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_FULL_GZIP = 96 * 1024;
const pkg = new URL("../pkg/", import.meta.url).pathname;
const pct = (a, b) => `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)}%`;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

const glue = "error.js";
// nadeo-auth/token: its own wasm, what pages load.
const BUDGET_TOKEN_GZIP = 16 * 1024;
const measure = (files, dir = pkg) =>
  files.reduce(
    (acc, f) => {
      const b = readFileSync(join(dir, f));
      return { raw: acc.raw + b.length, gzip: acc.gzip + gz(b) };
    },
    { raw: 0, gzip: 0 },
  );

for (const name of ["nadeo_auth", "nadeo_auth_token"]) {
  const wasm = measure([`${name}_bg.wasm`]);
  const inlined = measure([`${name}_wasm.js`]);
  console.log(
    `size: ${name}_bg.wasm ${kib(wasm.raw)} raw, ${kib(wasm.gzip)} gzip (${wasm.gzip} bytes); inlined as ${name}_wasm.js ` +
      `(zopfli deflate + base64, for the browser and Node entries): ${inlined.gzip} bytes gzip (${pct(inlined.gzip, wasm.gzip)})`,
  );
}
const worst = new Map();
// Each entry is one bundled file (scripts/build-pkg.mjs) that imports the shared glue and its
// wasm. Per entry, what its conditions load besides the glue: the browser and Node entries
// the inlined wasm, the workerd entry the .wasm as a module (the full entry's workerd bundle
// also holds the token broker, a Durable Object class). The worst condition of each entry is
// held to its budget.
const entries = [
  {
    name: "nadeo-auth",
    budget: BUDGET_FULL_GZIP,
    loads: {
      "index-node.js": ["nadeo_auth_wasm.js"],
      "index.js": ["nadeo_auth_wasm.js"],
      "index-workerd.js": ["nadeo_auth_bg.wasm"],
    },
  },
  {
    name: "nadeo-auth/token",
    budget: BUDGET_TOKEN_GZIP,
    loads: {
      "token-node.js": ["nadeo_auth_token_wasm.js"],
      "token.js": ["nadeo_auth_token_wasm.js"],
      "token-workerd.js": ["nadeo_auth_token_bg.wasm"],
    },
  },
];
/** Prints what `what` loads against its budget, and keeps the worst measure of `name`, the
 *  thing the budget is for. */
function report(name, what, m, budget) {
  worst.set(name, Math.max(worst.get(name) ?? 0, m.gzip));
  const verdict = m.gzip <= budget ? `within, ${budget - m.gzip} bytes to spare` : `OVER by ${kib(m.gzip - budget)}`;
  console.log(
    `size: ${what} ${kib(m.raw)} raw, ${kib(m.gzip)} gzip (${m.gzip} bytes; budget ${kib(budget)}: ${verdict})`,
  );
}
for (const { name, budget, loads } of entries) {
  for (const [entry, own] of Object.entries(loads)) {
    report(name, `${name} via ${entry.padEnd(16)}`, measure([entry, ...own, glue]), budget);
  }
}

/** The page a site builds with Vite (`package`: the consumers' Vite 8, `vite`, or Vite 7,
 *  `vite7`) when it imports only nadeo-auth/token: what its users load (every file of
 *  dist/assets). Undefined when the consumers' tools are not installed. */
function vitePage(vitePackage) {
  const root = new URL("..", import.meta.url).pathname;
  const vite = join(root, `tests/consumers/node_modules/${vitePackage}/bin/vite.js`);
  if (!existsSync(vite)) return undefined;
  const dir = join(root, `build/${vitePackage}-token-page`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  cpSync(pkg, join(dir, "node_modules/nadeo-auth"), { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "name": "token-page", "private": true, "type": "module" }\n');
  writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="./main.js"></script>\n');
  // Every export used, so that the bundle keeps the whole entry.
  writeFileSync(
    join(dir, "main.js"),
    'import * as t from "nadeo-auth/token";\ndocument.title = Object.keys(t).join();\n',
  );
  execFileSync(process.execPath, [vite, "build", "--logLevel", "error"], { cwd: dir, stdio: "inherit" });
  const assets = join(dir, "dist/assets");
  return measure(readdirSync(assets), assets);
}
// Both majors users build pages with: Vite 8 (Rolldown) and Vite 7 (Rollup and esbuild).
for (const [vitePackage, major] of [
  ["vite", "8"],
  ["vite7", "7"],
]) {
  const page = vitePage(vitePackage);
  if (page) {
    const name = `a Vite ${major} page of nadeo-auth/token`;
    report(name, `nadeo-auth/token via a Vite ${major} page`, page, BUDGET_TOKEN_GZIP);
    entries.push({ name, budget: BUDGET_TOKEN_GZIP });
  } else if (process.argv.includes("--check")) {
    console.error(
      `size: FAIL: no Vite ${major} in tests/consumers (scripts/setup.sh installs it) to measure a page with`,
    );
    process.exit(1);
  }
}
if (process.argv.includes("--check")) {
  const over = entries.filter(({ name, budget }) => worst.get(name) > budget);
  for (const { name, budget } of over) {
    console.error(`size: FAIL: ${name} loads ${kib(worst.get(name))} gzip, over its budget of ${kib(budget)}`);
  }
  if (over.length > 0) process.exit(1);
}
