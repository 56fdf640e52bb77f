//! The cdylib wasm-pack builds: every export comes from `nadeo_auth`'s `wasm` feature.
#![no_std]
pub use nadeo_auth::*;
