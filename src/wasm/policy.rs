//! The failure policy at the JS boundary: a failed attempt's `NadeoAuthError` recorded into a
//! core [`Backoff`], and the error handed to callers while the backoff lasts (no network).
//! The policy itself is `crate::core::backoff`; `NadeoClient` and `TrackmaniaApi` both use
//! these two functions.

use wasm_bindgen::prelude::*;

use super::glue::backoff_error;
use crate::core::backoff::{self, Backoff, Failure};
use crate::core::Code;

fn field(err: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(err, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Records the failure `err` of an attempt made at `now` (seconds); returns whether it
/// counted (a caller's abort does not).
pub(crate) fn record(b: &mut Backoff, now: f64, err: &JsValue) -> bool {
    // Anything that is not a NadeoAuthError (it cannot happen, but a user's fetch may throw
    // anything) counts as a network failure.
    let code = field(err, "code")
        .as_string()
        .and_then(|c| Code::parse(&c))
        .unwrap_or(Code::Network);
    if !backoff::counts(code) {
        return false;
    }
    let status = field(err, "status")
        .as_f64()
        .filter(|s| (100.0..1000.0).contains(s))
        .map(|s| s as u16);
    let body = field(err, "body");
    let body = if body.is_undefined() {
        None
    } else {
        js_sys::JSON::stringify(&body)
            .ok()
            .and_then(|s| s.as_string())
    };
    let retry_after = field(err, "retryAfter").as_f64();
    b.failed(
        now,
        Failure::new(code, status, body.as_deref()),
        retry_after,
        js_sys::Math::random(),
    );
    // A wait decided elsewhere (a token broker's backoff, relayed as retryAfter whatever the
    // status) is held too.
    if let Some(wait) = retry_after {
        b.hold(now, wait);
    }
    true
}

/// The error of a call made while the backoff lasts: the last failure's code, status and
/// body, and `retryAfter` = whole seconds until the next attempt is allowed.
pub(crate) fn blocked(b: &Backoff, now: f64) -> Option<JsValue> {
    let wait = b.wait(now)?;
    let last = b.last.as_ref()?;
    Some(backoff_error(
        last.code.as_str(),
        last.status,
        last.body.as_deref(),
        ceil(wait),
    ))
}

/// `f64::ceil` is not in `core`: whole seconds, rounded up, for positive waits.
fn ceil(x: f64) -> f64 {
    let t = x as u64 as f64;
    if t < x {
        t + 1.0
    } else {
        t
    }
}
