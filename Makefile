# nadeo-auth. `make test` is the whole test suite (what CI runs); `make check` the quick loop;
# `make demo` the playground; `make pkg` the npm package in pkg/; `make bench` the benchmarks
# (written to docs/benchmarks.md); `make fuzz` 10^6 fuzz inputs per parser. Each runs
# scripts/setup.sh first (make pkg only its build part), which installs what is missing and is
# instant when nothing is.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR := never
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# Panic locations are strings in the wasm: drop the machine's cargo home from dependency
# paths, so the package is the same size (and bytes) wherever it is built.
CARGO_HOME_DIR := $(or $(CARGO_HOME),$(HOME)/.cargo)
# The last matching prefix wins, so the registry index directory (the longer one) comes last
# (std's `/rustc/<hash>` paths come precompiled and cannot be remapped).
PKG_RUSTFLAGS := --remap-path-prefix=$(CARGO_HOME_DIR)/registry/src=c --remap-path-prefix=$(CARGO_HOME_DIR)/registry/src/index.crates.io-1949cf8c6b5b557f=c
# PKCE's SHA-256 with its rounds not unrolled: a fraction of the code, for one hash a sign-in.
PKG_RUSTFLAGS += --cfg sha2_backend_soft="compact"

.PHONY: all setup setup-build check lint pkg test test-build test-rust test-wasm test-js test-consumers test-demo test-fuzz test-extension size bench demo fuzz extension clean

all: pkg

setup:
	@scripts/setup.sh

setup-build:
	@scripts/setup.sh build

# The bindings crate (the root one; `-p` because plain cargo commands build the core), two wasm builds: the full entry (feature `full`) and the
# page entry, nadeo-auth/token (no features). Then scripts/build-pkg.mjs assembles pkg/ from
# them, src/js/ and pkg-template/.
WASM_PACK := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='$(PKG_RUSTFLAGS)' wasm-pack --quiet build . --release --target web --no-typescript --no-pack
pkg: setup-build
	$(WASM_PACK) --out-dir build/wasm-pack --out-name nadeo_auth -- -p nadeo-auth-wasm
	$(WASM_PACK) --out-dir build/wasm-pack-token --out-name nadeo_auth_token -- -p nadeo-auth-wasm --no-default-features
	node scripts/build-pkg.mjs

test: setup lint test-rust pkg test-build test-wasm size test-fuzz test-js test-consumers test-extension test-demo
	@echo "make test: all suites passed"

# The quick loop (about a minute warm): formatting and lint, the core's tests and clippy, then
# the package built and the shared suite run once in Node. make test is the whole thing.
check: setup-build lint test-rust pkg test-build
	scripts/pack-e2e.sh >/dev/null
	cd build/e2e && NADEO_AUTH_TOOLS=$(CURDIR)/tools node --test --test-timeout=120000 node.test.mjs
	@echo "make check: passed (make test runs everything)"

# JS and TS formatting and lint (Biome, pinned in tools/; biome.json); Rust's is cargo fmt in test-rust.
lint: setup-build
	biome ci --error-on-warnings .

# The pure core, natively (unit and property tests, the no_std build), and the lints of both
# crates, the bindings in both of their builds.
test-rust:
	cargo fmt --all --check
	cargo test -p nadeo-auth-core
	cargo build -p nadeo-auth-core --no-default-features
	cargo clippy -p nadeo-auth-core --all-targets -- -D warnings
	cargo clippy -p nadeo-auth-core --features json --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p nadeo-auth-core -p nadeo-auth-wasm --lib --tests -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p nadeo-auth-wasm --lib --no-default-features -- -D warnings

# The bindings in real JS engines: Node, then headless Chromium (webdriver.json).
test-wasm:
	$(WASM_RUNNER) cargo test --target wasm32-unknown-unknown -p nadeo-auth-wasm --lib
	$(WASM_RUNNER) WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown -p nadeo-auth-wasm --lib

# The build's rewrites of generated code, against the pinned wasm-bindgen's output; the packed
# file list against pkg-template/package.json; the waits of the scheduling functions
# (src/js/alarm.js) on an injected clock; the repository paths the sources name.
test-build:
	node --test tests/build.test.mjs tests/alarm.test.mjs tests/references.test.mjs

size:
	node scripts/size.mjs --check

# Counted fuzzing of the parsers, natively and through the wasm package in Node: 10^4 inputs
# each in make test, 10^6 each in make fuzz (about 12 minutes: the network rows are async).
FUZZ_INPUTS ?= 10000
test-fuzz:
	cargo run --release -q -p nadeo-auth-core --features json --example fuzz -- $(FUZZ_INPUTS)
	node scripts/fuzz-wasm.mjs $(FUZZ_INPUTS)

fuzz: pkg
	$(MAKE) --no-print-directory test-fuzz FUZZ_INPUTS=1000000

# The packed package, installed by name: typings, then Node, workerd and Chromium.
test-js:
	scripts/test-js.sh

# The packed package in fresh projects of every bundler and runtime it claims (tests/consumers/).
test-consumers:
	NADEO_AUTH_TOOLS=$(CURDIR)/tools timeout 600 node --test --test-concurrency=1 --test-timeout=180000 tests/consumers/consumers.test.mjs tests/consumers/cli.test.mjs

# The playground as a person uses it: make demo started for real, driven by Playwright.
test-demo:
	NADEO_AUTH_TOOLS=$(CURDIR)/tools timeout 600 node --test --test-timeout=120000 tests/demo.test.mjs

# The DevTools extension (extension/), unpacked in build/extension/ and zipped.
extension: pkg
	node extension/build.mjs

# The extension loaded in Chromium (new headless), its panel fed a recorded page's traffic.
test-extension: extension
	NADEO_AUTH_TOOLS=$(CURDIR)/tools timeout 300 node --test --test-timeout=120000 tests/extension.test.mjs

bench: pkg
	@scripts/setup.sh bench
	PKG_RUSTFLAGS='$(PKG_RUSTFLAGS)' scripts/bench.sh

demo: setup pkg
	node scripts/demo.mjs

clean:
	rm -rf build pkg target/wasm32-unknown-unknown
