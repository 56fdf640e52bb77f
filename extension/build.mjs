#!/usr/bin/env node
// make extension: the unpacked extension in build/extension/ and build/nadeo-auth-devtools.zip,
// from extension/, the playground's tokens.js and style.css (the inspector's code, shared), and
// the packed package's token entry (pkg/: run `make pkg` first).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "pkg");
const out = join(root, "build/extension");
if (!existsSync(join(pkg, "token.js"))) throw new Error("no pkg/token.js: run make pkg first");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "nadeo-auth"), { recursive: true });
for (const f of ["manifest.json", "devtools.html", "devtools.js", "panel.html", "panel.js"])
  cpSync(join(root, "extension", f), join(out, f));
for (const f of ["tokens.js", "style.css"]) cpSync(join(root, "www", f), join(out, f));
// The token entry (one bundled file) and what it imports: its inlined wasm and the shared
// glue.
for (const f of ["token.js", "nadeo_auth_token_wasm.js"]) cpSync(join(pkg, f), join(out, "nadeo-auth", f));
cpSync(join(pkg, "error.js"), join(out, "nadeo-auth", "error.js"));
const zip = join(root, "build/nadeo-auth-devtools.zip");
rmSync(zip, { force: true });
execFileSync("python3", ["-m", "zipfile", "-c", zip, ...readdirSync(out)], { cwd: out });
console.log(`extension: ${out} (load it unpacked) and ${zip}`);
