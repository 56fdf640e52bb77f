// The values the wasm builds and reads (src/interop.rs, src/failure.rs): one call builds a whole
// object with a stable shape, one call reads what would take several crossings. Bundled into
// each entry (error.js, the error class, is the one module the entries share).
import { NadeoAuthError } from "./error.js";

/** The errors the wasm makes (src/failure.rs): the facts it knows, undefined for the others. */
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

/** `object[key]` as src/interop.rs reads it in one crossing: a finite number as it is, Infinity
 *  for undefined (absent), NaN for anything else, -Infinity when its getter throws. */
export function finiteAt(object, key) {
  let v;
  try {
    v = object[key];
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
  return Number.isFinite(v) ? v : v === undefined ? Number.POSITIVE_INFINITY : Number.NaN;
}

// Fatal: bytes that are not UTF-8 throw. ignoreBOM: a leading BOM stays in the text.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function utf8Text(bytes) {
  return UTF8.decode(bytes);
}

export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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

/** Fills `bytes` (a view of the wasm's memory) from the global crypto.getRandomValues;
 *  false when there is none. */
export function fillRandom(bytes) {
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== "function") return false;
  c.getRandomValues(bytes);
  return true;
}

export function makeUrlState(url, state, codeVerifier) {
  return codeVerifier === undefined ? { url, state } : { url, state, codeVerifier };
}

export function makeCodeState(code, state) {
  return { code, state };
}
