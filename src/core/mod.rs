//! The pure core: no I/O, no std, no panics.

pub mod audience;
pub mod base64url;
pub mod error;
pub mod header;
pub mod json;
pub mod nadeo;
pub mod token;

pub use error::{Code, Error};
