// nadeo-auth/better-auth: api.trackmania.com for better-auth's genericOAuth plugin.
// Configuration only: no runtime dependency on better-auth. The same facts as the Auth.js
// provider (authjs.js); and since better-auth needs an e-mail address and Trackmania accounts
// have none, the user gets a stable placeholder made from the account ID, on a reserved
// domain that no mail is ever delivered to (RFC 2606's .invalid).
import { trackmaniaOptions } from "./authjs.js";

/**
 * `genericOAuth({ config: [trackmania({ clientId, clientSecret })] })`: the user is
 * `{ id: accountId, name: displayName, email: "<accountId>@trackmania.invalid" }`.
 */
export function trackmania(options) {
  const { clientId, clientSecret, scope, base } = trackmaniaOptions(options);
  return {
    providerId: "trackmania",
    clientId,
    clientSecret,
    authorizationUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}/api/access_token`,
    userInfoUrl: `${base}/api/user`,
    scopes: scope ? scope.split(" ") : [],
    pkce: true,
    authentication: "post",
    async getUserInfo(tokens) {
      const res = await fetch(`${base}/api/user`, {
        headers: { authorization: `Bearer ${tokens.accessToken}`, accept: "application/json" },
      });
      if (!res.ok) return null;
      const user = await res.json();
      if (typeof user?.accountId !== "string" || typeof user.displayName !== "string") return null;
      return {
        id: user.accountId,
        name: user.displayName,
        email: `${user.accountId}@trackmania.invalid`,
        emailVerified: false,
      };
    },
  };
}
