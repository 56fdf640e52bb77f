// NadeoTokenBroker: the Durable Object behind NadeoClientOptions.broker (Cloudflare Workers).
//
// One object per account (the client names it by login). It runs one ManagedTokens (the wasm
// half of NadeoClient, which holds every token rule) whose store is the object's durable storage, so the single login, the single renewal per audience, the
// one-renewal-per-token rule on API 401 and the failure backoff are made once for the whole
// fleet and survive the object's restarts. Durable Objects are single-threaded and strongly
// consistent, which KV is not. The password arrives on each internal call and stays in this
// object's memory: storage holds tokens and failure state only, under keys that name the
// login and the audience.
//
// Internal protocol (the package's own; users only bind the class):
//   POST /token  {login, password, userAgent, coreUrl, audience, refused?}
//                -> {accessToken, refreshToken, after401, serviceNow} | {error: {code, message, status?, body?, retryAfter?}}
//   GET  /stats  -> {logins, refreshes, failures, requests}: upstream auth calls for the fleet,
//                   and token requests served (for monitoring)
import { ManagedTokens, PlayerTokens } from "./nadeo_auth.js";
import { NadeoAuthError } from "./error.js";

/** A failure as the broker relays it to the isolate that asked. */
function errorAnswer(e) {
  const error = e instanceof NadeoAuthError ? e : new NadeoAuthError("NETWORK", "the broker failed", { cause: e });
  const { code, message, status, body, retryAfter } = error;
  return Response.json({ error: { code, message, status, body, retryAfter } });
}

export class NadeoTokenBroker {
  #storage;
  #tokens;
  #playerTokens;
  #playerIdentity;
  #identity;
  #requests = 0;

  /** @param {DurableObjectState} ctx */
  constructor(ctx, _env) {
    this.#storage = ctx.storage;
  }

  /** The clock of the broker's policy, in milliseconds (a subclass may move it in tests). */
  now() {
    return Date.now();
  }

  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/stats") {
      return Response.json({
        ...(this.#tokens?.stats ?? { logins: 0, refreshes: 0, failures: 0 }),
        requests: this.#requests,
      });
    }
    if (request.method === "POST" && pathname === "/player") return this.#player(request);
    if (request.method !== "POST" || pathname !== "/token") return new Response("not found", { status: 404 });
    this.#requests++;
    try {
      const ask = await request.json().catch(() => undefined);
      // The wasm checks each field (the audience among them) as for any client.
      if (!ask || typeof ask !== "object") {
        throw new NadeoAuthError("INVALID_ARGUMENT", "the broker needs a login, password, userAgent and audience");
      }
      const tokens = this.#tokensFor(ask);
      // An isolate's API answered 401 to this token: renew it once for everyone (unless it
      // was itself renewed for a 401, or another isolate's report renewed it already).
      if (typeof ask.refused === "string") tokens.refused(ask.audience, ask.refused);
      await tokens.accessToken(ask.audience);
      return Response.json(tokens.held(ask.audience));
    } catch (e) {
      return errorAnswer(e);
    }
  }

  /** POST /player: one signed-in player's pair (this object is named by the player's key),
   *  renewed here once for the fleet when due, or when told which token an API refused.
   *  Storage holds the pair, never the client secret (which stays in this object's memory). */
  async #player(request) {
    this.#requests++;
    try {
      const ask = await request.json().catch(() => undefined);
      if (!ask || typeof ask !== "object" || typeof ask.key !== "string") {
        throw new NadeoAuthError("INVALID_ARGUMENT", "the broker needs a player's key, clientId and clientSecret");
      }
      const player = this.#playerFor(ask);
      if (typeof ask.refused === "string") player.refused(ask.refused);
      await player.accessToken();
      return Response.json({ tokens: JSON.stringify(player.tokens), serviceNow: player.serviceNow });
    } catch (e) {
      return errorAnswer(e);
    }
  }

  /** The player's tokens in this object: made once per app identity, from storage (or the
   *  caller's pair when storage has none yet). */
  #playerFor({ key, clientId, clientSecret, apiUrl, tokens }) {
    const identity = JSON.stringify([key, clientId, clientSecret, apiUrl]);
    if (this.#playerIdentity !== identity) {
      let seed;
      try {
        seed = typeof tokens === "string" ? JSON.parse(tokens) : undefined;
      } catch {}
      this.#playerTokens?.free();
      this.#playerTokens = new PlayerTokens({
        clientId,
        clientSecret,
        apiUrl,
        tokens: seed,
        store: this.#store(),
        key: `nadeo-auth:player:${key}`,
        now: () => this.now(),
      });
      this.#playerIdentity = identity;
    }
    return this.#playerTokens;
  }

  /** The object's durable storage as a TokenStore. */
  #store() {
    const storage = this.#storage;
    return { get: async (key) => (await storage.get(key)) ?? null, put: (key, value) => storage.put(key, value) };
  }

  /** The tokens of the asked identity; new ones (same storage, so the same tokens and
   *  backoff) when the password, User-Agent or base URL changed. */
  #tokensFor({ login, password, userAgent, coreUrl }) {
    const identity = JSON.stringify([login, password, userAgent, coreUrl]);
    if (this.#identity !== identity) {
      const tokens = new ManagedTokens({
        login,
        password,
        userAgent,
        coreUrl,
        store: this.#store(),
        now: () => this.now(),
      });
      this.#tokens?.free();
      this.#tokens = tokens;
      this.#identity = identity;
    }
    return this.#tokens;
  }
}
