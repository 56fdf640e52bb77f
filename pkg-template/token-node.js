// nadeo-auth/token in Node 20+ (and Bun, Deno): the inlined wasm, instantiated synchronously
// (see load-node.js).
import { instantiateSync } from "./load-node.js";
import { initSync } from "./nadeo_auth_token.js";
import wasm from "./nadeo_auth_token_wasm.js";

instantiateSync(initSync, wasm);

export * from "./token-api.js";
export * from "./token-signin.js";
