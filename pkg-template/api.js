// The public API of nadeo-auth, shared by every entry point (node.js, browser.js,
// workerd.js), which initialise the WebAssembly module before anything here is called.
export {
  decodeToken,
  tokenTimes,
  nadeoAuthorization,
  bearerAuthorization,
  audienceForUrl,
  loginBasic,
  refreshTokens,
  loginUbiTicket,
  NadeoClient,
  whenRefreshable,
  whenExpired,
  scheduleRefresh,
} from "./nadeo_auth.js";
export { NadeoAuthError } from "__GLUE__";
