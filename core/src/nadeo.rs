//! The Nadeo authentication protocol as plain data: the requests to build, the answers to
//! check, and when a held token pair needs a refresh or a new login. No I/O.

use alloc::string::String;
use core::fmt;

use super::audience::Audience;
use super::base64url;
use super::error::{Code, Error};
use serde::{Deserialize, Serialize};

use super::secret::{self, REDACTED};
use super::shape::lenient;
use super::text::has_space_or_control;
use super::token::Times;

pub const DEFAULT_CORE_URL: &str = "https://prod.trackmania.core.nadeo.online";
pub const DEFAULT_LIVE_URL: &str = "https://live-services.trackmania.nadeo.live";
pub const DEFAULT_MEET_URL: &str = "https://meet.trackmania.nadeo.club";
pub const BASIC_PATH: &str = "/v2/authentication/token/basic";
pub const UBI_PATH: &str = "/v2/authentication/token/ubiservices";
pub const REFRESH_PATH: &str = "/v2/authentication/token/refresh";

const E_UA: Error = Error::new(
    Code::InvalidArgument,
    "userAgent is required: name your project and a contact",
);
const E_UA_CHARS: Error = Error::new(
    Code::InvalidArgument,
    "userAgent has characters that cannot stand in an HTTP header",
);
const E_LOGIN: Error = Error::new(
    Code::InvalidArgument,
    "login must be a non-empty string without ':'",
);
const E_PASSWORD: Error = Error::new(Code::InvalidArgument, "password must be a non-empty string");
const E_BASE: Error = Error::new(
    Code::InvalidArgument,
    "a base URL must be an absolute http(s) URL without query or fragment",
);
pub const E_BAD_TOKENS: Error = Error::new(
    Code::BadResponse,
    "the auth service answered 2xx without a usable accessToken and refreshToken",
);

/// An HTTP request to send: always a POST with `redirect: "manual"`.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    /// Basic credentials, a ticket or a refresh token: redacted in `Debug`.
    pub authorization: String,
    pub user_agent: String,
    /// A JSON body (sent with `Content-Type: application/json`), or none.
    pub json_body: Option<LoginBody>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("url", &self.url)
            .field("authorization", &REDACTED)
            .field("user_agent", &self.user_agent)
            .field("json_body", &self.json_body)
            .finish()
    }
}

/// The JSON body of the logins: `{"audience":"NadeoLiveServices"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LoginBody {
    pub audience: Audience,
}

/// A token pair, as the auth service answers. The tokens are redacted in `Debug`.
#[derive(Clone, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub access: Times,
    pub refresh: Times,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &REDACTED)
            .field("refresh_token", &REDACTED)
            .field("access", &self.access)
            .field("refresh", &self.refresh)
            .finish()
    }
}

/// Checks a User-Agent: non-empty, printable, no line breaks.
pub fn user_agent(ua: &str) -> Result<String, Error> {
    let ua = ua.trim();
    if ua.is_empty() {
        return Err(E_UA);
    }
    if ua.chars().any(char::is_control) {
        return Err(E_UA_CHARS);
    }
    Ok(ua.into())
}

/// A base URL without trailing slashes; `http:` is allowed for local stand-ins and proxies.
pub fn base_url(url: &str) -> Result<&str, Error> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or(E_BASE)?;
    if rest.is_empty() || rest.contains(['?', '#']) || has_space_or_control(rest) {
        return Err(E_BASE);
    }
    Ok(trimmed)
}

fn join(base: &str, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len());
    url.push_str(base);
    url.push_str(path);
    url
}

/// The service-account / dedicated-server login: HTTP Basic over the UTF-8 bytes of
/// `login:password`, standard base64 with padding.
pub fn login_basic(
    core_url: &str,
    login: &str,
    password: &str,
    audience: Audience,
    ua: &str,
) -> Result<Request, Error> {
    if login.is_empty() || login.contains(':') {
        return Err(E_LOGIN);
    }
    if password.is_empty() {
        return Err(E_PASSWORD);
    }
    let ua = user_agent(ua)?;
    let url = join(base_url(core_url)?, BASIC_PATH);
    let mut credentials = String::with_capacity(login.len() + password.len() + 1);
    credentials.push_str(login);
    credentials.push(':');
    credentials.push_str(password);
    let mut authorization = String::from("Basic ");
    base64url::encode_standard(credentials.as_bytes(), &mut authorization);
    Ok(Request {
        url,
        authorization,
        user_agent: ua,
        json_body: Some(LoginBody { audience }),
    })
}

/// The legacy exchange of a Ubisoft ticket obtained elsewhere.
pub fn login_ubi_ticket(
    core_url: &str,
    ticket: &str,
    audience: Audience,
    ua: &str,
) -> Result<Request, Error> {
    let ua = user_agent(ua)?;
    let url = join(base_url(core_url)?, UBI_PATH);
    let authorization = scheme_value("ubi_v1 t=", ticket)?;
    Ok(Request {
        url,
        authorization,
        user_agent: ua,
        json_body: Some(LoginBody { audience }),
    })
}

/// A refresh with `nadeo_v1 t=<refreshToken>`, no body.
pub fn refresh(core_url: &str, refresh_token: &str, ua: &str) -> Result<Request, Error> {
    let ua = user_agent(ua)?;
    let url = join(base_url(core_url)?, REFRESH_PATH);
    let authorization = super::header::nadeo(refresh_token)?;
    Ok(Request {
        url,
        authorization,
        user_agent: ua,
        json_body: None,
    })
}

fn scheme_value(prefix: &str, credential: &str) -> Result<String, Error> {
    // Same checks as the other header values: non-empty visible ASCII.
    super::header::bearer(credential)?;
    let mut s = String::from(prefix);
    s.push_str(credential);
    Ok(s)
}

/// How a non-2xx (or unusable) answer maps to an error code.
pub fn status_code(status: u16) -> (Code, &'static str) {
    match status {
        300..=399 => (
            Code::BadResponse,
            "the auth service answered with a redirect",
        ),
        401 | 403 => (
            Code::Unauthorized,
            "the auth service refused the credentials or token",
        ),
        429 => (
            Code::RateLimited,
            "the auth service is rate limiting: wait before calling again",
        ),
        _ => (Code::Http, "the auth service answered with an error status"),
    }
}

/// The body of a 2xx answer of the token endpoints, `{"accessToken":"…","refreshToken":"…"}`,
/// as a JSON reader finds it (serde natively, `JSON.parse` in the wasm build). A field that is
/// missing or not a string is `None`; the reader refuses a body that is not a JSON object.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenAnswer {
    #[serde(default, deserialize_with = "lenient")]
    pub access_token: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub refresh_token: Option<String>,
}

impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("access_token", &secret::optional(&self.access_token))
            .field("refresh_token", &secret::optional(&self.refresh_token))
            .finish()
    }
}

/// How the caller reads a token's times: the platform decodes the token's JSON
/// (`token::times_of_token` natively, `JSON.parse` in the wasm build).
pub type TimesOf<'a> = &'a dyn Fn(&str) -> Result<Times, Error>;

/// The pair of a 2xx answer. Both must be JWTs that decode; a missing refresh token falls back
/// to `previous_refresh` (a refresh answer that lacks one keeps the old).
pub fn tokens_from_answer(
    answer: TokenAnswer,
    previous_refresh: Option<&str>,
    times_of: TimesOf<'_>,
) -> Result<Tokens, Error> {
    let access_token = answer
        .access_token
        .filter(|s| !s.is_empty())
        .ok_or(E_BAD_TOKENS)?;
    let refresh_token = match answer.refresh_token.filter(|s| !s.is_empty()) {
        Some(r) => r,
        None => previous_refresh.ok_or(E_BAD_TOKENS)?.into(),
    };
    pair(access_token, refresh_token, times_of).map_err(|_| E_BAD_TOKENS)
}

/// A pair of raw tokens with their times (both must decode and fit in a header).
pub fn pair(
    access_token: String,
    refresh_token: String,
    times_of: TimesOf<'_>,
) -> Result<Tokens, Error> {
    super::header::nadeo(&access_token)?;
    super::header::nadeo(&refresh_token)?;
    let access = times_of(&access_token)?;
    let refresh = times_of(&refresh_token)?;
    Ok(Tokens {
        access_token,
        refresh_token,
        access,
        refresh,
    })
}

/// A Nadeo pair as the lifecycle sees it: the access token's times are its own claims (the
/// service's clock), and the refresh token dies at its `exp` (a day).
impl crate::lifecycle::Pair for Tokens {
    fn access_token(&self) -> &str {
        &self.access_token
    }
    fn access(&self) -> Times {
        self.access
    }
    fn has_refresh(&self) -> bool {
        true
    }
    fn refresh_exp(&self) -> Option<f64> {
        self.refresh.exp
    }
}

#[cfg(test)]
mod tests;
