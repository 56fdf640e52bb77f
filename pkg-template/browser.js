// Browsers (native <script type="module">) and bundlers (Vite, webpack, esbuild): the .wasm
// is found next to this file through import.meta.url, which bundlers understand as an asset.
import init from "./nadeo_auth.js";

await init({ module_or_path: new URL("./nadeo_auth_bg.wasm", import.meta.url) });

export * from "./api.js";
