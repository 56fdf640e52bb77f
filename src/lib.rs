//! nadeo-auth's bindings: the wasm-bindgen layer between the pure core ([`core`], the
//! `nadeo-auth-core` crate) and JavaScript. It reads JS arguments into typed values, calls the
//! core, sends HTTP through `fetch` from web-sys, keeps the state that lives across calls
//! (NadeoClient's tokens, TrackmaniaApi's token), and turns results and errors back into JS
//! at the edge (`error.rs`: one error type, one conversion).
//!
//! One crate, built twice by wasm-pack (the Makefile's `pkg`):
//! - without features: the `nadeo-auth/token` entry, for pages (tokens, expiry scheduling,
//!   the page half of sign-in), where every byte counts;
//! - with feature `full`: the `nadeo-auth` entry, for servers and Workers (Nadeo logins and the
//!   managed client, the broker's client side, OAuth grants and lookups).
//!
//! Its JS halves are wasm-bindgen snippets in `src/js/`: `error.js` (the `NadeoAuthError`
//! class, the one module both entries share), `values.js` (the values the wasm builds and
//! reads), `alarm.js` (the waits) and `host.js` (what the full build asks of its host).
// The page entry is `no_std` (the full one needs std for its tasks and timers): see `panic`.
#![cfg_attr(not(feature = "std"), no_std)]
// No unsafe code but the allocator's one line below and `Local`'s `Sync` (local.rs).
#![deny(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// A small address-ordered, coalescing free-list allocator: much smaller than the default
/// dlmalloc, and no slower on decodeToken. The page entry needs the room.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
#[allow(unsafe_code)]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: a wasm32-unknown-unknown instance without threads is single threaded: every JS
    // runtime this package runs in (browsers, Node, workerd) calls into one instance from one
    // thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

extern crate alloc;

/// A panic in the page entry (a bug: the library's paths do not panic) traps at once, as the
/// full entry's `panic = "abort"` does, without formatting a message no one reads: the
/// messages, source paths and formatting of the standard library's panics stay out of its wasm.
#[cfg(all(not(feature = "std"), target_arch = "wasm32"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

/// The pure core (its own `no_std` crate, built and tested natively on its own).
pub use nadeo_auth_core as core;

pub mod failure;
pub mod interop;
mod local;
pub mod redirect;
pub mod schedule;
pub mod timers;
pub mod token;

#[cfg(feature = "full")]
pub mod app;
#[cfg(feature = "full")]
pub mod bearer;
#[cfg(feature = "full")]
pub mod broker;
#[cfg(feature = "full")]
pub mod client;
#[cfg(feature = "full")]
pub mod exchange;
#[cfg(feature = "full")]
pub mod fetch;
#[cfg(feature = "full")]
pub mod flight;
#[cfg(feature = "full")]
pub mod http;
#[cfg(feature = "full")]
pub mod json;
#[cfg(feature = "full")]
pub mod managed;
#[cfg(feature = "full")]
pub mod nadeo;
#[cfg(feature = "full")]
pub mod oauth;
#[cfg(feature = "full")]
pub mod openplanet;
#[cfg(feature = "full")]
pub mod options;
#[cfg(feature = "full")]
pub mod player;
#[cfg(feature = "full")]
pub mod policy;
#[cfg(feature = "full")]
pub mod results;
#[cfg(feature = "full")]
pub mod tasks;

/// The bindings in real JS engines (wasm-bindgen-test in Node and Chromium: `make test-wasm`).
/// Unit tests of the crate rather than tests/: an rlib beside the cdylib would cost the wasm
/// its whole-program optimisation.
#[cfg(all(test, target_arch = "wasm32", feature = "full"))]
mod tests;
