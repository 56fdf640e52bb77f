// What the full entry's wasm imports from its host (`nadeo-auth`): the fetch to use, store
// access that never throws, base URLs as the URL parser writes them, and plain objects it
// hands out. The HTTP calls themselves are Rust's (src/fetch.rs), and so is every error the
// wasm makes (src/failure.rs).

/** Where NadeoClient.fetch sends a URL: its audience, the fetch to use, the User-Agent. */
export function makeRoute(audience, fetch, userAgent) {
  return { audience, fetch, userAgent };
}

/** The fetch to use: options.fetch, or the global one. Undefined when neither is a function. */
export function fetchOf(custom) {
  if (custom !== undefined && custom !== null) return typeof custom === "function" ? custom : undefined;
  return typeof globalThis.fetch === "function" ? globalThis.fetch : undefined;
}

// ---------------------------------------------------------------- NadeoClient helpers

/** A store read that never throws: a value, or null (missing, failing or garbage store). */
export async function storeGet(store, key) {
  try {
    const v = await store.get(key);
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

/** A store write that never throws: true once written, false when the store failed. */
export async function storePut(store, key, value, ttl) {
  try {
    await store.put(key, value, { expirationTtl: ttl });
    return true;
  } catch {
    // A failing store degrades to this client's memory.
    return false;
  }
}

/** A store's lease on `key` (TokenStore.lock), never throwing: the release function when
 *  taken, null when another process holds it, undefined when the store has no lock or it
 *  failed (then this process goes on alone, as without one). */
export async function storeLock(store, key, ttlMs) {
  if (typeof store.lock !== "function") return undefined;
  try {
    const release = await store.lock(key, ttlMs);
    if (release === null) return null;
    return typeof release === "function" ? release : undefined;
  } catch {
    return undefined;
  }
}

/** Gives a lease back, never throwing (a lease that cannot be given back ends at its ttl). */
export async function storeRelease(release) {
  try {
    await release();
  } catch {}
}

/** A base URL as the URL parser writes it, without trailing slashes, or undefined. */
export function normalizeBase(base) {
  try {
    return new URL(base).href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- OAuth helpers

/** Sets an own, enumerable property (a name such as "__proto__" stays a plain key). */
export function setPair(into, key, value) {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}
