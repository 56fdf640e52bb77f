//! The one-shot network calls (Nadeo logins, OAuth grants, name lookups) as data: the
//! requests to send, in order, and how each answer is read. Each call's builder checks its
//! arguments and returns an `Exchange` (nothing is sent when an argument is wrong); one async
//! function runs them all, so the wasm holds one state machine for nine calls rather than one
//! each.

use super::failure::Failure;
use super::fetch::{self, Answer, HttpRequest, Transport};
use super::http::{check_tokens, status_error};
use super::interop::set_pair;
use super::json;
use super::results;
use super::tasks;
use crate::core::nadeo::Tokens;
use crate::core::oauth::{self, OAuthTokens, UserAnswer};
use crate::core::openplanet;

/// How the answers of an exchange are read.
pub(crate) enum Reader {
    /// A Nadeo auth answer: `{ accessToken, refreshToken }` (the previous refresh token kept
    /// when the answer has none).
    NadeoTokens { previous_refresh: Option<String> },
    /// A grant's answer: OAuthTokens, and the answer's `Date` where readable.
    OAuthTokens { previous_refresh: Option<String> },
    /// Lookup pages: every answer's pairs merged into one object.
    Pairs,
    /// `/api/user`: `{ accountId, displayName }`.
    User,
    /// Openplanet's token validation: who the plugin's token belongs to.
    Openplanet,
}

pub(crate) struct Exchange {
    pub transport: Transport,
    pub requests: Vec<HttpRequest>,
    pub reader: Reader,
}

/// What an exchange brings back, typed (the callers in Rust use it as it is; `run` hands it
/// to JS).
pub(crate) enum Outcome {
    NadeoTokens(Tokens),
    /// The tokens, and the answer's `Date` (seconds since the epoch) where readable.
    OAuthTokens(OAuthTokens, Option<f64>),
    Pairs(Vec<(String, String)>),
    User(UserAnswer),
    Openplanet(openplanet::Identity),
}

impl Exchange {
    /// Sends the requests in order and reads each answer.
    pub async fn send(self) -> Result<Outcome, Failure> {
        let mut pairs = Vec::new();
        for req in &self.requests {
            let a = fetch::send(&self.transport, req).await?;
            if let Some(done) = self.reader.read(&a, &mut pairs)? {
                return Ok(done);
            }
        }
        Ok(Outcome::Pairs(pairs))
    }
}

/// A promise of the exchange's result as index.d.ts types it, or of the builder's error.
pub(crate) fn run(built: Result<Exchange, Failure>) -> js_sys::Promise {
    tasks::promise(Box::pin(async move {
        Ok(match built?.send().await? {
            Outcome::NadeoTokens(t) => results::nadeo_tokens(&t.access_token, &t.refresh_token),
            Outcome::OAuthTokens(t, date) => {
                let at = oauth_receipt_time(&t, date, js_sys::Date::now() / 1000.0);
                results::oauth_tokens(&t, at + t.expires_in)
            }
            Outcome::User(u) => results::user(&u.account_id, &u.display_name),
            Outcome::Openplanet(i) => results::openplanet(&i),
            Outcome::Pairs(pairs) => {
                let merged = js_sys::Object::new();
                for (k, v) in &pairs {
                    set_pair(&merged, k, v);
                }
                merged.into()
            }
        })
    }))
}

impl Reader {
    /// The call's result from this answer, or `None` to go on with the next request (the
    /// pairs of a lookup page go into `pairs`).
    fn read(
        &self,
        a: &Answer,
        pairs: &mut Vec<(String, String)>,
    ) -> Result<Option<Outcome>, Failure> {
        if let Reader::NadeoTokens { previous_refresh } = self {
            let t = check_tokens(a, previous_refresh.as_deref())?;
            return Ok(Some(Outcome::NadeoTokens(t)));
        }
        if let Reader::Openplanet = self {
            return openplanet_identity(a).map(|i| Some(Outcome::Openplanet(i)));
        }
        if !(200..300).contains(&a.status) {
            return Err(status_error(a, oauth::status_code(a.status)));
        }
        Ok(match self {
            Reader::OAuthTokens { previous_refresh } => {
                let answer = json::oauth_answer(&a.text).ok_or(oauth::E_ANSWER)?;
                let t = oauth::tokens_from_answer(answer, previous_refresh.as_deref())?;
                Some(Outcome::OAuthTokens(t, a.date))
            }
            Reader::User => Some(Outcome::User(
                json::user_answer(&a.text).ok_or(oauth::E_USER)?,
            )),
            _ => {
                pairs.extend(json::name_map(&a.text).ok_or(oauth::E_NAMES)?.0);
                None
            }
        })
    }
}

/// When (seconds since the epoch, the service's clock) an OAuth answer was received, for its
/// `expiresAt`: its `Date` header, else its access token's `iat` where it is a JWT, else
/// `fallback` (the local clock, moved by what is known of the service's).
pub(crate) fn oauth_receipt_time(t: &OAuthTokens, date: Option<f64>, fallback: f64) -> f64 {
    date.or_else(|| {
        super::token::times_of_text(&t.access_token)
            .ok()
            .and_then(|times| times.iat)
            .filter(|iat| (iat - fallback).abs() <= crate::core::lifecycle::MAX_OFFSET_S)
    })
    .unwrap_or(fallback)
    .floor()
}

/// Openplanet's answer: the identity of a 2xx, or the refusal it wrote (UNAUTHORIZED with its
/// words, from the `error` field), or the error of its status.
fn openplanet_identity(a: &Answer) -> Result<openplanet::Identity, Failure> {
    let refused = || status_error(a, openplanet::status_code(401));
    if !(200..300).contains(&a.status) {
        return Err(status_error(a, openplanet::status_code(a.status)));
    }
    let answer = json::openplanet_answer(&a.text).ok_or(openplanet::E_ANSWER)?;
    match openplanet::identity(answer) {
        Ok(identity) => Ok(identity),
        Err(Some(_)) => Err(refused()),
        Err(None) => Err(openplanet::E_ANSWER.into()),
    }
}
