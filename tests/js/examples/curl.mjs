// `curl` as the shell examples call it: the same arguments, URLs routed to the mocks
// (routes.mjs), failing on an HTTP error so that the example fails.
import { spawnSync } from "node:child_process";
import { routed } from "./routes.mjs";

const args = process.argv.slice(2).map((a) => routed(a));
const { status, error } = spawnSync("curl", ["--fail-with-body", "-sS", ...args], { stdio: "inherit" });
if (error) throw error;
process.exit(status ?? 1);
