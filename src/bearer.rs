//! What `TrackmaniaApi.fetch` and `TrackmaniaUserClient.fetch` share beside the lifecycle's
//! 401 rule: the one origin a Bearer token is sent to. And the error of a 401 that is final,
//! for all three clients' `fetch`.

use wasm_bindgen::JsValue;

use super::failure::{invalid, Failure};
use crate::core::Code;

/// The origin of `apiUrl`: the only one a Bearer token is sent to.
pub(crate) struct Origin(String);

impl Origin {
    /// For the `apiUrl` base URL (already checked).
    pub fn of(api: &str) -> Result<Origin, Failure> {
        web_sys::Url::new(api)
            .map(|u| Origin(u.origin()))
            .map_err(|_| invalid("options.apiUrl must be an absolute http(s) URL"))
    }

    /// `Ok` when `url` is on the apiUrl origin; `INVALID_ARGUMENT` elsewhere (nothing is sent).
    pub fn check(&self, url: &str) -> Result<(), Failure> {
        match web_sys::Url::new(url) {
            Ok(u) if u.origin() == self.0 => Ok(()),
            _ => Err(invalid(
                "the URL is not on the apiUrl origin (https://api.trackmania.com): the token is sent nowhere else",
            )),
        }
    }
}

/// The UNAUTHORIZED error of a 401 that is final: the retry's renewed token was refused too,
/// or the token itself came from a renewal made for a 401.
pub(crate) fn final_refusal(status: u16, body: String) -> JsValue {
    Failure::Answer {
        code: Code::Unauthorized,
        message: "the API refused the token (401) after it was renewed for an earlier 401: no further renewal for it",
        status,
        body,
        retry_after: None,
    }
    .into()
}
