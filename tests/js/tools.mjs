// Resolves the pinned development tools (tools/node_modules) from test files that run in a
// temporary project.
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export const TOOLS = process.env.NADEO_AUTH_TOOLS;
if (!TOOLS) throw new Error("NADEO_AUTH_TOOLS is not set (run the tests through make test)");
const require = createRequire(`${TOOLS}/package.json`);

export async function tool(name) {
  return import(pathToFileURL(require.resolve(name)).href);
}
export const toolBin = (name) => `${TOOLS}/node_modules/.bin/${name}`;

/** Bundles the Worker `main` (a file in `dir`) as a user would, with `wrangler deploy
 *  --dry-run` (which picks the package's "workerd" entry and emits its .wasm as a module), into
 *  `dir/outdir`. Returns the path of the bundled script. `wasm: false` for a Worker that
 *  imports no wasm entry (the sign-in integrations). */
export function bundleWorker(dir, main, outdir, { wasm = true } = {}) {
  const config = `${outdir}.wrangler.toml`;
  writeFileSync(
    `${dir}${config}`,
    `name = "nadeo-auth-${outdir}"\nmain = "${main}"\ncompatibility_date = "2026-04-01"\n`,
  );
  execFileSync(toolBin("wrangler"), ["deploy", "--dry-run", "--config", config, "--outdir", outdir], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  const files = readdirSync(`${dir}${outdir}`);
  if (wasm && !files.some((f) => f.endsWith(".wasm"))) throw new Error(`wrangler did not emit the .wasm: ${files}`);
  return `${dir}${outdir}/${main.replace(/\.mjs$/, ".js")}`;
}
