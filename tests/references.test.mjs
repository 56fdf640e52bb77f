// What the code says of the repository holds: no source file cites a document that is not in
// it (the project's API.md lives outside), and every repository path a source file names
// exists (a renamed file leaves no stale pointer behind).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";

const root = new URL("..", import.meta.url).pathname;
const tracked = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => /\.(rs|js|mjs|cjs|ts|toml|sh)$|^Makefile$/.test(f) && existsSync(join(root, f)))
  .filter((f) => !f.startsWith("tests/consumers/.projects/") && !f.includes("node_modules/"));
const TOP = "src|core|pkg-template|scripts|docs|tests|bench|examples|extension|www|tools";
const PATH = new RegExp(`(?<![\\w./-])((?:${TOP})/[\\w./-]*\\.(?:rs|js|mjs|cjs|ts|md|toml|sh|json|html))\\b`, "g");

test("no source file cites a document outside the repository", () => {
  const citing = tracked.filter(
    (f) => f !== "tests/references.test.mjs" && readFileSync(join(root, f), "utf8").includes("API.md"),
  );
  assert.deepEqual(citing, []);
});

test("every repository path a source file names exists", () => {
  const missing = [];
  for (const f of tracked) {
    for (const [, path] of readFileSync(join(root, f), "utf8").matchAll(PATH)) {
      // From the root, or from the file's own folder (an example's wrangler.toml names its src/).
      if (!existsSync(join(root, path)) && !existsSync(join(root, dirname(f), path))) missing.push(`${f}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});
