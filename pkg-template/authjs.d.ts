// nadeo-auth/authjs: api.trackmania.com as an Auth.js provider. Types only, structurally an
// OAuth2Config of @auth/core (which this package does not depend on).
import type { Scope } from "./index.js";

/** The player as api.trackmania.com's /api/user gives them.
 *
 * @example
 * callbacks: { session: ({ session, token }) => ({ ...session, accountId: token.sub }) }
 */
export interface TrackmaniaProfile {
  accountId: string;
  displayName: string;
}

/** The provider's configuration, an `OAuth2Config<TrackmaniaProfile>` of @auth/core.
 *
 * @example
 * const provider: TrackmaniaProvider = Trackmania({ clientId, clientSecret });
 */
export interface TrackmaniaProvider {
  id: "trackmania";
  name: "Trackmania";
  type: "oauth";
  clientId: string;
  clientSecret: string;
  authorization: { url: string; params: { scope: string } };
  token: string;
  userinfo: string;
  client: { token_endpoint_auth_method: "client_secret_post" };
  checks: ("state" | "pkce")[];
  profile(profile: TrackmaniaProfile): { id: string; name: string; email: null; image: null };
}

/**
 * The Auth.js provider of api.trackmania.com: authorize and token URLs of `apiUrl`, the
 * client secret in the form body (client_secret_post), checks "state" and "pkce", the scopes
 * asked for (none of Auth.js's OpenID defaults), the profile from /api/user as
 * `{ id: accountId, name: displayName }`.
 *
 * @example
 * import { Auth } from "@auth/core";
 * import Trackmania from "nadeo-auth/authjs";
 * const config = { providers: [Trackmania({ clientId: env.TM_CLIENT_ID, clientSecret: env.TM_CLIENT_SECRET })], secret: env.AUTH_SECRET };
 */
export default function Trackmania(options: {
  clientId: string;
  clientSecret: string;
  scopes?: (Scope | string)[];
  apiUrl?: string;
}): TrackmaniaProvider;
