// The rewrites of scripts/rewrites.mjs against the pinned wasm-bindgen's real output
// (build/wasm-pack*, from make pkg): each finds its pattern and does its job, and each fails
// the build when its pattern is gone, rather than shipping a half-rewritten module. Then the
// package built with them carries strings both ways, non-ASCII included.
//
// Run by `make test-build` (after `make pkg`): node --test tests/build.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { execFileSync } from "node:child_process";
import {
  fasterStringPassing,
  minifyNames,
  objectInitSync,
  snippetPaths,
  withoutDefaultUrl,
} from "../scripts/rewrites.mjs";

const root = new URL("..", import.meta.url).pathname;
const builds = [
  ["nadeo_auth", join(root, "build/wasm-pack")],
  ["nadeo_auth_token", join(root, "build/wasm-pack-token")],
];
const generated = (name, dir) => readFileSync(join(dir, `${name}.js`), "utf8");

for (const [name, dir] of builds) {
  test(`${name}: snippetPaths points the snippet imports at the package root, or fails`, () => {
    const js = generated(name, dir);
    const out = snippetPaths(name, js);
    assert.match(out, /from\s*["']\.\/values\.js["']/);
    assert.doesNotMatch(out, /from\s*["']\.\/snippets\//);
    assert.throws(() => snippetPaths(name, js.replaceAll("/src/js/values.js", "/src/js/other.js")), /snippetPaths/);
  });

  test(`${name}: fasterStringPassing swaps the per-character loop for encodeInto, or fails`, () => {
    const js = generated(name, dir);
    const out = fasterStringPassing(name, js);
    assert.match(out, /cachedTextEncoder\.encodeInto\(arg, mem\.subarray\(ptr, ptr \+ len\)\)/);
    assert.doesNotMatch(out, /arg\.charCodeAt\(offset\)/);
    assert.throws(() => fasterStringPassing(name, js.replace("if (code > 0x7F) break;", "")), /fasterStringPassing/);
    assert.throws(() => fasterStringPassing(name, js.replace("arg = arg.slice(offset);", "")), /fasterStringPassing/);
  });

  test(`${name}: fasterStringPassing drops the no-realloc branch and the encodeInto polyfill, or fails`, () => {
    const js = generated(name, dir);
    const out = fasterStringPassing(name, js);
    assert.doesNotMatch(out, /realloc === undefined/);
    assert.doesNotMatch(out, /'encodeInto' in cachedTextEncoder/);
    assert.match(out, /const cachedTextEncoder = new TextEncoder\(\);\n/);
    assert.throws(
      () => fasterStringPassing(name, js.replace("if (!('encodeInto' in cachedTextEncoder))", "if (!globalThis.x)")),
      /fasterStringPassing/,
    );
    // A string passed without realloc would take the branch removed: the build stops.
    const withoutRealloc = js.replace(
      /passStringToWasm0\((\w+), wasm\.__wbindgen_malloc, wasm\.__wbindgen_realloc\)/,
      "passStringToWasm0($1, wasm.__wbindgen_malloc)",
    );
    assert.throws(() => fasterStringPassing(name, withoutRealloc), /a call without realloc/);
  });

  test(`${name}: withoutDefaultUrl drops the .wasm URL bundlers would copy, or fails`, () => {
    const js = generated(name, dir);
    const out = withoutDefaultUrl(name, js);
    assert.doesNotMatch(out, /new URL\('[^']+_bg\.wasm', import\.meta\.url\)/);
    assert.match(out, /no wasm module given/);
    assert.throws(
      () => withoutDefaultUrl(name, js.replace("import.meta.url", "document.baseURI")),
      /withoutDefaultUrl/,
    );
  });

  test(`${name}: objectInitSync drops initSync's legacy-argument branch, or fails`, () => {
    const js = generated(name, dir);
    const out = objectInitSync(name, js);
    assert.doesNotMatch(out, /deprecated parameters for `initSync\(\)`/);
    assert.match(out, /\(\{ module \} = module\);/);
    assert.throws(
      () => objectInitSync(name, js.replace("({module} = module)", "({ module } = module)")),
      /objectInitSync/,
    );
  });

  test(`${name}: minifyNames renames every import and export, or fails`, () => {
    const js = generated(name, dir);
    const tmp = mkdtempSync(join(tmpdir(), "nadeo-auth-build-"));
    try {
      const wasmIn = join(dir, `${name}_bg.wasm`);
      const out = minifyNames(name, wasmIn, join(tmp, "out.wasm"), js);
      const exportsUsed = [...out.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
      assert.ok(exportsUsed.length > 10);
      for (const e of exportsUsed) assert.ok(e.length <= 3, `export ${e} was not renamed`);
      assert.match(out, /return \{ __proto__: null, a: \{ \.\.\.import0/);
      assert.doesNotMatch(out, /^\s+__w[\w$]*:/m, "an import the wasm does not use is left");
      assert.throws(
        () => minifyNames(name, wasmIn, join(tmp, "bad.wasm"), js.replace(`"./${name}_bg.js": import0,`, "")),
        /minifyNames/,
      );
      // The snippets' namespace imports gone (a wasm-bindgen that imports otherwise): it stops.
      const noNamespaces = js.replace(/^import \* as import\d+ from "[^"]+";?\n/gm, "");
      assert.throws(() => minifyNames(name, wasmIn, join(tmp, "ns.wasm"), noNamespaces), /minifyNames/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test("the built package passes strings both ways, non-ASCII included", async () => {
  for (const entry of ["index-node.js", "token-node.js"]) {
    const lib = await import(join(root, "pkg", entry));
    const code = "cödé-✨-🏎-".repeat(50);
    const state = "stäte";
    const url = `https://example.com/cb?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`;
    assert.deepEqual(lib.parseRedirect(url, state), { code, state }, entry);
  }
});

/** The paths `npm pack` puts in the tarball, asked once for the tests below. */
let packedPaths;
function packed() {
  packedPaths ??= JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", join(root, "pkg")], {
      cwd: tmpdir(),
      encoding: "utf8",
    }),
  )[0].files.map((f) => f.path);
  return packedPaths;
}

test("the tarball holds exactly what pkg-template/package.json says ships", () => {
  const { files } = JSON.parse(readFileSync(join(root, "pkg-template/package.json"), "utf8"));
  const got = [...packed()].sort();
  // npm adds the manifest itself; README.md and LICENSE are listed (npm would add them anyway).
  assert.deepEqual(got, [...new Set([...files, "package.json"])].sort());
  assert.ok(got.includes("LICENSE"), "the MIT license's text ships with every copy");
});

test("every relative link of the shipped README and guides names a file in the tarball", () => {
  const files = packed();
  const exists = (p) => files.includes(p) || files.some((f) => f.startsWith(`${p}/`));
  const markdown = files.filter((f) => f.endsWith(".md"));
  assert.ok(markdown.includes("docs/nadeo-tokens.md"), "the guides ship");
  let links = 0;
  for (const doc of markdown) {
    const text = readFileSync(join(root, "pkg", doc), "utf8").replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      const path = posix.normalize(posix.join(posix.dirname(doc), target.split("#")[0]));
      assert.ok(exists(path), `${doc} links to ${target}, which the tarball does not hold`);
      links++;
    }
  }
  assert.ok(links > 20, `only ${links} relative links followed`);
});
