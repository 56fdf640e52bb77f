// beginLogin and completeLogin of `nadeo-auth/token` (browsers, and Node, Bun and Deno where a
// sessionStorage exists): signin.js over the token wasm's checks.
import { authorizationUrl, parseRedirect } from "./nadeo_auth_token.js";
import { signIn } from "./signin.js";

export const { beginLogin, completeLogin } = signIn({ authorizationUrl, parseRedirect });
