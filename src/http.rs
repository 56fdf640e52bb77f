//! Nadeo auth requests on the wire: their exact headers, the call (through `fetch.rs`), and
//! the answer checked by the core.

use super::failure::Failure;
use super::fetch::{self, Answer, HttpRequest, Transport};
use super::json;
use super::token::times_of_text;
use crate::core::backoff;
use crate::core::nadeo::{self, Request, Tokens};

/// A Nadeo auth request on the wire, with exactly the documented headers.
pub(crate) fn wire(req: Request) -> HttpRequest {
    let mut headers = vec![
        ("Authorization", req.authorization),
        ("User-Agent", req.user_agent),
    ];
    if req.json_body.is_some() {
        headers.push(("Content-Type", "application/json".into()));
    }
    let body = req.json_body.and_then(|b| json::to_text(&b));
    HttpRequest {
        method: "POST",
        url: req.url,
        headers,
        body,
    }
}

/// A Nadeo auth answer: a token pair, or the error its status maps to (with `status`, the
/// parsed `body` and `retryAfter`).
pub(crate) fn check_tokens(a: &Answer, previous_refresh: Option<&str>) -> Result<Tokens, Failure> {
    if (200..300).contains(&a.status) {
        let answer = json::nadeo_answer(&a.text).ok_or(nadeo::E_BAD_TOKENS)?;
        return Ok(nadeo::tokens_from_answer(
            answer,
            previous_refresh,
            &times_of_text,
        )?);
    }
    Err(status_error(a, nadeo::status_code(a.status)))
}

/// The error of a non-2xx answer, `retryAfter` set on 429 and 503, in whole seconds (an
/// HTTP-date is read against the answer's own `Date` where it has one: both are the server's
/// clock).
pub(crate) fn status_error(
    a: &Answer,
    (code, message): (crate::core::Code, &'static str),
) -> Failure {
    let now = a.date.unwrap_or_else(|| js_sys::Date::now() / 1000.0);
    let retry = a
        .retry_after
        .as_deref()
        .and_then(|v| backoff::retry_after(v, now))
        .filter(|_| matches!(a.status, 429 | 503))
        // Whole seconds, rounded up (an HTTP-date leaves a fraction): what callers wait.
        .map(f64::ceil);
    Failure::Answer {
        code,
        message,
        status: a.status,
        body: a.text.clone(),
        retry_after: retry,
    }
}

/// Sends a Nadeo auth request and checks the answer: the pair, and the answer's `Date`.
pub(crate) async fn tokens(
    t: &Transport,
    req: Request,
    previous_refresh: Option<&str>,
) -> Result<(Tokens, Option<f64>), Failure> {
    let a = fetch::send(t, &wire(req)).await?;
    Ok((check_tokens(&a, previous_refresh)?, a.date))
}
