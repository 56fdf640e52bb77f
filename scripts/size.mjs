#!/usr/bin/env node
// Prints the package's size (raw and gzip) and fails when the .wasm is over its budget.
// Usage: node scripts/size.mjs [--check]
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_GZIP = 40 * 1024;
const pkg = new URL("../pkg/", import.meta.url).pathname;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

const files = [];
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(js|wasm)$/.test(f)) files.push(p);
  }
};
walk(pkg);
let rawJs = 0;
let allJs = Buffer.alloc(0);
for (const f of files.filter((f) => f.endsWith(".js"))) {
  const b = readFileSync(f);
  rawJs += b.length;
  allJs = Buffer.concat([allJs, b]);
}
const wasm = readFileSync(join(pkg, "nadeo_auth_bg.wasm"));
const wasmGz = gz(wasm);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`size: wasm ${kib(wasm.length)} raw, ${kib(wasmGz)} gzip (budget ${kib(BUDGET_GZIP)} gzip)`);
console.log(`size: js   ${kib(rawJs)} raw, ${kib(gz(allJs))} gzip`);
console.log(`size: all  ${kib(wasm.length + rawJs)} raw, ${kib(wasmGz + gz(allJs))} gzip`);
if (process.argv.includes("--check") && wasmGz > BUDGET_GZIP) {
  console.error(`size: FAIL: the wasm is ${kib(wasmGz)} gzip, over the ${kib(BUDGET_GZIP)} budget`);
  process.exit(1);
}
