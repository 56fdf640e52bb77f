// nadeo-auth in browsers and bundlers (Vite dev and build, webpack, Rollup, esbuild with
// --format=esm): the wasm comes inlined (see load-browser.js) and is ready before this module
// resolves.
import { instantiate } from "./load-browser.js";
import { initSync } from "./nadeo_auth.js";
import wasm from "./nadeo_auth_wasm.js";

await instantiate(initSync, wasm);

export * from "./api.js";
