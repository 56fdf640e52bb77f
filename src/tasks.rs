//! Promises and background tasks of the full entry: every one the wasm makes goes through
//! these two functions, boxed, so the futures runtime is instantiated once, not once per async
//! function. The token entry has no futures at all (its waits are
//! callbacks: `schedule.rs`).

use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::prelude::*;

use super::failure::Failure;

/// A JS promise of a boxed future; its failure becomes a NadeoAuthError here, at the edge.
pub(crate) fn promise(
    f: Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>>,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move { f.await.map_err(JsValue::from) })
}

/// Runs a boxed future to its end in the background.
pub(crate) fn spawn(f: Pin<Box<dyn Future<Output = ()>>>) {
    wasm_bindgen_futures::spawn_local(f)
}
