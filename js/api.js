// The public API of nadeo-auth, shared by every entry point (node.js, browser.js,
// workerd.js), which initialise the WebAssembly module before anything here is called.
//
// The one-shot network calls (Nadeo logins, OAuth grants, lookups) are the wasm's own
// exports: it checks the arguments, sends the request with fetch through web-sys, and checks
// the answer. State and policy that live across calls (NadeoClient's tokens, the TrackmaniaApi
// token, their failure policy) are the wasm's too, in objects the classes here hold privately;
// this file adds what is JS by nature: NadeoClient.fetch's request handling and its throttle.
import {
  ApiTokens,
  PlayerTokens,
  ManagedTokens,
  nadeoAuthorization,
  bearerAuthorization,
  authorizationUrl,
  parseRedirect,
  displayNames,
  accountIds,
} from "./nadeo_auth.js";
import { prepareRequest, sendPrepared, textOf } from "./server.js";
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
export { NadeoAuthError } from "./glue.js";

/** Manages one token pair per audience. The tokens and every rule about them (when one is
 *  due, served, refused, renewed; which URL wants which audience) are the wasm's
 *  `ManagedTokens`, held here privately; this class adds what is JS by nature: `fetch()`'s
 *  request handling, its throttle, and a lease on the token last served, so that a cached
 *  token costs a map lookup, not a crossing into the wasm. */
export class NadeoClient {
  /** The wasm half: the one owner of the tokens. */
  #tokens;
  #throttle;
  #now;
  /** audience as asked -> { token, until (ms, the client's clock), authorization }: what the
   *  wasm said it serves unchanged until `until`. Dropped at `until` or when an API refuses
   *  the token. */
  #leases = new Map();
  /** URL authority -> route, when the wasm says routes depend on nothing else (see #route). */
  #routes;

  constructor(options) {
    this.#tokens = new ManagedTokens(options);
    this.#throttle = Throttle.of(options.requestsPerSecond);
    this.#now = this.#tokens.clock ?? Date.now;
    if (this.#tokens.routesByAuthority) this.#routes = new Map();
  }

  /** Where a prepared request goes ({ audience, fetch, userAgent }), from the wasm; kept per
   *  URL authority when no base URL has a path (a crossing into the wasm per request was
   *  measured at ~15 µs of added latency on a loopback fetch, for 1.3 µs of work). */
  #route(prepared) {
    let route = this.#routes?.get(prepared.authority);
    if (route === undefined) {
      route = this.#tokens.route(prepared.url);
      this.#routes?.set(prepared.authority, route);
    }
    return route;
  }

  /** The lease of the audience while it lasts; else undefined. */
  #lease(audience) {
    const lease = this.#leases.get(audience);
    if (lease === undefined) return undefined;
    let now;
    try {
      now = this.#now();
    } catch {}
    if (now < lease.until) return lease;
    this.#leases.delete(audience);
    return undefined;
  }

  /** A usable access token for the audience (see index.d.ts). */
  accessToken(audience, options) {
    const lease = this.#lease(audience);
    if (lease !== undefined) return Promise.resolve(lease.token);
    return this.#tokens.accessToken(audience, options).then((token) => {
      const until = this.#tokens.servedUntil(audience, token);
      // The header value is made once per token, by the same function as every other.
      if (until > 0) this.#leases.set(audience, { token, until, authorization: nadeoAuthorization(token) });
      return token;
    });
  }

  /** An API refused `token`: no lease holds it any more, and the wasm decides whether a retry
   *  may follow (one renewal per token). */
  #refused(audience, token) {
    for (const [key, lease] of this.#leases) if (lease.token === token) this.#leases.delete(key);
    return this.#tokens.refused(audience, token);
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

  /** One attempt. With a leased token and no throttle, the request leaves in the caller's own
   *  turn of the event loop: every await before it was measured to add ~10 µs of latency on
   *  a loopback fetch (a turn of the loop), more than the client's whole work (~4 µs). */
  #send(prepared, signal, retried) {
    let route;
    try {
      route = this.#route(prepared);
    } catch (e) {
      return Promise.reject(e);
    }
    const lease = this.#lease(route.audience);
    if (lease !== undefined && !this.#throttle) {
      const response = sendPrepared(route.fetch, prepared, lease.authorization, route.userAgent);
      return this.#answer(response, prepared, signal, route, lease.token, retried);
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
    if (retried || !this.#refused(route.audience, token)) {
      throw this.#tokens.finalRefusal(res.status, await textOf(res));
    }
    return this.#send(prepared, signal, true);
  }

  /** Renews each held token in the background when due; returns a function that stops it. */
  startAutoRefresh() {
    return this.#tokens.startAutoRefresh();
  }

  /** `{ logins, refreshes, failures }`: calls made to the auth endpoints. */
  get stats() {
    return this.#tokens.stats;
  }

  /** Frees the wasm half now rather than when the garbage collector gets to it (for
   *  programs that make clients by the thousand). The client is unusable afterwards. */
  free() {
    this.#tokens.free();
  }
}

// Sign-in in the browser: the same code as the token entry's, bound to this module's wasm.
export const { beginLogin, completeLogin } = signIn({ authorizationUrl, parseRedirect });

/** fetch() to an endpoint of the apiUrl origin with the Bearer token of `tokens` (the wasm's
 *  ApiTokens or PlayerTokens, which own the origin rule and the one-renewal-per-token rule):
 *  on a 401 the token is renewed once and the request retried once with the same (buffered)
 *  body; a second 401 is UNAUTHORIZED. Any other origin is INVALID_ARGUMENT, nothing sent.
 *  Other answers are handed back as they are. */
async function bearerFetch(tokens, input, init) {
  const prepared = await prepareRequest(input, init);
  const send = tokens.route(prepared.url);
  const signal = init?.signal;
  for (let retried = false; ; retried = true) {
    const token = await tokens.accessToken(signal ? { signal } : undefined);
    const res = await sendPrepared(send, prepared, bearerAuthorization(token));
    if (res.status !== 401) return res;
    if (retried || !tokens.refused(token)) throw tokens.finalRefusal(res.status, await textOf(res));
  }
}

/** One signed-in player's api.trackmania.com tokens, kept usable on the server (the tokens
 *  and every rule about them, rotation-safe renewal, the store, onTokens, the failure policy,
 *  are the wasm's PlayerTokens, held here privately). */
export class TrackmaniaUserClient {
  #tokens;

  constructor(options) {
    const own = { ...options };
    delete own.signal;
    this.#tokens = new PlayerTokens(own);
  }

  /** The player's current access token, renewed first when due. */
  accessToken(options) {
    return this.#tokens.accessToken(options);
  }

  /** fetch() to an api.trackmania.com endpoint with the player's Bearer token (see bearerFetch). */
  fetch(input, init) {
    return bearerFetch(this.#tokens, input, init);
  }

  /** The pair in use now (to persist it yourself). */
  get tokens() {
    return this.#tokens.tokens;
  }

  /** `{ refreshes, failures }`: refresh grants made, and how many failed. */
  get stats() {
    return this.#tokens.stats;
  }
}

/** A client-credentials token kept and renewed for you (single flight, renewed 60 s before
 *  it expires), for the name lookups most apps need. */
export class TrackmaniaApi {
  #tokens;
  #transport;

  constructor(options) {
    const grantOptions = { ...options };
    delete grantOptions.signal;
    this.#tokens = new ApiTokens(grantOptions);
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

  /** fetch() to an api.trackmania.com endpoint with the app's Bearer token (see bearerFetch). */
  fetch(input, init) {
    return bearerFetch(this.#tokens, input, init);
  }

  /** Client-credentials grants made so far (for monitoring and tests). */
  get grants() {
    return this.#tokens.grants;
  }
}
