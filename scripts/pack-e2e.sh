#!/usr/bin/env bash
# Packs pkg/ with npm and installs the tarball by name into build/e2e (offline, no install
# scripts), with the JS tests, the mocks and the typed usage file beside it: the project the
# JS suites (scripts/test-js.sh) and the fleet bench (bench/fleet.mjs) run in.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
tarball=$(cd build && npm pack ../pkg --silent)
e2e=build/e2e
rm -rf "$e2e"
mkdir -p "$e2e"
cp tests/js/*.mjs tests/js/*.html tests/types/usage.ts tests/types/node-entry.ts tests/types/workers.ts "$e2e/"
cp -r tests/js/examples "$e2e/examples"
cp -r tests/js/signin "$e2e/signin"
cp -r tests/mock "$e2e/mock"
cp examples/cron-worker/src/index.js "$e2e/cron-example.mjs"
printf '{ "name": "nadeo-auth-e2e", "private": true, "type": "module" }\n' > "$e2e/package.json"
(cd "$e2e" && npm install --offline --no-audit --no-fund --ignore-scripts --loglevel=error "../$tarball" >/dev/null)
echo "installed $tarball into $e2e"
