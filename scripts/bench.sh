#!/usr/bin/env bash
# make bench: prints the benchmark tables and writes them to docs/benchmarks.md. Reports
# only; never fails the build on a number (the size guard of make test does).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
out=build/bench.txt
{
  node scripts/size.mjs
  node bench/crates.mjs
  node bench/decode.mjs
  node bench/client.mjs
  node bench/players.mjs
  node --expose-gc bench/memory.mjs
  scripts/pack-e2e.sh >/dev/null
  node bench/coldstart.mjs
  NADEO_AUTH_TOOLS="$PWD/tools" node bench/fleet.mjs
  NADEO_AUTH_TOOLS="$PWD/tools" node bench/stores.mjs
} | tee "$out"
node scripts/bench-doc.mjs "$out" > docs/benchmarks.md
echo "bench: written to docs/benchmarks.md"
