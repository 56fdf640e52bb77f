// A stand-in for api.trackmania.com, strict like the real one (PROTOCOL.md section 2): a form
// body on /api/access_token with the client's credentials in it, registered redirect URIs,
// codes and refresh tokens usable once (a refresh also revokes the access token issued with
// the refresh token it spends, as league does), bearer tokens on the API, an authorize page a
// browser can visit (Authorize / Deny) that redirects back with code and state (or error),
// failures on demand through /__control/*, and a clock of its own (`now`: its tokens' times,
// its checks, its Date headers).
//
// Refreshes answer concurrently and, with `/__control/refresh-delay {ms}`, a refresh that
// succeeds answers ms later while one that fails answers at once: the loser of a rotation
// race hears invalid_grant before the winner has its pair, as against a real server.
//
//   const tm = await startOAuthMock({ redirectUris: ["http://127.0.0.1:8000/callback.html"] });
//   tm.origin, tm.clientId, tm.clientSecret
//
// Run it alone with `node tests/mock/oauth.mjs [port]`.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { json, listen, testControls } from "./server.mjs";
import { OPENPLANET_SECRET, OPENPLANET_TOKEN_TIME, OPENPLANET_TOKENS } from "./openplanet-data.mjs";

const b64url = (b) => Buffer.from(b).toString("base64url");
/** A request's media type without its parameters (`;charset=UTF-8`), as servers read it. */
const mediaType = (req) => (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const PLAYERS = {
  "5b4d42f4-c2de-407d-b367-cbff3fe817bc": "tooInfinite",
  "a59df3e8-6bff-48a2-98b6-801abf2a298e": "Hylis",
  "d2372a08-a8a1-46cb-97fb-23a161d85ad0": "Wirtual",
  "e3ff2b04-3f3c-4c36-9ed8-a3c1e4c4a5b2": "Élodie ✨",
};

export async function startOAuthMock({
  port = 0,
  host = "127.0.0.1",
  clientId = "tm-client-id",
  clientSecret = "tm-client-secret",
  redirectUris = [],
  user = { accountId: "5b4d42f4-c2de-407d-b367-cbff3fe817bc", displayName: "tooInfinite" },
  secret = randomUUID(),
} = {}) {
  const registered = new Set(redirectUris);
  let clock = null; // seconds (fractional, as league writes them), or null for real time
  const now = () => clock ?? Date.now() / 1000;
  let refreshDelayMs = 0;
  const revoked = new Set(); // access token jtis revoked by the refresh of their pair
  const codes = new Map(); // code -> { redirectUri, scopes, at }
  const refreshTokens = new Map(); // token -> { sub, scopes, jti: the access token issued with it }
  const stats = {
    authorize: 0,
    token: 0,
    names: 0,
    ids: 0,
    user: 0,
    clubs: 0,
    favorites: 0,
    pkceRefused: 0,
    refreshed: 0,
    spent: 0,
    openplanet: 0,
  };
  let stringExpiresIn = false;
  const ctl = testControls(stats, {
    register: (args) => registered.add(args.redirectUri),
    "string-expires-in": (args) => {
      stringExpiresIn = !!args.on;
    },
    now: (args) => {
      clock = args.now ?? null;
    },
    "refresh-delay": (args) => {
      refreshDelayMs = args.ms ?? 0;
    },
    reset: () => {
      stringExpiresIn = false;
      clock = null;
      refreshDelayMs = 0;
    },
  });

  function jwt(claims) {
    const h = b64url(JSON.stringify({ typ: "JWT", alg: "HS256" }));
    const p = b64url(JSON.stringify(claims));
    return `${h}.${p}.${createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url")}`;
  }
  function verify(token) {
    const parts = String(token).split(".");
    if (parts.length !== 3) return null;
    if (createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest("base64url") !== parts[2]) return null;
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
    return claims.exp > now() && !revoked.has(claims.jti) ? claims : null;
  }
  function tokens(sub, scopes, withRefresh) {
    // league/oauth2-server writes iat/nbf/exp with fractions of a second.
    const iat = now();
    const jti = randomUUID();
    const access = jwt({ jti, aud: clientId, iat, nbf: iat, exp: iat + 3600, sub, scopes });
    const out = { token_type: "Bearer", expires_in: stringExpiresIn ? "3600" : 3600, access_token: access };
    if (withRefresh) {
      // league's refresh tokens are opaque encrypted strings.
      const r = `def50200${randomBytes(96).toString("hex")}`;
      refreshTokens.set(r, { sub, scopes, jti });
      out.refresh_token = r;
    }
    return out;
  }

  const oauthError = (res, status, error, description, hint) =>
    json(res, status, { error, error_description: description, message: description, ...(hint ? { hint } : {}) });
  // league/oauth2-server's words for its two refusals of a grant.
  const INVALID_REQUEST =
    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.";
  const INVALID_GRANT =
    "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
  /** PKCE S256 (RFC 7636): BASE64URL(SHA-256(verifier)). */
  const s256 = (verifier) => createHash("sha256").update(verifier).digest("base64url");

  function injected(route, res) {
    const mode = ctl.take(route);
    if (mode === undefined) return false;
    if (mode === "hang") ctl.hanging.add(res);
    else if (mode === "garbage") res.writeHead(200, { "content-type": "text/html" }).end("<html>oops</html>");
    else if (mode === 302) res.writeHead(302, { location: "https://example.invalid/" }).end();
    else if (mode === 429) json(res, 429, { message: "Too Many Attempts." }, { "retry-after": "9" });
    else if (mode === 401) json(res, 401, { message: "Unauthenticated." });
    else if (mode === "huge")
      res.writeHead(200, { "content-type": "application/json" }).end(Buffer.alloc(10 << 20, 0x20));
    else if (mode === "mac") json(res, 200, { token_type: "mac", expires_in: 3600, access_token: "x" });
    else if (mode === "partial") json(res, 200, { account_id: "x" });
    else res.writeHead(Number(mode), { "content-type": "text/plain" }).end(`status ${mode}`);
    return true;
  }

  function authorizePage(res, q) {
    const hidden = ["client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"]
      .map((k) => `<input type="hidden" name="${k}" value="${esc(q.get(k) ?? "")}">`)
      .join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><meta charset="utf-8"><title>Authorize · mock api.trackmania.com</title>
<h1>Sign in with Trackmania (mock)</h1>
<p>The application <b>${esc(q.get("client_id"))}</b> wants to know who you are${q.get("scope") ? ` and use: <b>${esc(q.get("scope"))}</b>` : ""}.</p>
<p>You are <b>${esc(user.displayName)}</b>.</p>
<form method="post" action="/oauth/authorize/decide">${hidden}
<button name="decision" value="allow" id="allow">Authorize</button>
<button name="decision" value="deny" id="deny">Deny</button></form>`);
  }

  function back(res, redirectUri, params) {
    const u = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, v);
    res.writeHead(302, { location: u.href }).end();
  }

  async function handle(req, res, body, url) {
    const path = url.pathname;
    if (path.startsWith("/__control/")) return ctl.handle(path.slice(11), body, res);
    ctl.record({ method: req.method, path: path + url.search, headers: { ...req.headers }, body });

    if (path === "/oauth/authorize" && req.method === "GET") {
      stats.authorize++;
      const q = url.searchParams;
      if (
        q.get("response_type") !== "code" ||
        q.get("client_id") !== clientId ||
        !registered.has(q.get("redirect_uri") ?? "")
      ) {
        return oauthError(
          res,
          400,
          "invalid_request",
          "Client authentication failed or the redirect URI is not registered.",
        );
      }
      // PKCE, as league checks it: S256 or plain, a challenge of RFC 7636's alphabet and length.
      const challenge = q.get("code_challenge");
      if (challenge !== null) {
        if (!["S256", "plain"].includes(q.get("code_challenge_method") ?? "plain")) {
          return oauthError(
            res,
            400,
            "invalid_request",
            INVALID_REQUEST,
            "Code challenge method must be one of `S256`, `plain`",
          );
        }
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) {
          return oauthError(
            res,
            400,
            "invalid_request",
            INVALID_REQUEST,
            "Code challenge must follow the specifications of RFC-7636.",
          );
        }
      }
      return authorizePage(res, q);
    }
    if (path === "/oauth/authorize/decide" && req.method === "POST") {
      const f = new URLSearchParams(body);
      const redirectUri = f.get("redirect_uri") ?? "";
      if (f.get("client_id") !== clientId || !registered.has(redirectUri))
        return oauthError(res, 400, "invalid_request", "bad client");
      const state = f.get("state") || undefined;
      if (f.get("decision") !== "allow") {
        return back(res, redirectUri, {
          error: "access_denied",
          error_description: "The resource owner denied the request.",
          state,
        });
      }
      const code = b64url(randomBytes(24));
      const pkce = f.get("code_challenge")
        ? { challenge: f.get("code_challenge"), method: f.get("code_challenge_method") || "plain" }
        : {};
      codes.set(code, {
        redirectUri,
        scopes: (f.get("scope") ?? "").split(" ").filter(Boolean),
        at: Date.now(),
        ...pkce,
      });
      return back(res, redirectUri, { code, state });
    }

    if (path === "/api/access_token") {
      stats.token++;
      if (injected("token", res)) return;
      if (req.method !== "POST") return json(res, 405, { message: "Method Not Allowed" });
      if (mediaType(req) !== "application/x-www-form-urlencoded") {
        return oauthError(res, 400, "invalid_request", "The request is missing a required parameter.");
      }
      const f = new URLSearchParams(body);
      if (f.get("client_id") !== clientId || f.get("client_secret") !== clientSecret) {
        return oauthError(res, 401, "invalid_client", "Client authentication failed");
      }
      switch (f.get("grant_type")) {
        case "authorization_code": {
          const c = codes.get(f.get("code") ?? "");
          codes.delete(f.get("code") ?? "");
          if (!c || Date.now() - c.at > 600_000 || c.redirectUri !== f.get("redirect_uri")) {
            return oauthError(res, 400, "invalid_grant", "The authorization code is invalid, expired or revoked.");
          }
          const verifier = f.get("code_verifier");
          if (c.challenge !== undefined) {
            if (verifier === null) {
              stats.pkceRefused++;
              return oauthError(res, 400, "invalid_request", INVALID_REQUEST, "Check the `code_verifier` parameter");
            }
            if ((c.method === "S256" ? s256(verifier) : verifier) !== c.challenge) {
              stats.pkceRefused++;
              return oauthError(res, 400, "invalid_grant", INVALID_GRANT, "Failed to verify `code_verifier`.");
            }
          } else if (verifier !== null) {
            // Recent league versions refuse a verifier when the authorize request had no challenge.
            stats.pkceRefused++;
            return oauthError(res, 400, "invalid_request", INVALID_REQUEST, "Failed to verify `code_verifier`.");
          }
          return json(res, 200, tokens(user.accountId, c.scopes, true));
        }
        case "refresh_token": {
          const r = refreshTokens.get(f.get("refresh_token") ?? "");
          refreshTokens.delete(f.get("refresh_token") ?? "");
          // league: a spent (rotated) or revoked refresh token.
          if (!r) {
            stats.spent++;
            return oauthError(res, 400, "invalid_grant", INVALID_GRANT, "Token has been revoked");
          }
          stats.refreshed++;
          // league revokes the access token issued with the refresh token it spends.
          revoked.add(r.jti);
          const pair = tokens(r.sub, r.scopes, true);
          if (refreshDelayMs > 0) await new Promise((done) => setTimeout(done, refreshDelayMs));
          return json(res, 200, pair);
        }
        case "client_credentials":
          return json(res, 200, tokens(null, [], false));
        default:
          return oauthError(res, 400, "unsupported_grant_type", "The authorization grant type is not supported.");
      }
    }

    // Openplanet's plugin token validation (api.openplanet.dev/auth/validate), hosted here:
    // a form body with the plugin's token and secret, a User-Agent; a token it knows answers
    // who it belongs to, one it does not `{ error }`.
    if (path === "/auth/validate") {
      stats.openplanet++;
      if (injected("openplanet", res)) return;
      if (req.method !== "POST") return json(res, 405, { error: "Method not allowed" });
      if (!req.headers["user-agent"]) return json(res, 400, { error: "No user agent" });
      if (mediaType(req) !== "application/x-www-form-urlencoded") return json(res, 400, { error: "Bad request" });
      const f = new URLSearchParams(body);
      if (f.get("secret") !== OPENPLANET_SECRET) return json(res, 401, { error: "Invalid secret" });
      const who = OPENPLANET_TOKENS[f.get("token") ?? ""];
      if (!who) return json(res, 200, { error: "Invalid token" });
      return json(res, 200, {
        account_id: who.accountId,
        display_name: who.displayName,
        token_time: OPENPLANET_TOKEN_TIME,
      });
    }

    const routes = {
      "/api/display-names": "names",
      "/api/display-names/account-ids": "ids",
      "/api/user": "user",
      "/api/user/clubs/admin": "clubs",
      "/api/user/maps/favorite": "favorites",
    };
    const route = routes[path] ?? null;
    if (!route) return json(res, 404, { message: "Not Found" });
    stats[route]++;
    if (injected(route, res)) return;
    const claims = verify((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    if (!claims) return json(res, 401, { message: "Unauthenticated." });
    if (route === "user") {
      if (!claims.sub) return json(res, 401, { message: "Unauthenticated." });
      return json(res, 200, { accountId: user.accountId, displayName: user.displayName });
    }
    // The player's endpoints: a user's token with the endpoint's scope.
    if (route === "clubs" || route === "favorites") {
      if (!claims.sub) return json(res, 401, { message: "Unauthenticated." });
      const scope = route === "clubs" ? "clubs" : "read_favorite";
      if (!claims.scopes?.includes(scope))
        return json(res, 403, { message: `This action requires the scope ${scope}.` });
      if (route === "clubs") return json(res, 200, { clubList: [{ id: 9, name: "Mock club" }], itemCount: 1 });
      return json(res, 200, { mapList: [{ uid: "olsKnq_qAghcVAnEkoeUnVHFZei", name: "Training - 01" }], itemCount: 1 });
    }
    const key = route === "names" ? "accountId[]" : "displayName[]";
    const values = url.searchParams.getAll(key);
    if (values.length === 0 || values.length > 50) return json(res, 400, { message: "The given data was invalid." });
    const out = {};
    for (const v of values) {
      if (route === "names" && PLAYERS[v]) out[v] = PLAYERS[v];
      if (route === "ids") {
        const id = Object.keys(PLAYERS).find((k) => PLAYERS[k] === v);
        if (id) out[v] = id;
      }
    }
    return Object.keys(out).length ? json(res, 200, out) : json(res, 200, []);
  }

  const { origin, close } = await listen(handle, { port, host, hanging: ctl.hanging, now });
  return {
    origin,
    clientId,
    clientSecret,
    user,
    stats,
    register: (uri) => registered.add(uri),
    reset: ctl.reset,
    failNext: ctl.fail,
    now,
    /** The mock's clock, in seconds (null: real time). */
    setNow(seconds) {
      clock = seconds;
    },
    close,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = await startOAuthMock({ port: Number(process.argv[2] ?? 0) });
  console.log(`api.trackmania.com mock: ${m.origin} (client ${m.clientId} / ${m.clientSecret})`);
}
