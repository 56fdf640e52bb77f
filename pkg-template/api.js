// The public API of nadeo-auth, shared by every entry point (node.js, browser.js,
// workerd.js), which initialise the WebAssembly module before anything here is called.
//
// The one-shot network calls follow a build-request / process-answer split: the wasm checks
// every argument and builds the request (__*Request), the small async driver below sends it
// with the glue's httpCall (fetch, timeout, abort), and the wasm checks the answer
// (__*Answer). Policy that lives across calls (NadeoClient, the TrackmaniaApi token) is in
// the wasm too.
import {
  __nadeoRequest,
  __nadeoAnswer,
  __oauthRequest,
  __oauthAnswer,
  __lookupRequest,
  __lookupAnswer,
  __ApiTokens,
  __redirectState,
  __stripCodeAndState,
  NadeoClient as ManagedTokens,
  nadeoAuthorization,
  authorizationUrl,
  parseRedirect,
} from "./nadeo_auth.js";
import { httpCall, prepareRequest, sendPrepared, unauthorizedFrom } from "__SERVER__";
import { Throttle } from "./throttle.js";
import { signIn } from "./signin.js";

export {
  decodeToken,
  tokenTimes,
  nadeoAuthorization,
  bearerAuthorization,
  audienceForUrl,
  whenRefreshable,
  whenExpired,
  scheduleRefresh,
  authorizationUrl,
  parseRedirect,
} from "./nadeo_auth.js";
export { NadeoAuthError } from "__GLUE__";

/** Manages one token pair per audience (the token logic and the failure policy are the
 *  wasm's ManagedTokens); adds fetch() and its optional throttle. */
export class NadeoClient extends ManagedTokens {
  #throttle;

  constructor(options) {
    super(options);
    this.#throttle = Throttle.of(options.requestsPerSecond);
  }

  /** fetch() with the Authorization of the URL's audience. On a 401 it renews once and
   *  retries once with the same (buffered) body; a second 401, or a 401 to a token that was
   *  itself renewed for a 401, is UNAUTHORIZED (one renewal per token, never a loop). A URL
   *  that is not a Nadeo game API is INVALID_ARGUMENT before anything is sent. An API's
   *  other answers, 429 included, are handed back as they are. */
  async fetch(input, init) {
    const [url, prepared] = await prepareRequest(input, init);
    const [audience, fetchFn, userAgent] = this.__route(url);
    const signal = init?.signal;
    for (let retried = false; ; retried = true) {
      const token = await this.accessToken(audience, { signal });
      await this.#throttle?.wait(signal);
      const res = await sendPrepared(fetchFn, url, prepared, nadeoAuthorization(token), userAgent);
      if (res.status !== 401) return res;
      if (retried || !this.__refused(audience, token)) throw await unauthorizedFrom(res);
    }
  }
}

/** Sends a plan [method, url, headers, body, fetch, signal, timeoutMs]: [status, retryAfter, text]. */
function send([method, url, headers, body, fetch, signal, timeoutMs]) {
  return httpCall(fetch, method, url, headers, body, timeoutMs, signal);
}

/** A one-shot call: build (kind 1 is always the refresh grant, whose answer may keep the
 *  given refresh token), send, check. */
async function oneShot(request, answer, kind, options) {
  const [status, retryAfter, text] = await send(request(kind, options));
  return answer(status, retryAfter, text, kind === 1 ? options.refreshToken : undefined);
}
const nadeo = (kind, options) => oneShot(__nadeoRequest, __nadeoAnswer, kind, options);
const grant = (kind, options) => oneShot(__oauthRequest, __oauthAnswer, kind, options);

export async function loginBasic(options) {
  return nadeo(0, options);
}
export async function refreshTokens(options) {
  return nadeo(1, options);
}
export async function loginUbiTicket(options) {
  return nadeo(2, options);
}

export async function exchangeCode(options) {
  return grant(0, options);
}
export async function refreshOAuthTokens(options) {
  return grant(1, options);
}
export async function clientCredentials(options) {
  return grant(2, options);
}

/** Runs a lookup (0 displayNames, 1 accountIds, 2 currentUser) batch by batch, in order. */
async function lookup(kind, inputs, options) {
  const [urls, authorization, fetch, signal, timeoutMs] = __lookupRequest(kind, inputs, options);
  const headers = ["Authorization", authorization, "Accept", "application/json"];
  const out = {};
  let last = out;
  for (const url of urls) {
    const [status, retryAfter, text] = await httpCall(fetch, "GET", url, headers, undefined, timeoutMs, signal);
    last = __lookupAnswer(kind, out, status, retryAfter, text);
  }
  return last;
}

// Sign-in in the browser: the same code as the token entry's, bound to this module's wasm.
export const { beginLogin, completeLogin } = signIn({ authorizationUrl, parseRedirect, __redirectState, __stripCodeAndState });

export async function displayNames(accountIds, options) {
  return lookup(0, accountIds, options);
}
export async function accountIds(displayNames, options) {
  return lookup(1, displayNames, options);
}
export async function currentUser(options) {
  return lookup(2, undefined, options);
}

/** A client-credentials token kept and renewed for you (single flight, renewed 60 s before
 *  it expires), for the name lookups most apps need. */
export class TrackmaniaApi {
  #tokens;
  #transport;

  constructor(options) {
    const grantOptions = { ...options };
    delete grantOptions.signal;
    this.#tokens = new __ApiTokens(grantOptions, () => clientCredentials(grantOptions));
    // What the lookups need: never the secret.
    this.#transport = { apiUrl: options.apiUrl, fetch: options.fetch, timeoutMs: options.timeoutMs };
  }

  /** A client-credentials access token, renewed 60 s before it expires. */
  accessToken() {
    return this.#tokens.accessToken();
  }

  async displayNames(accountIds) {
    return lookup(0, accountIds, { ...this.#transport, accessToken: await this.accessToken() });
  }

  async accountIds(displayNames) {
    return lookup(1, displayNames, { ...this.#transport, accessToken: await this.accessToken() });
  }

  /** Client-credentials grants made so far (for monitoring and tests). */
  get grants() {
    return this.#tokens.grants;
  }
}
