#!/usr/bin/env bash
# Packs pkg/ with npm, installs the tarball by name into a temporary project (offline, no
# install scripts) and runs: the typings check (tsc --strict), the shared JS suite in Node,
# in workerd (wrangler-bundled Worker in Miniflare) and in headless Chromium (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export NADEO_AUTH_TOOLS="$root/tools"

mkdir -p build
tarball=$(cd build && npm pack ../pkg --silent)
e2e=build/e2e
rm -rf "$e2e"
mkdir -p "$e2e"
cp tests/js/*.mjs tests/js/*.html tests/types/usage.ts "$e2e/"
cp -r tests/js/signin "$e2e/signin"
cp -r tests/mock "$e2e/mock"
printf '{ "name": "nadeo-auth-e2e", "private": true, "type": "module" }\n' > "$e2e/package.json"
(export NADEO_AUTH_ARTIFACTS="$root/artifacts"
cd "$e2e" && npm install --offline --no-audit --no-fund --ignore-scripts --loglevel=error "../$tarball" >/dev/null)
echo "installed $tarball into $e2e"

echo "== typings: tsc --strict --noEmit"
(export NADEO_AUTH_ARTIFACTS="$root/artifacts"
cd "$e2e" && "$root/tools/node_modules/.bin/tsc" --strict --noEmit --target es2022 --module nodenext \
  --moduleResolution nodenext --lib es2022,dom usage.ts) \
  || { echo "typings check failed"; exit 1; }
echo "typings: ok"

echo "== JS suite: Node, workerd, Chromium"
export NADEO_AUTH_ARTIFACTS="$root/artifacts"
cd "$e2e"
timeout 900 node --test --test-concurrency=1 --test-timeout=120000 node.test.mjs node-nadeo.test.mjs node-oauth.test.mjs workerd.test.mjs chromium.test.mjs signin.test.mjs
