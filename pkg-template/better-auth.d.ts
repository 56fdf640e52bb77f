// nadeo-auth/better-auth: api.trackmania.com for better-auth's genericOAuth plugin. Types
// only, structurally a GenericOAuthConfig (better-auth is not a dependency of this package).
import type { Scope } from "./index.js";

/** The configuration, a `GenericOAuthConfig` of better-auth's genericOAuth plugin.
 *
 * @example
 * const config: TrackmaniaGenericOAuthConfig = trackmania({ clientId, clientSecret });
 */
export interface TrackmaniaGenericOAuthConfig {
  providerId: "trackmania";
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  scopes: string[];
  pkce: true;
  authentication: "post";
  getUserInfo(tokens: { accessToken?: string }): Promise<{
    id: string;
    name: string;
    email: string;
    emailVerified: boolean;
  } | null>;
}

/**
 * api.trackmania.com for better-auth's genericOAuth plugin: the same facts as the Auth.js
 * provider; the user's e-mail is a stable placeholder made from the account ID on a reserved
 * domain (`<accountId>@trackmania.invalid`), since Trackmania accounts have none.
 *
 * @example
 * import { betterAuth } from "better-auth";
 * import { genericOAuth } from "better-auth/plugins";
 * import { trackmania } from "nadeo-auth/better-auth";
 * export const auth = betterAuth({ plugins: [genericOAuth({ config: [trackmania({ clientId, clientSecret })] })] });
 */
export function trackmania(options: {
  clientId: string;
  clientSecret: string;
  scopes?: (Scope | string)[];
  apiUrl?: string;
}): TrackmaniaGenericOAuthConfig;
