//! JSON text to the core's typed values, natively (feature `json`): serde_json stands where
//! `JSON.parse` stands in the wasm build. For native callers, the tests and the fuzzer.
//!
//! The text is read as a `Value` first, so a repeated key keeps its last value, as with
//! `JSON.parse`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

/// A JSON object's text read as `T`; `refused` when the text is not JSON, not an object (serde
/// would read a struct from an array too), or not of `T`'s shape.
pub fn object<T: DeserializeOwned>(text: &str, refused: Error) -> Result<T, Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => T::deserialize(v).map_err(|_| refused),
        _ => Err(refused),
    }
}

/// Any JSON text read as `T` (for shapes that decide themselves, such as
/// [`crate::oauth::NameMap`]); `refused` when it is not JSON or not of `T`'s shape.
pub fn value<T: DeserializeOwned>(text: &str, refused: Error) -> Result<T, Error> {
    serde_json::from_str::<Value>(text).ok().and_then(|v| T::deserialize(v).ok()).ok_or(refused)
}
