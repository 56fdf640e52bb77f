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
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::audience::Audience;
use crate::backoff::{Backoff, Failure, CAP_S};
use crate::error::Code;
use crate::nadeo::{self, TimesOf, TokenAnswer, Tokens};
use crate::secret;
use crate::shape::lenient;

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

/// A store value as JSON holds it. Written by serde (serde-wasm-bindgen and `JSON.stringify`
/// in the wasm build, serde_json natively) and read back leniently: every part is optional and
/// a part of the wrong type reads as absent. [`read`] then checks what the parts say.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The format's version (1); written, not read (there has been no other).
    #[serde(skip_deserializing)]
    pub v: u32,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub access_token: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub refresh_token: Option<String>,
    #[serde(
        rename = "after401",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub after_401: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub backoff: Option<BackoffRecord>,
}

/// The tokens redacted: a store value is printed while debugging, never shown whole.
impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("v", &self.v)
            .field("access_token", &secret::optional(&self.access_token))
            .field("refresh_token", &secret::optional(&self.refresh_token))
            .field("after_401", &self.after_401)
            .field("backoff", &self.backoff)
            .finish()
    }
}

/// The backoff part of a [`Record`]: `failures`, `notBeforeMs` and `code` are needed for it to
/// count; a bad `status` or `body` is dropped on its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackoffRecord {
    #[serde(default, deserialize_with = "lenient")]
    pub failures: Option<u32>,
    #[serde(default, deserialize_with = "lenient")]
    pub not_before_ms: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub status: Option<u16>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub body: Option<String>,
}

/// The value to store.
pub fn record(pair: Option<&Tokens>, after_401: bool, backoff: &Backoff) -> Record {
    let backoff = match (backoff.failures > 0, &backoff.last) {
        (true, Some(last)) => Some(BackoffRecord {
            failures: Some(backoff.failures),
            not_before_ms: Some((backoff.not_before.max(0.0) * 1000.0) as u64),
            code: Some(last.code.as_str().into()),
            status: last.status,
            body: last.body.clone(),
        }),
        _ => None,
    };
    Record {
        v: 1,
        access_token: pair.map(|p| p.access_token.clone()),
        refresh_token: pair.map(|p| p.refresh_token.clone()),
        after_401: (pair.is_some() && after_401).then_some(true),
        backoff,
    }
}

/// The backoff of a record's part, or the default when it lacks what it needs.
fn backoff(part: BackoffRecord) -> Backoff {
    let (Some(failures), Some(not_before_ms), Some(code)) = (
        part.failures.filter(|&n| n > 0),
        part.not_before_ms,
        part.code.as_deref().and_then(Code::parse),
    ) else {
        return Backoff::default();
    };
    Backoff {
        failures,
        not_before: not_before_ms as f64 / 1000.0,
        last: Some(Failure::new(code, part.status, part.body.as_deref())),
    }
}

/// What a stored record says; what is missing or garbage is left empty (a store that holds
/// garbage degrades to a login, never to an error or a block).
pub fn read(record: Record, times_of: TimesOf<'_>) -> Stored {
    let answer = TokenAnswer {
        access_token: record.access_token,
        refresh_token: record.refresh_token,
    };
    let pair = nadeo::tokens_from_answer(answer, None, times_of).ok();
    Stored {
        after_401: pair.is_some() && record.after_401 == Some(true),
        pair,
        backoff: record.backoff.map(backoff).unwrap_or_default(),
    }
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
