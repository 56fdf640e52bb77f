// The requests of the clients' fetch() (api.js): a call's input read once (its body buffered
// so a retry can send it again), sent with the Authorization of the moment, and an answer's
// text read for an error.
import { NadeoAuthError, abortedError } from "./error.js";

/** Reads a fetch() call's input and init once, buffering the body so it can be sent twice:
 *  `{ url, authority, init }` (init's headers our own copy, set per attempt; the authority as
 *  the URL parser reads it), or a promise of it when a body must be read. Throws
 *  INVALID_ARGUMENT. A string or URL without a body skips building a Request (undici's is
 *  several times the client's own work). */
export function prepareRequest(input, init) {
  try {
    if ((typeof input === "string" || input instanceof URL) && (init === undefined || init.body == null)) {
      const out = {
        method: init?.method ?? "GET",
        headers: new Headers(init?.headers),
        redirect: init?.redirect ?? "follow",
      };
      if (init?.signal) out.signal = init.signal;
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

/** The start of a URL's href up to its path: scheme, user info, host and port, as written. */
function authorityOf(url) {
  return url.href.slice(0, url.href.length - url.pathname.length - url.search.length - url.hash.length);
}

/** Sends a prepared request with this Authorization (and `userAgent`, if given, unless the
 *  caller set one). Resolves to the Response; rejects with NETWORK or ABORTED. */
export async function sendPrepared(fetchFn, prepared, authorization, userAgent) {
  const { url, init } = prepared;
  init.headers.set("authorization", authorization);
  if (userAgent !== undefined && !init.headers.has("user-agent")) init.headers.set("user-agent", userAgent);
  try {
    return await fetchFn(url, init);
  } catch (e) {
    if (init.signal?.aborted) throw abortedError(init.signal);
    throw new NadeoAuthError("NETWORK", "the request could not be sent or got no answer", { cause: e });
  }
}

/** An answer's body as text, or "" when it cannot be read (for the error of a final 401). */
export async function textOf(res) {
  try {
    return await res.text();
  } catch {
    return "";
  }
}
