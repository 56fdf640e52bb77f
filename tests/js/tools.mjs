// Resolves the pinned development tools (tools/node_modules) from test files that run in a
// temporary project.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export const TOOLS = process.env.NADEO_AUTH_TOOLS;
if (!TOOLS) throw new Error("NADEO_AUTH_TOOLS is not set (run the tests through make test)");
const require = createRequire(`${TOOLS}/package.json`);

export async function tool(name) {
  return import(pathToFileURL(require.resolve(name)).href);
}
export const toolBin = (name) => `${TOOLS}/node_modules/.bin/${name}`;
