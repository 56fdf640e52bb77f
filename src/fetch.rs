//! The one HTTP call of the full entry, for the Nadeo auth, OAuth and lookup endpoints: a
//! `Request` built with web-sys (`Headers`, `RequestInit`, `redirect: "manual"`), sent with
//! `fetch` (the caller's `options.fetch`, called as a plain function, or the global one), raced
//! against a timeout (gloo-timers, timers.rs) and the caller's `AbortSignal`, and the answer read up to
//! 1 MiB. A fetch that ignores its signal still ends: the race does not wait for it.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReadableStreamDefaultReader, RequestInit,
    RequestRedirect, Response, TextDecodeOptions, TextDecoder,
};

use super::failure::Failure;
use super::timers::{OnTime, Wait};

pub(crate) const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// setTimeout's limit.
pub(crate) const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;
/// The largest answer read: a broken or hostile endpoint must not exhaust a Worker's memory
/// (128 MB). Real answers are a few KB.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The transport options every network call takes.
#[derive(Clone)]
pub(crate) struct Transport {
    /// `options.fetch`, or the global `fetch`.
    pub fetch: Function,
    /// The caller's `options.signal`, if any.
    pub signal: Option<AbortSignal>,
    pub timeout_ms: f64,
}

/// A request to send: the method, the URL, exactly these headers, and an optional text body.
pub(crate) struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

/// An answer: the status, the Retry-After header, the body as text, and the `Date` header
/// (the server's clock, in seconds since the epoch) where the runtime lets it be read.
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub text: String,
    pub date: Option<f64>,
}

/// The ABORTED failure of a signal that fired (its reason as the cause).
pub(crate) fn aborted(signal: &AbortSignal) -> Failure {
    Failure::Aborted {
        reason: signal.reason(),
    }
}

fn unbuildable(cause: JsValue) -> Failure {
    Failure::Network {
        message: "the request could not be built",
        cause,
    }
}

/// Sends `req`; resolves to its answer, or fails with NETWORK, TIMEOUT, ABORTED, or
/// BAD_RESPONSE (an answer over 1 MiB).
pub(crate) async fn send(t: &Transport, req: &HttpRequest) -> Result<Answer, Failure> {
    if let Some(signal) = t.signal.as_ref().filter(|s| s.aborted()) {
        return Err(aborted(signal));
    }
    let controller = AbortController::new().ok();
    let init = RequestInit::new();
    init.set_method(req.method);
    let headers = Headers::new().map_err(unbuildable)?;
    for (name, value) in &req.headers {
        headers.append(name, value).map_err(unbuildable)?;
    }
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    // What ends the call early: the timer (rejecting with TIMEOUT) or the caller's signal.
    let stop = Wait::new(t.timeout_ms as u32, t.signal.as_ref(), OnTime::Reject);
    let mut stopped = JsFuture::from(stop.promise.clone());
    let mut work = pin!(call(t, &req.url, &init));
    let out = poll_fn(|cx| match work.as_mut().poll(cx) {
        Poll::Ready(out) => Poll::Ready(out),
        // The stop promise rejects on time (or on the signal, which wins below).
        Poll::Pending => Pin::new(&mut stopped).poll(cx).map(|_| {
            Err(Failure::Timeout {
                message: "no answer within timeoutMs",
            })
        }),
    })
    .await;
    drop(stop);
    match out {
        Ok(answer) => Ok(answer),
        Err(e) => {
            // Timed out, aborted or failed: the request, if it is still going, is not wanted.
            if let Some(c) = &controller {
                c.abort();
            }
            Err(match t.signal.as_ref().filter(|s| s.aborted()) {
                Some(signal) => aborted(signal),
                None => e,
            })
        }
    }
}

/// The fetch itself and the reading of its answer.
async fn call(t: &Transport, url: &str, init: &RequestInit) -> Result<Answer, Failure> {
    // (A failure after the caller's signal fired becomes ABORTED in `send`.)
    let network = |cause: JsValue| Failure::Network {
        message: "the request could not be sent or got no answer",
        cause,
    };
    let sent = t
        .fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(url), init)
        .map_err(network)?;
    let res: Response = JsFuture::from(Promise::resolve(&sent))
        .await
        .map_err(network)?
        .unchecked_into();
    let status = res.status();
    let header = |name: &str| res.headers().get(name).ok().flatten();
    let retry_after = header("retry-after");
    let date = header("date")
        .and_then(|d| crate::core::backoff::http_date(&d))
        .map(|s| s as f64);
    let text = read_capped(&res, status).await?;
    Ok(Answer {
        status,
        retry_after,
        text,
        date,
    })
}

/// The body as text, read up to MAX_ANSWER_BYTES: past it, BAD_RESPONSE, and the rest is never
/// read (the stream is cancelled). Decoded chunk by chunk by a streaming TextDecoder (bytes
/// that are not UTF-8 become U+FFFD), so the bytes never need copying into the wasm.
async fn read_capped(res: &Response, status: u16) -> Result<String, Failure> {
    let too_big = || Failure::Oversize { status };
    let declared = res.headers().get("content-length").ok().flatten();
    let Some(body) = res.body() else {
        return Ok(String::new());
    };
    // JS's parseFloat, which the wasm imports already (it carries no number parser of its own).
    if declared.is_some_and(|n| js_sys::parse_float(&n) > MAX_ANSWER_BYTES as f64) {
        let _ = body.cancel();
        return Err(too_big());
    }
    let unreadable = |cause: JsValue| Failure::Network {
        message: "the answer could not be read",
        cause,
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let decoder = TextDecoder::new().map_err(unreadable)?;
    let streaming = TextDecodeOptions::new();
    streaming.set_stream(true);
    let mut text = String::new();
    let mut size = 0;
    loop {
        let part = JsFuture::from(reader.read()).await.map_err(unreadable)?;
        if Reflect::get(&part, &JsValue::from_str("done")).map_or(true, |d| d.is_truthy()) {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&part, &JsValue::from_str("value"))
            .map_err(unreadable)?
            .unchecked_into();
        size += chunk.length() as usize;
        if size > MAX_ANSWER_BYTES {
            let _ = reader.cancel();
            return Err(too_big());
        }
        text.push_str(
            &decoder
                .decode_with_js_u8_array_and_options(&chunk, &streaming)
                .map_err(unreadable)?,
        );
    }
    text.push_str(&decoder.decode().map_err(unreadable)?);
    Ok(text)
}
