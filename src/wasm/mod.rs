//! wasm-bindgen bindings: argument checking at the JS boundary, then the core.
//! Every export returns `Result<_, JsValue>` whose error is a `NadeoAuthError`.

pub mod glue;
pub mod client;
pub mod flight;
pub mod http;
pub mod nadeo;
pub mod oauth;
pub mod policy;
pub mod schedule;
pub mod token;
