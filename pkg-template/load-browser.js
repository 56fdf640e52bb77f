// How the browser entries (index.js, token.js) load their wasm. The wasm is inlined in a JS
// module (nadeo_auth*_wasm.js: the .wasm deflated, then base64), not fetched from a URL next
// to the entry: a URL asset is what bundlers and dev servers lose (Vite's dependency
// pre-bundling moves the module away from its .wasm, esbuild and Rollup do not copy it), and
// deflate-then-base64 weighs less than the .wasm served gzip (a bare base64 would weigh more). DecompressionStream unpacks it; it compiles asynchronously, so no engine's
// limit on synchronous compilation applies, and is instantiated by wasm-bindgen's `initSync`
// (its async `init` also fetches URLs and streams responses, code a page would carry unused).
import { NadeoAuthError } from "./error.js";

/** Decodes, unpacks, compiles and instantiates `base64` through wasm-bindgen's `initSync`. */
export async function instantiate(initSync, base64) {
  let bytes;
  try {
    const packed = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    bytes = await new Response(
      new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate-raw")),
    ).arrayBuffer();
  } catch (cause) {
    throw new NadeoAuthError(
      "UNSUPPORTED_RUNTIME",
      "nadeo-auth could not unpack its WebAssembly module: this runtime lacks DecompressionStream (browsers have it since 2023).",
      { cause },
    );
  }
  try {
    initSync({ module: await WebAssembly.compile(bytes) });
  } catch (cause) {
    throw loadError(cause);
  }
}

/** The one error a failed instantiation becomes, saying what to change where it can. */
function loadError(cause) {
  const said = String(cause?.message);
  if (/unsafe-eval|Content Security Policy|CSP/i.test(said)) {
    return new NadeoAuthError(
      "UNSUPPORTED_RUNTIME",
      "nadeo-auth cannot start: this page's Content-Security-Policy forbids compiling WebAssembly; add 'wasm-unsafe-eval' to its script-src.",
      { cause },
    );
  }
  return new NadeoAuthError("UNSUPPORTED_RUNTIME", `nadeo-auth could not instantiate its WebAssembly module: ${said}`, {
    cause,
  });
}
