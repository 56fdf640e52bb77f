// Compiled by `make test` with `tsc --strict --noEmit` against the packed package: the typings
// must accept every documented use and refuse misuse (each @ts-expect-error must be an error).
import {
  NadeoAuthError,
  audienceForUrl,
  bearerAuthorization,
  decodeToken,
  nadeoAuthorization,
  tokenTimes,
  loginBasic,
  refreshTokens,
  loginUbiTicket,
  NadeoClient,
  authorizationUrl,
  parseRedirect,
  beginLogin,
  completeLogin,
  exchangeCode,
  refreshOAuthTokens,
  clientCredentials,
  displayNames,
  accountIds,
  currentUser,
  TrackmaniaApi,
  TrackmaniaUserClient,
  type OAuthTokens,
  type Scope,
  type TokenStore,
  type NadeoTokens,
  type Audience,
  type ErrorCode,
  type NadeoClaims,
  type TokenTimes,
} from "nadeo-auth";

const token: string = "a.b.c";

// decodeToken: Nadeo claims by default, any claims type on request.
const { header, payload } = decodeToken(token);
const alg: string | undefined = header.alg;
const exp: number = payload.exp;
const rtk: boolean = payload.rtk;
const uid: string | undefined = payload.ubiservices_uid;
// biome-ignore lint/complexity/useLiteralKeys: an unknown claim, read by index as users do
const unknownClaim: unknown = payload["someFutureClaim"];
const claims: NadeoClaims = payload;
interface OAuthClaims {
  sub: string;
  scopes: string[];
  exp: number;
}
const oauth = decodeToken<OAuthClaims>(token).payload;
const scopes: string[] = oauth.scopes;

// tokenTimes: tokens, claims objects, options.
const t1: TokenTimes = tokenTimes(token);
const t2: TokenTimes = tokenTimes(payload, { now: 1, leeway: 30 });
const t3 = tokenTimes({ exp: 5 });
const expiresAt: number | null = t1.expiresAt;
const expired: boolean = t2.expired;
const inSeconds: number = t3.expiresIn;

const h1: string = nadeoAuthorization(token);
const h2: string = bearerAuthorization(token);
const aud: Audience | null = audienceForUrl("https://prod.trackmania.core.nadeo.online/");
const aud2: Audience | null = audienceForUrl(new URL("https://meet.trackmania.nadeo.club/"));

// Errors: a class with a code union.
try {
  decodeToken(token);
} catch (e) {
  if (e instanceof NadeoAuthError) {
    const code: ErrorCode = e.code;
    const status: number | undefined = e.status;
    const body: unknown = e.body;
    const retry: number | undefined = e.retryAfter;
    const name: "NadeoAuthError" = e.name;
    const isError: Error = e;
    if (e.code === "TOKEN_BASE64") console.log(code, status, body, retry, name, isError);
  }
}
const made = new NadeoAuthError("HTTP", "m", { status: 500 });

// Nadeo one-shot calls.
async function nadeo(): Promise<NadeoTokens> {
  const ua = "my app / me@example.com";
  const t = await loginBasic({
    login: "l",
    password: "p",
    userAgent: ua,
    audience: "NadeoClubServices",
    timeoutMs: 5000,
  });
  await refreshTokens({ refreshToken: t.refreshToken, userAgent: ua, fetch: (input, init) => fetch(input, init) });
  // @ts-expect-error userAgent is required
  await loginBasic({ login: "l", password: "p" });
  // @ts-expect-error the legacy exchange has no club alias
  await loginUbiTicket({ ticket: "t", userAgent: ua, audience: "NadeoClubServices" });
  return t;
}

// A managed client with a KV-like store.
const kv: TokenStore = { get: async () => null, put: async () => {} };
const client = new NadeoClient({
  login: "l",
  password: "p",
  userAgent: "ua",
  store: kv,
  refreshMargin: 120,
  requestsPerSecond: 2,
});
// @ts-expect-error requestsPerSecond is a number
new NadeoClient({ login: "l", password: "p", userAgent: "ua", requestsPerSecond: "2" });
async function managed(): Promise<number> {
  const token: string = await client.accessToken("NadeoLiveServices");
  const res: Response = await client.fetch("https://live-services.trackmania.nadeo.live/api/x", { method: "GET" });
  const stop: () => void = client.startAutoRefresh();
  stop();
  // @ts-expect-error not an audience
  await client.accessToken("Nope");
  // @ts-expect-error stats are read-only
  client.stats = { logins: 0, refreshes: 0, failures: 0 };
  return token.length + res.status + client.stats.logins + client.stats.failures + client.stats.clockOffset;
}

// OAuth: browser and server.
const { url: authUrl, state } = authorizationUrl({
  clientId: "id",
  redirectUri: "https://a.example/cb",
  scopes: ["clubs", "custom"],
});
const checked: { code: string; state: string } = parseRedirect(new URL(authUrl), state);
const started: string = beginLogin({ clientId: "id", redirectUri: "https://a.example/cb", navigate: false });
const done: { code: string; redirectUri: string } = completeLogin();
async function server(): Promise<string> {
  const t: OAuthTokens = await exchangeCode({
    clientId: "id",
    clientSecret: "s",
    code: done.code,
    redirectUri: done.redirectUri,
  });
  const kind: "bearer" = t.tokenType;
  const r: string | undefined = t.refreshToken;
  await refreshOAuthTokens({ clientId: "id", clientSecret: "s", refreshToken: r ?? "" });
  const app = await clientCredentials({ clientId: "id", clientSecret: "s", timeoutMs: 5000 });
  const names: Record<string, string> = await displayNames(["id"], { accessToken: app.accessToken });
  const ids: Record<string, string> = await accountIds(["name"], {
    accessToken: app.accessToken,
    apiUrl: "http://127.0.0.1:1",
  });
  const me: { accountId: string; displayName: string } = await currentUser({ accessToken: t.accessToken });
  const api = new TrackmaniaApi({ clientId: "id", clientSecret: "s" });
  const more: Record<string, string> = await api.displayNames(["id"]);
  const player = new TrackmaniaUserClient({
    clientId: "id",
    clientSecret: "s",
    tokens: t,
    onTokens: async (next: OAuthTokens) => void next,
  });
  const playerClubs: Response = await player.fetch("https://api.trackmania.com/api/user/clubs/admin");
  const playerStats: { refreshes: number; failures: number } = player.stats;
  // @ts-expect-error the pair is undefined before one is known
  const playerExpiry: number = player.tokens.expiresAt;
  const knownExpiry: number | undefined = player.tokens?.expiresAt;
  const clubs: Response = await api.fetch(new URL("https://api.trackmania.com/api/display-names?accountId[]=id"));
  const scope: Scope = "read_favorite";
  // @ts-expect-error a client secret is required on the server side
  await clientCredentials({ clientId: "id" });
  // @ts-expect-error beginLogin takes no client secret
  beginLogin({ clientId: "id", redirectUri: "https://a.example/cb", clientSecret: "s" });
  // @ts-expect-error TrackmaniaApi takes no signal
  new TrackmaniaApi({ clientId: "id", clientSecret: "s", signal: new AbortController().signal });
  return (
    kind +
    names.x +
    ids.y +
    me.displayName +
    more.z +
    clubs.status +
    playerClubs.status +
    playerStats.refreshes +
    playerExpiry +
    (knownExpiry ?? 0) +
    scope +
    checked.code +
    started
  );
}

// Misuse the typings refuse.
// @ts-expect-error a token is a string
decodeToken(42);
// @ts-expect-error not an error code
const badCode: ErrorCode = "NOPE";
// @ts-expect-error no such option
tokenTimes(token, { clock: 1 });
// @ts-expect-error times are numbers
tokenTimes({ exp: "soon" });
// @ts-expect-error audienceForUrl can be null
const notNull: Audience = audienceForUrl("x");
// @ts-expect-error not an audience
const badAud: Audience = "NadeoClubServices";
// @ts-expect-error code is read-only
made.code = "HTTP";
// @ts-expect-error expiresAt may be null
const n: number = t1.expiresAt;

export {
  nadeo,
  managed,
  server,
  alg,
  exp,
  rtk,
  uid,
  unknownClaim,
  claims,
  scopes,
  expiresAt,
  expired,
  inSeconds,
  h1,
  h2,
  aud,
  aud2,
  badCode,
  notNull,
  badAud,
  n,
};

// The token entry: the page functions, the same error class, no server functions.
import * as tokenEntry from "nadeo-auth/token";
const decoded: { payload: { aun: string } } = tokenEntry.decodeToken("a.b.c");
const sameClass: typeof NadeoAuthError = tokenEntry.NadeoAuthError;
const signIn: string = tokenEntry.beginLogin({ clientId: "c", redirectUri: "https://a.example/cb", navigate: false });
// @ts-expect-error the token entry has no NadeoClient
tokenEntry.NadeoClient;
export { decoded, sameClass, signIn };

// The sign-in integrations and the stores compile without @auth/core, better-auth or a
// database client installed.
import Trackmania from "nadeo-auth/authjs";
import { trackmania } from "nadeo-auth/better-auth";
import { fileStore, redisStore } from "nadeo-auth/stores";
export const authjsProvider = Trackmania({ clientId: "id", clientSecret: "s", scopes: ["clubs"] });
export const betterAuthConfig = trackmania({ clientId: "id", clientSecret: "s" });
export const fleetStore = fileStore("/tmp/nadeo-auth");
export const redis = redisStore({});
// @ts-expect-error the Auth.js provider needs a client secret
Trackmania({ clientId: "id" });
