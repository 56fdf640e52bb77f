// The one error class of the package, in one module that every entry imports (it is kept
// apart when the entries are bundled), so that `instanceof NadeoAuthError` holds whichever
// entry made the error. The values the wasm builds and reads are in values.js, the full
// entry's host helpers in host.js.

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

/** The ABORTED error of a signal that fired (its reason as the cause), for the JS around the
 *  wasm (NadeoClient.fetch, its throttle); the wasm makes its own (src/failure.rs). */
export function abortedError(signal) {
  return new NadeoAuthError("ABORTED", "the call was aborted", { cause: signal.reason });
}
