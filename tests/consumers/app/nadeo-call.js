// A NadeoClient call against the Nadeo mock the test started (base URLs and account from the
// environment): a login, then a Live API call with the token. Run by the Node version rows.
import { NadeoClient } from "nadeo-auth";

const { NADEO_LOGIN, NADEO_PASSWORD, NADEO_CORE_URL, NADEO_LIVE_URL } = process.env;
const client = new NadeoClient({
  login: NADEO_LOGIN,
  password: NADEO_PASSWORD,
  userAgent: "nadeo-auth consumers / tests@example.invalid",
  coreUrl: NADEO_CORE_URL,
  liveUrl: NADEO_LIVE_URL,
});
const res = await client.fetch(`${NADEO_LIVE_URL}/api/token/leaderboard/group/Personal_Best/map/x/top`);
console.log(JSON.stringify({ status: res.status, aud: (await res.json()).aud, logins: client.stats.logins }));
