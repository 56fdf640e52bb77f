//! The one HTTP primitive: a Nadeo auth request sent through `fetch` (the global one or
//! `options.fetch`), with a timeout and the caller's signal; the answer checked by the core.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::glue::{fetch_of, http_call, http_error, invalid, js_number, number_option, option, to_js};
use crate::core::backoff;
use crate::core::nadeo::{self, Request, Tokens};

pub(crate) const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// setTimeout's limit.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// The transport options every network call takes.
#[derive(Clone)]
pub(crate) struct Transport {
    pub fetch: JsValue,
    pub signal: JsValue,
    pub timeout_ms: f64,
}

impl Transport {
    /// Reads `fetch`, `signal` and `timeoutMs` from an options object.
    pub fn read(options: &JsValue) -> Result<Transport, JsValue> {
        let custom = option(options, "fetch")?.unwrap_or(JsValue::UNDEFINED);
        let fetch = fetch_of(&custom);
        if fetch.is_undefined() {
            return Err(invalid("options.fetch must be a function (and there is no global fetch)"));
        }
        let signal = option(options, "signal")?.unwrap_or(JsValue::UNDEFINED);
        if !signal.is_undefined() && !signal.is_object() {
            return Err(invalid("options.signal must be an AbortSignal"));
        }
        let timeout_ms = number_option(options, "timeoutMs")?
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        if !(timeout_ms > 0.0 && timeout_ms <= MAX_TIMEOUT_MS) {
            return Err(invalid("options.timeoutMs must be a positive number of milliseconds"));
        }
        Ok(Transport { fetch, signal, timeout_ms })
    }
}

/// An answer: status, Retry-After, body text.
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub text: String,
}

pub(crate) async fn send(t: &Transport, method: &str, url: &str, headers: &str, body: Option<String>) -> Result<Answer, JsValue> {
    let promise = http_call(&t.fetch, method, url, headers, body, t.timeout_ms, &t.signal);
    let out = JsFuture::from(promise).await?;
    let parts = js_sys::Array::from(&out);
    let status = parts.get(0).as_f64().unwrap_or(0.0) as u16;
    let retry_after = parts.get(1).as_string();
    let text = parts.get(2).as_string().unwrap_or_default();
    Ok(Answer { status, retry_after, text })
}

/// The headers of a Nadeo auth request, `name\nvalue\n…`: exactly the documented ones.
pub(crate) fn auth_headers(req: &Request) -> String {
    let mut h = String::with_capacity(req.authorization.len() + req.user_agent.len() + 64);
    h.push_str("Authorization\n");
    h.push_str(&req.authorization);
    h.push_str("\nUser-Agent\n");
    h.push_str(&req.user_agent);
    if req.json_body.is_some() {
        h.push_str("\nContent-Type\napplication/json");
    }
    h
}

/// A Nadeo auth answer: a token pair, or the error its status maps to (with `status`, the
/// parsed `body` and `retryAfter`).
pub(crate) fn check_tokens(a: &Answer, previous_refresh: Option<&str>) -> Result<Tokens, JsValue> {
    if (200..300).contains(&a.status) {
        return nadeo::tokens_from_body(&a.text, previous_refresh, &js_number).map_err(to_js);
    }
    Err(status_error(a.status, &a.text, a.retry_after.as_deref(), nadeo::status_code(a.status)))
}

/// The error of a non-2xx answer, `retryAfter` set on 429 and 503.
pub(crate) fn status_error(status: u16, text: &str, retry_after: Option<&str>, (code, message): (crate::core::Code, &str)) -> JsValue {
    let now = js_sys::Date::now() / 1000.0;
    let retry = retry_after.and_then(|v| backoff::retry_after(v, now)).filter(|_| matches!(status, 429 | 503));
    http_error(code.as_str(), message, status, text, retry)
}

/// Sends a Nadeo auth request and checks the answer.
pub(crate) async fn tokens(t: &Transport, req: &Request, previous_refresh: Option<&str>) -> Result<Tokens, JsValue> {
    let a = send(t, "POST", &req.url, &auth_headers(req), req.json_body.clone()).await?;
    check_tokens(&a, previous_refresh)
}
