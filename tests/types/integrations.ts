// The sign-in integrations' typings against the libraries' own (tsc with @auth/core and better-auth
// linked from tools/): structurally an OAuth2Config and a GenericOAuthConfig.
import type { OAuth2Config } from "@auth/core/providers";
import type { GenericOAuthConfig } from "better-auth/plugins";
import Trackmania, { type TrackmaniaProfile } from "nadeo-auth/authjs";
import { trackmania } from "nadeo-auth/better-auth";
export const provider: OAuth2Config<TrackmaniaProfile> = Trackmania({ clientId: "a", clientSecret: "b" });
export const config: GenericOAuthConfig = trackmania({ clientId: "a", clientSecret: "b" });
