//! nadeo-auth: authentication for the Trackmania web services.
//!
//! The crate has two layers:
//! - [`core`] (the `nadeo-auth-core` crate in `core/`): pure logic (`no_std` + `alloc`):
//!   token decoding, times, header building, URL policy, the Nadeo protocol and renewal
//!   policy. It performs no I/O and never panics on any input.
//! - `wasm` (default feature): thin wasm-bindgen bindings that expose the core to JavaScript
//!   and call `fetch`/`setTimeout` from the global object.
//!
//! `cargo build --no-default-features` builds the core alone as `no_std`.
#![cfg_attr(not(any(feature = "wasm", test)), no_std)]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;

/// The pure core (its own `no_std` crate, so that it can be built and optimised on its own).
pub use nadeo_auth_core as core;

/// The JS-facing bindings (public for the wasm-bindgen tests in `tests/`; the JS API is the
/// contract, not these Rust paths).
#[cfg(feature = "wasm")]
#[doc(hidden)]
pub mod wasm;
