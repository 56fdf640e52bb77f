// beginLogin and completeLogin: "Sign in with Trackmania" in the page. The checks are the
// wasm's (authorizationUrl, parseRedirect); this module keeps each sign-in's state.
import { NadeoAuthError } from "./error.js";

// The state of each sign-in is kept in sessionStorage under its own key, so two sign-ins in
// flight (two tabs, a double click) do not clobber each other; it is used once and forgotten
// after 10 minutes. The checks themselves are the wasm's (authorizationUrl, parseRedirect).

const PREFIX = "nadeo-auth:oauth:";
const PENDING_MS = 10 * 60 * 1000;

function session() {
  let s;
  try {
    s = globalThis.sessionStorage;
  } catch {
    // storage disabled (privacy settings, sandboxed frames)
  }
  if (!s) throw noPage();
  return s;
}

/** What beginLogin and completeLogin throw where there is no page to sign in from. */
export function noPage() {
  return new NadeoAuthError("INVALID_ARGUMENT", "beginLogin and completeLogin run in a browser page (sessionStorage)");
}

/** Pending sign-ins { state: { redirectUri, at } }; stale or unreadable ones are forgotten. */
function pending(s, now) {
  const out = new Map();
  for (let i = s.length - 1; i >= 0; i--) {
    const key = s.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    let entry;
    try {
      entry = JSON.parse(s.getItem(key));
    } catch {}
    if (
      typeof entry?.at === "number" &&
      typeof entry.redirectUri === "string" &&
      now - entry.at < PENDING_MS &&
      entry.at <= now + 60_000
    ) {
      out.set(key.slice(PREFIX.length), entry);
    } else {
      s.removeItem(key);
    }
  }
  return out;
}

/** The state a redirect carries, when it carries exactly one non-empty one: which pending
 *  sign-in it answers (parseRedirect then checks it). Undefined for a URL that is not one. */
function redirectState(url) {
  let states = [];
  try {
    states = new URL(url).searchParams.getAll("state");
  } catch {
    // not a URL: parseRedirect says so
  }
  return states.length === 1 && states[0] !== "" ? states[0] : undefined;
}

/** The URL without its `code` and `state` parameters, for the address bar: every other
 *  parameter stays as written, and the fragment. */
function withoutCodeAndState(url) {
  const u = new URL(url);
  const kept = u.search
    .slice(1)
    .split("&")
    .filter((pair) => {
      const name = new URLSearchParams(pair).keys().next().value;
      return pair !== "" && name !== "code" && name !== "state";
    });
  u.search = kept.join("&");
  return u.href;
}

/** beginLogin and completeLogin over one wasm module's checks (each entry has its own wasm:
 *  nadeo_auth.js for `nadeo-auth`, nadeo_auth_token.js for `nadeo-auth/token`). */
export function signIn({ authorizationUrl, parseRedirect }) {
  return { beginLogin, completeLogin };

  /** Browser only: makes an authorize URL, keeps its state, redirectUri (and PKCE verifier)
   *  for completeLogin, and goes there (location.assign) unless `navigate` is false. Returns
   *  the URL. */
  function beginLogin(options) {
    const s = session();
    const { url, state, codeVerifier } = authorizationUrl({ ...options, state: undefined });
    const now = Date.now();
    pending(s, now);
    // The apiUrl too: the redirect's `iss` must be its issuer.
    const entry = { redirectUri: options.redirectUri, apiUrl: options.apiUrl, codeVerifier, at: now };
    s.setItem(PREFIX + state, JSON.stringify(entry));
    if (options.navigate !== false) globalThis.location.assign(url);
    return url;
  }

  /** Browser only: checks the redirect (default location.href) against the kept state, forgets
   *  the state (single use), removes code and state from the address bar and hands back what
   *  the back end needs for exchangeCode. */
  function completeLogin(options = {}) {
    const s = session();
    const url = options.url ?? globalThis.location?.href;
    if (typeof url !== "string") throw new NadeoAuthError("INVALID_ARGUMENT", "options.url must be a string");
    const waiting = pending(s, Date.now());
    const state = redirectState(url);
    const entry = state === undefined ? undefined : waiting.get(state);
    // With nothing pending the check reports a missing state; with others pending, a mismatch.
    const expected = entry ? state : (waiting.keys().next().value ?? "");
    let code;
    try {
      ({ code } = parseRedirect(url, expected, { apiUrl: entry?.apiUrl }));
    } finally {
      if (entry) s.removeItem(PREFIX + state);
    }
    if (globalThis.location?.href === url && globalThis.history?.replaceState) {
      globalThis.history.replaceState(globalThis.history.state, "", withoutCodeAndState(url));
    }
    const done = { code, redirectUri: entry.redirectUri };
    if (typeof entry.codeVerifier === "string") done.codeVerifier = entry.codeVerifier;
    return done;
  }
}
