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

  constructor(options) {
    super(options);
    this.#throttle = Throttle.of(options.requestsPerSecond);
    this.#now = typeof options.now === "function" ? options.now : Date.now;
  }

  /** The held token while the wasm would serve it unchanged; else undefined. */
  #cached(audience) {
    const held = this.#fresh.get(canonical(audience));
    if (held === undefined) return undefined;
    let now;
    try {
      now = this.#now();
    } catch {}
    if (now < held.until) return held;
    this.#fresh.delete(canonical(audience));
    return undefined;
  }

  accessToken(audience, options) {
    const held = this.#cached(audience);
    if (held !== undefined) return Promise.resolve(held.token);
    return super.accessToken(audience, options).then((token) => {
      const until = this.__freshUntil(audience, token);
      if (until > 0) this.#fresh.set(canonical(audience), { token, until, authorization: `nadeo_v1 t=${token}` });
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
  async fetch(input, init) {
    let prepared = prepareRequest(input, init);
    if (prepared instanceof Promise) prepared = await prepared;
    const route = this.__route(prepared.url);
    const signal = init?.signal;
    for (let retried = false; ; retried = true) {
      const held = this.#cached(route.audience);
      const token = held !== undefined ? held.token : await this.accessToken(route.audience, { signal });
      if (this.#throttle) await this.#throttle.wait(signal);
      const authorization = held !== undefined ? held.authorization : nadeoAuthorization(token);
      const res = await sendPrepared(route.fetch, prepared, authorization, route.userAgent);
      if (res.status !== 401) return res;
      if (retried || !this.__refused(route.audience, token)) throw await unauthorizedFrom(res);
    }
  }
}

// Sign-in in the browser: the same code as the token entry's, bound to this module's wasm.
export const { beginLogin, completeLogin } = signIn({ authorizationUrl, parseRedirect, __redirectState, __stripCodeAndState });

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
