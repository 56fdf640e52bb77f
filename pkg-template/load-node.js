// How the Node entries (index-node.js, token-node.js; Bun and Deno take them too) load their wasm:
// from the same inlined module as the browser entries (nadeo_auth*_wasm.js, deflate then
// base64), unpacked with node:zlib and instantiated synchronously, so that require() of the
// package and CommonJS bundles (esbuild --platform=node) work and no file is read at run time
// (a bundle carries its wasm with it). Imported first by those entries: the version check runs before
// anything else of the package.
import { inflateRawSync } from "node:zlib";
import { NadeoAuthError } from "./error.js";

const node = globalThis.process?.versions?.node ?? "";
if (Number(node.split(".")[0]) < 20) {
  throw new NadeoAuthError("UNSUPPORTED_RUNTIME", `nadeo-auth needs Node 20 or later; this is Node ${node}.`);
}

/** Decodes, unpacks and instantiates `base64` through wasm-bindgen's `initSync`. */
export function instantiateSync(initSync, base64) {
  try {
    initSync({ module: inflateRawSync(Buffer.from(base64, "base64")) });
  } catch (cause) {
    throw new NadeoAuthError(
      "UNSUPPORTED_RUNTIME",
      `nadeo-auth could not instantiate its WebAssembly module: ${cause && cause.message}`,
      { cause },
    );
  }
}
