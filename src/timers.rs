//! Waits on gloo-timers, optionally ended early by the caller's AbortSignal: the sleeps of the
//! single flight and the timeout of the HTTP call (the full entry's; the scheduling functions
//! wait on `src/js/alarm.js`, see schedule.rs). Each is a JS promise settled by a gloo `Timeout`
//! (cleared when the wait is dropped) or by the signal's `abort` event (its listener, an
//! [`AbortListener`], removed when the wait is dropped). Both entries read `options.signal`
//! here.

#[cfg(feature = "full")]
use gloo_timers::callback::Timeout;
#[cfg(feature = "full")]
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
#[cfg(feature = "full")]
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::failure::{invalid, Failure};
use super::interop::option;

/// An `abort` listener on the caller's signal, removed when dropped: a wait that ends on time
/// leaves nothing on a signal that may live much longer than it.
#[cfg(feature = "full")]
pub(crate) struct AbortListener {
    signal: AbortSignal,
    listener: js_sys::Function,
}

#[cfg(feature = "full")]
impl AbortListener {
    pub fn add(signal: &AbortSignal, listener: js_sys::Function) -> AbortListener {
        let _ = signal.add_event_listener_with_callback("abort", &listener);
        AbortListener {
            signal: signal.clone(),
            listener,
        }
    }
}

#[cfg(feature = "full")]
impl Drop for AbortListener {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", &self.listener);
    }
}

/// A pending wait: its promise resolves when the time has passed (or rejects with what
/// `on_time` gives), and rejects with the abort event when the signal fires first.
#[cfg(feature = "full")]
pub(crate) struct Wait {
    pub promise: Promise,
    /// Settles the promise when the wait is dropped first (see `Drop`).
    settle: Option<Function>,
    _timer: Option<Timeout>,
    _on_abort: Option<AbortListener>,
}

/// What the end of the time means: the wait is over, or the call it guards failed (it timed
/// out: the caller makes its own error, the rejection carries none).
#[cfg(feature = "full")]
pub(crate) enum OnTime {
    Resolve,
    Reject,
}

#[cfg(feature = "full")]
impl Wait {
    pub fn new(ms: u32, signal: Option<&AbortSignal>, on_time: OnTime) -> Wait {
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        let Some((resolve, reject)) = settle else {
            // The executor runs at once; this is never reached.
            return Wait {
                promise,
                settle: None,
                _timer: None,
                _on_abort: None,
            };
        };
        let on_abort = signal.map(|s| AbortListener::add(s, reject.clone()));
        let settle = Some(resolve.clone());
        let timer = Timeout::new(ms, move || {
            let _ = match on_time {
                OnTime::Resolve => resolve.call0(&JsValue::UNDEFINED),
                OnTime::Reject => reject.call0(&JsValue::UNDEFINED),
            };
        });
        Wait {
            promise,
            settle,
            _timer: Some(timer),
            _on_abort: on_abort,
        }
    }
}

#[cfg(feature = "full")]
impl Drop for Wait {
    /// A wait dropped before its end (the call it guarded answered first; a task let go of its
    /// sleep) settles its promise anyway: a `JsFuture` on a promise that never settles keeps
    /// its state and both callbacks forever (js-sys frees them in the callback): a leak per
    /// network call. Once settled, this is a no-op.
    fn drop(&mut self) {
        if let Some(resolve) = self.settle.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// `options.signal`: an AbortSignal (any object: a signal of another realm works as well),
/// `None` when absent, INVALID_ARGUMENT when it is anything else.
pub(crate) fn signal_option(options: &JsValue) -> Result<Option<AbortSignal>, Failure> {
    match option(options, "signal")? {
        None => Ok(None),
        Some(s) if s.is_object() => Ok(Some(s.unchecked_into())),
        Some(_) => Err(invalid("options.signal must be an AbortSignal")),
    }
}

/// Whether the caller's `signal` option has fired (any object is read as an AbortSignal: a
/// signal of another realm works as well).
#[cfg(feature = "full")]
pub(crate) fn is_aborted(signal: &JsValue) -> bool {
    signal.is_object() && signal.unchecked_ref::<AbortSignal>().aborted()
}

/// Resolves after `ms`.
#[cfg(feature = "full")]
pub(crate) async fn sleep(ms: u32) {
    let wait = Wait::new(ms, None, OnTime::Resolve);
    let _ = JsFuture::from(wait.promise.clone()).await;
}
