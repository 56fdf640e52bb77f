// nadeo-auth/token in browsers, bundlers and extension pages: the wasm comes inlined (see
// load-browser.js) and is ready before this module resolves.
import { instantiate } from "./load-browser.js";
import { initSync } from "./nadeo_auth_token.js";
import wasm from "./nadeo_auth_token_wasm.js";

await instantiate(initSync, wasm);

export * from "./token-api.js";
export * from "./token-signin.js";
