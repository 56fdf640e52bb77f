// The public API of `nadeo-auth/token`: what pages and devtools pages need, on a small wasm of
// its own (nadeo_auth_token_bg.wasm). NadeoAuthError is the same class as the full entry's
// (one glue module serves both wasm builds), so `instanceof` holds across entries. The
// sign-in pair is each entry's: token-signin.js where a page can run, signin-workerd.js in
// Workers.

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
} from "./nadeo_auth_token.js";
export { NadeoAuthError } from "./error.js";
