#!/usr/bin/env node
// Assembles the npm package in pkg/ from wasm-pack's output (build/wasm-pack) and
// pkg-template/. Run by `make pkg` after wasm-pack; takes no arguments.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const root = new URL("..", import.meta.url).pathname;
const built = join(root, "build/wasm-pack");
const template = join(root, "pkg-template");
const out = join(root, "pkg");

for (const f of ["nadeo_auth.js", "nadeo_auth_bg.wasm"]) {
  if (!existsSync(join(built, f))) throw new Error(`missing ${f} in build/wasm-pack: run wasm-pack first`);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// wasm-bindgen lists the glue snippet once per import group, under the same key, in the
// imports object: the same module each time. Keep the first so bundlers do not warn.
{
  const seen = new Set();
  const glueJs = readFileSync(join(built, "nadeo_auth.js"), "utf8")
    .split("\n")
    .filter((line) => {
      const m = /^\s*"(\.\/snippets\/[^"]+)": import\d+,$/.exec(line);
      if (!m) return true;
      if (seen.has(m[1])) return false;
      seen.add(m[1]);
      return true;
    })
    .join("\n");
  writeFileSync(join(out, "nadeo_auth.js"), glueJs);
}
cpSync(join(built, "nadeo_auth_bg.wasm"), join(out, "nadeo_auth_bg.wasm"));
cpSync(join(built, "snippets"), join(out, "snippets"), { recursive: true });

// The glue snippet lives under a hashed folder: point the entry files (api.js, throttle.js) at it.
const snippetDirs = readdirSync(join(out, "snippets"));
if (snippetDirs.length !== 1) throw new Error(`expected one snippet folder, found ${snippetDirs.join(", ")}`);
const glue = `./snippets/${snippetDirs[0]}/js/glue.js`;
if (!existsSync(join(out, glue))) throw new Error(`missing ${glue}`);

for (const f of readdirSync(template)) {
  let text = readFileSync(join(template, f), "utf8");
  if (f.endsWith(".js")) text = text.replaceAll("__GLUE__", glue);
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
