//! The one-shot network calls (Nadeo logins, OAuth grants, name lookups) as data: the
//! requests to send, in order, and how each answer is read. Each call's builder checks its
//! arguments and returns an `Exchange` (nothing is sent when an argument is wrong); one async
//! function runs them all, so the wasm holds one state machine for nine calls rather than one
//! each.

use wasm_bindgen::prelude::*;

use super::fetch::{self, Answer, HttpRequest, Transport};
use super::glue::{set_pair, to_js};
use super::http::{check_tokens, status_error};
use super::json;
use super::results;
use super::tasks;
use crate::core::oauth;

/// How the answers of an exchange are read.
pub(crate) enum Reader {
    /// A Nadeo auth answer: `{ accessToken, refreshToken }` (the previous refresh token kept
    /// when the answer has none).
    NadeoTokens { previous_refresh: Option<String> },
    /// A grant's answer: OAuthTokens, `expiresAt` computed on receipt.
    OAuthTokens { previous_refresh: Option<String> },
    /// Lookup pages: every answer's pairs merged into one object.
    Pairs,
    /// `/api/user`: `{ accountId, displayName }`.
    User,
}

pub(crate) struct Exchange {
    pub transport: Transport,
    pub requests: Vec<HttpRequest>,
    pub reader: Reader,
}

/// A promise of the exchange's result, or of the builder's error.
pub(crate) fn run(built: Result<Exchange, JsValue>) -> js_sys::Promise {
    tasks::promise(Box::pin(async move {
        let e = built?;
        let merged = js_sys::Object::new();
        for req in &e.requests {
            let a = fetch::send(&e.transport, req).await?;
            if let Some(done) = e.reader.read(&a, &merged)? {
                return Ok(done);
            }
        }
        Ok(merged.into())
    }))
}

impl Reader {
    /// The call's result from this answer, or `None` to go on with the next request (the
    /// pairs of a lookup page go into `merged`).
    fn read(&self, a: &Answer, merged: &js_sys::Object) -> Result<Option<JsValue>, JsValue> {
        if let Reader::NadeoTokens { previous_refresh } = self {
            let t = check_tokens(a, previous_refresh.as_deref())?;
            return Ok(Some(results::nadeo_tokens(
                &t.access_token,
                &t.refresh_token,
            )));
        }
        if !(200..300).contains(&a.status) {
            return Err(status_error(
                a.status,
                &a.text,
                a.retry_after.as_deref(),
                oauth::status_code(a.status),
            ));
        }
        Ok(match self {
            Reader::OAuthTokens { previous_refresh } => {
                let answer = json::oauth_answer(&a.text).ok_or_else(|| to_js(oauth::E_ANSWER))?;
                let t = oauth::tokens_from_answer(answer, previous_refresh.as_deref())
                    .map_err(to_js)?;
                let at = (js_sys::Date::now() / 1000.0).floor() + t.expires_in;
                Some(results::oauth_tokens(&t, at))
            }
            Reader::User => {
                let user = json::user_answer(&a.text).ok_or_else(|| to_js(oauth::E_USER))?;
                Some(results::user(&user.account_id, &user.display_name))
            }
            _ => {
                for (k, v) in json::name_map(&a.text)
                    .ok_or_else(|| to_js(oauth::E_NAMES))?
                    .0
                {
                    set_pair(merged, &k, &v);
                }
                None
            }
        })
    }
}
