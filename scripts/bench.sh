#!/usr/bin/env bash
# make bench: prints the benchmark tables. Reports only; never fails the build on a number.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/size.mjs
node bench/crates.mjs
node bench/decode.mjs
node bench/client.mjs
node --expose-gc bench/memory.mjs
scripts/pack-e2e.sh >/dev/null
node bench/coldstart.mjs
NADEO_AUTH_TOOLS="$PWD/tools" node bench/fleet.mjs
