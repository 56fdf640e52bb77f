// nadeo-auth/token in browsers, bundlers and extension pages: the .wasm is found next to this
// file through import.meta.url.
import init from "./nadeo_auth_token.js";

await init({ module_or_path: new URL("./nadeo_auth_token_bg.wasm", import.meta.url) });

export * from "./token-api.js";
