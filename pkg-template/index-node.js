// nadeo-auth in Node 20+ (and Bun, Deno): the inlined wasm, instantiated synchronously (see
// load-node.js), so that require("nadeo-auth") works too.
import { instantiateSync } from "./load-node.js";
import { initSync } from "./nadeo_auth.js";
import wasm from "./nadeo_auth_wasm.js";

instantiateSync(initSync, wasm);

export * from "./api.js";
