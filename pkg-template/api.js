// The public API of nadeo-auth, shared by every entry point (node.js, browser.js,
// workerd.js), which initialise the WebAssembly module before anything here is called.
//
// The one-shot network calls (Nadeo logins, OAuth grants, lookups) are the wasm's own
// exports: it checks the arguments, sends the request with fetch through web-sys, and checks
// the answer. Policy that lives across calls (NadeoClient, the TrackmaniaApi token) is in the
// wasm too; this file adds what is JS by nature: NadeoClient.fetch's request handling and its
// throttle, and TrackmaniaApi's holding of the secret.
import {
  __ApiTokens,
  __redirectState,
  __stripCodeAndState,
  NadeoClient as ManagedTokens,
  nadeoAuthorization,
  authorizationUrl,
  parseRedirect,
  clientCredentials,
  displayNames,
  accountIds,
} from "./nadeo_auth.js";
import { prepareRequest, sendPrepared, unauthorizedFrom } from "__SERVER__";
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
  loginBasic,
  refreshTokens,
  loginUbiTicket,
  exchangeCode,
  refreshOAuthTokens,
  clientCredentials,
  displayNames,
  accountIds,
  currentUser,
} from "./nadeo_auth.js";
export { NadeoAuthError } from "__GLUE__";

/** NadeoClubServices is NadeoLiveServices under another name (one token serves both). */
const canonical = (audience) => (audience === "NadeoClubServices" ? "NadeoLiveServices" : audience);

/** Manages one token pair per audience (the token logic and the failure policy are the
 *  wasm's ManagedTokens); adds fetch() and its optional throttle, and keeps the token it was
 *  last given per audience for as long as the wasm says it stays the one to serve, so that a
 *  cached token is a map lookup, not a crossing into the wasm. */
export class NadeoClient extends ManagedTokens {
  #throttle;
  #now;
  /** audience → { token, until (ms, on the client's clock), authorization } */
  #fresh = new Map();
  /** URL authority → route, when routes depend on nothing else (see #route). */
  #routes;

  constructor(options) {
    super(options);
    this.#throttle = Throttle.of(options.requestsPerSecond);
    this.#now = typeof options.now === "function" ? options.now : Date.now;
    if (this.__routesByAuthority) this.#routes = new Map();
  }

  /** Where a prepared request goes ({ audience, fetch, userAgent }), from the wasm; kept per
   *  URL authority when no base URL has a path (a crossing into the wasm per request was
   *  measured at ~15 µs of added latency on a loopback fetch, for 1.3 µs of work). */
  #route(prepared) {
    let route = this.#routes?.get(prepared.authority);
    if (route === undefined) {
      route = this.__route(prepared.url);
      this.#routes?.set(prepared.authority, route);
    }
    return route;
  }

  /** The held token while the wasm would serve it unchanged; else undefined. */
  #cached(audience) {
    const key = canonical(audience);
    const held = this.#fresh.get(key);
    if (held === undefined) return undefined;
    let now;
    try {
      now = this.#now();
    } catch {}
    if (now < held.until) return held;
    this.#fresh.delete(key);
    return undefined;
  }

  accessToken(audience, options) {
    const held = this.#cached(audience);
    if (held !== undefined) return Promise.resolve(held.token);
    return super.accessToken(audience, options).then((token) => {
      const until = this.__freshUntil(audience, token);
      // The header value is made once per token, by the same function as every other.
      if (until > 0) this.#fresh.set(canonical(audience), { token, until, authorization: nadeoAuthorization(token) });
      return token;
    });
  }

  /** An API refused `token` (fetch here, or a fleet member through the broker): it is no
   *  longer the one to serve. Returns whether a retry may follow (see the wasm's __refused). */
  __refused(audience, token) {
    this.#fresh.delete(canonical(audience));
    return super.__refused(audience, token);
  }

  /** fetch() with the Authorization of the URL's audience. On a 401 it renews once and
   *  retries once with the same (buffered) body; a second 401, or a 401 to a token that was
   *  itself renewed for a 401, is UNAUTHORIZED (one renewal per token, never a loop). A URL
   *  that is not a Nadeo game API is INVALID_ARGUMENT before anything is sent. An API's
   *  other answers, 429 included, are handed back as they are. */
  fetch(input, init) {
    let prepared;
    try {
      prepared = prepareRequest(input, init, this.#routes);
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = init?.signal;
    if (prepared instanceof Promise) return prepared.then((p) => this.#send(p, signal, false));
    return this.#send(prepared, signal, false);
  }

  /** One attempt. With a cached token and no throttle, the request leaves in the caller's own
   *  turn of the event loop: every await before it was measured to add ~10 µs of latency on
   *  a loopback fetch (a turn of the loop), more than the client's whole work (~4 µs). */
  #send(prepared, signal, retried) {
    let route;
    try {
      route = this.#route(prepared);
    } catch (e) {
      return Promise.reject(e);
    }
    const held = this.#cached(route.audience);
    if (held !== undefined && !this.#throttle) {
      return this.#answer(
        sendPrepared(route.fetch, prepared, held.authorization, route.userAgent),
        prepared,
        signal,
        route,
        held.token,
        retried,
      );
    }
    return (async () => {
      const token = await this.accessToken(route.audience, { signal });
      if (this.#throttle) await this.#throttle.wait(signal);
      const response = sendPrepared(route.fetch, prepared, nadeoAuthorization(token), route.userAgent);
      return this.#answer(response, prepared, signal, route, token, retried);
    })();
  }

  /** The API's answer: handed back, or on a 401 one renewal and one retry (never a loop). */
  async #answer(response, prepared, signal, route, token, retried) {
    const res = await response;
    if (res.status !== 401) return res;
    if (retried || !this.__refused(route.audience, token)) throw await unauthorizedFrom(res);
    return this.#send(prepared, signal, true);
  }
}

// Sign-in in the browser: the same code as the token entry's, bound to this module's wasm.
export const { beginLogin, completeLogin } = signIn({
  authorizationUrl,
  parseRedirect,
  __redirectState,
  __stripCodeAndState,
});

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
    return displayNames(accountIds, { ...this.#transport, accessToken: await this.accessToken() });
  }

  async accountIds(displayNames) {
    return accountIds(displayNames, { ...this.#transport, accessToken: await this.accessToken() });
  }

  /** Client-credentials grants made so far (for monitoring and tests). */
  get grants() {
    return this.#tokens.grants;
  }
}
