// The JavaScript half of the full entry's bindings (`nadeo-auth`): the token broker's
// internal call, store access that never throws, and NadeoClient.fetch's request helpers (the
// HTTP call of the auth, OAuth and lookup endpoints is Rust's: src/wasm/fetch.rs). The error class comes
// from glue.js, shared with the token entry.
import { NadeoAuthError, abortedError } from "./glue.js";

/** Known server words and what usually fixes them. */
const FIXES = { "Username could not be found.": "use the account's login, not its account ID" };

/** What a message says of an answer besides its code: the status, the server's own words (the
 *  fields of a JSON error body that carry them, cut short; never a text body, which may be a
 *  proxy's page echoing the request), the usual fix, the seconds to wait. */
function facts(message, status, body, retryAfter) {
  const said = Array.isArray(body)
    ? body.filter((s) => typeof s === "string").join(", ")
    : [body?.message, body?.error_description, body?.error].find((s) => typeof s === "string" && s !== "");
  const parts = [];
  if (status !== undefined) parts.push(said ? `${status} ${String(said).slice(0, 200)}` : `HTTP ${status}`);
  if (FIXES[said]) parts.push(FIXES[said]);
  if (retryAfter !== undefined) parts.push(`no new attempt for ${retryAfter} s`);
  return parts.length ? `${message} (${parts.join("; ")})` : message;
}

/** A NadeoAuthError for a non-2xx answer: the body parsed where it is JSON (a Core object, a
 *  Live/Meet string array, an OAuth object), else the text. */
export function httpError(code, message, status, text, retryAfter) {
  let body = text;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return new NadeoAuthError(code, facts(message, status, body, retryAfter), { status, body, retryAfter });
}

/** The error of a call made while auth attempts back off after a failure: the last failure's
 *  code, status and body (JSON text, parsed back), and the seconds until the next attempt. */
export function backoffError(code, status, bodyText, retryAfter) {
  let body;
  if (bodyText !== undefined) {
    try {
      body = JSON.parse(bodyText);
    } catch {
      body = bodyText;
    }
  }
  return new NadeoAuthError(
    code,
    facts("the last auth attempt failed, so auth calls are in backoff", status, body, retryAfter),
    { status, body, retryAfter },
  );
}

/** Where NadeoClient.fetch sends a URL: its audience, the fetch to use, the User-Agent. */
export function makeRoute(audience, fetch, userAgent) {
  return { audience, fetch, userAgent };
}

/** The internal call of NadeoClient to the fleet's NadeoTokenBroker (one object per login).
 *  The password travels on this call only (Worker to Durable Object, inside the account); the
 *  broker keeps it in memory, never in storage. */
export async function brokerCall(namespace, login, password, userAgent, coreUrl, audience, refused, timeoutMs) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new NadeoAuthError("TIMEOUT", "the token broker gave no answer within timeoutMs")),
      timeoutMs,
    );
  });
  const call = (async () => {
    let res;
    try {
      const stub = namespace.get(namespace.idFromName(login));
      res = await stub.fetch("https://nadeo-token-broker/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login, password, userAgent, coreUrl, audience, refused }),
      });
    } catch (e) {
      throw new NadeoAuthError("NETWORK", "the token broker (Durable Object) could not be reached", { cause: e });
    }
    let out;
    try {
      out = await res.json();
    } catch {}
    if (typeof out?.accessToken === "string") return out;
    const e = out?.error;
    if (typeof e?.code === "string" && typeof e.message === "string") {
      throw new NadeoAuthError(e.code, e.message, { status: e.status, body: e.body, retryAfter: e.retryAfter });
    }
    throw new NadeoAuthError("NETWORK", "the token broker answered neither a token nor an error", {
      status: res.status,
    });
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
    call.catch(() => {});
  }
}

/** The fetch to use: options.fetch, or the global one. Undefined when neither is a function. */
export function fetchOf(custom) {
  if (custom !== undefined && custom !== null) return typeof custom === "function" ? custom : undefined;
  return typeof globalThis.fetch === "function" ? globalThis.fetch : undefined;
}

/** A NadeoAuthError with `status` and `cause` only where given (the HTTP call's errors). */
export function causedError(code, message, status, cause) {
  const options = {};
  if (status !== undefined) options.status = status;
  if (cause !== undefined) options.cause = cause;
  return new NadeoAuthError(code, message, options);
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

/** A store write that never throws. */
export async function storePut(store, key, value, ttl) {
  try {
    await store.put(key, value, { expirationTtl: ttl });
  } catch {
    // A failing store degrades to this client's memory.
  }
}

/** A base URL as the URL parser writes it, without trailing slashes, or undefined. */
export function normalizeBase(base) {
  try {
    return new URL(base).href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

/** Reads a fetch() call's input and init once, buffering the body so it can be sent twice:
 *  `{ url, authority, init }` (init's headers our own copy, set per attempt), or a promise of
 *  it when a body must be read. Throws INVALID_ARGUMENT. A string or URL
 *  without a body skips building a Request (undici's costs ~6 µs a call), and a string that
 *  starts with one of the `known` authorities (the client's routes) skips the URL parser. */
export function prepareRequest(input, init, known) {
  try {
    if ((typeof input === "string" || input instanceof URL) && (init === undefined || init.body == null)) {
      const out = {
        method: init?.method ?? "GET",
        headers: new Headers(init?.headers),
        redirect: init?.redirect ?? "follow",
      };
      if (init?.signal) out.signal = init.signal;
      const authority = typeof input === "string" && known !== undefined ? knownAuthority(input, known) : undefined;
      if (authority !== undefined) return { url: input, authority, init: out };
      const url = new URL(input);
      return { url: url.href, authority: authorityOf(url), init: out };
    }
    const req = new Request(input instanceof URL ? input.href : input, init);
    const out = { method: req.method, headers: new Headers(req.headers), redirect: req.redirect };
    if (init?.signal) out.signal = init.signal;
    const authority = authorityOf(new URL(req.url));
    if (req.body === null) return { url: req.url, authority, init: out };
    return req.arrayBuffer().then((body) => {
      out.body = body;
      return { url: req.url, authority, init: out };
    });
  } catch (e) {
    throw new NadeoAuthError("INVALID_ARGUMENT", "the request could not be built", { cause: e });
  }
}

/** The known authority a URL string starts with, when the URL parser would read that same
 *  authority from it: the authorities are parser output (lower case, no default port), and
 *  only "/", "?", "#" or the end may follow. Anything else (a port, user info, a backslash,
 *  upper case, blanks) is left to the parser. */
function knownAuthority(s, known) {
  for (const a of known.keys()) {
    if (s.startsWith(a)) {
      const next = s.charCodeAt(a.length);
      if (Number.isNaN(next) || next === 47 || next === 63 || next === 35) return a;
    }
  }
  return undefined;
}

/** The start of a URL's href up to its path: scheme, user info, host and port, as written. */
function authorityOf(url) {
  return url.href.slice(0, url.href.length - url.pathname.length - url.search.length - url.hash.length);
}

/** Sends a prepared request with this Authorization (and a User-Agent unless the caller set
 *  one). Resolves to the Response; rejects with NETWORK or ABORTED. */
export async function sendPrepared(fetchFn, prepared, authorization, userAgent) {
  const { url, init } = prepared;
  init.headers.set("authorization", authorization);
  if (!init.headers.has("user-agent")) init.headers.set("user-agent", userAgent);
  try {
    return await fetchFn(url, init);
  } catch (e) {
    if (init.signal?.aborted) throw abortedError(init.signal);
    throw new NadeoAuthError("NETWORK", "the request could not be sent or got no answer", { cause: e });
  }
}

/** The UNAUTHORIZED error of an API call whose 401 is final (the token was renewed for a 401 already). */
export async function unauthorizedFrom(res) {
  let text = "";
  try {
    text = await res.text();
  } catch {}
  return httpError(
    "UNAUTHORIZED",
    "the API refused the token (401) after it was renewed for an earlier 401: no further renewal for it",
    res.status,
    text,
    undefined,
  );
}

// ---------------------------------------------------------------- OAuth helpers

/** Sets an own, enumerable property (a name such as "__proto__" stays a plain key). */
export function setPair(into, key, value) {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}
