//! Trackmania OAuth (api.trackmania.com) as plain data: the authorize URL, redirect checking,
//! the token grants and their answers, name-lookup URLs. No I/O.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::base64url;
use super::error::{Code, Error};
use serde::Deserialize;

use super::secret::{self, REDACTED};
use super::shape::lenient;
use super::text::has_space_or_control;

pub const DEFAULT_API_URL: &str = "https://api.trackmania.com";
pub const TOKEN_PATH: &str = "/api/access_token";
/// The API takes at most 50 names or IDs a call.
pub const BATCH: usize = 50;

const E_CLIENT_ID: Error = Error::new(Code::InvalidArgument, "clientId must be a non-empty string");
const E_REDIRECT: Error = Error::new(
    Code::InvalidArgument,
    "redirectUri must be an absolute http(s) URL",
);
const E_STATE_ARG: Error = Error::new(Code::InvalidArgument, "state must be a non-empty string");
const E_SCOPE: Error = Error::new(
    Code::InvalidArgument,
    "a scope must be a non-empty string without spaces or control characters",
);
pub const E_DUPLICATE: Error = Error::new(
    Code::OAuthDuplicateParam,
    "the redirect repeats code, state, error or iss",
);
pub const E_STATE_MISSING: Error = Error::new(
    Code::OAuthStateMissing,
    "the redirect carries no state, or no sign-in is pending",
);
pub const E_STATE_MISMATCH: Error = Error::new(
    Code::OAuthStateMismatch,
    "the redirect's state is not the one this sign-in sent",
);
pub const E_DENIED: Error = Error::new(
    Code::OAuthDenied,
    "the sign-in was refused or failed at the authorize page",
);
pub const E_ISSUER: Error = Error::new(
    Code::OAuthIssuerMismatch,
    "the redirect's iss is not the configured issuer (a mix-up)",
);
pub const E_UNEXPECTED: Error = Error::new(
    Code::OAuthUnexpectedParam,
    "the redirect carries token, id_token, access_token or response: there is no implicit grant",
);
pub const E_CODE_MISSING: Error = Error::new(
    Code::OAuthCodeMissing,
    "the redirect carries neither a code nor an error",
);
pub const E_ANSWER: Error = Error::new(
    Code::BadResponse,
    "the token endpoint answered 2xx without a usable bearer token",
);

/// Appends `s` percent-encoded as a URI component (RFC 3986 unreserved kept; UTF-8 bytes).
pub fn encode_component(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Decodes a form-encoded (`application/x-www-form-urlencoded`) component: `+` is a space,
/// `%XX` a byte; malformed escapes stay as written, and a component whose bytes are not UTF-8
/// stays as written (no real code or state is either).
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|&h| char::from(h).to_digit(16));
        match c {
            b'+' => bytes.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    bytes.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => bytes.push(b'%'),
            },
            _ => bytes.push(c),
        }
        i += 1;
    }
    String::from_utf8(bytes).unwrap_or_else(|_| String::from(s))
}

/// The query of a URL (after the first `?` and before the fragment), or "".
pub fn query_of(url: &str) -> &str {
    let before_fragment = url.split('#').next().unwrap_or("");
    match before_fragment.split_once('?') {
        Some((_, q)) => q,
        None => "",
    }
}

/// The (decoded) name/value pairs of a query, in order.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(p), String::new()),
        })
        .collect()
}

fn check_redirect_uri(uri: &str) -> Result<(), Error> {
    let ok = (uri.starts_with("https://") || uri.starts_with("http://"))
        && uri.len() > 8
        && !has_space_or_control(uri)
        && !uri.contains('#');
    if ok {
        Ok(())
    } else {
        Err(E_REDIRECT)
    }
}

/// A state from 32 random bytes: base64url without padding (43 characters).
pub fn state_from_bytes(bytes: &[u8; 32]) -> String {
    let mut s = String::with_capacity(43);
    base64url::encode_url(bytes, &mut s);
    s
}

/// PKCE (RFC 7636): the S256 challenge of a verifier made by [`state_from_bytes`] (43
/// characters), `BASE64URL(SHA-256(verifier))`. The length is in the type: SHA-256 compiles
/// for that one length, and its buffering of others is dead code in the page's wasm.
pub fn pkce_challenge(verifier: &[u8; 43]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(verifier);
    let mut s = String::with_capacity(43);
    base64url::encode_url(&digest, &mut s);
    s
}

/// Adds a scope to the authorize request's `scope` (scopes joined by one space), when it is
/// one: non-empty, without whitespace.
pub fn push_scope(scope_param: &mut String, scope: &str) -> Result<(), Error> {
    if scope.is_empty() || has_space_or_control(scope) {
        return Err(E_SCOPE);
    }
    if !scope_param.is_empty() {
        scope_param.push(' ');
    }
    scope_param.push_str(scope);
    Ok(())
}

/// The authorize URL: `{api}/oauth/authorize?response_type=code&client_id=…&redirect_uri=…
/// [&scope=…]&state=…[&code_challenge=…&code_challenge_method=S256]`, each value
/// percent-encoded once. `scope`: the scopes as [`push_scope`] joins them (empty: none);
/// `challenge`: PKCE's, when asked for.
pub fn authorization_url(
    api_url: &str,
    client_id: &str,
    redirect_uri: &str,
    scope: &str,
    state: &str,
    challenge: Option<&str>,
) -> Result<String, Error> {
    let api = super::nadeo::base_url(api_url)?;
    if client_id.is_empty() {
        return Err(E_CLIENT_ID);
    }
    check_redirect_uri(redirect_uri)?;
    if state.is_empty() {
        return Err(E_STATE_ARG);
    }
    let mut url =
        String::with_capacity(api.len() + client_id.len() + redirect_uri.len() + state.len() + 96);
    url.push_str(api);
    url.push_str("/oauth/authorize?response_type=code&client_id=");
    encode_component(client_id, &mut url);
    url.push_str("&redirect_uri=");
    encode_component(redirect_uri, &mut url);
    if !scope.is_empty() {
        url.push_str("&scope=");
        encode_component(scope, &mut url);
    }
    url.push_str("&state=");
    encode_component(state, &mut url);
    if let Some(challenge) = challenge {
        url.push_str("&code_challenge=");
        encode_component(challenge, &mut url);
        url.push_str("&code_challenge_method=S256");
    }
    Ok(url)
}

/// Equality that takes the same time whatever the contents (the length is not secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().max(b.len());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..n {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// What a redirect carries, once checked. The code is redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redirect {
    pub code: String,
    pub state: String,
}

impl fmt::Debug for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redirect")
            .field("code", &REDACTED)
            .field("state", &self.state)
            .finish()
    }
}

/// `error` and `error_description` of a refused sign-in (for `OAUTH_DENIED`'s body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    pub error: String,
    pub description: Option<String>,
}

/// Why a redirect is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectError {
    Plain(Error),
    Denied(Denied),
}

/// The issuer of an API base URL (RFC 9207): its origin, `scheme://host[:port]`.
pub fn issuer_of(api_url: &str) -> &str {
    // Prefixes, not `find("://")`: a substring search would pull the two-way searcher into
    // the wasm. Base URLs are http(s) (checked by `nadeo::base_url`).
    let rest_at = if api_url.starts_with("https://") {
        8
    } else if api_url.starts_with("http://") {
        7
    } else {
        0
    };
    match api_url
        .bytes()
        .skip(rest_at)
        .position(|b| b == b'/' || b == b'?' || b == b'#')
    {
        Some(i) => api_url.get(..rest_at + i).unwrap_or(api_url),
        None => api_url,
    }
}

/// A redirect's query as the checks read it: every value of a parameter, decoded, in order.
/// The wasm build reads the platform's `URLSearchParams` (the WHATWG parser browsers use);
/// natively, [`Query`] parses the URL's text.
pub trait RedirectParams {
    /// How many times `name` occurs.
    fn count(&self, name: &str) -> usize;
    /// The first value of `name`, if any.
    fn get(&self, name: &str) -> Option<String>;
}

/// The query of a URL's text, parsed natively (for native callers, the tests and the fuzzer).
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn of(url: &str) -> Query {
        Query(query_pairs(query_of(url)))
    }
}

impl RedirectParams for Query {
    fn count(&self, name: &str) -> usize {
        self.0.iter().filter(|(k, _)| k == name).count()
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// Checks a redirect back from the authorize page, in the order oauth4webapi checks one: a
/// repeated code, state, error or iss; state absent or nothing expected; state different
/// (constant time); an `iss` that is not `issuer` (RFC 9207: a mix-up); `error=`; parameters
/// of the implicit or hybrid flows, or a JARM `response` (api.trackmania.com has neither, so
/// their presence means tampering); no code. Empty values count as absent, except `iss`.
pub fn check_redirect(
    params: &impl RedirectParams,
    expected_state: &str,
    issuer: &str,
) -> Result<Redirect, RedirectError> {
    let one = |name: &str| {
        if params.count(name) > 1 {
            return Err(RedirectError::Plain(E_DUPLICATE));
        }
        Ok(params.get(name))
    };
    let code = one("code")?;
    let state = one("state")?;
    let error = one("error")?;
    let iss = one("iss")?;
    let Some(state) = state.filter(|s| !s.is_empty() && !expected_state.is_empty()) else {
        return Err(RedirectError::Plain(E_STATE_MISSING));
    };
    if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
        return Err(RedirectError::Plain(E_STATE_MISMATCH));
    }
    if iss.is_some_and(|i| i != issuer) {
        return Err(RedirectError::Plain(E_ISSUER));
    }
    if let Some(error) = error {
        return Err(RedirectError::Denied(Denied {
            error,
            description: params.get("error_description"),
        }));
    }
    if ["token", "id_token", "access_token", "response"]
        .iter()
        .any(|name| params.count(name) > 0)
    {
        return Err(RedirectError::Plain(E_UNEXPECTED));
    }
    match code.filter(|c| !c.is_empty()) {
        Some(code) => Ok(Redirect { code, state }),
        None => Err(RedirectError::Plain(E_CODE_MISSING)),
    }
}

/// [`check_redirect`] of a URL's text, parsed natively.
pub fn parse_redirect(
    url: &str,
    expected_state: &str,
    issuer: &str,
) -> Result<Redirect, RedirectError> {
    check_redirect(&Query::of(url), expected_state, issuer)
}

/// A token request: the form body for `{api}/api/access_token`.
pub enum Grant<'a> {
    Code {
        code: &'a str,
        redirect_uri: &'a str,
        /// PKCE's verifier, sent only when the authorize request carried its challenge
        /// (league/oauth2-server refuses a verifier without one).
        code_verifier: Option<&'a str>,
    },
    Refresh {
        refresh_token: &'a str,
    },
    ClientCredentials,
}

/// The form-encoded body of a grant, with the client's credentials in it.
pub fn grant_body(
    grant: &Grant<'_>,
    client_id: &str,
    client_secret: &str,
) -> Result<String, Error> {
    if client_id.is_empty() {
        return Err(E_CLIENT_ID);
    }
    if client_secret.is_empty() {
        return Err(Error::new(
            Code::InvalidArgument,
            "clientSecret must be a non-empty string",
        ));
    }
    let mut b = String::with_capacity(160);
    let field = |b: &mut String, k: &str, v: &str| {
        if !b.is_empty() {
            b.push('&');
        }
        b.push_str(k);
        b.push('=');
        encode_component(v, b);
    };
    match grant {
        Grant::Code {
            code,
            redirect_uri,
            code_verifier,
        } => {
            if code.is_empty() {
                return Err(Error::new(
                    Code::InvalidArgument,
                    "code must be a non-empty string",
                ));
            }
            check_redirect_uri(redirect_uri)?;
            field(&mut b, "grant_type", "authorization_code");
            field(&mut b, "client_id", client_id);
            field(&mut b, "client_secret", client_secret);
            field(&mut b, "code", code);
            field(&mut b, "redirect_uri", redirect_uri);
            if let Some(verifier) = code_verifier {
                if verifier.is_empty() {
                    return Err(Error::new(
                        Code::InvalidArgument,
                        "codeVerifier must be a non-empty string",
                    ));
                }
                field(&mut b, "code_verifier", verifier);
            }
        }
        Grant::Refresh { refresh_token } => {
            if refresh_token.is_empty() {
                return Err(Error::new(
                    Code::InvalidArgument,
                    "refreshToken must be a non-empty string",
                ));
            }
            field(&mut b, "grant_type", "refresh_token");
            field(&mut b, "client_id", client_id);
            field(&mut b, "client_secret", client_secret);
            field(&mut b, "refresh_token", refresh_token);
        }
        Grant::ClientCredentials => {
            field(&mut b, "grant_type", "client_credentials");
            field(&mut b, "client_id", client_id);
            field(&mut b, "client_secret", client_secret);
        }
    }
    Ok(b)
}

/// A token answer, checked. The tokens are redacted in `Debug`.
#[derive(Clone, PartialEq)]
pub struct OAuthTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: f64,
    pub scope: Option<String>,
}

impl fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("access_token", &REDACTED)
            .field("refresh_token", &secret::optional(&self.refresh_token))
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

/// An OAuth pair as a managed client holds it (`TrackmaniaApi`'s token, a player's pair):
/// the tokens, and when the access token expires on the service's clock (the answer's time
/// plus `expires_in`). The tokens are redacted in `Debug`.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldTokens {
    pub tokens: OAuthTokens,
    pub expires_at: f64,
}

/// What the lifecycle needs: OAuth tokens carry no `rat`, and a refresh token's life is not
/// told (about a month): only the server's `invalid_grant` says it is dead.
impl crate::lifecycle::Pair for HeldTokens {
    fn access_token(&self) -> &str {
        &self.tokens.access_token
    }
    fn access(&self) -> crate::token::Times {
        crate::token::Times {
            iat: Some(self.expires_at - self.tokens.expires_in),
            rat: None,
            exp: Some(self.expires_at),
        }
    }
    fn has_refresh(&self) -> bool {
        self.tokens.refresh_token.is_some()
    }
    fn refresh_exp(&self) -> Option<f64> {
        None
    }
}

/// `expires_in` as sent: a JSON number, or a numeric string (some servers quote it).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Seconds {
    Number(f64),
    Text(String),
}

impl Seconds {
    /// A non-negative finite number of seconds; a string must be digits with at most one
    /// point, 12 characters at most (blanks around it allowed).
    fn value(&self) -> Option<f64> {
        let v = match self {
            Seconds::Number(n) => *n,
            Seconds::Text(t) => decimal(t.trim())?,
        };
        (v.is_finite() && v >= 0.0).then_some(v)
    }
}

/// `123` or `123.45` exactly: at most 12 digits make a mantissa and a power of ten that are
/// both exact in an f64, so their quotient is correctly rounded (no float parser needed).
fn decimal(t: &str) -> Option<f64> {
    if t.is_empty() || t.len() > 12 {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut mantissa: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    Some(mantissa as f64 / 10u64.pow(frac.len() as u32) as f64)
}

/// The body of a 2xx answer of /api/access_token, as a JSON reader finds it (serde natively,
/// `JSON.parse` in the wasm build): `{"token_type":"bearer","expires_in":3600,
/// "access_token":"…","refresh_token":"…","scope":"…"}`. A field that is missing or of another
/// type is `None`; the reader refuses a body that is not a JSON object.
#[derive(Clone, Default, PartialEq, Deserialize)]
pub struct TokenAnswer {
    #[serde(default, deserialize_with = "lenient")]
    pub access_token: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub refresh_token: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub token_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub expires_in: Option<Seconds>,
    #[serde(default, deserialize_with = "lenient")]
    pub scope: Option<String>,
}

impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("access_token", &secret::optional(&self.access_token))
            .field("refresh_token", &secret::optional(&self.refresh_token))
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Checks a token answer: `access_token` a non-empty header-safe string, `token_type` bearer in
/// any case, `expires_in` a number or a numeric string; a missing refresh token falls back to
/// `previous_refresh`.
pub fn tokens_from_answer(
    answer: TokenAnswer,
    previous_refresh: Option<&str>,
) -> Result<OAuthTokens, Error> {
    if !answer
        .token_type
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
    {
        return Err(E_ANSWER);
    }
    let access_token = answer
        .access_token
        .filter(|a| !a.is_empty())
        .ok_or(E_ANSWER)?;
    super::header::bearer(&access_token).map_err(|_| E_ANSWER)?;
    let refresh_token = answer
        .refresh_token
        .filter(|r| !r.is_empty())
        .or_else(|| previous_refresh.map(Into::into));
    let expires_in = answer
        .expires_in
        .as_ref()
        .and_then(Seconds::value)
        .ok_or(E_ANSWER)?;
    Ok(OAuthTokens {
        access_token,
        refresh_token,
        expires_in,
        scope: answer.scope,
    })
}

/// Which lookup: `/api/display-names` by account ID, or `/account-ids` by display name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    DisplayNames,
    AccountIds,
}

/// The URLs of a lookup: the inputs deduplicated (first occurrence wins, order kept) and
/// batched 50 a request.
pub fn lookup_urls(api_url: &str, lookup: Lookup, inputs: &[String]) -> Result<Vec<String>, Error> {
    let api = super::nadeo::base_url(api_url)?;
    let (path, key) = match lookup {
        Lookup::DisplayNames => ("/api/display-names?", "accountId[]="),
        Lookup::AccountIds => ("/api/display-names/account-ids?", "displayName[]="),
    };
    let mut unique: Vec<&str> = Vec::with_capacity(inputs.len());
    for s in inputs {
        if s.is_empty() {
            return Err(Error::new(
                Code::InvalidArgument,
                "account IDs and display names must be non-empty strings",
            ));
        }
        if !unique.contains(&s.as_str()) {
            unique.push(s);
        }
    }
    Ok(unique
        .chunks(BATCH)
        .map(|chunk| {
            let mut url = String::from(api);
            url.push_str(path);
            for (i, v) in chunk.iter().enumerate() {
                if i > 0 {
                    url.push('&');
                }
                url.push_str(key);
                encode_component(v, &mut url);
            }
            url
        })
        .collect())
}

/// A 2xx lookup answer: a JSON object whose values are all strings, as `(key, value)` pairs in
/// the reader's order. The API answers `[]` rather than `{}` when nothing matched, which reads
/// as no pairs; anything else is `E_NAMES`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameMap(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for NameMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = NameMap;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("an object of strings, or []")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<NameMap, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(NameMap(pairs))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<NameMap, A::Error> {
                match seq.next_element::<serde::de::IgnoredAny>()? {
                    None => Ok(NameMap(Vec::new())),
                    Some(_) => Err(serde::de::Error::custom("a non-empty array")),
                }
            }
        }
        d.deserialize_any(Pairs)
    }
}

/// The refusal of a lookup answer that is not a [`NameMap`].
pub const E_NAMES: Error = Error::new(
    Code::BadResponse,
    "the API answered 2xx with a body that is not a map of strings",
);

/// `GET /api/user`'s answer: `{ accountId, displayName }`, both strings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAnswer {
    pub account_id: String,
    pub display_name: String,
}

/// The refusal of a user answer without both strings.
pub const E_USER: Error = Error::new(
    Code::BadResponse,
    "the API answered 2xx without accountId and displayName",
);

/// How an OAuth API status maps to an error code (400 stays HTTP, with the OAuth body).
pub fn status_code(status: u16) -> (Code, &'static str) {
    match status {
        300..=399 => (
            Code::BadResponse,
            "api.trackmania.com answered with a redirect",
        ),
        401 | 403 => (
            Code::Unauthorized,
            "api.trackmania.com refused the client or token",
        ),
        429 => (
            Code::RateLimited,
            "api.trackmania.com is rate limiting: wait before calling again",
        ),
        _ => (
            Code::Http,
            "api.trackmania.com answered with an error status",
        ),
    }
}

#[cfg(test)]
mod tests;
