//! The native decoder (feature `json`): serde_json does what `JSON.parse` does in the wasm
//! build, and the values are checked by the same rules. For native callers, the tests and the
//! fuzzer; the wasm build has its own reader (src/token.rs) and never links this.

use serde::Deserialize;
use serde_json::Value;

use super::{
    segment_texts, Error, TimeClaims, Times, E_HEADER_OBJECT, E_JSON, E_PAYLOAD_OBJECT,
    E_TIME_CLAIM,
};

/// A decoded token: header and payload as JSON values (every claim kept) and the time claims.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub header: Value,
    pub payload: Value,
    pub times: Times,
}

/// Decodes a JWT strictly: exactly three segments, a non-empty header and payload, every
/// segment base64url, header and payload UTF-8 JSON objects, `iat`/`rat`/`exp` finite numbers
/// where present (the last one wins when a claim is repeated, as with `JSON.parse`: the text
/// is read as a `Value` first, whose map keeps the last).
pub fn decode(token: &str) -> Result<Decoded, Error> {
    let (header, payload) = segment_texts(token)?;
    let header = object(&header, E_HEADER_OBJECT)?;
    let payload = object(&payload, E_PAYLOAD_OBJECT)?;
    let times = TimeClaims::deserialize(&payload)
        .map_err(|_| E_TIME_CLAIM)?
        .times()?;
    Ok(Decoded {
        header,
        payload,
        times,
    })
}

/// The times of a token (what [`crate::nadeo::pair`] asks of its caller).
pub fn times_of_token(token: &str) -> Result<Times, Error> {
    decode(token).map(|d| d.times)
}

fn object(text: &str, not_object: Error) -> Result<Value, Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(not_object),
        Err(_) => Err(E_JSON),
    }
}
