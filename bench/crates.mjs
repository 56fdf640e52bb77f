// make bench, part: what each crate costs in each wasm. A named build of both builds of the
// bindings crate (the
// release profile, then wasm-bindgen and wasm-opt with the package's passes, names kept with
// -g), read by twiggy; every function and data item is charged to the crate its name starts
// with (a trait impl to the crate of its type; code a crate inlined from another, such as
// base64's engine in nadeo_auth_core's decoder or serde's visitors, to the caller), the rest
// to what it is (data segments, imports, tables). Sizes are bytes of code and data before gzip; the names
// themselves (a custom section) are not counted.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WASM_FEATURES } from "../scripts/rewrites.mjs";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "build/named");
mkdirSync(out, { recursive: true });
// The package's own rustflags (the Makefile's PKG_RUSTFLAGS: SHA-256 built compact, paths
// remapped), so that the named build is the shipped one with names.
const env = { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: process.env.PKG_RUSTFLAGS ?? "" };
if (!process.env.PKG_RUSTFLAGS) console.warn("bench/crates.mjs: PKG_RUSTFLAGS unset (run it from make bench)");
const run = (cmd, args) =>
  execFileSync(cmd, args, {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 28,
  });

/** The wasm-opt passes of the bindings crate's Cargo.toml (package.metadata.wasm-pack). */
function passes() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const list = /wasm-opt\s*=\s*\[([^\]]*)\]/.exec(toml)[1];
  return [...list.matchAll(/"([^"]+)"/g)]
    .map((m) => m[1])
    .filter((p) => !p.startsWith("--enable-") && p !== "--strip-producers" && p !== "--strip-target-features");
}

/** The crate (or kind of item) an item of twiggy's listing is charged to. */
function owner(name) {
  if (/^(data segment|data\[)/.test(name)) return "(data: strings, tables)";
  // An exported function's body sits in wasm-bindgen's wrapper of it ("decodeToken externref
  // shim"): it is this crate's code.
  if (/ (externref|multivalue) shim/.test(name)) return "nadeo_auth_wasm";
  if (/^import /.test(name)) return "(imports: names of the JS functions)";
  if (/^code\[\d+\]/.test(name)) return "(unnamed: wasm-bindgen's generated functions)";
  const m = /^<?&?(?:mut )?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name);
  if (m) return m[1];
  return "(tables, types, exports, headers)";
}

/** The bindings built with `cargoArgs` (their features), named, and what each crate costs. */
function costs(lib, cargoArgs) {
  run("cargo", [
    "build",
    "-q",
    "--release",
    "--target",
    "wasm32-unknown-unknown",
    "-p",
    "nadeo-auth-wasm",
    ...cargoArgs,
  ]);
  const built = join(root, "target/wasm32-unknown-unknown/release", "nadeo_auth_wasm.wasm");
  const dir = join(out, lib);
  run("wasm-bindgen", ["--target", "web", "--keep-debug", "--out-dir", dir, "--out-name", lib, built]);
  const named = join(dir, `${lib}.named.wasm`);
  run(join(root, "tools/node_modules/.bin/wasm-opt"), [
    ...WASM_FEATURES,
    ...passes(),
    "-g",
    join(dir, `${lib}_bg.wasm`),
    "-o",
    named,
  ]);
  const csv = run("twiggy", ["top", "-n", "1000000", "--format", "csv", named]);
  const by = new Map();
  let total = 0;
  for (const line of csv.split("\n").slice(1)) {
    const m = /^("(?:[^"]|"")*"|[^,]*),(\d+),/.exec(line);
    if (!m) continue;
    const name = m[1].replace(/^"|"$/g, "").replaceAll('""', '"');
    if (/custom section|function names|local names|subsection/.test(name)) continue;
    const size = Number(m[2]);
    total += size;
    const who = owner(name);
    by.set(who, (by.get(who) ?? 0) + size);
  }
  return { total, rows: [...by].sort((a, b) => b[1] - a[1]), named };
}

/** What each export alone keeps in a wasm: twiggy's dominator tree, the code and data only
 *  that export reaches (what dropping it would save); what several exports share is counted
 *  apart. */
function exportCosts(named) {
  const tree = JSON.parse(run("twiggy", ["dominators", "-d", "1", "-f", "json", named]));
  const rows = [];
  for (const item of tree.items[0].children ?? []) {
    const m = /^export "(.+)"$/.exec(item.name);
    if (m && !/^(__wbindgen|__externref|wasm_bindgen|__instance_terminated$|__abort_handler$|memory$)/.test(m[1]))
      rows.push([m[1], item.retained_size]);
  }
  return rows.sort((a, b) => b[1] - a[1]);
}

for (const [lib, cargoArgs, entry] of [
  ["nadeo_auth", [], "nadeo-auth"],
  ["nadeo_auth_token", ["--no-default-features"], "nadeo-auth/token"],
]) {
  const { total, rows, named } = costs(lib, cargoArgs);
  console.log(
    `\nwhat each crate costs in the ${entry} wasm (bytes before gzip, twiggy on a named build; ${total.toLocaleString("en")} in all)`,
  );
  console.log("| crate | bytes | share |");
  console.log("| --- | ---: | ---: |");
  for (const [who, size] of rows) {
    if (size < total / 500) continue;
    console.log(`| ${who} | ${size.toLocaleString("en")} | ${((size / total) * 100).toFixed(1)}% |`);
  }
  if (entry !== "nadeo-auth/token") continue;
  // The token entry is over its budget: what each of its functions costs on its own.
  const exports = exportCosts(named);
  const own = exports.reduce((n, [, size]) => n + size, 0);
  console.log(
    `\nwhat each export of the ${entry} wasm keeps on its own (bytes before gzip: what dropping it would save; ${own.toLocaleString("en")} in all, the rest is shared)`,
  );
  console.log("| export | bytes | share |");
  console.log("| --- | ---: | ---: |");
  for (const [name, size] of exports)
    console.log(`| ${name} | ${size.toLocaleString("en")} | ${((size / total) * 100).toFixed(1)}% |`);
}
