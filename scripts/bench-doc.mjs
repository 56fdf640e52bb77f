#!/usr/bin/env node
// Turns make bench's output (build/bench.txt) into docs/benchmarks.md: the tables as they
// were printed, each under the line that introduced it, with when and where they were made.
// Usage: node scripts/bench-doc.mjs build/bench.txt > docs/benchmarks.md
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

const lines = readFileSync(process.argv[2], "utf8").split("\n");
const out = [
  "# Benchmarks",
  "",
  `Written by \`make bench\` (scripts/bench.sh) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}).`,
  "Numbers move from run to run and machine to machine; the budgets are the project's. A benchmark reports, it never fails the build.",
  "",
];
for (let i = 0; i < lines.length; i++) {
  const line = lines[i].trimEnd();
  if (line === "") continue;
  if (line.startsWith("|")) {
    out.push(line);
    if (!lines[i + 1]?.startsWith("|")) out.push("");
  } else if (lines[i + 1]?.startsWith("|")) {
    out.push(`## ${line.replace(/:$/, "")}`, "");
  } else {
    out.push(`- ${line}`);
    if (!lines[i + 1] || !lines[i + 1].trim() || lines[i + 1].startsWith("|")) out.push("");
  }
}
console.log(
  out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd(),
);
