// nadeo-auth/token in Cloudflare Workers: the .wasm imported as a compiled module (Workers
// forbid compiling wasm from bytes) and instantiated synchronously.
import { initSync } from "./nadeo_auth_token.js";
import module from "./nadeo_auth_token_bg.wasm";

initSync({ module });

export * from "./token-api.js";
export * from "./signin-workerd.js";
