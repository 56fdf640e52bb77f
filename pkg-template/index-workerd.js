// Cloudflare Workers (workerd, wrangler): the runtime forbids compiling wasm from bytes, so
// the module is imported as a compiled WebAssembly.Module and instantiated synchronously.
import { initSync } from "./nadeo_auth.js";
import module from "./nadeo_auth_bg.wasm";

initSync({ module });

export * from "./api.js";
// Workers only: the Durable Object behind NadeoClientOptions.broker.
export { NadeoTokenBroker } from "./broker.js";
