// nadeo-auth/token: the page and devtools functions, on a small wasm of their own.
// The types are the full entry's; NadeoAuthError is the same class at run time.
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
  beginLogin,
  completeLogin,
  NadeoAuthError,
} from "./index.js";
export type {
  Audience,
  ErrorCode,
  NadeoAuthErrorOptions,
  NadeoClaims,
  Scope,
  TokenHeader,
  TokenTimes,
} from "./index.js";
