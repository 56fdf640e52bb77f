//! nadeo-auth-core: the pure half of nadeo-auth. Token decoding, times, header values,
//! audiences, the Nadeo auth requests and answers, and the renewal policy, as plain data.
//! No I/O, no std (`alloc` only), and no panics on any input.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;

pub mod audience;
pub mod backoff;
pub mod base64url;
pub mod error;
pub mod header;
pub mod lifecycle;
pub mod nadeo;
#[cfg(any(test, feature = "json"))]
pub mod native_json;
pub mod oauth;
pub mod openplanet;
pub mod secret;
pub mod shape;
pub mod store;
mod text;
pub mod token;

pub use error::{Code, Error};

/// A deterministic source for the property tests (xorshift64*).
#[cfg(test)]
pub(crate) struct TestRng(pub u64);

#[cfg(test)]
impl TestRng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
