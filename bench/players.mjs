// make bench, part: signed-in players over a simulated day. 10 players, 1,000 requests spread
// over 24 hours at random, served by two isolates (two TrackmaniaUserClient per player, one
// in each), against the api.trackmania.com mock, which rotates refresh tokens. Refresh calls
// counted against the floor (1 refresh per player per hour of use), with the isolates sharing
// a store and without one (each isolate keeps its own pair: the rotation race logs players
// out). A benchmark reports; it never fails.
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const lib = await import(pathToFileURL(join(root, "pkg/index-node.js")).href);
const { startOAuthMock } = await import(pathToFileURL(join(root, "tests/mock/oauth.mjs")).href);
const { signInPlayer } = await import(pathToFileURL(join(root, "tests/js/sign-in-player.mjs")).href);

const REDIRECT = "https://app.example/cb";
const PLAYERS = 10;
const REQUESTS = 1000;
const DAY_S = 24 * 3600;

function store() {
  const map = new Map();
  return { get: (k) => map.get(k) ?? null, put: (k, v) => void map.set(k, v) };
}

const rows = [];
for (const shared of [true, false]) {
  const tm = await startOAuthMock({ redirectUris: [REDIRECT] });
  let now = Date.now();
  const start = now;
  const kv = shared ? store() : undefined;
  const clients = [];
  for (let p = 0; p < PLAYERS; p++) {
    const tokens = await signInPlayer(lib, tm, REDIRECT, "clubs");
    const make = () =>
      new lib.TrackmaniaUserClient({
        clientId: tm.clientId,
        clientSecret: tm.clientSecret,
        apiUrl: tm.origin,
        tokens,
        ...(kv ? { store: kv, key: `player:${p}` } : {}),
        now: () => now,
      });
    clients.push([make(), make()]); // one per isolate
  }
  // Requests at random times of the day, in order; each to a random player and isolate.
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const times = Array.from({ length: REQUESTS }, () => random() * DAY_S).sort((a, b) => a - b);
  let expired = 0;
  let transient = 0;
  const used = new Set(); // player and hour of each request: the hours of use
  for (const t of times) {
    now = start + t * 1000;
    tm.setNow(now / 1000); // the service's clock moves with the isolates'

    const p = Math.floor(random() * PLAYERS);
    used.add(`${p}:${Math.floor(t / 3600)}`);
    const [a, b] = clients[p];
    await (random() < 0.5 ? a : b).accessToken().catch((e) => {
      if (e.code === "REFRESH_EXPIRED") expired++;
      else transient++;
    });
  }
  const hours = Math.ceil(DAY_S / 3600);
  rows.push([
    shared ? "a store shared by the isolates" : "each isolate on its own",
    tm.stats.refreshed,
    tm.stats.spent,
    expired,
    transient,
    used.size,
    PLAYERS * hours,
  ]);
  await tm.close();
}

console.log(
  `\nsigned-in players over a simulated day (${PLAYERS} players, ${REQUESTS} requests at random over 24 h, two isolates)`,
);
console.log(
  "| tokens kept | refreshes | spent refresh tokens sent | REFRESH_EXPIRED answers | other failures | player-hours with a request (the floor: 1 refresh each) | player-hours in all |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
