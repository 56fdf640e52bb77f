//! Expiry scheduling: whenRefreshable, whenExpired, scheduleRefresh. Waits run on gloo-timers
//! (timers.rs), split into pieces a timer can hold, and are
//! measured against the wall clock after each piece (timers drift; machines sleep).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::error::{invalid, Failure};
use super::glue::number_option;
use super::timers::{signal_option, AbortListener};
use super::token::times_of_token;
use crate::core::nadeo;
use crate::core::{Code, Error};

/// The longest single timer: 2^30 ms (about 12 days), well inside setTimeout's 2^31 - 1.
pub(crate) const MAX_TIMER_MS: f64 = 1_073_741_824.0;
const E_NO_EXP: Error = Error::new(Code::TokenClaims, "the token has no exp claim");

fn lead(options: &JsValue, key: &str) -> Result<f64, Failure> {
    Ok(number_option(options, key)?.unwrap_or(0.0))
}

/// `whenRefreshable(token, { leadSeconds?, signal? })`: resolves at rat - lead (at once when
/// that is past or the token has no rat).
#[wasm_bindgen(js_name = whenRefreshable, skip_typescript)]
pub fn when_refreshable(token: JsValue, options: JsValue) -> js_sys::Promise {
    when(token, options, false)
}

fn when(token: JsValue, options: JsValue, expiry: bool) -> js_sys::Promise {
    let start = || -> Result<(f64, Option<AbortSignal>), Failure> {
        let times = times_of_token(&token)?;
        let lead = lead(&options, "leadSeconds")?;
        let signal = signal_option(&options)?;
        let at = if expiry {
            (times.exp.ok_or(E_NO_EXP)? - lead) * 1000.0
        } else {
            times.rat.map_or(0.0, |rat| (rat - lead) * 1000.0)
        };
        Ok((at, signal))
    };
    match start() {
        Err(e) => js_sys::Promise::reject(&e.into()),
        Ok((at, signal)) => js_sys::Promise::new(&mut |resolve, reject| {
            wait_until(at, signal.clone(), resolve, reject)
        }),
    }
}

/// The ABORTED error of a signal that fired (its reason as the cause).
fn aborted(signal: &AbortSignal) -> JsValue {
    Failure::Aborted {
        reason: signal.reason(),
    }
    .into()
}

/// A wait in progress: its alarm and its abort listener, if any.
type Pending = (Alarm, Option<AbortListener>);

/// Settles a promise at `at_ms` on the wall clock (an [`Alarm`]: timers chained for long
/// waits, the clock read again after each), or rejects it with ABORTED as soon as `signal`
/// fires (at once if it has). Callbacks rather than an async fn: the token entry then carries
/// no futures runtime.
fn wait_until(
    at_ms: f64,
    signal: Option<AbortSignal>,
    resolve: js_sys::Function,
    reject: js_sys::Function,
) {
    if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
        let _ = reject.call1(&JsValue::UNDEFINED, &aborted(s));
        return;
    }
    // The alarm and the abort listener hold each other through this cell until one of them
    // ends the wait; then both are let go.
    let state: Rc<RefCell<Option<Pending>>> = Rc::default();
    let on_abort = signal.as_ref().map(|s| {
        let (state, s2) = (state.clone(), s.clone());
        let listener = Closure::once_into_js(move || {
            drop(state.borrow_mut().take());
            let _ = reject.call1(&JsValue::UNDEFINED, &aborted(&s2));
        });
        AbortListener::add(s, listener.unchecked_into())
    });
    let done = state.clone();
    let alarm = Alarm::new(
        at_ms,
        Rc::new(move || {
            // Lets the alarm and the abort listener go (the listener is removed).
            drop(done.borrow_mut().take());
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }),
    );
    *state.borrow_mut() = Some((alarm, on_abort));
}

/// `whenExpired(token, { leadSeconds?, signal? })`: resolves at exp - lead. A token without
/// exp never expires: TOKEN_CLAIMS rather than a promise that never settles.
#[wasm_bindgen(js_name = whenExpired, skip_typescript)]
pub fn when_expired(token: JsValue, options: JsValue) -> js_sys::Promise {
    when(token, options, true)
}

/// A call at a wall-clock time (ms since the epoch), on timers of at most [`MAX_TIMER_MS`]
/// chained for long waits; nothing happens once it is cancelled or dropped. Serves
/// `scheduleRefresh` and `NadeoClient.startAutoRefresh`.
pub(crate) struct Alarm {
    cancelled: Rc<Cell<bool>>,
    slot: Rc<Cell<Option<Timeout>>>,
}

impl Alarm {
    pub fn new(at_ms: f64, fire: Rc<dyn Fn()>) -> Alarm {
        let alarm = Alarm {
            cancelled: Rc::new(Cell::new(false)),
            slot: Rc::new(Cell::new(None)),
        };
        arm(at_ms, fire, alarm.cancelled.clone(), alarm.slot.clone());
        alarm
    }

    pub fn cancel(&self) {
        self.cancelled.set(true);
        if let Some(t) = self.slot.take() {
            t.cancel();
        }
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        self.cancel();
    }
}

fn arm(at_ms: f64, fire: Rc<dyn Fn()>, cancelled: Rc<Cell<bool>>, slot: Rc<Cell<Option<Timeout>>>) {
    if cancelled.get() {
        return;
    }
    let left = (at_ms - js_sys::Date::now()).max(0.0);
    let slot2 = slot.clone();
    let timeout = Timeout::new(left.min(MAX_TIMER_MS).ceil() as u32, move || {
        if cancelled.get() {
            return;
        }
        if js_sys::Date::now() < at_ms {
            // This timer is running: leak it rather than drop it from inside its own call.
            if let Some(running) = slot2.take() {
                running.forget();
            }
            arm(at_ms, fire, cancelled, slot2);
            return;
        }
        cancelled.set(true);
        fire();
    });
    slot.set(Some(timeout));
}

/// `scheduleRefresh(token, fn, { marginSeconds?, jitterSeconds? })`: calls `fn` once when the
/// token is due for renewal (marginSeconds before exp, made earlier by a random jitter in
/// [0, jitterSeconds], never before rat; at once if that has passed). Returns a cancel function.
#[wasm_bindgen(js_name = scheduleRefresh, skip_typescript)]
pub fn schedule_refresh(
    token: JsValue,
    fire: JsValue,
    options: JsValue,
) -> Result<JsValue, Failure> {
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
    let at = nadeo::due_at(&times, margin, js_sys::Math::random() * jitter).ok_or(E_NO_EXP)?;
    let alarm = Alarm::new(
        at * 1000.0,
        Rc::new(move || {
            let _ = fire.call0(&JsValue::UNDEFINED);
        }),
    );
    Ok(Closure::<dyn FnMut()>::new(move || alarm.cancel()).into_js_value())
}
