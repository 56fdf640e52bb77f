// The shared suite in workerd: the Worker is bundled as a user would (wrangler deploy
// --dry-run, which picks the package's "workerd" entry and imports the .wasm as a module)
// and run by Miniflare.
import { after, before, test } from "node:test";
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { tests } from "./suite.mjs";
import { tests as nadeoTests } from "./nadeo-suite.mjs";
import { startNadeoMock } from "./mock-nadeo.mjs";
import { tool, toolBin } from "./tools.mjs";

const here = new URL(".", import.meta.url).pathname;
let mf;
let mockServer;

before(async () => {
  writeFileSync(
    `${here}wrangler.toml`,
    'name = "nadeo-auth-suite"\nmain = "worker.mjs"\ncompatibility_date = "2026-04-01"\n',
  );
  execFileSync(toolBin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
    cwd: here,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  const files = readdirSync(`${here}dist`);
  if (!files.some((f) => f.endsWith(".wasm"))) throw new Error(`wrangler did not emit the .wasm: ${files}`);
  const { Miniflare } = await tool("miniflare");
  mockServer = await startNadeoMock();
  mf = new Miniflare({
    bindings: { MOCK_ORIGIN: mockServer.origin },
    modules: true,
    scriptPath: `${here}dist/worker.js`,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
  });
  const names = await (await mf.dispatchFetch("http://suite/list")).json();
  if (names.length !== tests.length) throw new Error("the Worker sees another suite");
});

after(async () => {
  await mf?.dispose();
  await mockServer?.close();
});

for (const [name] of tests) {
  test(`workerd: ${name}`, async () => {
    const res = await mf.dispatchFetch(`http://suite/run?test=${encodeURIComponent(name)}`);
    const out = await res.json();
    if (!out.ok) throw new Error(out.error);
  });
}

for (const [name] of nadeoTests) {
  test(`workerd: ${name}`, async () => {
    const res = await mf.dispatchFetch(`http://suite/run?suite=nadeo&test=${encodeURIComponent(name)}`);
    const out = await res.json();
    if (!out.ok) throw new Error(out.error);
  });
}
