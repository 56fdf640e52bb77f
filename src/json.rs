//! JSON text to the core's typed values and back in the wasm build: `JSON.parse` (js_sys) builds the
//! value, and its fields are read into the core's serde shapes by the rules those shapes
//! state (core/src/shape.rs: a field of the wrong type reads as absent where the shape
//! tolerates it). Natively the same shapes are filled by serde_json (core/src/native_json.rs),
//! and the core's tests hold those rules.
//!
//! Why not `serde_wasm_bindgen::from_value`: its deserializer's type errors format serde's
//! `Unexpected`, which links Rust's float formatting into the wasm; reading a few named fields
//! off the parsed object links nothing of the kind.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

use super::broker::Held;
use super::failure::Failure;
use super::interop::is_plain_object;
use crate::core::nadeo;
use crate::core::oauth::{self, NameMap, Seconds, UserAnswer};
use crate::core::openplanet;
use crate::core::store::{BackoffRecord, Record};
use crate::core::Code;

/// `JSON.parse(text)` when it is an object (not an array).
fn parse_object(text: &str) -> Option<Object> {
    plain_object(JSON::parse(text).ok()?)
}

fn plain_object(v: JsValue) -> Option<Object> {
    is_plain_object(&v).then(|| v.unchecked_into())
}

fn field(o: &Object, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(o: &Object, key: &str) -> Option<String> {
    field(o, key).as_string()
}

/// A non-negative integer field of at most `max`, as serde reads `u16`/`u32`/`u64`.
fn integer(o: &Object, key: &str, max: f64) -> Option<f64> {
    field(o, key)
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=max).contains(n))
}

/// A Nadeo token answer's body; `None` when it is not a JSON object.
pub fn nadeo_answer(text: &str) -> Option<nadeo::TokenAnswer> {
    let o = parse_object(text)?;
    Some(nadeo::TokenAnswer {
        access_token: string(&o, "accessToken"),
        refresh_token: string(&o, "refreshToken"),
    })
}

/// An OAuth grant's answer body; `None` when it is not a JSON object.
pub fn oauth_answer(text: &str) -> Option<oauth::TokenAnswer> {
    let o = parse_object(text)?;
    let expires_in = field(&o, "expires_in");
    let expires_in = match (expires_in.as_f64(), expires_in.as_string()) {
        (Some(n), _) => Some(Seconds::Number(n)),
        (_, Some(s)) => Some(Seconds::Text(s)),
        _ => None,
    };
    Some(oauth::TokenAnswer {
        access_token: string(&o, "access_token"),
        refresh_token: string(&o, "refresh_token"),
        token_type: string(&o, "token_type"),
        expires_in,
        scope: string(&o, "scope"),
    })
}

/// A lookup answer: an object of strings, or `[]`.
pub fn name_map(text: &str) -> Option<NameMap> {
    let v = JSON::parse(text).ok()?;
    if Array::is_array(&v) {
        return (Array::from(&v).length() == 0).then(NameMap::default);
    }
    if !v.is_object() {
        return None;
    }
    let entries = Object::entries(v.unchecked_ref());
    let mut pairs = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry: Array = entry.unchecked_into();
        pairs.push((entry.get(0).as_string()?, entry.get(1).as_string()?));
    }
    Some(NameMap(pairs))
}

/// `/api/user`'s answer: both fields strings.
pub fn user_answer(text: &str) -> Option<UserAnswer> {
    let o = parse_object(text)?;
    Some(UserAnswer {
        account_id: string(&o, "accountId")?,
        display_name: string(&o, "displayName")?,
    })
}

/// Openplanet's validation answer; `None` when it is not a JSON object.
pub fn openplanet_answer(text: &str) -> Option<openplanet::Answer> {
    let o = parse_object(text)?;
    Some(openplanet::Answer {
        account_id: string(&o, "account_id"),
        display_name: string(&o, "display_name"),
        token_time: field(&o, "token_time").as_f64(),
        error: string(&o, "error"),
    })
}

/// A stored value; `None` when it is not a JSON object.
pub fn record(text: &str) -> Option<Record> {
    let o = parse_object(text)?;
    let backoff = plain_object(field(&o, "backoff")).map(|b| backoff_record(&b));
    Some(Record {
        access_token: string(&o, "accessToken"),
        refresh_token: string(&o, "refreshToken"),
        after_401: field(&o, "after401").as_bool(),
        backoff,
        ..Record::default()
    })
}

fn backoff_record(o: &Object) -> BackoffRecord {
    BackoffRecord {
        failures: integer(o, "failures", f64::from(u32::MAX)).map(|n| n as u32),
        not_before_ms: integer(o, "notBeforeMs", 9_007_199_254_740_991.0).map(|n| n as u64),
        code: string(o, "code"),
        status: integer(o, "status", f64::from(u16::MAX)).map(|n| n as u16),
        body: string(o, "body"),
    }
}

/// The token broker's answer (broker.rs): its pair, or the failure it relayed; `None` when it
/// is neither.
pub(crate) fn broker_answer(text: &str) -> Option<Result<Held, Failure>> {
    let o = parse_object(text)?;
    if let Some(access_token) = string(&o, "accessToken") {
        return Some(Ok(Held {
            access_token,
            refresh_token: string(&o, "refreshToken").unwrap_or_default(),
            after_401: field(&o, "after401").as_bool().unwrap_or(false),
            service_now: field(&o, "serviceNow").as_f64().filter(|n| n.is_finite()),
        }));
    }
    relayed(&o)
}

/// The player broker's answer: `{ tokens: "<store record as JSON text>", serviceNow }` (the
/// record, and the broker's reckoning of the service's time where it sent one), or the failure
/// it relayed; `None` when it is neither.
pub(crate) fn broker_player_answer(text: &str) -> Option<Result<(String, Option<f64>), Failure>> {
    let o = parse_object(text)?;
    if let Some(record) = string(&o, "tokens") {
        let service_now = field(&o, "serviceNow").as_f64().filter(|n| n.is_finite());
        return Some(Ok((record, service_now)));
    }
    relayed(&o)
}

/// `{ error: { code, message, status?, body?, retryAfter? } }` as the broker relays a failure.
fn relayed<T>(o: &Object) -> Option<Result<T, Failure>> {
    let e = plain_object(field(o, "error"))?;
    let body = field(&e, "body");
    Some(Err(Failure::Relayed {
        code: string(&e, "code").and_then(|c| Code::parse(&c))?,
        message: string(&e, "message")?,
        status: integer(&e, "status", f64::from(u16::MAX)).map(|n| n as u16),
        body: if body.is_undefined() {
            None
        } else {
            JSON::stringify(&body).ok().and_then(|b| b.as_string())
        },
        retry_after: field(&e, "retryAfter").as_f64(),
    }))
}

/// A player's pair as TrackmaniaUserClient stores it (player.rs): the tokens and `expiresAt`;
/// `None` unless it has an access token and a finite `expiresAt`.
pub(crate) fn player_record(text: &str) -> Option<(oauth::OAuthTokens, f64)> {
    let o = parse_object(text)?;
    let expires_at = field(&o, "expiresAt").as_f64().filter(|n| n.is_finite())?;
    Some((
        oauth::OAuthTokens {
            access_token: string(&o, "accessToken").filter(|t| !t.is_empty())?,
            refresh_token: string(&o, "refreshToken"),
            expires_in: field(&o, "expiresIn").as_f64().unwrap_or(0.0),
            scope: string(&o, "scope"),
        },
        expires_at,
    ))
}

/// The `error` of an OAuth error body (`{"error":"invalid_grant",...}`), if it has one.
pub(crate) fn oauth_error(body: &str) -> Option<String> {
    string(&parse_object(body)?, "error")
}

/// A shape's JSON text (a login body, a store value): serde-wasm-bindgen, then
/// `JSON.stringify`.
pub fn to_text<T: serde::Serialize>(value: &T) -> Option<String> {
    let v = serde_wasm_bindgen::to_value(value).ok()?;
    JSON::stringify(&v).ok()?.as_string()
}
