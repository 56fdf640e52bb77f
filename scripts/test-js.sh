#!/usr/bin/env bash
# Packs pkg/ with npm, installs the tarball by name into a temporary project (offline, no
# install scripts) and runs: the typings check (tsc --strict), the shared JS suite in Node,
# in workerd (wrangler-bundled Worker in Miniflare) and in headless Chromium (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export NADEO_AUTH_TOOLS="$root/tools"

scripts/pack-e2e.sh
e2e=build/e2e

echo "== typings: tsc --strict --noEmit, under the nodenext, node16 and bundler resolutions"
# usage.ts: the API as users call it; node-entry.ts: no broker outside the workerd entry.
for resolution in nodenext:nodenext node16:node16 esnext:bundler; do
  (cd "$e2e" && "$root/tools/node_modules/.bin/tsc" --strict --noEmit --target es2022 --module "${resolution%%:*}" \
    --moduleResolution "${resolution##*:}" --lib es2022,dom usage.ts node-entry.ts) \
    || { echo "typings check failed (moduleResolution ${resolution##*:})"; exit 1; }
  echo "typings: ok (moduleResolution ${resolution##*:})"
done

echo "== typings in a Worker (workerd condition, @cloudflare/workers-types): the broker there"
mkdir -p "$e2e/node_modules/@cloudflare"
ln -sfn "$root/tools/node_modules/@cloudflare/workers-types" "$e2e/node_modules/@cloudflare/workers-types"
(cd "$e2e" && "$root/tools/node_modules/.bin/tsc" --strict --noEmit --target es2022 --module esnext \
  --moduleResolution bundler --customConditions workerd --lib es2022 --types @cloudflare/workers-types workers.ts) \
  || { echo "typings check failed: workers.ts (workerd condition, @cloudflare/workers-types)"; exit 1; }
rm -r "$e2e/node_modules/@cloudflare"
echo "typings: ok (workerd)"

echo "== typings of the sign-in integrations, against @auth/core's and better-auth's own"
ln -sfn "$root/tools/node_modules/@auth" "$e2e/node_modules/@auth"
ln -sfn "$root/tools/node_modules/better-auth" "$e2e/node_modules/better-auth"
cp tests/types/integrations.ts "$e2e/"
(cd "$e2e" && "$root/tools/node_modules/.bin/tsc" --strict --noEmit --skipLibCheck --target es2022 --module nodenext \
  --moduleResolution nodenext --lib es2022,dom integrations.ts) || { echo "integration typings check failed"; exit 1; }
rm "$e2e/node_modules/@auth" "$e2e/node_modules/better-auth"
echo "typings: ok (OAuth2Config, GenericOAuthConfig)"

node scripts/check-tsdoc.mjs pkg/index.d.ts pkg/index-workerd.d.ts pkg/stores.d.ts pkg/authjs.d.ts pkg/better-auth.d.ts || exit 1

echo "== JS suite: Node, workerd (one Worker, then a fleet of two with the token broker), Chromium"
export NADEO_AUTH_ARTIFACTS="$root/artifacts"
cd "$e2e"
timeout 900 node --test --test-concurrency=1 --test-timeout=120000 node.test.mjs node-memory.test.mjs node-nadeo.test.mjs node-oauth.test.mjs workerd.test.mjs broker.test.mjs cron.test.mjs chromium.test.mjs signin.test.mjs fleet-stores.test.mjs signin-integrations.test.mjs examples.test.mjs
