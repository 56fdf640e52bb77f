#!/usr/bin/env node
// Prints what each entry of the package loads (raw and gzip, each file gzipped on its own as a
// server sends it) and, with --check, fails when the full entry is over its budget: the
// brief's "full package ≤ 56 KB" (wasm + JS, gzip; KB read as KiB, as the budget always was).
// Usage: node scripts/size.mjs [--check]
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_FULL_GZIP = 56 * 1024;
const pkg = new URL("../pkg/", import.meta.url).pathname;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

const snippet = readdirSync(join(pkg, "snippets"))[0];
const glue = `snippets/${snippet}/js/glue.js`;
// Each entry is one bundled file (scripts/build-pkg.mjs) that imports the shared glue and its
// wasm: inlined (browser, Node) or as a module (workerd).
const shared = [glue];
// nadeo-auth/token: its own wasm; its budget (16 KB) is reported, not enforced here yet.
const BUDGET_TOKEN_GZIP = 16 * 1024;
const tokenShared = [glue];
const measure = (files) =>
  files.reduce(
    (acc, f) => {
      const b = readFileSync(join(pkg, f));
      return { raw: acc.raw + b.length, gzip: acc.gzip + gz(b) };
    },
    { raw: 0, gzip: 0 },
  );

for (const name of ["nadeo_auth", "nadeo_auth_token"]) {
  const wasm = measure([`${name}_bg.wasm`]);
  const inlined = measure([`${name}_wasm.js`]);
  console.log(
    `size: ${name}_bg.wasm ${kib(wasm.raw)} raw, ${kib(wasm.gzip)} gzip (${wasm.gzip} bytes); inlined as ${name}_wasm.js ` +
      `(gzip + base64, for the browser and Node entries): ${inlined.gzip} bytes gzip (+${(((inlined.gzip - wasm.gzip) / wasm.gzip) * 100).toFixed(1)}%)`,
  );
}
let worst = 0;
// The browser and Node entries load the inlined wasm; the workerd entry loads the .wasm as a
// module (its bundle also holds the token broker, a Durable Object class).
const entries = {
  "node.js": ["nadeo_auth_wasm.js"],
  "browser.js": ["nadeo_auth_wasm.js"],
  "workerd.js": ["nadeo_auth_bg.wasm"],
};
for (const [entry, own] of Object.entries(entries)) {
  const m = measure([entry, ...own, ...shared]);
  worst = Math.max(worst, m.gzip);
  console.log(`size: nadeo-auth via ${entry.padEnd(10)} ${kib(m.raw)} raw, ${kib(m.gzip)} gzip (${m.gzip} bytes; budget ${kib(BUDGET_FULL_GZIP)})`);
}
const tokenEntries = {
  "token-node.js": ["nadeo_auth_token_wasm.js"],
  "token.js": ["nadeo_auth_token_wasm.js"],
  "token-workerd.js": ["nadeo_auth_token_bg.wasm"],
};
for (const [entry, own] of Object.entries(tokenEntries)) {
  const m = measure([entry, ...own, ...tokenShared]);
  const verdict = m.gzip <= BUDGET_TOKEN_GZIP ? "within" : `OVER by ${kib(m.gzip - BUDGET_TOKEN_GZIP)}`;
  console.log(`size: nadeo-auth/token via ${entry.padEnd(16)} ${kib(m.raw)} raw, ${kib(m.gzip)} gzip (${m.gzip} bytes; budget ${kib(BUDGET_TOKEN_GZIP)}: ${verdict})`);
}
if (process.argv.includes("--check") && worst > BUDGET_FULL_GZIP) {
  console.error(`size: FAIL: the full entry loads ${kib(worst)} gzip, over the ${kib(BUDGET_FULL_GZIP)} budget`);
  process.exit(1);
}
