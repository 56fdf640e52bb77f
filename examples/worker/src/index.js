// The example Worker of nadeo-auth (also the back end of `make demo`'s playground).
//
//   GET  /api/config   public settings for the sign-in page (client id, authorize base URL)
//   POST /api/session  { code, redirectUri } -> exchanges the code, keeps the tokens server
//                      side (KV), sets an HttpOnly, SameSite=Lax session cookie, answers the player
//   GET  /api/me       the signed-in player, or 401
//   POST /api/logout   forgets the session and clears the cookie
//   GET  /api/nadeo    calls a Nadeo game API through NadeoClient.fetch (tokens from the fleet's
//                      token broker) and answers { status, body, stats, fleet }
//
// Environment: NADEO_LOGIN, NADEO_PASSWORD (secret), NADEO_USER_AGENT, TM_CLIENT_ID,
// TM_CLIENT_SECRET (secret), the Durable Object binding NADEO_BROKER (class NadeoTokenBroker)
// and the KV namespace SESSIONS. For local stand-ins: NADEO_CORE_URL, NADEO_LIVE_URL,
// TM_API_URL.
import { NadeoAuthError, NadeoClient, TrackmaniaUserClient, currentUser, exchangeCode } from "nadeo-auth";

// The token broker of the fleet: a Durable Object class the Worker re-exports (wrangler.toml
// binds it as NADEO_BROKER).
export { NadeoTokenBroker } from "nadeo-auth";

// One client per isolate. It keeps the token in memory and asks the broker only when it is
// due or refused: one login and one renewal per audience for the whole fleet.
let client;
let clientKey;

function nadeo(env) {
  const key = `${env.NADEO_LOGIN}|${env.NADEO_CORE_URL ?? ""}`;
  if (!client || clientKey !== key) {
    client = new NadeoClient({
      login: env.NADEO_LOGIN,
      password: env.NADEO_PASSWORD,
      userAgent: env.NADEO_USER_AGENT,
      broker: env.NADEO_BROKER,
      ...(env.NADEO_CORE_URL ? { coreUrl: env.NADEO_CORE_URL } : {}),
      ...(env.NADEO_LIVE_URL ? { liveUrl: env.NADEO_LIVE_URL } : {}),
    });
    clientKey = key;
  }
  return client;
}

const json = (body, status = 200, headers = {}) => Response.json(body, { status, headers });

/** The signed-in player's api.trackmania.com tokens: kept in KV under the session, renewed
 *  with the rotating refresh token once at a time, written down before use. `tokens` only on
 *  the first request of a session (what exchangeCode gave). */
function player(env, session, tokens) {
  return new TrackmaniaUserClient({
    clientId: env.TM_CLIENT_ID,
    clientSecret: env.TM_CLIENT_SECRET,
    apiUrl: env.TM_API_URL,
    store: env.SESSIONS,
    key: `player:${session}`,
    tokens,
  });
}

function cookie(request, name) {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** The session cookie: HttpOnly, SameSite=Lax; Secure except on plain http (the local demo,
 *  where browsers would not send a Secure cookie back). */
function sessionCookie(url, id, maxAge) {
  const secure = url.protocol === "https:" ? "; Secure" : "";
  return `sid=${id}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}${secure}`;
}

function newSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function failure(e) {
  if (e instanceof NadeoAuthError)
    return json({ error: e.code, message: e.message, status: e.status }, e.code === "INVALID_ARGUMENT" ? 400 : 502);
  return json({ error: "INTERNAL", message: String(e) }, 500);
}

async function route(request, env) {
  const url = new URL(request.url);
  switch (`${request.method} ${url.pathname}`) {
    case "GET /api/config":
      return json({
        clientId: env.TM_CLIENT_ID,
        apiUrl: env.TM_API_URL ?? "https://api.trackmania.com",
        mode: env.DEMO_MODE ?? "real",
      });

    case "POST /api/session": {
      const { code, redirectUri, codeVerifier } = await request.json();
      const apiUrl = env.TM_API_URL;
      const tokens = await exchangeCode({
        clientId: env.TM_CLIENT_ID,
        clientSecret: env.TM_CLIENT_SECRET,
        code,
        redirectUri,
        codeVerifier, // PKCE: the page signed in with pkce: true
        apiUrl,
      });
      const user = await currentUser({ accessToken: tokens.accessToken, apiUrl });
      const id = newSessionId();
      const ttl = 7 * 24 * 3600;
      await env.SESSIONS.put(`session:${id}`, JSON.stringify({ user }), { expirationTtl: ttl });
      // The player's tokens stay server side, kept alive by TrackmaniaUserClient in KV.
      await player(env, id, tokens).accessToken();
      return json(user, 200, { "set-cookie": sessionCookie(url, id, ttl) });
    }

    case "GET /api/clubs": {
      // The player's own endpoint, with the player's token (renewed when due, rotation safe).
      const id = cookie(request, "sid");
      if (!id || !(await env.SESSIONS.get(`session:${id}`))) return json({ error: "SIGNED_OUT" }, 401);
      const p = player(env, id);
      const res = await p.fetch(`${env.TM_API_URL ?? "https://api.trackmania.com"}/api/user/clubs/admin`);
      return json({ status: res.status, clubs: await res.json(), renewals: p.stats.refreshes });
    }

    case "GET /api/me": {
      const id = cookie(request, "sid");
      const session = id && (await env.SESSIONS.get(`session:${id}`, "json"));
      return session ? json(session.user) : json({ error: "SIGNED_OUT" }, 401);
    }

    case "POST /api/logout": {
      const id = cookie(request, "sid");
      if (id) await Promise.all([env.SESSIONS.delete(`session:${id}`), env.SESSIONS.delete(`player:${id}`)]);
      return json({ ok: true }, 200, { "set-cookie": sessionCookie(url, "", 0) });
    }

    case "GET /api/nadeo": {
      const c = nadeo(env);
      const live = env.NADEO_LIVE_URL ?? "https://live-services.trackmania.nadeo.live";
      const res = await c.fetch(`${live}/api/token/campaign/official?offset=0&length=1`);
      const text = await res.text();
      let body = text;
      try {
        body = JSON.parse(text);
      } catch {}
      // Fleet figures: the broker's upstream auth calls and the token requests it served.
      const broker = env.NADEO_BROKER.get(env.NADEO_BROKER.idFromName(env.NADEO_LOGIN));
      const fleet = await (await broker.fetch("https://nadeo-token-broker/stats")).json();
      return json({ status: res.status, body, stats: c.stats, fleet });
    }
  }
  return json({ error: "NOT_FOUND" }, 404);
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (e) {
      return failure(e);
    }
  },
};
