// Type declarations of nadeo-auth, written by hand: the package's public contract.
// Every entry point (node, browser, workerd) exports these names; the workerd entry also
// exports NadeoTokenBroker (index-workerd.d.ts), the Durable Object only Workers can run.

// ---------------------------------------------------------------- errors

/**
 * Every error code of the package. docs/errors.md explains each.
 *
 * @example
 * try {
 *   await client.accessToken("NadeoLiveServices");
 * } catch (e) {
 *   if (e instanceof NadeoAuthError && e.code === "RATE_LIMITED") console.log(`retry in ${e.retryAfter} s`);
 * }
 */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "TOKEN_MALFORMED"
  | "TOKEN_BASE64"
  | "TOKEN_JSON"
  | "TOKEN_CLAIMS"
  | "NETWORK"
  | "TIMEOUT"
  | "ABORTED"
  | "HTTP"
  | "UNAUTHORIZED"
  | "RATE_LIMITED"
  | "BAD_RESPONSE"
  | "REFRESH_EXPIRED"
  | "OAUTH_STATE_MISSING"
  | "OAUTH_STATE_MISMATCH"
  | "OAUTH_DENIED"
  | "OAUTH_CODE_MISSING"
  | "OAUTH_DUPLICATE_PARAM"
  | "OAUTH_ISSUER_MISMATCH"
  | "OAUTH_UNEXPECTED_PARAM"
  /** The package cannot start here: Node below 20, no DecompressionStream, or a page whose
   *  Content-Security-Policy forbids compiling WebAssembly (add 'wasm-unsafe-eval'). Thrown by
   *  the import itself. */
  | "UNSUPPORTED_RUNTIME";

/**
 * @example
 * throw new NadeoAuthError("HTTP", "the leaderboard service failed", { status: 502 });
 */
export interface NadeoAuthErrorOptions {
  status?: number;
  body?: unknown;
  retryAfter?: number;
  cause?: unknown;
}

/** Every failure of the package is a NadeoAuthError (instanceof works). No message, property
 *  or cause ever holds a password, client secret, token or Authorization header value.
 *
 * @example
 * try {
 *   decodeToken(input);
 * } catch (e) {
 *   if (e instanceof NadeoAuthError) console.log(e.code); // "TOKEN_MALFORMED", say
 * }
 */
export class NadeoAuthError extends Error {
  constructor(code: ErrorCode, message: string, options?: NadeoAuthErrorOptions);
  readonly name: "NadeoAuthError";
  readonly code: ErrorCode;
  /** HTTP status, where a response came back. */
  readonly status?: number;
  /** The server's error body, parsed where it was JSON; else the text. */
  readonly body?: unknown;
  /** Seconds to wait: from Retry-After on 429 and 503; on a call refused during a backoff
   *  (no network call was made), the whole seconds until the next attempt is allowed. */
  readonly retryAfter?: number;
  /** The underlying error (a fetch TypeError, an AbortSignal reason). */
  readonly cause?: unknown;
}

// ---------------------------------------------------------------- tokens (sync, pure)

/**
 * @example
 * const audience: Audience = audienceForUrl(url) ?? "NadeoLiveServices";
 */
export type Audience = "NadeoServices" | "NadeoLiveServices";

/**
 * @example
 * const { sub, aud, exp } = decodeToken(accessToken).payload; // NadeoClaims
 */
export interface NadeoClaims {
  jti: string;
  iss: string;
  iat: number;
  rat: number;
  exp: number;
  aud: string;
  usg: string;
  sid: string;
  sat: number;
  sub: string;
  aun: string;
  rtk: boolean;
  pce: boolean;
  ubiservices_uid?: string;
  refresh_aud?: string;
  limit_type?: string;
  /** Unknown claims are kept as they came. */
  [claim: string]: unknown;
}

/**
 * @example
 * const { alg } = decodeToken(accessToken).header;
 */
export interface TokenHeader {
  alg?: string;
  [k: string]: unknown;
}

/** Decodes without verifying the signature. Strict: exactly 3 segments, base64url, UTF-8, a
 *  JSON object payload. Works on any JWT (OAuth tokens too). Throws NadeoAuthError TOKEN_*
 *  (INVALID_ARGUMENT when `token` is not a string).
 *
 * @example
 * const { payload } = decodeToken(accessToken);
 * console.log(payload.aud, payload.sub, new Date(payload.exp * 1000));
 */
export function decodeToken<C = NadeoClaims>(token: string): { header: TokenHeader; payload: C };

/**
 * @example
 * const { expired, expiresIn } = tokenTimes(accessToken);
 * if (!expired) console.log(`valid for another ${expiresIn} s`);
 */
export interface TokenTimes {
  /** iat, seconds since the epoch. */
  issuedAt: number | null;
  /** rat, or null when the token has none. */
  refreshableAt: number | null;
  /** exp, or null when the token has none. */
  expiresAt: number | null;
  /** now + leeway >= exp (false when there is no exp). */
  expired: boolean;
  /** now >= rat (true when there is no rat). */
  refreshable: boolean;
  /** exp - now in seconds, clamped at 0 (Infinity when there is no exp). */
  expiresIn: number;
  /** rat - now in seconds, clamped at 0 (0 when there is no rat). */
  refreshableIn: number;
}

/**
 * now: seconds since the epoch (default: the clock); leeway: seconds (default 0).
 *
 * @example
 * if (tokenTimes(accessToken, { leeway: 30 }).expired) accessToken = await renew();
 */
export function tokenTimes(
  token: string | { iat?: number; rat?: number; exp?: number },
  options?: { now?: number; leeway?: number },
): TokenTimes;

/**
 * "nadeo_v1 t=<accessToken>". Throws INVALID_ARGUMENT on an empty token.
 *
 * @example
 * await fetch(url, { headers: { Authorization: nadeoAuthorization(accessToken) } });
 */
export function nadeoAuthorization(accessToken: string): string;
/**
 * "Bearer <accessToken>". Throws INVALID_ARGUMENT on an empty token.
 *
 * @example
 * await fetch("https://api.trackmania.com/api/user", { headers: { Authorization: bearerAuthorization(accessToken) } });
 */
export function bearerAuthorization(accessToken: string): string;
/**
 * The audience a game-API URL needs, or null for a host that is not a Nadeo game API.
 *
 * @example
 * audienceForUrl("https://live-services.trackmania.nadeo.live/api/token/leaderboard/group/Personal_Best/top"); // "NadeoLiveServices"
 * audienceForUrl("https://example.com/"); // null
 */
export function audienceForUrl(url: string | URL): Audience | null;

// ---------------------------------------------------------------- network options

/**
 * Options of every call that goes to the network.
 *
 * @example
 * await refreshTokens({ refreshToken, userAgent, timeoutMs: 10_000, signal: controller.signal });
 */
export interface RequestOptions {
  /** Defaults to globalThis.fetch; always called as a plain function. */
  fetch?: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
  /** Default 30000. */
  timeoutMs?: number;
}

// ---------------------------------------------------------------- Nadeo: one-shot calls

/**
 * @example
 * const { accessToken, refreshToken }: NadeoTokens = await loginBasic({ login, password, userAgent });
 */
export interface NadeoTokens {
  accessToken: string;
  refreshToken: string;
}
/**
 * @example
 * const options: NadeoCallOptions = { userAgent: "My leaderboard / @me / me@example.com" };
 * const pair = await refreshTokens({ ...options, refreshToken });
 */
export interface NadeoCallOptions extends RequestOptions {
  /** Required: project and contact, e.g. "My leaderboard / @me / me@example.com". */
  userAgent: string;
  /** Default "https://prod.trackmania.core.nadeo.online". */
  coreUrl?: string;
}
/** Service account or dedicated server account login (/v2/authentication/token/basic).
 *  audience defaults to "NadeoLiveServices"; "NadeoClubServices" is sent as "NadeoLiveServices".
 *
 * @example
 * const { accessToken, refreshToken } = await loginBasic({
 *   login: env.NADEO_LOGIN,
 *   password: env.NADEO_PASSWORD,
 *   userAgent: "My leaderboard / @me / me@example.com",
 *   audience: "NadeoLiveServices",
 * });
 */
export function loginBasic(
  options: NadeoCallOptions & { login: string; password: string; audience?: Audience | "NadeoClubServices" },
): Promise<NadeoTokens>;
/**
 * /v2/authentication/token/refresh with "nadeo_v1 t=<refreshToken>".
 *
 * @example
 * const pair = await refreshTokens({ refreshToken, userAgent: "My bot / me@example.com" });
 */
export function refreshTokens(options: NadeoCallOptions & { refreshToken: string }): Promise<NadeoTokens>;
/**
 * Legacy: exchange a Ubisoft ticket obtained elsewhere (/v2/authentication/token/ubiservices).
 *
 * @example
 * const pair = await loginUbiTicket({ ticket, userAgent: "My bot / me@example.com", audience: "NadeoServices" });
 */
export function loginUbiTicket(
  options: NadeoCallOptions & { ticket: string; audience?: Audience },
): Promise<NadeoTokens>;

// ---------------------------------------------------------------- Nadeo: managed tokens

/** Where a client keeps its token pairs between runs or isolates. A Cloudflare KV namespace
 *  fits as it is; so does any object with these methods. Values are opaque strings.
 *
 * @example
 * const kept = new Map<string, string>();
 * const store: TokenStore = { get: (key) => kept.get(key) ?? null, put: (key, value) => void kept.set(key, value) };
 * const client = new NadeoClient({ login, password, userAgent, store }); // or store: env.TOKENS (a KV namespace)
 */
export interface TokenStore {
  get(key: string): Promise<string | null> | string | null;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void> | void;
  delete?(key: string): Promise<void> | void;
  /** Optional: an exclusive lease on `key` for at most `ttlMs`, so that one process of a fleet
   *  at a time logs in or renews. Resolves to a function that gives it back when taken, to
   *  null when another process holds it. A holder that dies loses the lease when `ttlMs` has
   *  passed. The stores of "nadeo-auth/stores" have it; a KV namespace has not (the broker
   *  does that job on Workers). With it, a client that finds a token due takes the lease,
   *  reads the store again, renews only if still due, writes, and gives the lease back; one
   *  that does not get it serves its still-valid token or waits for the holder's pair. */
  lock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}
/**
 * @example
 * const client = new NadeoClient({ login, password, userAgent: "My bot / me@example.com", store: env.TOKENS, requestsPerSecond: 2 });
 */
export interface NadeoClientOptions extends Omit<NadeoCallOptions, "signal"> {
  login: string;
  password: string;
  /** Default: memory of this client only. */
  store?: TokenStore;
  /** Base URLs, for tests and proxies. */
  liveUrl?: string;
  meetUrl?: string;
  /** Renew a token this many seconds before exp (never before rat). Default 300. */
  refreshMargin?: number;
  /** Clock in milliseconds since the epoch; default Date.now. Backoff and Retry-After waits
   *  are measured on this clock too. It may be hours off: token times are judged on the auth
   *  service's clock, learnt from each answer (`stats.clockOffset`). */
  now?: () => number;
  /** Off by default. At most this many `fetch` calls a second leave this client, queued in
   *  order (a queued call rejects with ABORTED when its signal fires). Nadeo asks for about 2
   *  a second in short bursts and fewer for long jobs. Auth calls are not throttled: the
   *  failure policy guards them. */
  requestsPerSecond?: number;
  /** Cloudflare Workers: the Durable Object namespace bound to NadeoTokenBroker. With it,
   *  every isolate of the fleet gets its tokens from one broker object per account, which
   *  makes the one login / one renewal per audience and keeps the failure backoff for all;
   *  this client keeps the pair in memory and asks the broker only when it is due or refused.
   *  It takes the place of `store`. */
  broker?: DurableObjectNamespaceLike;
}
/** What NadeoClient needs of a Durable Object namespace binding (a `DurableObjectNamespace`
 *  of @cloudflare/workers-types fits).
 *
 * @example
 * const client = new NadeoClient({ login, password, userAgent, broker: env.NADEO_BROKER });
 */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: the id type is Cloudflare's DurableObjectId, which this file does not import
  get(id: any): { fetch(input: string, init?: RequestInit): Promise<Response> };
}
/**
 * What NadeoTokenBroker needs of its `DurableObjectState` (the one workerd passes fits).
 *
 * @example
 * // workerd constructs the broker with its own DurableObjectState; you only export the class.
 * export { NadeoTokenBroker } from "nadeo-auth";
 */
export interface DurableObjectStateLike {
  storage: { get(key: string): Promise<unknown>; put(key: string, value: string): Promise<void> };
}
/**
 * Calls a NadeoClient made to the auth endpoints, and how many of them failed.
 *
 * @example
 * const { logins, refreshes, failures } = client.stats;
 */
export interface NadeoClientStats {
  logins: number;
  refreshes: number;
  /** Logins and refreshes that failed (a refused refresh followed by a login counts one). */
  failures: number;
  /** Seconds the auth service's clock is ahead of this client's `now` (negative: behind), as
   *  learnt from the last pair received (its answer's Date header, else the token's iat); 0
   *  before any. Due, expired and refreshable are judged on the service's clock. */
  clockOffset: number;
}
/**
 * One token pair per audience, managed: logs in on first use, renews when due, logs in again
 * when the refresh token is dead, and never storms the auth endpoints: after a failed login
 * or renewal no new attempt is made before a backoff has passed (1 s doubling to 300 s, with
 * jitter; refused credentials start at 30 s; never before Retry-After), calls meanwhile fail
 * at once with the last failure's code, status, body and `retryAfter`, and a still-valid
 * token keeps being served. Clients sharing a `store` share the backoff.
 *
 * @example
 * const client = new NadeoClient({ login, password, userAgent: "My bot / me@example.com", store: env.TOKENS });
 * try {
 *   const res = await client.fetch("https://live-services.trackmania.nadeo.live/api/token/campaign/official?offset=0&length=1");
 * } catch (e) {
 *   if (e instanceof NadeoAuthError && e.retryAfter) console.log(`auth backing off for ${e.retryAfter} s (${e.code})`);
 * }
 */
export class NadeoClient {
  constructor(options: NadeoClientOptions);
  /** A usable access token for the audience (login on first use, refresh when due, login again
   *  when the refresh token is dead or refused; one network call per audience at a time). */
  accessToken(audience: Audience | "NadeoClubServices", options?: { signal?: AbortSignal }): Promise<string>;
  /** fetch() with the right Authorization for the URL's audience; on a 401 it renews once and
   *  retries once. A 401 to a token that was itself renewed for a 401 is UNAUTHORIZED at once
   *  (one renewal per token). Any other answer, 429 included, is the Response. Throws
   *  INVALID_ARGUMENT for a URL that is not a Nadeo game API. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Renews each held token in the background when due. Returns a function that stops it. */
  startAutoRefresh(): () => void;
  /** Network calls made to the auth endpoints, and how many failed. */
  readonly stats: NadeoClientStats;
  /** Frees the client's wasm memory at once (it is also freed when garbage-collected). */
  free(): void;
}

// ---------------------------------------------------------------- expiry scheduling

/** Resolves at the token's rat (or at once if past); leadSeconds moves it earlier.
 *  Rejects with ABORTED when the signal fires. Long waits are split so timers never overflow.
 *
 * @example
 * await whenRefreshable(accessToken, { signal: controller.signal });
 * const pair = await refreshTokens({ refreshToken, userAgent });
 */
export function whenRefreshable(token: string, options?: { leadSeconds?: number; signal?: AbortSignal }): Promise<void>;
/**
 * Resolves at the token's exp minus leadSeconds (TOKEN_CLAIMS for a token without exp).
 *
 * @example
 * await whenExpired(accessToken, { leadSeconds: 60 });
 * console.log("the token expires in a minute");
 */
export function whenExpired(token: string, options?: { leadSeconds?: number; signal?: AbortSignal }): Promise<void>;
/** Calls fn once when the token is due for renewal: marginSeconds (default 300) before exp,
 *  made earlier by a random jitter in [0, jitterSeconds] (default 60), but never before rat;
 *  at once if that time has passed. Returns a function that cancels it.
 *
 * @example
 * const cancel = scheduleRefresh(accessToken, () => void renew());
 * // later, when the token is replaced or the page closes:
 * cancel();
 */
export function scheduleRefresh(
  token: string,
  fn: () => void,
  options?: { marginSeconds?: number; jitterSeconds?: number },
): () => void;

// ---------------------------------------------------------------- OAuth (api.trackmania.com)

/**
 * @example
 * const { url } = authorizationUrl({ clientId, redirectUri, scopes: ["clubs", "read_favorite"] satisfies Scope[] });
 */
export type Scope = "clubs" | "read_favorite" | "write_favorite";
/**
 * @example
 * const { accessToken, refreshToken, expiresAt }: OAuthTokens = await exchangeCode({ clientId, clientSecret, code, redirectUri });
 */
export interface OAuthTokens {
  tokenType: "bearer";
  accessToken: string;
  refreshToken?: string;
  /** Seconds, as sent. */
  expiresIn: number;
  /** Seconds since the epoch, computed on receipt on the service's clock (the answer's Date
   *  header, else the access token's iat where it is a JWT, else this machine's clock). */
  expiresAt: number;
  scope?: string;
}
/**
 * @example
 * const names = await displayNames(ids, { accessToken, timeoutMs: 5_000 });
 */
export interface OAuthCallOptions extends RequestOptions {
  /** Default "https://api.trackmania.com". */
  apiUrl?: string;
}

/**
 * The authorize URL. state defaults to 32 random bytes (crypto.getRandomValues), base64url.
 * `pkce: true` adds a PKCE pair (RFC 7636): a fresh `codeVerifier` (43 characters of base64url
 * from 32 random bytes) and, in the URL, `code_challenge` = BASE64URL(SHA-256(codeVerifier))
 * with `code_challenge_method=S256`. Off by default: api.trackmania.com documents no PKCE (its
 * server verifies a challenge when the authorize request carried one).
 *
 * @example
 * const { url, state, codeVerifier } = authorizationUrl({ clientId, redirectUri: "https://example.com/callback", scopes: ["clubs"], pkce: true });
 * // keep `state` and `codeVerifier` (a cookie, sessionStorage), then send the user to `url`
 */
export function authorizationUrl(options: {
  clientId: string;
  redirectUri: string;
  scopes?: (Scope | string)[];
  state?: string;
  apiUrl?: string;
  pkce?: boolean;
}): { url: string; state: string; codeVerifier?: string };
/** Checks a redirect back from the authorize page, in the order oauth4webapi does: a repeated
 *  code/state/error/iss (OAUTH_DUPLICATE_PARAM), the state (OAUTH_STATE_MISSING,
 *  OAUTH_STATE_MISMATCH; compared in constant time), an `iss` that is not the issuer of
 *  `apiUrl` (OAUTH_ISSUER_MISMATCH, RFC 9207), `error=` (OAUTH_DENIED), implicit or hybrid
 *  parameters or a JARM `response` (OAUTH_UNEXPECTED_PARAM), the code (OAUTH_CODE_MISSING).
 *
 * @example
 * const { code } = parseRedirect(location.href, myStoredState);
 */
export function parseRedirect(
  url: string | URL,
  expectedState: string,
  options?: { apiUrl?: string },
): { code: string; state: string };

/** Browser only: make an authorize URL, keep its state (and redirectUri, and with `pkce: true`
 *  the PKCE verifier) in sessionStorage, and go there (location.assign) unless navigate is
 *  false. Returns the URL.
 *
 * @example
 * signIn.onclick = () => beginLogin({ clientId, redirectUri: `${location.origin}/callback`, pkce: true });
 */
export function beginLogin(options: {
  clientId: string;
  redirectUri: string;
  scopes?: (Scope | string)[];
  navigate?: boolean;
  apiUrl?: string;
  pkce?: boolean;
}): string;
/** Browser only: on the redirect page, check the URL (default location.href) against the kept
 *  state, forget the state (single use), remove code and state from the address bar
 *  (history.replaceState), and hand back what the back end needs for exchangeCode.
 *
 * @example
 * // on /callback
 * const { code, redirectUri } = completeLogin();
 * await fetch("/api/session", { method: "POST", body: JSON.stringify({ code, redirectUri }) });
 */
export function completeLogin(options?: { url?: string }): { code: string; redirectUri: string; codeVerifier?: string };

/** Server side (Worker, Node): the three grants of /api/access_token, form-encoded, with
 *  client_id and client_secret in the body. `codeVerifier` (what completeLogin gave after a
 *  `pkce: true` sign-in) is sent as `code_verifier`.
 *
 * @example
 * const tokens = await exchangeCode({ clientId: env.TM_CLIENT_ID, clientSecret: env.TM_CLIENT_SECRET, code, redirectUri, codeVerifier });
 */
export function exchangeCode(
  options: OAuthCallOptions & {
    clientId: string;
    clientSecret: string;
    code: string;
    redirectUri: string;
    /** Sent as code_verifier (PKCE). */
    codeVerifier?: string;
  },
): Promise<OAuthTokens>;
/**
 * Keeps the given refresh token when the answer has none.
 *
 * @example
 * const renewed = await refreshOAuthTokens({ clientId, clientSecret, refreshToken: tokens.refreshToken! });
 */
export function refreshOAuthTokens(
  options: OAuthCallOptions & { clientId: string; clientSecret: string; refreshToken: string },
): Promise<OAuthTokens>;
/**
 * @example
 * const { accessToken, expiresAt } = await clientCredentials({ clientId: env.TM_CLIENT_ID, clientSecret: env.TM_CLIENT_SECRET });
 */
export function clientCredentials(
  options: OAuthCallOptions & { clientId: string; clientSecret: string },
): Promise<OAuthTokens>;

/**
 * accountId -> display name, any number of IDs (batched 50 a request, in order, deduplicated).
 *
 * @example
 * const names = await displayNames(leaderboard.map((row) => row.accountId), { accessToken });
 * console.log(names[leaderboard[0].accountId]);
 */
export function displayNames(
  accountIds: string[],
  options: OAuthCallOptions & { accessToken: string },
): Promise<Record<string, string>>;
/**
 * display name -> accountId (GET /api/display-names/account-ids), batched like displayNames.
 *
 * @example
 * const ids = await accountIds(["Some Player"], { accessToken });
 * console.log(ids["Some Player"]); // its accountId
 */
export function accountIds(
  displayNames: string[],
  options: OAuthCallOptions & { accessToken: string },
): Promise<Record<string, string>>;
/**
 * The server half of Openplanet's plugin authentication: a plugin gets a token from
 * `Auth::GetToken()` and sends it to your server, which asks Openplanet who it belongs to
 * with the plugin's secret (POST, form-encoded `token` and `secret`, to `validateUrl`,
 * default `https://api.openplanet.dev/auth/validate`). A token Openplanet refuses is
 * UNAUTHORIZED with Openplanet's words; an answer that is not what Openplanet documents is
 * BAD_RESPONSE; timeouts, the size cap and network errors as for every call. The secret never
 * appears in a message.
 *
 * @example
 * const { accountId, displayName } = await verifyOpenplanetToken({
 *   token: body.token, // what the plugin sent
 *   secret: env.OPENPLANET_SECRET,
 *   userAgent: "My plugin's server / @me / me@example.com",
 * });
 */
export function verifyOpenplanetToken(
  options: RequestOptions & { token: string; secret: string; userAgent: string; validateUrl?: string },
): Promise<{ accountId: string; displayName: string; tokenTime: number }>;
/**
 * The signed-in user of a user token (GET /api/user).
 *
 * @example
 * const { accountId, displayName } = await currentUser({ accessToken: tokens.accessToken });
 */
export function currentUser(
  options: OAuthCallOptions & { accessToken: string },
): Promise<{ accountId: string; displayName: string }>;

/** Server side: one signed-in player's api.trackmania.com tokens, kept usable. The access
 *  token (about an hour) is renewed with the refresh token when it is within refreshMargin of
 *  expiresAt or refused with a 401. api.trackmania.com rotates refresh tokens (each answer
 *  carries a new one; the old one is spent), so a renewal is single flight per player, and
 *  the new pair is written to the store and handed to onTokens before anything uses it (a
 *  failed write is made again on the next call): a rotated refresh token is never lost. With
 *  a store, a renewal first reads the store and adopts a pair newer than its own (another
 *  isolate renewed). A refresh answered invalid_grant while the access token lives means
 *  another client won the rotation: the store is read again (then and on each later call) and
 *  the winner's pair adopted as soon as it shows; meanwhile the access token is served if
 *  the API still takes it, else the call fails with HTTP and `retryAfter` (transient). It is
 *  REFRESH_EXPIRED (the player signs in again) only once the access token has expired and the
 *  store showed nothing newer (a store's minute of lag waited out). Failed renewals back off like
 *  NadeoClient's. With broker, one Durable Object per player makes the renewals for the whole
 *  fleet. The store (and the broker's storage) holds tokens, never the client secret.
 *
 * @example
 * const player = new TrackmaniaUserClient({
 *   clientId: env.TM_CLIENT_ID,
 *   clientSecret: env.TM_CLIENT_SECRET,
 *   store: env.SESSIONS,
 *   key: `player:${session}`,
 *   tokens, // what exchangeCode gave, on the first request of the session
 * });
 * const clubs = await (await player.fetch("https://api.trackmania.com/api/user/clubs/admin")).json();
 */
export class TrackmaniaUserClient {
  constructor(
    options: Omit<OAuthCallOptions, "signal"> & {
      clientId: string;
      clientSecret: string;
      /** What exchangeCode gave (or onTokens last gave). Optional when store and key hold a pair. */
      tokens?: OAuthTokens;
      /** Where the pair lives between requests and isolates (a KV namespace fits), under key. */
      store?: TokenStore;
      key?: string;
      /** Workers: the NadeoTokenBroker namespace. One object per player (named by key) makes the
       *  renewals for the whole fleet; it stores tokens, never the client secret. */
      broker?: DurableObjectNamespaceLike;
      /** Called with every new pair, before it is used. */
      onTokens?: (tokens: OAuthTokens) => void | Promise<void>;
      /** Seconds before expiresAt to renew. Default 300: room for a minute of store lag
       *  before the access token dies. */
      refreshMargin?: number;
      /** Milliseconds since the epoch; default Date.now. */
      now?: () => number;
    },
  );
  /** The player's current access token, renewed first when due. */
  accessToken(options?: { signal?: AbortSignal }): Promise<string>;
  /** fetch() to an api.trackmania.com endpoint (the apiUrl origin) with the player's Bearer
   *  token; on a 401, one renewal and one retry. Any other origin is INVALID_ARGUMENT, nothing
   *  sent. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The pair in use now (to persist it yourself); undefined before one is known (a client
   *  made from a store only, before its first call). `expiresAt` is on the service's clock. */
  readonly tokens: OAuthTokens | undefined;
  readonly stats: { refreshes: number; failures: number };
}

/** Server side: a client-credentials token kept and renewed for you (single flight, renewed
 *  60 s before it expires), for the name lookups most apps need. Failed grants back off as a
 *  NadeoClient's renewals do (fail fast with `retryAfter`, a valid token served meanwhile).
 *
 * @example
 * const api = new TrackmaniaApi({ clientId: env.TM_CLIENT_ID, clientSecret: env.TM_CLIENT_SECRET });
 * const names = await api.displayNames(accountIdsOfTheTop10);
 */
export class TrackmaniaApi {
  constructor(
    options: Omit<OAuthCallOptions, "signal"> & { clientId: string; clientSecret: string; now?: () => number },
  );
  accessToken(): Promise<string>;
  displayNames(accountIds: string[]): Promise<Record<string, string>>;
  accountIds(displayNames: string[]): Promise<Record<string, string>>;
  /** fetch() to any api.trackmania.com endpoint (the apiUrl origin) with the app's Bearer
   *  token; on a 401, one renewal and one retry. Any other origin is INVALID_ARGUMENT, nothing
   *  sent.
   *
   * @example
   * const res = await api.fetch(`https://api.trackmania.com/api/display-names?accountId[]=${id}`);
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Client-credentials grants made so far (for monitoring and tests). */
  readonly grants: number;
}
