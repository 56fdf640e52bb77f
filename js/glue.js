// The JavaScript half of the bindings: the one error class of the package and small object
// builders the Rust side calls (one call builds a whole object with a stable shape).
// This file is bundled into the package by wasm-bindgen (a "snippet") and re-exported by
// every entry point, so `instanceof NadeoAuthError` holds whichever entry loaded it.

/** Every failure of nadeo-auth. `code` is stable (see the README's table). */
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

export function isNadeoAuthError(value) {
  return value instanceof NadeoAuthError;
}

export function newError(code, message) {
  return new NadeoAuthError(code, message);
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

/** `href` of a URL-like object, or undefined. */
export function hrefOf(value) {
  if (typeof value === "string") return value;
  if (value instanceof URL) return value.href;
  return undefined;
}

/** The parts of an absolute URL as the WHATWG parser sees them, or undefined if it is not one. */
export function urlParts(href) {
  let u;
  try {
    u = new URL(href);
  } catch {
    return undefined;
  }
  return [u.protocol, u.hostname, u.port];
}
