//! Strict JWT decoding (no signature check: the key is Nadeo's) and token times.

use alloc::string::String;
use alloc::vec::Vec;

use super::base64url;
use super::error::{Code, Error};
use super::json::{self, Kind, Member};

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
pub const E_HEADER_OBJECT: Error = Error::new(Code::TokenMalformed, "the token's header is not a JSON object");
const E_BASE64: Error = Error::new(Code::TokenBase64, "a token segment is not base64url");
pub const E_JSON: Error = Error::new(Code::TokenJson, "a token segment is not UTF-8 JSON");
pub const E_PAYLOAD_OBJECT: Error = Error::new(Code::TokenClaims, "the token's payload is not a JSON object");
pub const E_TIME_CLAIM: Error = Error::new(Code::TokenClaims, "the token's iat, rat or exp claim is not a finite number");

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

/// The checks of a token before its JSON: exactly three segments, neither header nor payload
/// empty, the signature base64url, header and payload base64url of UTF-8. Returns the header's
/// and the payload's text. The wasm build hands these to `JSON.parse` and checks the values
/// as [`decode_with`] checks the text (`E_HEADER_OBJECT`, `E_PAYLOAD_OBJECT`, `E_TIME_CLAIM`).
pub fn segment_texts(token: &str) -> Result<(String, String), Error> {
    let [h, p, s] = segments(token)?;
    if h.is_empty() {
        return Err(E_EMPTY_HEADER);
    }
    if p.is_empty() {
        return Err(E_EMPTY_PAYLOAD);
    }
    base64url::validate(s.as_bytes()).map_err(|_| E_BASE64)?;
    Ok((segment_text(h)?, segment_text(p)?))
}

/// Exact powers of ten representable in an f64 (10^0 to 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Converts a JSON number (already validated) exactly, when that is cheap: a decimal mantissa
/// of at most 2^53 scaled by 10^-22..10^22 is one correctly rounded IEEE operation (Clinger's
/// fast path), which covers every time claim ever seen. `None` means "use the slow path".
pub fn fast_number(text: &[u8]) -> Option<f64> {
    let (neg, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut mantissa: u64 = 0;
    let mut exp10: i64 = 0;
    let mut i = 0;
    let mut in_fraction = false;
    while let Some(&b) = text.get(i) {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                if in_fraction {
                    exp10 -= 1;
                }
            }
            b'.' => in_fraction = true,
            _ => break,
        }
        i += 1;
    }
    if let Some(b'e' | b'E') = text.get(i) {
        let exp_text = &text[i + 1..];
        let (sign, digits) = match exp_text.split_first() {
            Some((b'-', d)) => (-1, d),
            Some((b'+', d)) => (1, d),
            _ => (1, exp_text),
        };
        if digits.len() > 6 {
            return None;
        }
        let mut e: i64 = 0;
        for &d in digits {
            e = e * 10 + i64::from(d.wrapping_sub(b'0'));
        }
        exp10 += sign * e;
    }
    let v = if mantissa == 0 {
        0.0
    } else if mantissa > 1 << 53 {
        return None;
    } else if (0..=22).contains(&exp10) {
        mantissa as f64 * POW10[exp10 as usize]
    } else if (-22..0).contains(&exp10) {
        mantissa as f64 / POW10[(-exp10) as usize]
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

/// Reads a time claim: a finite JSON number.
fn time_claim(m: &Member<'_>, slow: &dyn Fn(&str) -> Option<f64>) -> Result<f64, Error> {
    if m.kind != Kind::Number {
        return Err(E_TIME_CLAIM);
    }
    let v = match fast_number(m.value) {
        Some(v) => v,
        None => ::core::str::from_utf8(m.value).ok().and_then(slow).ok_or(E_TIME_CLAIM)?,
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(E_TIME_CLAIM)
    }
}

/// Decodes a JWT strictly: exactly three segments, a non-empty header and payload, every
/// segment base64url, header and payload UTF-8 JSON objects, `iat`/`rat`/`exp` finite numbers
/// where present (the last one wins when a claim is repeated, as with `JSON.parse`).
///
/// `slow_number` converts the rare time claim that [`fast_number`] does not (huge mantissas or
/// exponents): the wasm build hands that to JS `Number()` rather than carry Rust's float
/// parser and its tables; native callers pass `|s| s.parse().ok()`.
pub fn decode_with(token: &str, slow_number: &dyn Fn(&str) -> Option<f64>) -> Result<Decoded, Error> {
    let (header, payload) = segment_texts(token)?;
    if json::scan(&header, &mut |_| Ok(())).map_err(|e| e.or(E_JSON))? != Kind::Object {
        return Err(E_HEADER_OBJECT);
    }
    let times = payload_times(&payload, slow_number)?;
    Ok(Decoded { header, payload, times })
}

/// [`decode_with`] with Rust's own float parser for the slow path.
pub fn decode(token: &str) -> Result<Decoded, Error> {
    decode_with(token, &|s| s.parse().ok())
}

/// Validates a payload's JSON text and reads its time claims.
pub fn payload_times(payload: &str, slow_number: &dyn Fn(&str) -> Option<f64>) -> Result<Times, Error> {
    let mut times = Times::default();
    let kind = json::scan(payload, &mut |m| {
        let slot = if m.key_is("iat") {
            &mut times.iat
        } else if m.key_is("rat") {
            &mut times.rat
        } else if m.key_is("exp") {
            &mut times.exp
        } else {
            return Ok(());
        };
        *slot = Some(time_claim(&m, slow_number)?);
        Ok(())
    })
    .map_err(|e| e.or(E_JSON))?;
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
