#!/usr/bin/env node
// Assembles the npm package in pkg/ from wasm-pack's output (build/wasm-pack) and
// pkg-template/. Run by `make pkg` after wasm-pack; takes no arguments.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

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
  writeFileSync(
    join(out, `${name}.js`),
    fasterStringPassing(
      name,
      withoutDefaultUrl(
        name,
        dropUnusedNamespaces(minifyNames(name, join(dir, `${name}_bg.wasm`), join(out, `${name}_bg.wasm`), glueJs)),
      ),
    ),
  );
  writeFileSync(join(out, `${name}_wasm.js`), inlined(name, readFileSync(join(out, `${name}_bg.wasm`))));
}

/**
 * wasm-bindgen imports the glue snippet once per import group (`import * as import3 from …`);
 * with the duplicate keys gone, some of those namespaces are unused, and a minifier turns an
 * unused import into a bare `import "…"`, which bundlers that honour `sideEffects` warn about
 * (esbuild: "Ignoring this import"). Drop them.
 */
function dropUnusedNamespaces(js) {
  return js.replace(/^import \* as (import\d+) from "[^"]+";?\n/gm, (line, name) =>
    new RegExp(`\\b${name}\\b`).test(js.replace(line, "")) ? line : "",
  );
}

/**
 * wasm-bindgen copies a string into the wasm one UTF-16 unit at a time in a JS loop while it is
 * ASCII, then hands the rest to TextEncoder.encodeInto. A token is ~600 ASCII characters: the
 * loop was a third of decodeToken's time (measured in make bench). encodeInto does the ASCII
 * part as well, at once: the same bytes, the same fallback for the rest.
 */
function fasterStringPassing(name, js) {
  const loop = `    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {`;
  if (!js.includes(loop))
    throw new Error(`fasterStringPassing: passStringToWasm0 changed in ${name}.js (wasm-bindgen upgraded?)`);
  return js
    .replace(
      loop,
      `    const first = cachedTextEncoder.encodeInto(arg, mem.subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== len) {
        arg = arg.slice(first.read);`,
    )
    .replace(
      `        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(`,
      `        ptr = realloc(`,
    );
}

/**
 * wasm-bindgen's `init()` falls back to `new URL("<name>_bg.wasm", import.meta.url)` when it is
 * given no module. Every entry gives it one, but bundlers (Vite, webpack) see the pattern and
 * copy the .wasm into the user's build as an asset nobody loads: remove the fallback.
 */
function withoutDefaultUrl(name, js) {
  const fallback = `module_or_path = new URL('${name}_bg.wasm', import.meta.url);`;
  if (!js.includes(fallback))
    throw new Error(`withoutDefaultUrl: no default URL in ${name}.js (wasm-bindgen changed?)`);
  return js.replace(fallback, `throw new Error("${name}: no wasm module given");`);
}

/**
 * The wasm as a JS module, for the browser and Node entries (see pkg-template/load-browser.js
 * for why): gzipped (level 9), then base64. Served gzip again, it weighs ~0.5% more than the
 * .wasm served gzip; the .wasm itself stays in the package for the Workers entries, which
 * import it as a compiled module.
 */
function inlined(name, wasm) {
  const base64 = gzipSync(wasm, { level: 9 }).toString("base64");
  return `// ${name}_bg.wasm (${wasm.length} bytes), gzipped and base64-encoded. Generated by scripts/build-pkg.mjs.\nexport default "${base64}";\n`;
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
  const features = [
    "bulk-memory",
    "reference-types",
    "multivalue",
    "nontrapping-float-to-int",
    "sign-ext",
    "mutable-globals",
  ].map((f) => `--enable-${f}`);
  const printed = execFileSync(
    join(root, "tools/node_modules/.bin/wasm-opt"),
    [...features, wasmIn, "--minify-imports-and-exports-and-modules", "-o", wasmOut],
    {
      encoding: "utf8",
    },
  );
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
  if (f.endsWith(".js"))
    text = text.replaceAll("__GLUE__", glue).replaceAll("__SERVER__", glue.replace(/glue\.js$/, "server.js"));
  if (f === "package.json") {
    const pkg = JSON.parse(text);
    const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
    pkg.version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
    text = JSON.stringify(pkg, null, 2) + "\n";
  }
  writeFileSync(join(out, f), text);
}
// Each entry is bundled into one minified file (esbuild, pinned in tools/): one module to
// load instead of seven, and gzip sees it whole (the full entry loads ~1.6 KiB less than as
// separate files). Kept apart: the glue snippet (one NadeoAuthError class for both entries),
// the inlined wasm modules (gzip does worse with base64 in the same stream), the .wasm files
// (the Workers entries import them) and node: builtins. Exported names and NadeoAuthError's
// `name` stay as they are. The commented sources are in the repository (js/, pkg-template/).
const esbuild = createRequire(join(root, "tools/package.json"))("esbuild");
const entries = ["node.js", "browser.js", "workerd.js", "token.js", "token-node.js", "token-workerd.js"];
const bundled = new Map();
for (const entry of entries) {
  const result = await esbuild.build({
    entryPoints: [join(out, entry)],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
    legalComments: "none",
    external: ["./nadeo_auth_wasm.js", "./nadeo_auth_token_wasm.js", "*.wasm", "node:*"],
    // The glue, however it is imported (`./snippets/…/glue.js`, or `./glue.js` from server.js),
    // stays one external module at its path from the package root.
    plugins: [
      {
        name: "shared-glue",
        setup: (b) => b.onResolve({ filter: /(^|\/)glue\.js$/ }, () => ({ path: glue, external: true })),
      },
    ],
    logLevel: "warning",
  });
  bundled.set(entry, result.outputFiles[0].text);
}
// What the bundles took in is no longer shipped.
// The command line (cli.js, cli-cache.js) is shipped as written: it imports ./node.js.
const kept = new Set([...entries, "nadeo_auth_wasm.js", "nadeo_auth_token_wasm.js", "cli.js", "cli-cache.js"]);
for (const f of readdirSync(out)) {
  if (f.endsWith(".js") && !kept.has(f)) rmSync(join(out, f));
}
rmSync(join(out, glue.replace(/glue\.js$/, "server.js")));
for (const [entry, code] of bundled) writeFileSync(join(out, entry), code);
// The glue snippet and the inlined wasm are minified on their own.
const shippedJs = [
  ...entries.map((e) => join(out, e)),
  join(out, glue),
  join(out, "nadeo_auth_wasm.js"),
  join(out, "nadeo_auth_token_wasm.js"),
];
for (const p of [join(out, glue), join(out, "nadeo_auth_wasm.js"), join(out, "nadeo_auth_token_wasm.js")]) {
  const { code } = esbuild.transformSync(readFileSync(p, "utf8"), {
    format: "esm",
    minify: true,
    legalComments: "none",
    target: "es2022",
  });
  writeFileSync(p, code);
}
// The typings again as CommonJS declarations (.d.cts), for TypeScript under node16/nodenext
// resolving a require(): the same text, the token entry's re-exports pointed at index.cjs.
writeFileSync(join(out, "index.d.cts"), readFileSync(join(out, "index.d.ts"), "utf8"));
writeFileSync(
  join(out, "token.d.cts"),
  readFileSync(join(out, "token.d.ts"), "utf8").replaceAll('from "./index.js"', 'from "./index.cjs"'),
);
// A bare import left in shipped JS would make bundlers warn (sideEffects): none may remain.
for (const p of shippedJs) {
  const bare = /(?:^|[;}])import\s*"([^"]+)"/.exec(readFileSync(p, "utf8"));
  if (bare) throw new Error(`${p}: a bare import of ${bare[1]} (an unused import?)`);
}
cpSync(join(root, "README.md"), join(out, "README.md"));
console.log(`pkg/ assembled (nadeo-auth, glue at ${glue})`);
