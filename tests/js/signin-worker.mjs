// The back end of the sign-in test: a Worker that exchanges the code and asks who signed in.
import { currentUser, exchangeCode } from "nadeo-auth";

let exchanges = 0;
const cors = { "access-control-allow-origin": "*" };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/count") return Response.json({ exchanges }, { headers: cors });
    if (url.pathname !== "/exchange" || request.method !== "POST")
      return new Response("not found", { status: 404, headers: cors });
    exchanges++;
    try {
      const { code, redirectUri, codeVerifier } = await request.json();
      const tokens = await exchangeCode({
        clientId: env.TM_CLIENT_ID,
        clientSecret: env.TM_CLIENT_SECRET,
        code,
        redirectUri,
        codeVerifier,
        apiUrl: env.TM_ORIGIN,
      });
      const user = await currentUser({ accessToken: tokens.accessToken, apiUrl: env.TM_ORIGIN });
      return Response.json(user, { headers: cors });
    } catch (e) {
      return Response.json({ error: e.code ?? String(e) }, { status: 400, headers: cors });
    }
  },
};
