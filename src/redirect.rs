//! Sign in with Trackmania, the page half: the authorize URL and the redirect checks (the
//! token entry has these; the grants and lookups, the server half, are in `oauth.rs`).

use alloc::string::String;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::failure::{invalid, Failure};
use super::interop::{
    bool_option, fill_random, make_code_state, make_url_state, option, options_object,
    required_string, string_arg, string_option,
};
use crate::core::oauth::{self, RedirectError};

pub(crate) fn api_url(options: &JsValue) -> Result<String, Failure> {
    let api = string_option(options, "apiUrl")?.unwrap_or_else(|| oauth::DEFAULT_API_URL.into());
    crate::core::nadeo::base_url(&api)?;
    Ok(api)
}

/// `options.scopes` as the authorize request's `scope` (the core joins and checks each).
fn scope(options: &JsValue) -> Result<String, Failure> {
    const E_SCOPES: &str = "options.scopes must be an array of strings";
    let mut scope = String::new();
    let Some(v) = option(options, "scopes")? else {
        return Ok(scope);
    };
    if !js_sys::Array::is_array(&v) {
        return Err(invalid(E_SCOPES));
    }
    for item in v.unchecked_ref::<js_sys::Array>().iter() {
        oauth::push_scope(
            &mut scope,
            &item.as_string().ok_or_else(|| invalid(E_SCOPES))?,
        )?;
    }
    Ok(scope)
}

fn redirect_error(e: RedirectError) -> Failure {
    match e {
        RedirectError::Plain(e) => e.into(),
        RedirectError::Denied(d) => Failure::Denied {
            error: d.error,
            description: d.description,
        },
    }
}

/// 43 characters of base64url from 32 bytes of the global `crypto.getRandomValues` (a state,
/// a PKCE verifier).
fn random_43() -> Result<String, Failure> {
    let mut bytes = [0u8; 32];
    if !fill_random(&mut bytes) {
        return Err(invalid("no crypto.getRandomValues to draw from"));
    }
    Ok(oauth::state_from_bytes(&bytes))
}

/// The S256 challenge of a verifier made by [`random_43`], whose 43 characters are the array
/// the core hashes.
fn challenge(verifier: &str) -> String {
    debug_assert_eq!(verifier.len(), 43);
    let mut fixed = [0u8; 43];
    fixed
        .iter_mut()
        .zip(verifier.bytes())
        .for_each(|(f, b)| *f = b);
    oauth::pkce_challenge(&fixed)
}

/// `authorizationUrl({ clientId, redirectUri, scopes?, state?, apiUrl?, pkce? })`:
/// `{ url, state, codeVerifier? }`. With `pkce: true`, a fresh verifier and its S256 challenge
/// in the URL (RFC 7636).
#[wasm_bindgen(js_name = authorizationUrl, skip_typescript)]
pub fn authorization_url(options: JsValue) -> Result<JsValue, Failure> {
    options_object(&options)?;
    let state = match string_option(&options, "state")? {
        Some(s) => s,
        None => random_43()?,
    };
    let verifier = match bool_option(&options, "pkce")? {
        Some(true) => Some(random_43()?),
        _ => None,
    };
    let url = oauth::authorization_url(
        &api_url(&options)?,
        &required_string(&options, "clientId")?,
        &required_string(&options, "redirectUri")?,
        &scope(&options)?,
        &state,
        verifier.as_deref().map(challenge).as_deref(),
    )?;
    Ok(make_url_state(&url, &state, verifier.as_deref()))
}

/// A redirect's query as the platform's WHATWG parser reads it (what the browser itself sees).
struct Params(web_sys::UrlSearchParams);

impl oauth::RedirectParams for Params {
    fn count(&self, name: &str) -> usize {
        self.0.get_all(name).length() as usize
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0.get(name)
    }
}

/// `parseRedirect(url, expectedState, { apiUrl }?)`: `{ code, state }`. An `iss` on the
/// redirect must be the issuer of `apiUrl` (default api.trackmania.com).
#[wasm_bindgen(js_name = parseRedirect, skip_typescript)]
pub fn parse_redirect(
    url: JsValue,
    expected_state: JsValue,
    options: JsValue,
) -> Result<JsValue, Failure> {
    const E_URL: &str = "the URL must be an absolute URL, as a string or a URL";
    let href = super::interop::href_of(&url)
        .as_string()
        .ok_or_else(|| invalid(E_URL))?;
    let url = web_sys::Url::new(&href).map_err(|_| invalid(E_URL))?;
    let expected = if expected_state.is_undefined() || expected_state.is_null() {
        String::new()
    } else {
        string_arg(&expected_state, "expectedState must be a string")?
    };
    let api = api_url(&options)?;
    let r = oauth::check_redirect(
        &Params(url.search_params()),
        &expected,
        oauth::issuer_of(&api),
    )
    .map_err(redirect_error)?;
    Ok(make_code_state(&r.code, &r.state))
}
