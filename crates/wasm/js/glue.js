// The JavaScript half of the bindings that both entries share: the one error class of the
// package and the small helpers the token functions call (one call builds a whole object with
// a stable shape). wasm-bindgen bundles this file into the package as a "snippet"; both wasm
// builds (the full entry and nadeo-auth/token) use the same snippet folder, so every entry
// imports this one module and `instanceof NadeoAuthError` holds whichever entry made the error.
// The full entry's network and client helpers are in server.js.

/** Every failure of nadeo-auth. `code` is stable (docs/errors.md lists them). */
export class NadeoAuthError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{status?: number, body?: unknown, retryAfter?: number, cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options && "cause" in options ? { cause: options.cause } : undefined);
    this.code = code;
    if (options) {
      if (options.status !== undefined) this.status = options.status;
      if (options.body !== undefined) this.body = options.body;
      if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
    }
  }
}
Object.defineProperty(NadeoAuthError.prototype, "name", {
  value: "NadeoAuthError",
  writable: true,
  configurable: true,
});

/** The errors the wasm makes (src/error.rs): the facts it knows, undefined for the others. */
export function makeError(code, message, status, body, retryAfter, cause) {
  return new NadeoAuthError(
    code,
    message,
    cause === undefined ? { status, body, retryAfter } : { status, body, retryAfter, cause },
  );
}

export function makeDeniedBody(error, description) {
  return { error, error_description: description };
}

export function isNadeoAuthError(value) {
  return value instanceof NadeoAuthError;
}

export function makeTimes(issuedAt, refreshableAt, expiresAt, expired, refreshable, expiresIn, refreshableIn) {
  return {
    issuedAt: issuedAt ?? null,
    refreshableAt: refreshableAt ?? null,
    expiresAt: expiresAt ?? null,
    expired,
    refreshable,
    expiresIn,
    refreshableIn,
  };
}

export function makeDecoded(header, payload) {
  return { header, payload };
}

export function makeDecodedCopy(header, payload) {
  return { header: { ...header }, payload };
}

/** `object[key]` as src/glue.rs reads it in one crossing: a finite number as it is, Infinity
 *  for undefined (absent), NaN for anything else. */
export function finiteAt(object, key) {
  const v = object[key];
  return Number.isFinite(v) ? v : v === undefined ? Number.POSITIVE_INFINITY : Number.NaN;
}

// Fatal: bytes that are not UTF-8 throw. ignoreBOM: a leading BOM stays in the text.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function utf8Text(bytes) {
  return UTF8.decode(bytes);
}

export function parseJson(text) {
  return JSON.parse(text);
}

export function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isFlat(value) {
  for (const v of Object.values(value)) if (typeof v === "object" && v !== null) return false;
  return true;
}

/** `href` of a URL-like object, or undefined. */
export function hrefOf(value) {
  if (typeof value === "string") return value;
  if (value instanceof URL) return value.href;
  return undefined;
}

/** The ABORTED error of a signal that fired (its reason as the cause), for the JS around the
 *  wasm (NadeoClient.fetch, its throttle); the wasm makes its own (src/wasm/error.rs). */
export function abortedError(signal) {
  return new NadeoAuthError("ABORTED", "the call was aborted", { cause: signal.reason });
}

/** 32 bytes from the global crypto.getRandomValues, or undefined when there is none. */
export function randomBytes32() {
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== "function") return undefined;
  return c.getRandomValues(new Uint8Array(32));
}

export function makeUrlState(url, state, codeVerifier) {
  return codeVerifier === undefined ? { url, state } : { url, state, codeVerifier };
}

export function makeCodeState(code, state) {
  return { code, state };
}
