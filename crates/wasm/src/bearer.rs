//! What `TrackmaniaApi.fetch` and `TrackmaniaUserClient.fetch` share (their tokens are
//! `oauth.rs`'s ApiTokens and `player.rs`'s PlayerTokens): the one origin a Bearer token is
//! sent to, and the rule of a 401 from an API: the token is renewed once, and a token that
//! came from a renewal made for a 401 is final on a 401 (one renewal per token, never a loop).

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsValue;

use super::error::{invalid, Failure};
use crate::core::Code;

pub(crate) struct Bearer {
    /// The origin of `apiUrl`.
    origin: String,
    /// The token an API answered 401 to: not served any more, renewed.
    refused: RefCell<Option<String>>,
    /// The held token came from a renewal made for a 401.
    after_401: Cell<bool>,
}

impl Bearer {
    /// For the `apiUrl` base URL (already checked).
    pub fn new(api: &str) -> Result<Bearer, Failure> {
        let origin = web_sys::Url::new(api)
            .map(|u| u.origin())
            .map_err(|_| invalid("options.apiUrl must be an absolute http(s) URL"))?;
        Ok(Bearer {
            origin,
            refused: RefCell::new(None),
            after_401: Cell::new(false),
        })
    }

    /// `Ok` when `url` is on the apiUrl origin; `INVALID_ARGUMENT` elsewhere (nothing is sent).
    pub fn check(&self, url: &str) -> Result<(), Failure> {
        match web_sys::Url::new(url) {
            Ok(u) if u.origin() == self.origin => Ok(()),
            _ => Err(invalid(
                "the URL is not on the apiUrl origin (https://api.trackmania.com): the token is sent nowhere else",
            )),
        }
    }

    pub fn is_refused(&self, token: &str) -> bool {
        self.refused.borrow().as_deref() == Some(token)
    }

    /// An API answered 401 to `token`, and `held` is the token held now. Whether a retry may
    /// follow: yes if another call renewed it already, no if it came from a renewal made for
    /// a 401, else yes once it is marked for renewal.
    pub fn refused(&self, held: Option<&str>, token: String) -> bool {
        if held != Some(token.as_str()) {
            return true;
        }
        if self.after_401.get() {
            return false;
        }
        *self.refused.borrow_mut() = Some(token);
        true
    }

    /// A renewal succeeded: whether it was made for a 401 decides whether a 401 to the new
    /// token is final.
    pub fn renewed(&self) {
        self.after_401
            .set(self.refused.borrow_mut().take().is_some());
    }

    /// A pair came from elsewhere (the store): its 401 is not final.
    pub fn adopted(&self) {
        self.after_401.set(false);
    }

    /// The UNAUTHORIZED error of a 401 that is final for its token.
    pub fn final_refusal(status: u16, body: String) -> JsValue {
        Failure::Answer {
            code: Code::Unauthorized,
            message: "the API refused the token (401) after it was renewed for an earlier 401: no further renewal for it",
            status,
            body,
            retry_after: None,
        }
        .into()
    }
}
