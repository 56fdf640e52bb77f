// nadeo-auth/token in Node 20+: read the .wasm next to this file and instantiate it synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./nadeo_auth_token.js";

initSync({ module: readFileSync(new URL("./nadeo_auth_token_bg.wasm", import.meta.url)) });

export * from "./token-api.js";
