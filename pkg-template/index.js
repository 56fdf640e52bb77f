// nadeo-auth in browsers and bundlers (Vite dev and build, webpack, Rollup, esbuild with
// --format=esm): the wasm comes inlined (see load-browser.js) and is ready before this module
// resolves.
// The inlined wasm first: a bundler that makes one file of the page puts it at the start,
// where gzip packs its base64 as well as on its own (in the middle of the JS it packs worse).
import wasm from "./nadeo_auth_wasm.js";

import { instantiate } from "./load-browser.js";
import { initSync } from "./nadeo_auth.js";

await instantiate(initSync, wasm);

export * from "./api.js";
