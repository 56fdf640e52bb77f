// What the consumers' tests share: the packed tarball, fresh projects that install it by name
// (offline, as a user's npm would), and running programs in them.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const here = new URL(".", import.meta.url).pathname;
export const root = join(here, "../..");
/** A file of the consumers' pinned tools (tests/consumers/node_modules). */
export const bin = (path) => join(here, "node_modules", path);
export const projects = join(here, ".projects");
/** The Node versions users run, from the npm packages that ship their binaries. */
export const NODES = { 22: bin("node22/bin/node"), 24: bin("node24/bin/node"), 26: bin("node26/bin/node") };

/** Packs pkg/ with npm into build/; returns the tarball's path. */
export function packTarball() {
  mkdirSync(join(root, "build"), { recursive: true });
  const name = execFileSync("npm", ["pack", join(root, "pkg"), "--silent"], {
    cwd: join(root, "build"),
    encoding: "utf8",
  }).trim();
  return join(root, "build", name);
}

/** A fresh project: app/ copied, package.json, the tarball installed by name (offline). Under
 *  `base` (default .projects/): a project whose programs find `node` on npm's PATH must not sit
 *  below tests/consumers/node_modules, whose .bin holds the old Nodes of the matrix. */
export function project(name, tarball, extra = {}, base = projects) {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  cpSync(join(here, "app"), dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `consumer-${name}`, private: true, type: "module", ...extra }, null, 2),
  );
  execFileSync(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", tarball],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  return dir;
}

/** Runs a command; throws with its output when it fails. Returns stdout and stderr together. */
export function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** Runs a command without blocking this process (a mock in it must answer meanwhile).
 *  Resolves to { status, stdout, stderr } whatever the exit status. */
export function runAsync(cmd, args, { cwd, env = {}, input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      },
    );
    child.stdin.end(input ?? "");
  });
}

/** The last line a program printed, as JSON. */
export const lastJson = (out) => JSON.parse(out.trim().split("\n").at(-1));
