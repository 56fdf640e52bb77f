//! The lifecycle's words at the boundary: a failed attempt's [`Failure`] as the core's
//! [`Failed`], and the core's [`Stop`] as the [`Failure`] callers get.

use super::failure::Failure;
use crate::core::backoff;
use crate::core::lifecycle::{Failed, Stop};

/// An attempt's failure as the lifecycle records it (`refresh_refused`: it was the refresh
/// grant, and its answer says the refresh token is dead).
pub(crate) fn failed(e: &Failure, refresh_refused: bool) -> Failed {
    if refresh_refused {
        return Failed::RefreshRefused;
    }
    let code = e.code();
    let body = e.body_json();
    Failed::Other {
        failure: Some(backoff::Failure::new(code, e.status(), body.as_deref())),
        retry_after: e.retry_after(),
    }
}

impl From<Stop> for Failure {
    fn from(stop: Stop) -> Failure {
        match stop {
            Stop::Backoff { last, retry_after } => Failure::Backoff { last, retry_after },
            other => Failure::Stopped(other),
        }
    }
}
