//! Strict JWT decoding (no signature check: the key is Nadeo's) and token times.

use alloc::string::String;
use alloc::vec::Vec;

use super::base64url;
use super::error::{Code, Error};
use super::json::{self, Kind, Member, SyntaxError};

/// The time claims of a token, in seconds since the epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Times {
    pub iat: Option<f64>,
    pub rat: Option<f64>,
    pub exp: Option<f64>,
}

/// A decoded token: the header and payload as validated JSON text (for `JSON.parse` on the JS
/// side, which keeps every claim as it came) and the time claims.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub header: String,
    pub payload: String,
    pub times: Times,
}

const E_SEGMENTS: Error = Error::new(Code::TokenMalformed, "a token has exactly three dot-separated segments");
const E_EMPTY_HEADER: Error = Error::new(Code::TokenMalformed, "the token's header segment is empty");
const E_EMPTY_PAYLOAD: Error = Error::new(Code::TokenMalformed, "the token's payload segment is empty");
const E_HEADER_OBJECT: Error = Error::new(Code::TokenMalformed, "the token's header is not a JSON object");
const E_BASE64: Error = Error::new(Code::TokenBase64, "a token segment is not base64url");
const E_JSON: Error = Error::new(Code::TokenJson, "a token segment is not UTF-8 JSON");
const E_PAYLOAD_OBJECT: Error = Error::new(Code::TokenClaims, "the token's payload is not a JSON object");
const E_TIME_CLAIM: Error = Error::new(Code::TokenClaims, "the token's iat, rat or exp claim is not a finite number");

impl From<SyntaxError> for Error {
    fn from(_: SyntaxError) -> Self {
        E_JSON
    }
}

/// Splits a token into exactly three segments.
fn segments(token: &str) -> Result<[&str; 3], Error> {
    let mut it = token.split('.');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => Ok([h, p, s]),
        _ => Err(E_SEGMENTS),
    }
}

fn segment_text(segment: &str) -> Result<String, Error> {
    let bytes: Vec<u8> = base64url::decode(segment.as_bytes()).map_err(|_| E_BASE64)?;
    String::from_utf8(bytes).map_err(|_| E_JSON)
}

/// Reads a time claim: a finite JSON number.
fn time_claim(m: &Member<'_>) -> Result<f64, Error> {
    if m.kind != Kind::Number {
        return Err(E_TIME_CLAIM);
    }
    let v: f64 = ::core::str::from_utf8(m.value)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(E_TIME_CLAIM)?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(E_TIME_CLAIM)
    }
}

/// Decodes a JWT strictly: exactly three segments, a non-empty header and payload, every
/// segment base64url, header and payload UTF-8 JSON objects, `iat`/`rat`/`exp` finite numbers
/// where present (the last one wins when a claim is repeated, as with `JSON.parse`).
pub fn decode(token: &str) -> Result<Decoded, Error> {
    let [h, p, s] = segments(token)?;
    if h.is_empty() {
        return Err(E_EMPTY_HEADER);
    }
    if p.is_empty() {
        return Err(E_EMPTY_PAYLOAD);
    }
    base64url::validate(s.as_bytes()).map_err(|_| E_BASE64)?;
    let header = segment_text(h)?;
    let payload = segment_text(p)?;
    if json::scan(&header, |_| Ok::<(), Error>(()))? != Kind::Object {
        return Err(E_HEADER_OBJECT);
    }
    let times = payload_times(&payload)?;
    Ok(Decoded { header, payload, times })
}

/// Validates a payload's JSON text and reads its time claims.
pub fn payload_times(payload: &str) -> Result<Times, Error> {
    let mut times = Times::default();
    let kind = json::scan(payload, |m| {
        let slot = if m.key_is("iat") {
            &mut times.iat
        } else if m.key_is("rat") {
            &mut times.rat
        } else if m.key_is("exp") {
            &mut times.exp
        } else {
            return Ok(());
        };
        *slot = Some(time_claim(&m)?);
        Ok::<(), Error>(())
    })?;
    if kind != Kind::Object {
        return Err(E_PAYLOAD_OBJECT);
    }
    Ok(times)
}

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
