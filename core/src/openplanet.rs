//! Openplanet's plugin authentication, the server half: a plugin gets a short-lived token from
//! `Auth::GetToken()` and sends it to its author's server, which asks Openplanet who it belongs
//! to with the plugin's secret. As data: the request body to send and the answer to check.
//!
//! `POST https://api.openplanet.dev/auth/validate` (the endpoint since January 2026; the old
//! `https://openplanet.dev/api/auth/validate` is kept for a while), form-encoded `token` and
//! `secret`, a User-Agent. A valid token answers `{"account_id", "display_name",
//! "token_time"}`; a refused one `{"error": "…"}`.

use alloc::string::String;

use crate::error::{Code, Error};
use crate::oauth::encode_component;

/// The validation endpoint Openplanet documents today.
pub const DEFAULT_VALIDATE_URL: &str = "https://api.openplanet.dev/auth/validate";

pub const E_TOKEN: Error = Error::new(
    Code::InvalidArgument,
    "token must be the non-empty string Auth::GetToken() gave the plugin",
);
pub const E_SECRET: Error = Error::new(
    Code::InvalidArgument,
    "secret must be the plugin's non-empty authentication secret",
);
pub const E_ANSWER: Error = Error::new(
    Code::BadResponse,
    "Openplanet answered without account_id, display_name and token_time",
);

/// The form body of a validation: `token=…&secret=…`.
pub fn validate_body(token: &str, secret: &str) -> Result<String, Error> {
    if token.is_empty() {
        return Err(E_TOKEN);
    }
    if secret.is_empty() {
        return Err(E_SECRET);
    }
    let mut b = String::from("token=");
    encode_component(token, &mut b);
    b.push_str("&secret=");
    encode_component(secret, &mut b);
    Ok(b)
}

/// Who a valid token belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    pub account_id: String,
    pub display_name: String,
    /// When Openplanet issued the token (seconds since the epoch).
    pub token_time: f64,
}

/// What an answer's fields say, read leniently by the caller (a field of the wrong type is
/// absent).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    pub account_id: Option<String>,
    pub display_name: Option<String>,
    pub token_time: Option<f64>,
    pub error: Option<String>,
}

/// The outcome of a 2xx answer: the identity, or the refusal Openplanet wrote (`Err(Some)`),
/// or an answer that is neither (`Err(None)`).
pub fn identity(answer: Answer) -> Result<Identity, Option<String>> {
    if let Some(error) = answer.error.filter(|e| !e.is_empty()) {
        return Err(Some(error));
    }
    match (answer.account_id, answer.display_name, answer.token_time) {
        (Some(account_id), Some(display_name), Some(t))
            if !account_id.is_empty() && t.is_finite() =>
        {
            Ok(Identity {
                account_id,
                display_name,
                token_time: t,
            })
        }
        _ => Err(None),
    }
}

/// The code of a non-2xx answer: a refusal of the token or the secret (400, 401, 403) is
/// UNAUTHORIZED, 429 RATE_LIMITED, a redirect BAD_RESPONSE, anything else HTTP.
pub fn status_code(status: u16) -> (Code, &'static str) {
    match status {
        400 | 401 | 403 => (Code::Unauthorized, "Openplanet refused the plugin token"),
        429 => (
            Code::RateLimited,
            "Openplanet is rate limiting the validations",
        ),
        300..=399 => (Code::BadResponse, "Openplanet answered with a redirect"),
        _ => (Code::Http, "Openplanet's validation endpoint failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_form_encoded_and_refuses_empty_values() {
        assert_eq!(
            validate_body("a+b/c=", "s&t").unwrap(),
            "token=a%2Bb%2Fc%3D&secret=s%26t"
        );
        assert_eq!(validate_body("", "s"), Err(E_TOKEN));
        assert_eq!(validate_body("t", ""), Err(E_SECRET));
    }

    #[test]
    fn answers() {
        let good = Answer {
            account_id: Some("5b4d42f4-c2de-407d-b367-cbff3fe817bc".into()),
            display_name: Some("tooInfinite".into()),
            token_time: Some(1_700_000_000.0),
            error: None,
        };
        assert_eq!(identity(good.clone()).unwrap().display_name, "tooInfinite");
        let refused = Answer {
            error: Some("Invalid token".into()),
            ..good.clone()
        };
        assert_eq!(identity(refused), Err(Some("Invalid token".into())));
        let partial = Answer {
            token_time: None,
            ..good
        };
        assert_eq!(identity(partial), Err(None));
        assert_eq!(identity(Answer::default()), Err(None));
        assert_eq!(status_code(401).0, Code::Unauthorized);
        assert_eq!(status_code(500).0, Code::Http);
        assert_eq!(status_code(429).0, Code::RateLimited);
    }
}
