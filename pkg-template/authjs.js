// nadeo-auth/authjs: api.trackmania.com as an Auth.js provider (@auth/core: next-auth v5,
// @auth/sveltekit, @auth/express, …). Configuration only: no runtime dependency on Auth.js.
// What it gets right that hand-written providers get wrong: the client secret in the form
// body (client_secret_post, the only client authentication api.trackmania.com takes), no
// OpenID scopes (the API has none: only the scopes asked for), state and PKCE (league
// verifies a challenge whenever the authorize request carried one), the profile from
// /api/user.
import { NadeoAuthError } from "./error.js";

const invalid = (message) => new NadeoAuthError("INVALID_ARGUMENT", message);

/** The options both sign-in integrations take, checked: `{ clientId, clientSecret, scope,
 *  base }` (`scope` space-separated, `base` the API's origin without a trailing slash). */
export function trackmaniaOptions(options) {
  const { clientId, clientSecret, scopes = [], apiUrl = "https://api.trackmania.com" } = options ?? {};
  if (typeof clientId !== "string" || clientId === "") throw invalid("options.clientId must be a non-empty string");
  if (typeof clientSecret !== "string" || clientSecret === "")
    throw invalid("options.clientSecret must be a non-empty string");
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string"))
    throw invalid("options.scopes must be an array of strings");
  let base;
  try {
    base = new URL(apiUrl).origin;
  } catch {
    throw invalid("options.apiUrl must be an absolute http(s) URL");
  }
  return { clientId, clientSecret, scope: scopes.join(" "), base };
}

/**
 * The Auth.js provider of api.trackmania.com: `providers: [Trackmania({ clientId,
 * clientSecret })]`. The profile is `{ id: accountId, name: displayName }`.
 */
export default function Trackmania(options) {
  const { clientId, clientSecret, scope, base } = trackmaniaOptions(options);
  return {
    id: "trackmania",
    name: "Trackmania",
    type: "oauth",
    clientId,
    clientSecret,
    authorization: { url: `${base}/oauth/authorize`, params: { scope } },
    token: `${base}/api/access_token`,
    userinfo: `${base}/api/user`,
    client: { token_endpoint_auth_method: "client_secret_post" },
    checks: ["state", "pkce"],
    profile: (profile) => ({ id: profile.accountId, name: profile.displayName, email: null, image: null }),
  };
}
