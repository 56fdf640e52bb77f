// The public API of nadeo-auth, shared by every entry point (index-node.js, index.js,
// index-workerd.js), which initialise the WebAssembly module before anything here is called.
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
import { prepareRequest, sendPrepared, textOf } from "./request.js";
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
  verifyOpenplanetToken,
} from "./nadeo_auth.js";
export { NadeoAuthError } from "./error.js";

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
    const interval = this.#tokens.throttleMs;
    this.#throttle = interval === undefined ? undefined : new Throttle(interval);
    this.#now = this.#tokens.clock ?? Date.now;
    if (this.#tokens.routesByAuthority) this.#routes = new Map();
  }

  /** Where a prepared request goes ({ audience, fetch, userAgent }), from the wasm; kept per
   *  URL authority when no base URL has a path (a crossing into the wasm per request was
   *  costs more latency on a loopback fetch than the work it does). */
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

  /** fetch() with the Authorization of the URL's audience, under the one 401 rule
   *  (authorizedFetch). A URL that is not a Nadeo game API is INVALID_ARGUMENT before
   *  anything is sent. An API's other answers, 429 included, are handed back as they are. */
  fetch(input, init) {
    let prepared;
    try {
      prepared = prepareRequest(input, init);
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = init?.signal;
    if (prepared instanceof Promise) return prepared.then((p) => authorizedFetch(this.#auth, p, signal));
    return authorizedFetch(this.#auth, prepared, signal);
  }

  /** What authorizedFetch asks of this client. With a leased token and no throttle the
   *  credential is at hand, so the request leaves in the caller's own turn of the event loop
   *  (an await before it costs a turn of the loop of latency, more than the client's work). */
  #auth = {
    credential: (prepared, signal) => {
      const route = this.#route(prepared);
      const lease = this.#lease(route.audience);
      if (lease !== undefined && !this.#throttle)
        return { ...route, token: lease.token, authorization: lease.authorization };
      return (async () => {
        const token = await this.accessToken(route.audience, { signal });
        if (this.#throttle) await this.#throttle.wait(signal);
        return { ...route, token, authorization: nadeoAuthorization(token) };
      })();
    },
    // An API refused the token: no lease holds it any more, and the wasm's rule says whether
    // a retry may follow.
    refused: ({ audience, token }) => {
      for (const [key, lease] of this.#leases) if (lease.token === token) this.#leases.delete(key);
      return this.#tokens.refused(audience, token);
    },
    finalRefusal: (status, body) => this.#tokens.finalRefusal(status, body),
  };

  /** Renews each held token in the background when due; returns a function that stops it. */
  startAutoRefresh() {
    return this.#tokens.startAutoRefresh();
  }

  /** `{ logins, refreshes, failures, clockOffset }`: calls made to the auth endpoints, and
   *  how far ahead the auth service's clock is of this client's (seconds). */
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

/** The one 401 rule's JS half, for the three clients' fetch(): the request sent with
 *  `auth.credential(prepared, signal)` (`{ fetch, token, authorization, userAgent? }`, or a
 *  promise of it); on a 401 the wasm's rule (`auth.refused`) says whether the token is
 *  renewed and the request retried once with the same (buffered) body; a 401 to the retry,
 *  or one the rule calls final, is UNAUTHORIZED (never a loop). Other answers are handed back
 *  as they are. */
function authorizedFetch(auth, prepared, signal, retried = false) {
  let credential;
  try {
    credential = auth.credential(prepared, signal);
  } catch (e) {
    return Promise.reject(e);
  }
  const send = (c) =>
    answer(auth, sendPrepared(c.fetch, prepared, c.authorization, c.userAgent), prepared, signal, c, retried);
  return credential instanceof Promise ? credential.then(send) : send(credential);
}

async function answer(auth, response, prepared, signal, credential, retried) {
  const res = await response;
  if (res.status !== 401) return res;
  if (retried || !auth.refused(credential)) throw auth.finalRefusal(res.status, await textOf(res));
  return authorizedFetch(auth, prepared, signal, true);
}

/** What authorizedFetch asks of a Bearer client's wasm half (ApiTokens, PlayerTokens, which
 *  own the origin rule and the token's lifecycle). */
function bearerAuth(tokens) {
  return {
    async credential(prepared, signal) {
      const fetch = tokens.route(prepared.url);
      const token = await tokens.accessToken(signal ? { signal } : undefined);
      return { fetch, token, authorization: bearerAuthorization(token) };
    },
    refused: ({ token }) => tokens.refused(token),
    finalRefusal: (status, body) => tokens.finalRefusal(status, body),
  };
}

/** One signed-in player's api.trackmania.com tokens, kept usable on the server (the tokens
 *  and every rule about them, rotation-safe renewal, the store, onTokens, the failure policy,
 *  are the wasm's PlayerTokens, held here privately). */
export class TrackmaniaUserClient {
  #tokens;
  #auth;

  constructor(options) {
    const own = { ...options };
    delete own.signal;
    this.#tokens = new PlayerTokens(own);
    this.#auth = bearerAuth(this.#tokens);
  }

  /** The player's current access token, renewed first when due. */
  accessToken(options) {
    return this.#tokens.accessToken(options);
  }

  /** fetch() to an api.trackmania.com endpoint with the player's Bearer token (see
   *  authorizedFetch). */
  async fetch(input, init) {
    return authorizedFetch(this.#auth, await prepareRequest(input, init), init?.signal);
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
  #auth;
  #transport;

  constructor(options) {
    const grantOptions = { ...options };
    delete grantOptions.signal;
    this.#tokens = new ApiTokens(grantOptions);
    this.#auth = bearerAuth(this.#tokens);
    // What the lookups need: never the secret.
    this.#transport = {
      apiUrl: options.apiUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      userAgent: options.userAgent,
    };
  }

  /** A client-credentials access token, renewed 60 s before it expires. */
  accessToken() {
    return this.#tokens.accessToken(undefined);
  }

  async displayNames(accountIds) {
    return displayNames(accountIds, { ...this.#transport, accessToken: await this.accessToken() });
  }

  async accountIds(displayNames) {
    return accountIds(displayNames, { ...this.#transport, accessToken: await this.accessToken() });
  }

  /** fetch() to an api.trackmania.com endpoint with the app's Bearer token (see
   *  authorizedFetch). */
  async fetch(input, init) {
    return authorizedFetch(this.#auth, await prepareRequest(input, init), init?.signal);
  }

  /** Client-credentials grants made so far (for monitoring and tests). */
  get grants() {
    return this.#tokens.grants;
  }
}
