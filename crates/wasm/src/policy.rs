//! The failure policy at the boundary: a failed attempt's [`Failure`] recorded into a core
//! [`Backoff`], and the failure handed to callers while the backoff lasts (no network).
//! The policy itself is `crate::core::backoff`; `NadeoClient` and `TrackmaniaApi` both use
//! these two functions.

use super::error::Failure;
use crate::core::backoff::{self, Backoff};

/// Records the failure of an attempt made at `now` (seconds); returns whether it counted (a
/// caller's abort does not).
pub(crate) fn record(b: &mut Backoff, now: f64, failure: &Failure) -> bool {
    let code = failure.code();
    if !backoff::counts(code) {
        return false;
    }
    let retry_after = failure.retry_after();
    let last = backoff::Failure::new(code, failure.status(), failure.body_json().as_deref());
    b.failed(now, last, retry_after, js_sys::Math::random());
    // A wait decided elsewhere (a token broker's backoff, relayed as retryAfter whatever the
    // status) is held too.
    if let Some(wait) = retry_after {
        b.hold(now, wait);
    }
    true
}

/// The failure of a call made while the backoff lasts: the last failure's code, status and
/// body, and `retryAfter` = whole seconds until the next attempt is allowed.
pub(crate) fn blocked(b: &Backoff, now: f64) -> Option<Failure> {
    let wait = b.wait(now)?;
    Some(Failure::Backoff {
        last: b.last.clone()?,
        retry_after: ceil(wait),
    })
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
