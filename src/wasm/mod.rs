//! wasm-bindgen bindings: argument checking at the JS boundary, then the core.
//! Every export returns `Result<_, JsValue>` whose error is a `NadeoAuthError`.
//!
//! Two builds: the `nadeo-auth/token` entry (feature `wasm` alone: tokens, expiry scheduling,
//! the page half of sign-in) and the full entry (feature `server` too: Nadeo logins and the
//! managed client, OAuth grants and lookups).

pub mod error;
pub mod glue;
pub mod redirect;
pub mod schedule;
pub mod timers;
pub mod token;

#[cfg(feature = "server")]
pub mod broker;
#[cfg(feature = "server")]
pub mod client;
#[cfg(feature = "server")]
pub mod exchange;
#[cfg(feature = "server")]
pub mod fetch;
#[cfg(feature = "server")]
pub mod flight;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "server")]
pub mod json;
#[cfg(feature = "server")]
pub mod nadeo;
#[cfg(feature = "server")]
pub mod oauth;
#[cfg(feature = "server")]
pub mod options;
#[cfg(feature = "server")]
pub mod policy;
#[cfg(feature = "server")]
pub mod results;
#[cfg(feature = "server")]
pub mod tasks;
