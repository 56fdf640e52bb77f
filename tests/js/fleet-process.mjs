// One process of a fleet (forked by fleet.test.mjs): a NadeoClient and a TrackmaniaUserClient on
// a shared store with a lock, driven over IPC. Each command sets this process's clock (the
// fleet's simulated time) and fires concurrent calls; the answer counts what came back.
//
//   { cmd: "burst", what: "nadeo" | "player", n, now }  -> { ok, errors: { CODE: n } }
import * as lib from "nadeo-auth";
import { denoKvStore, fileStore, redisStore } from "nadeo-auth/stores";
import { tool } from "./tools.mjs";

const [kind, target, mockOrigin, tmOrigin, clientId, clientSecret] = process.argv.slice(2);
let now = Date.now();

async function storeOf() {
  if (kind === "file") return fileStore(target);
  if (kind === "node-redis" || kind === "node-redis-nolock") {
    const { createClient } = await tool("redis");
    // Down is down: no reconnection storm, and commands fail at once while the server is away.
    const client = createClient({ url: target, socket: { reconnectStrategy: 100 }, disableOfflineQueue: true });
    client.on("error", () => {});
    await client.connect();
    const store = redisStore(client);
    // The same store without its lock: what a fleet does with a get/put store (make bench).
    if (kind === "node-redis-nolock") delete store.lock;
    return store;
  }
  if (kind === "ioredis" || kind === "iovalkey") {
    const { default: Redis } = await tool(kind);
    const client = new Redis(target, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    client.on("error", () => {});
    // Without an offline queue, commands fail until the connection is ready.
    await new Promise((resolve) => client.once("ready", resolve));
    return redisStore(client);
  }
  if (kind === "deno-kv") return denoKvStore(await globalThis.Deno.openKv(target));
  throw new Error(`unknown store ${kind}`);
}

const store = await storeOf();
const clock = () => now;
const nadeo = new lib.NadeoClient({
  login: "svc_login",
  password: "pa:ss wörd 🏎",
  userAgent: "nadeo-auth fleet tests / tests@example.com",
  coreUrl: `${mockOrigin}/core`,
  liveUrl: `${mockOrigin}/live`,
  store,
  now: clock,
  timeoutMs: 2000,
});
const player = new lib.TrackmaniaUserClient({
  clientId,
  clientSecret,
  apiUrl: tmOrigin,
  store,
  key: "player:1",
  now: clock,
  timeoutMs: 2000,
});

process.on("message", async (m) => {
  if (m.cmd === "exit") process.exit(0);
  now = m.now;
  const call = m.what === "nadeo" ? () => nadeo.accessToken("NadeoLiveServices") : () => player.accessToken();
  const results = await Promise.allSettled(Array.from({ length: m.n }, call));
  const errors = {};
  const tokens = new Set();
  for (const r of results) {
    if (r.status === "fulfilled") tokens.add(r.value);
    else errors[r.reason?.code ?? String(r.reason)] = (errors[r.reason?.code ?? String(r.reason)] ?? 0) + 1;
  }
  process.send({ ok: results.length - Object.values(errors).reduce((a, b) => a + b, 0), errors, tokens: [...tokens] });
});
process.send({ ready: true });
