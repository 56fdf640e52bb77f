//! JSON text to the core's typed values, natively (feature `json`): serde_json stands where
//! `JSON.parse` stands in the wasm build. For native callers, the tests and the fuzzer.
//!
//! The text is read as a `Value` first, so a repeated key keeps its last value, as with
//! `JSON.parse`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::nadeo::{self, Tokens};
use crate::oauth::{self, NameMap, OAuthTokens, UserAnswer};
use crate::store::{self, Record, Stored};
use crate::token::times_of_token;

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
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| T::deserialize(v).ok())
        .ok_or(refused)
}

// The answers and stored values, read as the wasm build's src/json.rs reads them (each
// shape's refusal when the text is not of it) and checked by the core.

/// A Nadeo token endpoint's 2xx body: the pair, both tokens decoded.
pub fn nadeo_tokens(body: &str, previous_refresh: Option<&str>) -> Result<Tokens, Error> {
    nadeo::tokens_from_answer(
        object(body, nadeo::E_BAD_TOKENS)?,
        previous_refresh,
        &times_of_token,
    )
}

/// /api/access_token's 2xx body.
pub fn oauth_tokens(body: &str, previous_refresh: Option<&str>) -> Result<OAuthTokens, Error> {
    oauth::tokens_from_answer(object(body, oauth::E_ANSWER)?, previous_refresh)
}

/// A lookup's 2xx body (an object of strings, or `[]`).
pub fn name_map(body: &str) -> Result<NameMap, Error> {
    value(body, oauth::E_NAMES)
}

/// /api/user's 2xx body.
pub fn user(body: &str) -> Result<UserAnswer, Error> {
    object(body, oauth::E_USER)
}

/// A stored value; text that is not a record reads as nothing stored.
pub fn stored(text: &str) -> Stored {
    object::<Record>(text, nadeo::E_BAD_TOKENS)
        .map(|r| store::read(r, &times_of_token))
        .unwrap_or_default()
}
