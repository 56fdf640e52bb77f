//! The cdylib of the `nadeo-auth/token` entry: `nadeo_auth` with the `wasm` feature alone
//! (tokens, expiry scheduling, the page half of sign-in), for pages and devtools panels.
#![no_std]
pub use nadeo_auth::*;

use lol_alloc::{AssumeSingleThreaded, FreeListAllocator};

// SAFETY: a wasm32-unknown-unknown instance without threads is single threaded: every JS
// runtime this package runs in (browsers, Node, workerd, extension pages) calls into one
// instance from one thread.
#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
    unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
