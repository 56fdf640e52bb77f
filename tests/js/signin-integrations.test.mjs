// Sign-in through the frameworks Trackmania sites are built with, for real: @auth/core's
// Auth() with nadeo-auth/authjs's provider, and better-auth with nadeo-auth/better-auth's
// genericOAuth config and its memory adapter, against the league-shaped api.trackmania.com
// mock: the redirect to authorize, the callback, the session holding the account ID and
// display name; a wrong state is refused.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TrackmaniaUserClient } from "nadeo-auth";
import Trackmania from "nadeo-auth/authjs";
import { trackmania } from "nadeo-auth/better-auth";
import { startOAuthMock } from "./mock/oauth.mjs";
import { bundleWorker, tool } from "./tools.mjs";

const APP = "http://app.test";
let tm;
before(async () => {
  tm = await startOAuthMock();
});
after(() => tm?.close());

/** A cookie jar over Set-Cookie headers. */
function jar() {
  const cookies = new Map();
  return {
    take(res) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const i = pair.indexOf("=");
        const value = pair.slice(i + 1);
        if (value === "" || /max-age=0/i.test(c)) cookies.delete(pair.slice(0, i));
        else cookies.set(pair.slice(0, i), value);
      }
      return res;
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    names: () => [...cookies.keys()],
  };
}

/** The player presses "Authorize" on the mock's page for this authorize URL: the redirect. */
async function authorize(url, tamper = (q) => q) {
  const q = new URL(url).searchParams;
  const form = new URLSearchParams({ decision: "allow" });
  for (const k of ["client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"]) {
    if (q.has(k)) form.set(k, q.get(k));
  }
  const res = await fetch(`${tm.origin}/oauth/authorize/decide`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: tamper(form).toString(),
    redirect: "manual",
  });
  assert.equal(res.status, 302);
  return res.headers.get("location");
}

/** Auth.js's sign-in as a page does it: a CSRF token, then the POST that redirects to the
 *  authorize page (its URL). `call(url, init)` answers for the app (Auth() or a Worker). */
async function authjsSignIn(call, cookies) {
  const csrf = cookies.take(await call(`${APP}/auth/csrf`));
  const { csrfToken } = await csrf.json();
  const res = cookies.take(
    await call(`${APP}/auth/signin/trackmania`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.header() },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${APP}/` }).toString(),
    }),
  );
  assert.equal(res.status, 302);
  return res.headers.get("location");
}

test("Auth.js: Trackmania() signs a player in through @auth/core's Auth(); the player's pair kept in a store survives rotations; a wrong state is refused", async () => {
  const { Auth } = await tool("@auth/core");
  const store = new Map();
  const kv = { get: (k) => store.get(k) ?? null, put: (k, v) => void store.set(k, v) };
  const clock = { now: Math.floor(Date.now() / 1000) };
  tm.setNow(clock.now);
  const playerClient = (accountId, tokens) =>
    new TrackmaniaUserClient({
      clientId: tm.clientId,
      clientSecret: tm.clientSecret,
      apiUrl: tm.origin,
      store: kv,
      key: `player:${accountId}`,
      tokens,
      now: () => clock.now * 1000,
    });
  const provider = Trackmania({
    clientId: tm.clientId,
    clientSecret: tm.clientSecret,
    apiUrl: tm.origin,
    scopes: ["clubs"],
  });
  tm.register(`${APP}/auth/callback/trackmania`);
  const config = {
    providers: [provider],
    secret: "an-auth-js-secret-of-32-characters-at-least",
    trustHost: true,
    basePath: "/auth",
    callbacks: {
      // The account ID is the provider's account ID: kept in the JWT at sign-in and on the
      // session (the recipe of docs/sign-in.md).
      jwt: async ({ token, account }) => {
        if (!account) return token;
        // The player's pair goes to a store keyed by the player, never into the session: a
        // TrackmaniaUserClient keeps it there, rotation-safe (the recipe of docs/sign-in.md).
        await playerClient(account.providerAccountId, {
          tokenType: "bearer",
          accessToken: account.access_token,
          refreshToken: account.refresh_token,
          expiresIn: account.expires_in,
          expiresAt: account.expires_at,
        }).accessToken();
        return { ...token, accountId: account.providerAccountId };
      },
      session: ({ session, token }) => ({ ...session, user: { ...session.user, accountId: token.accountId } }),
    },
  };
  const signIn = (cookies) => authjsSignIn((url, init) => Auth(new Request(url, init), config), cookies);

  const cookies = jar();
  const to = await signIn(cookies);
  const url = new URL(to);
  assert.equal(url.origin + url.pathname, `${tm.origin}/oauth/authorize`);
  assert.equal(url.searchParams.get("scope"), "clubs", "the scopes asked for, no OpenID defaults");
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.ok(url.searchParams.get("state"), "a state");
  const back = await authorize(to);
  const done = cookies.take(await Auth(new Request(back, { headers: { cookie: cookies.header() } }), config));
  assert.equal(done.status, 302);
  assert.equal(done.headers.get("location"), `${APP}/`);
  const session = await (
    await Auth(new Request(`${APP}/auth/session`, { headers: { cookie: cookies.header() } }), config)
  ).json();
  assert.equal(session.user.name, tm.user.displayName);
  assert.equal(session.user.accountId, tm.user.accountId);
  assert.equal(tm.stats.pkceRefused, 0, "the verifier matched the challenge");

  // Later requests of the app reach the player's endpoints through the store, across rotations.
  const later = playerClient(session.user.accountId);
  for (let i = 0; i < 3; i++) {
    clock.now += 3400; // due: renewed (league rotates the refresh token, revokes the old access token)
    tm.setNow(clock.now);
    const res = await later.fetch(`${tm.origin}/api/user`);
    assert.equal(res.status, 200, `after rotation ${i}`);
  }
  assert.ok(tm.stats.refreshed >= 3, "rotated");
  tm.setNow(null);

  // A forged redirect (another state): no session.
  const other = jar();
  const to2 = await signIn(other);
  const forged = await authorize(to2, (f) => (f.set("state", "forged-state"), f));
  const refused = other.take(await Auth(new Request(forged, { headers: { cookie: other.header() } }), config));
  assert.equal(refused.status, 302);
  assert.match(refused.headers.get("location"), /error/);
  const none = await (
    await Auth(new Request(`${APP}/auth/session`, { headers: { cookie: other.header() } }), config)
  ).json();
  assert.equal(none, null, "no session for a wrong state");
});

test("better-auth: trackmania() signs a player in through genericOAuth and the memory adapter; a wrong state is refused", async () => {
  const { betterAuth } = await tool("better-auth");
  const { genericOAuth } = await tool("better-auth/plugins");
  const { memoryAdapter } = await tool("better-auth/adapters/memory");
  tm.register(`${APP}/api/auth/callback/trackmania`);
  const db = { user: [], session: [], account: [], verification: [] };
  const auth = betterAuth({
    baseURL: APP,
    secret: "a-better-auth-secret-of-32-characters-at-least",
    database: memoryAdapter(db),
    plugins: [
      genericOAuth({
        config: [trackmania({ clientId: tm.clientId, clientSecret: tm.clientSecret, apiUrl: tm.origin })],
      }),
    ],
    logger: { disabled: true },
  });
  const signIn = async (cookies) => {
    const res = cookies.take(
      await auth.handler(
        new Request(`${APP}/api/auth/sign-in/social`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: APP },
          body: JSON.stringify({ provider: "trackmania", callbackURL: "/" }),
        }),
      ),
    );
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()).url;
  };

  const cookies = jar();
  const to = await signIn(cookies);
  const url = new URL(to);
  assert.equal(url.origin + url.pathname, `${tm.origin}/oauth/authorize`);
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  const back = await authorize(to);
  const done = cookies.take(await auth.handler(new Request(back, { headers: { cookie: cookies.header() } })));
  assert.equal(done.status, 302, await done.clone().text());
  assert.doesNotMatch(done.headers.get("location"), /error/);
  const session = await (
    await auth.handler(new Request(`${APP}/api/auth/get-session`, { headers: { cookie: cookies.header() } }))
  ).json();
  assert.equal(session.user.name, tm.user.displayName);
  assert.equal(session.user.email, `${tm.user.accountId}@trackmania.invalid`, "the placeholder address");
  assert.equal(db.account[0].accountId, tm.user.accountId, "the account ID is the provider's account ID");

  const other = jar();
  const to2 = await signIn(other);
  const forged = await authorize(to2, (f) => (f.set("state", "forged-state"), f));
  const refused = other.take(await auth.handler(new Request(forged, { headers: { cookie: other.header() } })));
  assert.match(refused.headers.get("location") ?? "", /error/);
  const none = await (
    await auth.handler(new Request(`${APP}/api/auth/get-session`, { headers: { cookie: other.header() } }))
  ).json();
  assert.equal(none, null, "no session for a wrong state");
});

test("Auth.js in workerd: a Worker bundled by wrangler signs a player in with Trackmania(); a wrong state is refused", async () => {
  const here = new URL(".", import.meta.url).pathname;
  const { symlinkSync, rmSync } = await import("node:fs");
  // @auth/core from the pinned tools, where the Worker's bundler looks for it.
  const link = `${here}node_modules/@auth`;
  rmSync(link, { force: true, recursive: true });
  symlinkSync(`${process.env.NADEO_AUTH_TOOLS}/node_modules/@auth`, link);
  let scriptPath;
  try {
    scriptPath = bundleWorker(here, "authjs-worker.mjs", "dist-authjs", { wasm: false });
  } finally {
    rmSync(link, { force: true, recursive: true });
  }
  const { Miniflare } = await tool("miniflare");
  const mf = new Miniflare({
    bindings: { TM_ORIGIN: tm.origin, TM_CLIENT_ID: tm.clientId, TM_CLIENT_SECRET: tm.clientSecret },
    modules: true,
    scriptPath,
    compatibilityFlags: ["nodejs_compat"],
    compatibilityDate: "2026-04-01",
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  });
  try {
    tm.register(`${APP}/auth/callback/trackmania`);
    const call = async (url, init) => {
      const res = await mf.dispatchFetch(url, { ...init, redirect: "manual" });
      const headers = new Headers(res.headers);
      return new Response(await res.arrayBuffer(), { status: res.status, headers });
    };
    const signIn = (cookies) => authjsSignIn(call, cookies);

    const cookies = jar();
    const back = await authorize(await signIn(cookies));
    const done = cookies.take(await call(back, { headers: { cookie: cookies.header() } }));
    assert.equal(done.headers.get("location"), `${APP}/`);
    const session = await (await call(`${APP}/auth/session`, { headers: { cookie: cookies.header() } })).json();
    assert.equal(session.user.name, tm.user.displayName);
    assert.equal(session.user.accountId, tm.user.accountId);
    const other = jar();
    const forged = await authorize(await signIn(other), (f) => (f.set("state", "forged-state"), f));
    const refused = other.take(await call(forged, { headers: { cookie: other.header() } }));
    assert.match(refused.headers.get("location") ?? "", /error/);
  } finally {
    await mf.dispose();
  }
});
