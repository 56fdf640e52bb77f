//! Strict JWT decoding (no signature check: the key is Nadeo's) and token times.

use alloc::string::String;
use alloc::vec::Vec;

use super::error::{Code, Error};
use super::{base64url, header};
use serde::Deserialize;

/// The time claims of a token, in seconds since the epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Times {
    pub iat: Option<f64>,
    pub rat: Option<f64>,
    pub exp: Option<f64>,
}

const E_SEGMENTS: Error = Error::new(
    Code::TokenMalformed,
    "a token has exactly three dot-separated segments",
);
const E_SCHEME: Error = Error::new(
    Code::TokenMalformed,
    "this is an Authorization value (\"Bearer …\" or \"nadeo_v1 t=…\"): pass the token alone",
);
const E_EMPTY_HEADER: Error =
    Error::new(Code::TokenMalformed, "the token's header segment is empty");
const E_EMPTY_PAYLOAD: Error =
    Error::new(Code::TokenMalformed, "the token's payload segment is empty");
pub const E_HEADER_OBJECT: Error = Error::new(
    Code::TokenMalformed,
    "the token's header is not a JSON object",
);
const E_BASE64: Error = Error::new(Code::TokenBase64, "a token segment is not base64url");
pub const E_JSON: Error = Error::new(Code::TokenJson, "a token segment is not UTF-8 JSON");
pub const E_PAYLOAD_OBJECT: Error = Error::new(
    Code::TokenClaims,
    "the token's payload is not a JSON object",
);
pub const E_TIME_CLAIM: Error = Error::new(
    Code::TokenClaims,
    "the token's iat, rat or exp claim is not a finite number",
);

/// The time claims as a JSON reader finds them in a payload (the other claims are left to the
/// reader: `JSON.parse` keeps them as they came). Filled by serde natively (`decode`) and
/// from `JSON.parse`'s object in the wasm build; [`TimeClaims::times`] checks them the same
/// way for both. A claim that is present must be a number: `null` or a string is refused
/// (`deserialize_with`), not read as absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
pub struct TimeClaims {
    #[serde(default, deserialize_with = "crate::shape::present_number")]
    pub iat: Option<f64>,
    #[serde(default, deserialize_with = "crate::shape::present_number")]
    pub rat: Option<f64>,
    #[serde(default, deserialize_with = "crate::shape::present_number")]
    pub exp: Option<f64>,
}

impl TimeClaims {
    /// The times, when every claim present is finite (`JSON.parse` turns `1e400` into
    /// Infinity; no time is infinite).
    pub fn times(self) -> Result<Times, Error> {
        let finite = |v: Option<f64>| match v {
            Some(n) if !n.is_finite() => Err(E_TIME_CLAIM),
            _ => Ok(v),
        };
        Ok(Times {
            iat: finite(self.iat)?,
            rat: finite(self.rat)?,
            exp: finite(self.exp)?,
        })
    }
}

/// A token's header and payload segments (still base64url), once [`segments`] has checked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segments<'t> {
    pub header: &'t str,
    pub payload: &'t str,
}

/// The checks of a token before its header and payload are decoded: exactly three segments,
/// neither header nor payload empty, the signature base64url (decoded into `scratch`, whose
/// bytes nobody needs: a caller reuses one buffer for every token).
pub fn segments<'t>(token: &'t str, scratch: &mut Vec<u8>) -> Result<Segments<'t>, Error> {
    // A header value pasted whole: no token has a space, so this only names the mistake.
    if token.starts_with(header::BEARER_SCHEME) || token.starts_with(header::NADEO_SCHEME) {
        return Err(E_SCHEME);
    }
    let Some((header, rest)) = token.split_once('.') else {
        return Err(E_SEGMENTS);
    };
    let Some((payload, signature)) = rest.split_once('.') else {
        return Err(E_SEGMENTS);
    };
    if signature.contains('.') {
        return Err(E_SEGMENTS);
    }
    if header.is_empty() {
        return Err(E_EMPTY_HEADER);
    }
    if payload.is_empty() {
        return Err(E_EMPTY_PAYLOAD);
    }
    base64url::decode_into(signature.as_bytes(), scratch).map_err(|_| E_BASE64)?;
    Ok(Segments { header, payload })
}

/// A header or payload segment's bytes: base64url, decoded into `buf` (reused). They must be
/// UTF-8 ([`segment_text`]; the wasm has the platform's decoder check it, `E_JSON` too).
pub fn segment_bytes<'b>(segment: &str, buf: &'b mut Vec<u8>) -> Result<&'b [u8], Error> {
    base64url::decode_into(segment.as_bytes(), buf).map_err(|_| E_BASE64)?;
    Ok(buf)
}

/// A header or payload segment's text: base64url of UTF-8, decoded into `buf` (reused).
pub fn segment_text<'b>(segment: &str, buf: &'b mut Vec<u8>) -> Result<&'b str, Error> {
    core::str::from_utf8(segment_bytes(segment, buf)?).map_err(|_| E_JSON)
}

/// The checks of a token before its JSON, in this order: exactly three segments, neither
/// header nor payload empty, the signature base64url, header then payload base64url of UTF-8.
/// Returns the header's and the payload's text, for the platform's JSON parser (`JSON.parse`
/// in the wasm build, which runs the same steps on reused buffers; serde_json in [`decode`]),
/// whose values are then checked the same way: both objects (`E_HEADER_OBJECT`,
/// `E_PAYLOAD_OBJECT`), not JSON `E_JSON`, times by [`TimeClaims`].
pub fn segment_texts(token: &str) -> Result<(String, String), Error> {
    let mut buf = Vec::new();
    let s = segments(token, &mut buf)?;
    let header = String::from(segment_text(s.header, &mut buf)?);
    let payload = String::from(segment_text(s.payload, &mut buf)?);
    Ok((header, payload))
}

#[cfg(any(test, feature = "json"))]
mod decode;
#[cfg(any(test, feature = "json"))]
pub use decode::{decode, times_of_token, Decoded};

/// What `tokenTimes` returns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimesView {
    pub issued_at: Option<f64>,
    pub refreshable_at: Option<f64>,
    pub expires_at: Option<f64>,
    /// `now + leeway >= exp`; false when there is no `exp`.
    pub expired: bool,
    /// `now >= rat`; true when there is no `rat`.
    pub refreshable: bool,
    /// `exp - now`, clamped at 0; infinite when there is no `exp`.
    pub expires_in: f64,
    /// `rat - now`, clamped at 0; 0 when there is no `rat`.
    pub refreshable_in: f64,
}

impl Times {
    /// The times as seen at `now` (seconds since the epoch) with `leeway` seconds.
    pub fn view(&self, now: f64, leeway: f64) -> TimesView {
        TimesView {
            issued_at: self.iat,
            refreshable_at: self.rat,
            expires_at: self.exp,
            expired: self.exp.is_some_and(|exp| now + leeway >= exp),
            refreshable: self.rat.is_none_or(|rat| now >= rat),
            expires_in: self.exp.map_or(f64::INFINITY, |exp| (exp - now).max(0.0)),
            refreshable_in: self.rat.map_or(0.0, |rat| (rat - now).max(0.0)),
        }
    }
}

#[cfg(test)]
mod tests;
