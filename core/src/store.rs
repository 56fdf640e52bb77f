//! What a client keeps in its store (a Cloudflare KV namespace or any get/put object), one
//! value per login and audience: the token pair, whether that pair came from a renewal made
//! because an API answered 401 (a 401 to it is then final), and the failure backoff, so
//! clients sharing the store back off together. Never a password: the key names the login
//! and the audience, the value holds tokens and failure data only.
//!
//! `{"v":1,"accessToken":"…","refreshToken":"…","after401":true,
//!   "backoff":{"failures":2,"notBeforeMs":1900000001500,"code":"HTTP","status":500,"body":"…"}}`
//!
//! Every part is optional on reading, and a part that is garbage is dropped on its own: a
//! store that holds garbage degrades to a login, never to an error or a block.

use alloc::string::String;

use crate::audience::Audience;
use crate::backoff::{Backoff, Failure, CAP_S};
use crate::error::Code;
use crate::json::{self, Kind};
use crate::nadeo::{self, Tokens};

/// One store value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stored {
    pub pair: Option<Tokens>,
    /// The pair came from a renewal made because an API answered 401 to the one before.
    pub after_401: bool,
    pub backoff: Backoff,
}

/// The store key of a login's state for an audience. Never holds the password.
pub fn key(login: &str, audience: Audience) -> String {
    let mut k = String::from("nadeo-auth:v1:");
    k.push_str(audience.as_str());
    k.push(':');
    k.push_str(login);
    k
}

fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits.iter().skip(i) {
        out.push(char::from(d));
    }
}

/// The value to store. Tokens are header-safe visible ASCII without quotes or backslashes
/// (checked when they were adopted), so they are written as they are.
pub fn value(pair: Option<&Tokens>, after_401: bool, backoff: &Backoff) -> String {
    let mut out = String::with_capacity(1200);
    out.push_str("{\"v\":1");
    if let Some(p) = pair {
        out.push_str(",\"accessToken\":\"");
        out.push_str(&p.access_token);
        out.push_str("\",\"refreshToken\":\"");
        out.push_str(&p.refresh_token);
        out.push('"');
        if after_401 {
            out.push_str(",\"after401\":true");
        }
    }
    if let (true, Some(last)) = (backoff.failures > 0, &backoff.last) {
        out.push_str(",\"backoff\":{\"failures\":");
        push_uint(&mut out, u64::from(backoff.failures));
        out.push_str(",\"notBeforeMs\":");
        push_uint(&mut out, (backoff.not_before.max(0.0) * 1000.0) as u64);
        out.push_str(",\"code\":\"");
        out.push_str(last.code.as_str());
        out.push('"');
        if let Some(status) = last.status {
            out.push_str(",\"status\":");
            push_uint(&mut out, u64::from(status));
        }
        if let Some(body) = &last.body {
            out.push_str(",\"body\":");
            json::push_string(&mut out, body);
        }
        out.push('}');
    }
    out.push('}');
    out
}

fn uint(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 19 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(raw.iter().fold(0u64, |n, &b| n * 10 + u64::from(b - b'0')))
}

/// The backoff part, or `None` when any of it is garbage.
fn backoff(raw: &[u8]) -> Option<Backoff> {
    let text = ::core::str::from_utf8(raw).ok()?;
    let (mut failures, mut not_before_ms, mut code, mut status, mut body) = (None, None, None, None, None);
    let kind = json::scan(text, &mut |m| {
        if m.key_is("failures") {
            failures = uint(m.value).and_then(|n| u32::try_from(n).ok());
        } else if m.key_is("notBeforeMs") {
            not_before_ms = uint(m.value);
        } else if m.key_is("code") {
            code = json::string_value(m.value).and_then(|c| Code::parse(&c));
        } else if m.key_is("status") {
            status = uint(m.value).and_then(|n| u16::try_from(n).ok());
        } else if m.key_is("body") {
            body = json::string_value(m.value);
        }
        Ok(())
    })
    .ok()?;
    (kind == Kind::Object).then_some(())?;
    let last = Failure::new(code?, status, body.as_deref());
    Some(Backoff { failures: failures.filter(|&n| n > 0)?, not_before: not_before_ms? as f64 / 1000.0, last: Some(last) })
}

/// Reads a stored value; what is missing or garbage is left empty.
pub fn read(value: &str, slow: &dyn Fn(&str) -> Option<f64>) -> Stored {
    let mut out = Stored { pair: nadeo::tokens_from_body(value, None, slow).ok(), ..Stored::default() };
    let _ = json::scan(value, &mut |m| {
        if m.key_is("after401") {
            out.after_401 = m.kind == Kind::Bool && m.value == b"true";
        } else if m.key_is("backoff") && m.kind == Kind::Object {
            out.backoff = backoff(m.value).unwrap_or_default();
        }
        Ok(())
    });
    if out.pair.is_none() {
        out.after_401 = false;
    }
    out
}

/// Seconds a stored value stays useful: the pair until its refresh token dies, the backoff
/// until a cap after its wait (so the next failure still counts as a repeat); at least 60
/// (Cloudflare KV's minimum TTL).
pub fn ttl(pair: Option<&Tokens>, backoff: &Backoff, now: f64) -> f64 {
    let pair_until = pair.map(|p| p.refresh.exp.or(p.access.exp).unwrap_or(now + 3600.0));
    let backoff_until = (backoff.failures > 0).then_some(backoff.not_before + CAP_S);
    let until = match (pair_until, backoff_until) {
        (Some(a), Some(b)) => a.max(b),
        (a, b) => a.or(b).unwrap_or(now),
    };
    (((until - now) as i64) as f64).max(60.0)
}

#[cfg(test)]
mod tests;
