//! The one error type of the bindings. Everything that fails in the wasm layer fails with a
//! [`Failure`], a typed value that policy decisions match on (the backoff records its code,
//! status and wait; a refused refresh becomes a login; a flight shares it with its waiters).
//! It becomes a JS `NadeoAuthError` in one place, at the edge: `From<Failure> for JsValue`.
//!
//! Messages are static text plus facts that are never secret (the status, the server's own
//! words from the JSON fields that carry them, the usual fix, the seconds to wait), so no
//! password, secret or token can reach one.

use alloc::string::String;

use wasm_bindgen::prelude::*;

#[cfg(feature = "full")]
use crate::core::backoff;
use crate::core::{Code, Error};

/// Why a call failed.
#[derive(Clone)]
pub enum Failure {
    /// A rule of the core (or of the bindings) refused something.
    Core(Error),
    /// An option of the wrong type: "options.<key> must be <what>" (`INVALID_ARGUMENT`).
    BadOption { key: String, what: String },
    /// The caller's `AbortSignal` fired (`reason`: its reason, kept as the cause).
    Aborted { reason: JsValue },
    /// A sign-in the player (or the server) refused: `error=` on the redirect.
    Denied {
        error: String,
        description: Option<String>,
    },
    /// No answer within the timeout.
    #[cfg(feature = "full")]
    Timeout { message: &'static str },
    /// `fetch` threw or the answer could not be read (`cause`: what the runtime said).
    #[cfg(feature = "full")]
    Network {
        message: &'static str,
        cause: JsValue,
    },
    /// An answer the protocol does not allow: a non-2xx status (the code it maps to), or a
    /// 2xx too large to read. `body` is the answer's text; `retry_after` the server's wait.
    #[cfg(feature = "full")]
    Answer {
        code: Code,
        message: &'static str,
        status: u16,
        body: String,
        retry_after: Option<f64>,
    },
    /// A 2xx answer larger than the cap (1 MiB): `BAD_RESPONSE`, and the rest never read.
    #[cfg(feature = "full")]
    Oversize { status: u16 },
    /// A call refused while auth attempts back off: the last failure, and the whole seconds
    /// until the next attempt.
    #[cfg(feature = "full")]
    Backoff {
        last: backoff::Failure,
        retry_after: f64,
    },
    /// The token lifecycle stopped the call (a lost rotation, a dead session, a clock off).
    #[cfg(feature = "full")]
    Stopped(crate::core::lifecycle::Stop),
    /// A failure the fleet's token broker relayed, as it made it (its message has its facts).
    #[cfg(feature = "full")]
    Relayed {
        code: Code,
        message: String,
        status: Option<u16>,
        /// The body as JSON text.
        body: Option<String>,
        retry_after: Option<f64>,
    },
}

/// The code alone: a failure may hold a server's body or a cause, which a print must not show.
impl core::fmt::Debug for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Failure(")?;
        f.write_str(self.code().as_str())?;
        f.write_str(")")
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

/// `INVALID_ARGUMENT` with a static message.
pub(crate) fn invalid(message: &'static str) -> Failure {
    Failure::Core(Error::new(Code::InvalidArgument, message))
}

impl Failure {
    pub fn code(&self) -> Code {
        match self {
            Failure::Core(e) => e.code,
            Failure::BadOption { .. } => Code::InvalidArgument,
            Failure::Aborted { .. } => Code::Aborted,
            Failure::Denied { .. } => Code::OAuthDenied,
            #[cfg(feature = "full")]
            Failure::Timeout { .. } => Code::Timeout,
            #[cfg(feature = "full")]
            Failure::Network { .. } => Code::Network,
            #[cfg(feature = "full")]
            Failure::Answer { code, .. } | Failure::Relayed { code, .. } => *code,
            #[cfg(feature = "full")]
            Failure::Oversize { .. } => Code::BadResponse,
            #[cfg(feature = "full")]
            Failure::Backoff { last, .. } => last.code,
            #[cfg(feature = "full")]
            Failure::Stopped(stop) => stop.code(),
        }
    }
}

#[cfg(feature = "full")]
impl Failure {
    /// The HTTP status, where an answer came back.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Answer { status, .. } | Failure::Oversize { status } => Some(*status),
            Failure::Backoff { last, .. } => last.status,
            Failure::Relayed { status, .. } => *status,
            _ => None,
        }
    }

    /// Seconds to wait, where the server (or the broker's backoff) said.
    pub fn retry_after(&self) -> Option<f64> {
        match self {
            Failure::Answer { retry_after, .. } | Failure::Relayed { retry_after, .. } => {
                *retry_after
            }
            Failure::Backoff { retry_after, .. } => Some(*retry_after),
            Failure::Stopped(stop) => stop.retry_after(),
            _ => None,
        }
    }

    /// The error body as JSON text (what the store keeps with a failure), if any.
    pub fn body_json(&self) -> Option<String> {
        match self {
            Failure::Answer { body, .. } => {
                js_sys::JSON::stringify(&parse_body(body)).ok()?.as_string()
            }
            Failure::Backoff { last, .. } => last.body.clone(),
            Failure::Relayed { body, .. } => body.clone(),
            _ => None,
        }
    }

    /// The same failure, with the broker's words for a network failure or timeout of the
    /// internal call.
    pub fn of_broker(self) -> Failure {
        match self {
            Failure::Network { cause, .. } => Failure::Network {
                message: "the token broker (Durable Object) could not be reached",
                cause,
            },
            Failure::Timeout { .. } => Failure::Timeout {
                message: "the token broker gave no answer within timeoutMs",
            },
            other => other,
        }
    }
}

#[wasm_bindgen(module = "/src/js/values.js")]
extern "C" {
    /// A `NadeoAuthError` with the facts that are known (`undefined` for the others): every
    /// error the wasm makes is made here, by `From`.
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(
        code: &str,
        message: &str,
        status: Option<f64>,
        body: &JsValue,
        retry_after: Option<f64>,
        cause: &JsValue,
    ) -> JsValue;
    /// `{ error, error_description }`, the body of OAUTH_DENIED.
    #[wasm_bindgen(js_name = makeDeniedBody)]
    fn make_denied_body(error: &str, description: Option<&str>) -> JsValue;
}

/// The edge: a [`Failure`] as a JS `NadeoAuthError` (`code`, `message`, and `status`, `body`,
/// `retryAfter`, `cause` where they are known).
impl From<Failure> for JsValue {
    fn from(f: Failure) -> JsValue {
        let code = f.code();
        // The page entry's failures carry no status and no wait.
        #[cfg_attr(not(feature = "full"), allow(unused_mut))]
        let mut status: Option<u16> = None;
        let mut body = JsValue::UNDEFINED;
        #[cfg_attr(not(feature = "full"), allow(unused_mut))]
        let mut retry_after: Option<f64> = None;
        let mut cause = JsValue::UNDEFINED;
        let message: String = match f {
            Failure::Core(e) => e.message.into(),
            Failure::BadOption { key, what } => {
                let mut m = String::from("options.");
                m.push_str(&key);
                m.push_str(" must be ");
                m.push_str(&what);
                m
            }
            Failure::Aborted { reason } => {
                cause = reason;
                "the call was aborted".into()
            }
            Failure::Denied { error, description } => {
                body = make_denied_body(&error, description.as_deref());
                crate::core::oauth::E_DENIED.message.into()
            }
            #[cfg(feature = "full")]
            Failure::Timeout { message } => message.into(),
            #[cfg(feature = "full")]
            Failure::Network { message, cause: c } => {
                cause = c;
                message.into()
            }
            #[cfg(feature = "full")]
            Failure::Answer {
                message,
                status: s,
                body: b,
                retry_after: r,
                ..
            } => {
                (status, body, retry_after) = (Some(s), parse_body(&b), r);
                facts(message, status, &body, retry_after)
            }
            #[cfg(feature = "full")]
            Failure::Oversize { status: s } => {
                status = Some(s);
                "the answer is larger than 1 MiB".into()
            }
            #[cfg(feature = "full")]
            Failure::Backoff {
                last,
                retry_after: r,
            } => {
                body = last.body.as_deref().map_or(JsValue::UNDEFINED, parse_body);
                (status, retry_after) = (last.status, Some(r));
                facts(
                    "the last auth attempt failed, so auth calls are in backoff",
                    status,
                    &body,
                    retry_after,
                )
            }
            #[cfg(feature = "full")]
            Failure::Stopped(stop) => {
                retry_after = stop.retry_after();
                let mut m = String::from(stop.message());
                if let crate::core::lifecycle::Stop::ClockOff { offset, .. } = stop {
                    m.push(' ');
                    push_number(&mut m, (offset.abs() / 3600.0) as u64);
                    // The service's clock ahead of the caller's: the caller is behind.
                    m.push_str(if offset > 0.0 { " behind" } else { " ahead" });
                }
                m
            }
            #[cfg(feature = "full")]
            Failure::Relayed {
                message,
                status: s,
                body: b,
                retry_after: r,
                ..
            } => {
                body = b.as_deref().map_or(JsValue::UNDEFINED, parse_body);
                (status, retry_after) = (s, r);
                message
            }
        };
        make_error(
            code.as_str(),
            &message,
            status.map(f64::from),
            &body,
            retry_after,
            &cause,
        )
    }
}

/// An answer's body: its JSON where it is JSON (a Core object, a Live/Meet string array, an
/// OAuth object), else the text.
#[cfg(feature = "full")]
fn parse_body(text: &str) -> JsValue {
    if text.is_empty() {
        return JsValue::from_str(text);
    }
    js_sys::JSON::parse(text).unwrap_or_else(|_| JsValue::from_str(text))
}

/// Known server words, and what usually fixes them.
#[cfg(feature = "full")]
const FIXES: [(&str, &str); 1] = [(
    "Username could not be found.",
    "use the account's login, not its account ID",
)];

/// `message (401 Username could not be found.; use the account's login, not its account ID;
/// no new attempt for 8 s)`: the status with the server's own words (from the JSON fields
/// that carry them, cut short; never a text body, which may be a proxy's page echoing the
/// request), the usual fix, the wait.
#[cfg(feature = "full")]
fn facts(message: &str, status: Option<u16>, body: &JsValue, retry_after: Option<f64>) -> String {
    let said = server_words(body);
    let mut parts: Vec<String> = Vec::new();
    if let Some(status) = status {
        let mut part = String::new();
        if said.is_none() {
            part.push_str("HTTP ");
        }
        push_number(&mut part, status.into());
        if let Some(said) = &said {
            part.push(' ');
            part.extend(said.chars().take(200));
        }
        parts.push(part);
    }
    if let Some((_, fix)) = FIXES
        .iter()
        .find(|(words, _)| said.as_deref() == Some(*words))
    {
        parts.push((*fix).into());
    }
    if let Some(wait) = retry_after {
        let mut part = String::from("no new attempt for ");
        push_number(&mut part, wait as u64);
        part.push_str(" s");
        parts.push(part);
    }
    let mut out = String::from(message);
    if !parts.is_empty() {
        out.push_str(" (");
        out.push_str(&parts.join("; "));
        out.push(')');
    }
    out
}

/// What the server said in its error body: a Live/Meet array of strings joined, or the first
/// non-empty string of `message`, `error_description`, `error`.
#[cfg(feature = "full")]
fn server_words(body: &JsValue) -> Option<String> {
    if js_sys::Array::is_array(body) {
        let items: Vec<String> = js_sys::Array::from(body)
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        return (!items.is_empty()).then(|| items.join(", "));
    }
    if !body.is_object() {
        return None;
    }
    ["message", "error_description", "error"]
        .iter()
        .find_map(|key| {
            js_sys::Reflect::get(body, &JsValue::from_str(key))
                .ok()?
                .as_string()
                .filter(|s| !s.is_empty())
        })
}

/// Appends `n` in decimal (no formatting machinery: it would weigh on the wasm).
#[cfg(feature = "full")]
fn push_number(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(*d as char);
    }
}
