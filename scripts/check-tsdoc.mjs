#!/usr/bin/env node
// Every export of the typings carries a TSDoc comment with an @example (what editors show on
// hover): fails naming the exports that do not. Usage: node scripts/check-tsdoc.mjs <file.d.ts>…
import { readFileSync } from "node:fs";

const missing = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  // An export at the start of a line, with the text between it and the export before it.
  const exports = [...text.matchAll(/^export (?:declare )?(?:type|interface|class|function|const) (\w+)/gm)];
  let from = 0;
  for (const m of exports) {
    const before = text.slice(from, m.index);
    const end = before.lastIndexOf("*/");
    const start = before.lastIndexOf("/**", end);
    // The comment must be the export's own (nothing but blank space after it) and hold an example.
    const own = end >= 0 && start >= 0 && before.slice(end + 2).trim() === "";
    if (!own || !/\n\s*\*\s*@example\b/.test(before.slice(start, end))) missing.push(`${file}: ${m[1]}`);
    from = m.index + m[0].length;
  }
}
if (missing.length) {
  console.error(`TSDoc: no @example on:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
console.log("TSDoc: every export has an example");
