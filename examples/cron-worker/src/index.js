// A leaderboard Worker on a Cron Trigger: every few minutes it reads a map's top 10 from the
// Live API and writes it to KV, for a site to serve.
//
// The point of the example is what it does not do: log in on every run. A scheduled run is a
// fresh start (often a fresh isolate), so a client kept in memory is not enough; the token
// pair and the failure backoff live in KV (the `store` option), and each run reuses the token
// until it is due, then refreshes it: one login, then about one refresh an hour, however
// often the cron fires. A failing auth service makes later runs fail fast (no login storm
// against an account that is bound to a Ubisoft account).
//
// Environment (wrangler.toml and `wrangler secret put`): NADEO_LOGIN, NADEO_PASSWORD (secret),
// NADEO_USER_AGENT, MAP_UID; the KV namespaces TOKENS (the token store) and LEADERBOARD (the
// output). NADEO_CORE_URL and NADEO_LIVE_URL point it at a proxy or a stand-in.
import { NadeoClient } from "nadeo-auth";

const LIVE_URL = "https://live-services.trackmania.nadeo.live";

export default {
  async scheduled(_controller, env) {
    await updateLeaderboard(env);
  },
};

/** One run: fetch the top 10 of env.MAP_UID and write it to LEADERBOARD under `top:<uid>`.
 *  `clientOptions` reach the NadeoClient (a test's clock, say). Returns the run's auth calls. */
export async function updateLeaderboard(env, clientOptions = {}) {
  const liveUrl = env.NADEO_LIVE_URL || LIVE_URL;
  const client = new NadeoClient({
    login: env.NADEO_LOGIN,
    password: env.NADEO_PASSWORD,
    userAgent: env.NADEO_USER_AGENT,
    store: env.TOKENS,
    liveUrl,
    ...(env.NADEO_CORE_URL ? { coreUrl: env.NADEO_CORE_URL } : {}),
    ...clientOptions,
  });
  const url = `${liveUrl}/api/token/leaderboard/group/Personal_Best/map/${encodeURIComponent(env.MAP_UID)}/top?length=10&onlyWorld=true`;
  const res = await client.fetch(url);
  if (!res.ok) throw new Error(`the leaderboard answered HTTP ${res.status}`);
  const now = clientOptions.now ?? Date.now;
  await env.LEADERBOARD.put(
    `top:${env.MAP_UID}`,
    JSON.stringify({ updatedAt: new Date(now()).toISOString(), top: await res.json() }),
  );
  return client.stats;
}
