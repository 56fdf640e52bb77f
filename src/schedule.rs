//! Expiry scheduling: whenRefreshable, whenExpired, scheduleRefresh, and the alarms of
//! NadeoClient.startAutoRefresh. This file decides *when* (from the token's claims, through the
//! core); the waiting is the platform's timers, chained for long waits and measured against
//! the wall clock (`src/js/alarm.js`), so the page entry carries no closures of its own.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::failure::{invalid, Failure};
use super::interop::number_option;
use super::timers::signal_option;
use super::token::times_of_token;
use crate::core::lifecycle;
use crate::core::{Code, Error};

#[wasm_bindgen(module = "/src/js/alarm.js")]
extern "C" {
    /// Calls `fire` once at `at_ms` (ms since the epoch); returns the function that cancels it.
    /// (`background`: it never holds a Node, Bun or Deno process open.)
    fn alarm(at_ms: f64, fire: &js_sys::Function, background: bool) -> js_sys::Function;
    /// Resolves at `at_ms`, or rejects with ABORTED when `signal` fires.
    #[wasm_bindgen(js_name = waitUntil)]
    fn wait_until(at_ms: f64, signal: Option<AbortSignal>) -> js_sys::Promise;
}

const E_NO_EXP: Error = Error::new(Code::TokenClaims, "the token has no exp claim");

/// `whenRefreshable(token, { leadSeconds?, signal? })`: resolves at rat - lead (at once when
/// that is past or the token has no rat).
#[wasm_bindgen(js_name = whenRefreshable, skip_typescript)]
pub fn when_refreshable(token: JsValue, options: JsValue) -> js_sys::Promise {
    when(token, options, false)
}

/// `whenExpired(token, { leadSeconds?, signal? })`: resolves at exp - lead. A token without
/// exp never expires: TOKEN_CLAIMS rather than a promise that never settles.
#[wasm_bindgen(js_name = whenExpired, skip_typescript)]
pub fn when_expired(token: JsValue, options: JsValue) -> js_sys::Promise {
    when(token, options, true)
}

fn when(token: JsValue, options: JsValue, expiry: bool) -> js_sys::Promise {
    let start = || -> Result<js_sys::Promise, Failure> {
        let times = times_of_token(&token)?;
        let lead = number_option(&options, "leadSeconds")?.unwrap_or(0.0);
        let signal = signal_option(&options)?;
        let at = if expiry {
            (times.exp.ok_or(E_NO_EXP)? - lead) * 1000.0
        } else {
            times.rat.map_or(0.0, |rat| (rat - lead) * 1000.0)
        };
        Ok(wait_until(at, signal))
    };
    start().unwrap_or_else(|e| js_sys::Promise::reject(&e.into()))
}

/// `scheduleRefresh(token, fn, { marginSeconds?, jitterSeconds? })`: calls `fn` once when the
/// token is due for renewal (marginSeconds before exp, made earlier by a random jitter in
/// [0, jitterSeconds], never before rat; at once if that has passed). Returns a cancel function.
#[wasm_bindgen(js_name = scheduleRefresh, skip_typescript)]
pub fn schedule_refresh(
    token: JsValue,
    fire: JsValue,
    options: JsValue,
) -> Result<js_sys::Function, Failure> {
    let times = times_of_token(&token)?;
    let fire: js_sys::Function = fire
        .dyn_into()
        .map_err(|_| invalid("scheduleRefresh needs a function to call"))?;
    let margin = number_option(&options, "marginSeconds")?.unwrap_or(300.0);
    let jitter = number_option(&options, "jitterSeconds")?.unwrap_or(60.0);
    if margin < 0.0 || jitter < 0.0 {
        return Err(invalid(
            "marginSeconds and jitterSeconds must not be negative",
        ));
    }
    let at = lifecycle::due_at(&times, margin, js_sys::Math::random() * jitter).ok_or(E_NO_EXP)?;
    Ok(alarm(at * 1000.0, &fire, false))
}

/// A Rust call at a wall-clock time (ms since the epoch), for NadeoClient's auto-refresh;
/// nothing happens once it is cancelled or dropped.
#[cfg(feature = "full")]
pub(crate) struct Alarm {
    cancel: js_sys::Function,
    /// Kept alive for as long as the timer may call it.
    _fire: Closure<dyn FnMut()>,
}

#[cfg(feature = "full")]
impl Alarm {
    pub fn new(at_ms: f64, fire: std::rc::Rc<dyn Fn()>) -> Alarm {
        let fire = Closure::<dyn FnMut()>::new(move || fire());
        Alarm {
            cancel: alarm(at_ms, fire.as_ref().unchecked_ref(), true),
            _fire: fire,
        }
    }
}

#[cfg(feature = "full")]
impl Drop for Alarm {
    fn drop(&mut self) {
        let _ = self.cancel.call0(&JsValue::UNDEFINED);
    }
}
