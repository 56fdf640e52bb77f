// One Deno process of a fleet on a Deno KV file (run by fleet-stores.test.mjs): two clients,
// each on its own connection to the file, fire concurrent calls at the fleet's time and print
// what came back.
//   deno run -A --unstable-kv deno-kv-process.mjs KV_PATH MOCK_ORIGIN NOW_MS CALLS
import * as lib from "nadeo-auth";
import { denoKvStore } from "nadeo-auth/stores";

const [path, mockOrigin, nowMs, calls] = Deno.args;
/** Opens the file, again while another process is creating it (SQLite: "database is locked"). */
async function open() {
  for (let i = 0; ; i++) {
    try {
      return await Deno.openKv(path);
    } catch (e) {
      if (i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
const connections = [await open(), await open()];
const clients = connections.map(
  (kv) =>
    new lib.NadeoClient({
      login: "svc_login",
      password: "pa:ss wörd 🏎",
      userAgent: "nadeo-auth fleet tests / tests@example.com",
      coreUrl: `${mockOrigin}/core`,
      liveUrl: `${mockOrigin}/live`,
      store: denoKvStore(kv),
      now: () => Number(nowMs),
      timeoutMs: 2000,
    }),
);
const results = await Promise.allSettled(
  clients.flatMap((c) => Array.from({ length: Number(calls) }, () => c.accessToken("NadeoLiveServices"))),
);
const errors = {};
for (const r of results)
  if (r.status === "rejected") errors[r.reason?.code ?? String(r.reason)] = (errors[r.reason?.code] ?? 0) + 1;
const tokens = [...new Set(results.filter((r) => r.status === "fulfilled").map((r) => r.value))];
console.log(JSON.stringify({ ok: results.length - Object.values(errors).reduce((a, b) => a + b, 0), errors, tokens }));
for (const kv of connections) kv.close();
