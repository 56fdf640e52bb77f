// The rewrites of wasm-bindgen's generated JS that scripts/build-pkg.mjs applies, each a small
// function that fails the build when its pattern is missing (a wasm-bindgen upgrade that
// changed the output must be looked at, not shipped half-rewritten). tests/build.test.mjs
// runs each against the pinned wasm-bindgen's real output (build/wasm-pack*) and against
// output where its pattern is gone.
//
// What is kept, and why (docs/architecture.md has the numbers):
//   snippetPaths        the JS halves of the bindings (src/js/) at the package root (one
//                       error module for both entries, so one NadeoAuthError class; entries
//                       import "./error.js" as written, no placeholder; values.js, alarm.js
//                       and host.js bundled into the entries)
//   fasterStringPassing strings into the wasm with one TextEncoder.encodeInto (speed: a
//                       third of decodeToken's time, both entries)
//   withoutDefaultUrl   no `new URL("x_bg.wasm", import.meta.url)` (bundlers copied the unused
//                       .wasm into users' builds)
//   objectInitSync      initSync without its legacy-argument branch (the entries pass
//                       `{ module }`)
//   minifyNames         short import/export names (kilobytes of names in each entry, where
//                       the page's every byte counts)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** The wasm features the package's wasm uses, as binaryen's flags: the `--enable-*` items of
 *  wasm-pack's wasm-opt arguments in Cargo.toml, the one list (here and in bench/crates.mjs). */
export const WASM_FEATURES = (() => {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const args = /^wasm-opt = \[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  const flags = [...args.matchAll(/"(--enable-[a-z-]+)"/g)].map((m) => m[1]);
  if (flags.length === 0) throw new Error("rewrites: no --enable-* flag in Cargo.toml's wasm-opt arguments");
  return flags;
})();

/** `from "./snippets/<crate>-<hash>/src/js/values.js"` (and error.js, host.js, alarm.js) as
 *  `from "./values.js"`: the import statements only (the import object's keys are the wasm's
 *  module names). */
export function snippetPaths(name, js) {
  const pattern = /(from\s*["'])\.\/snippets\/[^"'/]+\/src\/js\/(error|values|host|alarm)\.js(["'])/g;
  if (!/from\s*["']\.\/snippets\/[^"'/]+\/src\/js\/values\.js["']/.test(js)) {
    throw new Error(`snippetPaths: ${name}.js imports no values snippet (wasm-bindgen changed?)`);
  }
  return js.replace(pattern, "$1./$2.js$3");
}

/**
 * wasm-bindgen copies a string into the wasm one UTF-16 unit at a time in a JS loop while it is
 * ASCII, then hands the rest to TextEncoder.encodeInto. A token is ~600 ASCII characters: the
 * loop was a large part of decodeToken's time. encodeInto does the ASCII
 * part as well, at once: the same bytes, the same fallback for the rest.
 *
 * Also gone, as code no call runs: the branch for a call without `realloc` (every call passes
 * wasm.__wbindgen_realloc, checked here) and the polyfill of encodeInto for runtimes without it
 * (every runtime the package supports has it: Chrome 74, Firefox 66, Safari 14.1, Node 12).
 * Bytes off each entry.
 */
export function fasterStringPassing(name, js) {
  const loop = `    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {`;
  const slice = `        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(`;
  const noRealloc = `    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

`;
  const polyfill = /\nif \(!\('encodeInto' in cachedTextEncoder\)\) \{\n[\s\S]*?\n {4}\};\n\}\n/;
  const calls = [...js.matchAll(/passStringToWasm0\(([^)]*)\)/g)].map((m) => m[1]);
  const withoutRealloc = calls.filter((args) => args.split(",").length !== 3);
  if (!js.includes(loop) || !js.includes(slice) || !js.includes(noRealloc) || !polyfill.test(js)) {
    throw new Error(`fasterStringPassing: passStringToWasm0 changed in ${name}.js (wasm-bindgen upgraded?)`);
  }
  if (withoutRealloc.length > 0) {
    throw new Error(
      `fasterStringPassing: a call without realloc in ${name}.js: passStringToWasm0(${withoutRealloc[0]})`,
    );
  }
  return js
    .replace(noRealloc, "")
    .replace(polyfill, "\n")
    .replace(
      loop,
      `    const first = cachedTextEncoder.encodeInto(arg, mem.subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== len) {
        arg = arg.slice(first.read);`,
    )
    .replace(slice, `        ptr = realloc(`);
}

/**
 * wasm-bindgen's `init()` falls back to `new URL("<name>_bg.wasm", import.meta.url)` when it is
 * given no module. Every entry gives it one, but bundlers (Vite, webpack) see the pattern and
 * copy the .wasm into the user's build as an asset nobody loads: remove the fallback.
 */
export function withoutDefaultUrl(name, js) {
  const fallback = `module_or_path = new URL('${name}_bg.wasm', import.meta.url);`;
  if (!js.includes(fallback)) {
    throw new Error(`withoutDefaultUrl: no default URL in ${name}.js (wasm-bindgen changed?)`);
  }
  return js.replace(fallback, `throw new Error("${name}: no wasm module given");`);
}

/**
 * wasm-bindgen's `initSync` still takes its argument the pre-0.2.93 way, with a warning. Every
 * entry passes `{ module }`: the legacy branch is code each page carries for nothing.
 */
export function objectInitSync(name, js) {
  const legacy = `    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
    }`;
  if (!js.includes(legacy)) {
    throw new Error(`objectInitSync: initSync's argument handling changed in ${name}.js (wasm-bindgen upgraded?)`);
  }
  return js.replace(legacy, "    ({ module } = module);");
}

/**
 * The wasm's import and export names are wasm-bindgen's long, hashed ones
 * (`__wbg_makeCodeState_abe593ab91c28514`), written in the .wasm and again in its JS: over
 * kilobytes of names. Binaryen renames them all to short ones (one import module "a") and
 * prints the mapping; the JS is rewritten to match: the keys of the import object, the glue
 * snippet's functions under their new names, and every `wasm.<export>`. A name the mapping
 * does not know stops the build rather than ship a broken module. Writes the renamed wasm to
 * `wasmOut`; returns the JS.
 */
export function minifyNames(name, wasmIn, wasmOut, js) {
  const printed = execFileSync(
    join(root, "tools/node_modules/.bin/wasm-opt"),
    [...WASM_FEATURES, wasmIn, "--minify-imports-and-exports-and-modules", "-o", wasmOut],
    { encoding: "utf8" },
  );
  const map = JSON.parse(printed.slice(printed.indexOf("{")));
  const exports = new Map(map.exports);
  const bgModule = `./${name}_bg.js`;
  // The generated import object: { __proto__: null, "./<name>_bg.js": import0, "<snippet>": importN, … }.
  const ret = /return \{\s*__proto__: null,((?:\s*"[^"]+": import\d+,)+)\s*\};/;
  const found = ret.exec(js);
  if (!found) throw new Error(`minifyNames: the import object's shape changed in ${name}.js`);
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
  // What wasm-bindgen generated and the optimized wasm no longer imports (a key the mapping did
  // not rename): each entry `        __wbg_…: function(…) {` up to its closing line at the same
  // indentation. Any such key left means the shape changed: the build stops.
  js = js.replace(/^ {8}__w[\w$]*: function\([^)]*\) \{\n[\s\S]*?^ {8}\}(?:, arguments\); \})?,\n/gm, "");
  const stale = /^ {8}(__w[\w$]*):/m.exec(js);
  if (stale) throw new Error(`minifyNames: the unused import ${stale[1]} was not dropped (its shape changed)`);
  js = js.replace(ret, `return { __proto__: null, a: { ...import0, ${fromSnippets.join(", ")} } };`);
  // wasm-bindgen imports a snippet once per extern block that uses it (values.js from
  // interop.rs and failure.rs); the import object keeps one of each, and the others would stay
  // as bare imports that bundlers warn about. The build stops if there are none to look at.
  const used = new Set(moduleVar.values());
  const namespaces = [...js.matchAll(/^import \* as (import\d+) from "[^"]+";?\n/gm)];
  if (namespaces.length === 0)
    throw new Error(`minifyNames: no namespace import in ${name}.js (wasm-bindgen changed?)`);
  js = js.replace(/^import \* as (import\d+) from "[^"]+";?\n/gm, (line, v) => (used.has(v) ? line : ""));
  return js.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, field) => {
    const short = exports.get(field);
    if (short === undefined) throw new Error(`minifyNames: no export ${field} in the wasm`);
    return `wasm.${short}`;
  });
}
