#!/usr/bin/env node
// Assembles the npm package in pkg/ from wasm-pack's output (build/wasm-pack) and
// pkg-template/. Run by `make pkg` after wasm-pack; takes no arguments.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const root = new URL("..", import.meta.url).pathname;
// Two wasm builds: the full entry's (wasm/) and the token entry's (wasm-token/).
const builds = [
  { dir: join(root, "build/wasm-pack"), name: "nadeo_auth" },
  { dir: join(root, "build/wasm-pack-token"), name: "nadeo_auth_token" },
];
const template = join(root, "pkg-template");
const out = join(root, "pkg");

for (const { dir, name } of builds) {
  for (const f of [`${name}.js`, `${name}_bg.wasm`]) {
    if (!existsSync(join(dir, f))) throw new Error(`missing ${f} in ${dir}: run wasm-pack first`);
  }
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// wasm-bindgen lists the glue snippet once per import group, under the same key, in the
// imports object: the same module each time. Keep the first so bundlers do not warn.
// Both builds use the same snippet folder (the glue belongs to the nadeo-auth crate), so both
// entries import one glue module: one NadeoAuthError class.
for (const { dir, name } of builds) {
  const seen = new Set();
  const glueJs = readFileSync(join(dir, `${name}.js`), "utf8")
    .split("\n")
    .filter((line) => {
      const m = /^\s*"(\.\/snippets\/[^"]+)": import\d+,$/.exec(line);
      if (!m) return true;
      if (seen.has(m[1])) return false;
      seen.add(m[1]);
      return true;
    })
    .join("\n");
  cpSync(join(dir, "snippets"), join(out, "snippets"), { recursive: true });
  writeFileSync(join(out, `${name}.js`), minifyNames(name, join(dir, `${name}_bg.wasm`), join(out, `${name}_bg.wasm`), glueJs));
}

/**
 * The wasm's import and export names are wasm-bindgen's long, hashed ones
 * (`__wbg_makeCodeState_abe593ab91c28514`), written in the .wasm and again in its JS: over
 * 3 KiB gzip of names. Binaryen renames them all to short ones (one import module "a") and
 * prints the mapping; the JS is rewritten to match: the keys of the import object, the glue
 * snippet's functions under their new names, and every `wasm.<export>`. A name the mapping
 * does not know stops the build rather than ship a broken module.
 */
function minifyNames(name, wasmIn, wasmOut, js) {
  const features = ["bulk-memory", "reference-types", "multivalue", "nontrapping-float-to-int", "sign-ext", "mutable-globals"].map((f) => `--enable-${f}`);
  const printed = execFileSync(join(root, "tools/node_modules/.bin/wasm-opt"), [...features, wasmIn, "--minify-imports-and-exports-and-modules", "-o", wasmOut], {
    encoding: "utf8",
  });
  const map = JSON.parse(printed.slice(printed.indexOf("{")));
  const exports = new Map(map.exports);
  const bgModule = `./${name}_bg.js`;
  // The generated import object: { __proto__: null, "./<name>_bg.js": import0, "<snippet>": importN, … }.
  const ret = /return \{\s*__proto__: null,((?:\s*"[^"]+": import\d+,)+)\s*\};/;
  const found = ret.exec(js);
  if (!found) throw new Error("minifyNames: the import object's shape changed");
  const moduleVar = new Map([...found[1].matchAll(/"([^"]+)": (import\d+)/g)].map((m) => [m[1], m[2]]));
  if (moduleVar.get(bgModule) !== "import0") throw new Error(`minifyNames: ${bgModule} is not import0`);
  const fromSnippets = [];
  for (const [module, field, short] of map.imports) {
    if (module === bgModule) {
      // The key of the generated import object: `        __wbg_x_hash: function(`.
      const key = new RegExp(`^(\\s+)${field.replace(/\$/g, "\\$")}:`, "m");
      if (!key.test(js)) throw new Error(`minifyNames: no import ${field} in the JS`);
      js = js.replace(key, `$1${JSON.stringify(short)}:`);
    } else {
      const v = moduleVar.get(module);
      if (!v) throw new Error(`minifyNames: no import object for ${module}`);
      fromSnippets.push(`${JSON.stringify(short)}: ${v}.${field}`);
    }
  }
  js = js.replace(ret, `return { __proto__: null, a: { ...import0, ${fromSnippets.join(", ")} } };`);
  return js.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, field) => {
    const short = exports.get(field);
    if (short === undefined) throw new Error(`minifyNames: no export ${field} in the wasm`);
    return `wasm.${short}`;
  });
}

// The glue snippets (glue.js for both entries, server.js for the full one) live under a hashed
// folder: point the entry files at them.
const snippetDirs = readdirSync(join(out, "snippets"));
if (snippetDirs.length !== 1) throw new Error(`expected one snippet folder, found ${snippetDirs.join(", ")}`);
const glue = `./snippets/${snippetDirs[0]}/js/glue.js`;
if (!existsSync(join(out, glue))) throw new Error(`missing ${glue}`);

for (const f of readdirSync(template)) {
  let text = readFileSync(join(template, f), "utf8");
  if (f.endsWith(".js")) text = text.replaceAll("__GLUE__", glue).replaceAll("__SERVER__", glue.replace(/glue\.js$/, "server.js"));
  if (f === "package.json") {
    const pkg = JSON.parse(text);
    const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
    pkg.version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
    text = JSON.stringify(pkg, null, 2) + "\n";
  }
  writeFileSync(join(out, f), text);
}
// Shipped JS is minified (esbuild, pinned in tools/): wasm-bindgen copies every Rust doc
// comment into nadeo_auth.js, and the package's size budget counts what a runtime loads.
// Exported names and NadeoAuthError's `name` stay as they are; internal bindings get short
// names. The commented sources are in the repository (js/, pkg-template/).
const { transformSync } = createRequire(join(root, "tools/package.json"))("esbuild");
const shippedJs = [];
const walkJs = (dir) => {
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    if (f.isDirectory()) walkJs(p);
    else if (f.name.endsWith(".js")) shippedJs.push(p);
  }
};
walkJs(out);
for (const p of shippedJs) {
  const { code } = transformSync(readFileSync(p, "utf8"), {
    format: "esm",
    minify: true,
    legalComments: "none",
    target: "es2022",
  });
  writeFileSync(p, code);
}
cpSync(join(root, "README.md"), join(out, "README.md"));
console.log(`pkg/ assembled (nadeo-auth, glue at ${glue})`);
