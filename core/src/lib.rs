//! nadeo-auth-core: the pure half of nadeo-auth. Token decoding, times, header values,
//! audiences, the Nadeo auth requests and answers, and the renewal policy, as plain data.
//! No I/O, no std (`alloc` only), and no panics on any input.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;

pub mod audience;
pub mod base64url;
pub mod error;
pub mod header;
pub mod json;
pub mod nadeo;
pub mod oauth;
pub mod token;

pub use error::{Code, Error};
