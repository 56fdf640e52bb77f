#!/usr/bin/env bash
# One idempotent setup: installs what is missing, and does nothing (in well under a second)
# when all is there.
#   scripts/setup.sh build   what make pkg needs: the wasm32-unknown-unknown target (rustup),
#                            wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen, wasm-pack,
#                            the pinned npm tools in tools/ (binaryen's wasm-opt, esbuild, Biome,
#                            and the test tools beside them: miniflare, wrangler, playwright-core,
#                            typescript, the Redis clients node-redis, ioredis and iovalkey, the
#                            bench baselines jose and jwt-decode)
#   scripts/setup.sh         what make test and make demo need: the above, the consumers' tools
#                            in tests/consumers/ (Vite, webpack, Rollup, Bun, Deno, Node
#                            18/22/24/26, attw, publint: about 600 MB), and Debian's chromium,
#                            chromium-driver and redis-server
#   scripts/setup.sh bench   all of that and twiggy, which only make bench uses
# Everything comes from the package registries (crates.io, npm, Debian); nothing else is
# downloaded, now or at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

WASM_PACK_VERSION=0.15.1
say() { printf 'setup: %s\n' "$*"; }
installing() { installed=1; say "$@"; }
what=${1:-all}
case "$what" in build | all | bench) ;; *) echo "usage: scripts/setup.sh [build|bench]" >&2; exit 2 ;; esac
started=$SECONDS
installed=0
# Says how long it took when it installed anything (a fresh machine), at every exit.
trap '[ "$installed" = 0 ] || say "done in $((SECONDS - started)) s"' EXIT

# 1. Rust target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  installing "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli, pinned to Cargo.lock's wasm-bindgen.
want_wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want_wb" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
have_runner=$(command -v wasm-bindgen-test-runner || true)
if [ "$have_wb" != "$want_wb" ] || [ -z "$have_runner" ]; then
  installing "installing wasm-bindgen-cli $want_wb (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$want_wb" --force
fi

# 3. wasm-pack.
have_wp=$(wasm-pack --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wp" != "$WASM_PACK_VERSION" ]; then
  installing "installing wasm-pack $WASM_PACK_VERSION"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --force
fi

# 4. npm tools, exactly as tools/package-lock.json pins them (no install scripts needed).
stamp=tools/node_modules/.nadeo-auth-setup
lock_sum=$( (cat tools/package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  installing "installing the npm tools (npm ci in tools/)"
  (cd tools && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi

# Past this point: what the tests, the playground and the bench need, not the build.
[ "$what" = build ] && exit 0

# 4b. The consumers' tools (Vite, webpack, Rollup, Bun, Deno, an old Node, attw, publint), as
# tests/consumers/package-lock.json pins them: what tests/consumers/ builds the package with.
for dir in tests/consumers; do
  stamp=$dir/node_modules/.nadeo-auth-setup
  lock_sum=$( (cat $dir/package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    installing "installing the consumers' tools (npm ci in $dir, about 450 MB)"
    (cd $dir && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    echo "$lock_sum" > "$stamp"
  fi
done

# 5. Debian's packages: Chromium and ChromeDriver for the browser tests, Redis for the fleet
#    tests (started by the tests on a free loopback port, never as a service).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v redis-server >/dev/null; then
  installing "installing Debian's chromium, chromium-driver and redis-server"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver redis-server >/dev/null
fi

# 6. twiggy, for make bench's table of what each crate costs in the wasm (bench/crates.mjs).
[ "$what" = bench ] || exit 0
TWIGGY_VERSION=0.8.0
if ! twiggy --version 2>/dev/null | grep -q "$TWIGGY_VERSION"; then
  installing "installing twiggy $TWIGGY_VERSION (about 2 minutes)"
  cargo install twiggy --version "$TWIGGY_VERSION" --force
fi
