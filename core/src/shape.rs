//! Serde helpers for the shapes of what the services answer and the store holds. They hold the
//! reading rules the wasm build's `JSON.parse` readers follow too (src/json.rs): a field
//! of the wrong type reads as absent where the shape tolerates it, and a present time claim
//! must be a number.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

/// A `T`, or any other JSON value (then `None`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient<T> {
    Value(T),
    Other(IgnoredAny),
}

/// `Some` for a value of `T`'s shape, `None` for any other JSON value.
pub fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(match Lenient::<T>::deserialize(d)? {
        Lenient::Value(v) => Some(v),
        Lenient::Other(_) => None,
    })
}

/// A number when present: `null` or a string is an error, not an absence.
pub fn present_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    f64::deserialize(d).map(Some)
}
