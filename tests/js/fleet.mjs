// A fleet of two Workers ("a" and "b": two isolates of tests/js/broker-worker.mjs, bundled by
// wrangler as a user would) bound to one NadeoTokenBroker class and one KV namespace, run by
// Miniflare with durable storage on disk, against a mock Nadeo service. Used by
// broker.test.mjs and by make bench (bench/fleet.mjs).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, tool } from "./tools.mjs";

const here = new URL(".", import.meta.url).pathname;
let bundled = false;

/** mode: "broker", "kv" or "alone" (see broker-worker.mjs); `T` the epoch second the test
 *  clock starts at; `tm` an api.trackmania.com mock for the player route. Resolves to { workers: {a, b}, get, clock, persist, close }. */
export async function startFleet({ mock, tm, password, mode = "broker", T }) {
  if (!bundled) {
    bundleWorker(here, "broker-worker.mjs", "dist-broker");
    bundled = true;
  }
  const { Miniflare } = await tool("miniflare");
  const persist = mkdtempSync(join(tmpdir(), "nadeo-fleet-"));
  const worker = (name, durableObjects) => ({
    name,
    modules: true,
    scriptPath: `${here}dist-broker/broker-worker.js`,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: {
      MOCK_ORIGIN: mock.origin,
      PASSWORD: password,
      MODE: mode,
      ...(tm ? { TM_ORIGIN: tm.origin, TM_CLIENT_ID: tm.clientId, TM_CLIENT_SECRET: tm.clientSecret } : {}),
    },
    kvNamespaces: ["TOKENS"],
    durableObjects,
  });
  const mf = new Miniflare({
    durableObjectsPersist: persist,
    kvPersist: join(persist, "kv"),
    workers: [
      worker("a", { NADEO_BROKER: "TestBroker" }),
      worker("b", { NADEO_BROKER: { className: "TestBroker", scriptName: "a" } }),
    ],
  });
  const workers = { a: await mf.getWorker("a"), b: await mf.getWorker("b") };
  const get = async (name, path) => (await workers[name].fetch(`http://fleet${path}`)).json();
  /** Both isolates, the broker and the mocks move to `T + offset` (seconds). */
  const clock = async (offset) => {
    mock.setNow(T + offset);
    tm?.setNow(T + offset);
    for (const w of Object.values(workers))
      await w.fetch(`http://fleet/clock?offset=${T + offset - Date.now() / 1000}`);
  };
  await clock(0);
  return { workers, get, clock, persist, close: () => mf.dispose() };
}
