//! The cdylib wasm-pack builds: every export comes from `nadeo_auth`'s `wasm` feature.
#![no_std]
pub use nadeo_auth::*;

use lol_alloc::{AssumeSingleThreaded, FreeListAllocator};

// SAFETY: a wasm32-unknown-unknown instance without threads is single threaded: every JS
// runtime this package runs in (browsers, Node, workerd) calls into one instance from one
// thread.
#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
    unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
