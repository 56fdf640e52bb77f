// A Worker that signs players in with Auth.js and nadeo-auth/authjs (bundled by wrangler as a
// user would, run in workerd by signin-integrations.test.mjs).
import { Auth } from "@auth/core";
import Trackmania from "nadeo-auth/authjs";

export default {
  fetch(request, env) {
    return Auth(request, {
      providers: [
        Trackmania({
          clientId: env.TM_CLIENT_ID,
          clientSecret: env.TM_CLIENT_SECRET,
          apiUrl: env.TM_ORIGIN,
          scopes: ["clubs"],
        }),
      ],
      secret: "an-auth-js-secret-of-32-characters-at-least",
      trustHost: true,
      basePath: "/auth",
      callbacks: {
        jwt: ({ token, account }) => (account ? { ...token, accountId: account.providerAccountId } : token),
        session: ({ session, token }) => ({ ...session, user: { ...session.user, accountId: token.accountId } }),
      },
    });
  },
};
