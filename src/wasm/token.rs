//! Tokens: decoding, times, header values, audiences.

use wasm_bindgen::prelude::*;

use super::glue::{href_of, invalid, js_number, make_times, number_option, string_arg, to_js, url_parts};
use crate::core::audience::{self, Audience};
use crate::core::token::{self, Times};
use crate::core::{header, Code, Error};

fn decode(token: &str) -> Result<token::Decoded, JsValue> {
    token::decode_with(token, &js_number).map_err(to_js)
}

const E_TOKEN_TYPE: &str = "the token must be a string";
const E_CLAIM: Error = Error::new(Code::TokenClaims, "iat, rat and exp must be finite numbers where present");

/// `decodeToken(token)`: `{ header, payload }`, strictly decoded.
#[wasm_bindgen(js_name = decodeToken, skip_typescript)]
pub fn decode_token(token: JsValue) -> Result<JsValue, JsValue> {
    let token = string_arg(&token, E_TOKEN_TYPE)?;
    let d = decode(&token)?;
    // Both parts are validated JSON: one JSON.parse builds the whole result and keeps every
    // claim as it came.
    let mut text = String::with_capacity(d.header.len() + d.payload.len() + 24);
    text.push_str("{\"header\":");
    text.push_str(&d.header);
    text.push_str(",\"payload\":");
    text.push_str(&d.payload);
    text.push('}');
    js_sys::JSON::parse(&text).map_err(|_| to_js(Error::new(Code::TokenJson, "a token segment is not UTF-8 JSON")))
}

/// Reads `{ iat?, rat?, exp? }` from a claims-like object.
fn times_of_object(value: &JsValue) -> Result<Times, JsValue> {
    let get = |key: &str| -> Result<Option<f64>, JsValue> {
        let v = js_sys::Reflect::get(value, &JsValue::from_str(key)).map_err(|_| to_js(E_CLAIM))?;
        if v.is_undefined() {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(to_js(E_CLAIM)),
        }
    };
    Ok(Times { iat: get("iat")?, rat: get("rat")?, exp: get("exp")? })
}

/// `tokenTimes(tokenOrClaims, { now?, leeway? })`.
#[wasm_bindgen(js_name = tokenTimes, skip_typescript)]
pub fn token_times(token: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let times = if let Some(s) = token.as_string() {
        decode(&s)?.times
    } else if token.is_object() {
        times_of_object(&token)?
    } else {
        return Err(invalid("tokenTimes takes a token string or an object with iat, rat and exp"));
    };
    let now = match number_option(&options, "now")? {
        Some(n) => n,
        None => js_sys::Date::now() / 1000.0,
    };
    let leeway = number_option(&options, "leeway")?.unwrap_or(0.0);
    let v = times.view(now, leeway);
    Ok(make_times(
        v.issued_at,
        v.refreshable_at,
        v.expires_at,
        v.expired,
        v.refreshable,
        v.expires_in,
        v.refreshable_in,
    ))
}

/// `nadeoAuthorization(accessToken)`: `"nadeo_v1 t=<accessToken>"`.
#[wasm_bindgen(js_name = nadeoAuthorization, skip_typescript)]
pub fn nadeo_authorization(access_token: JsValue) -> Result<String, JsValue> {
    header::nadeo(&string_arg(&access_token, E_TOKEN_TYPE)?).map_err(to_js)
}

/// `bearerAuthorization(accessToken)`: `"Bearer <accessToken>"`.
#[wasm_bindgen(js_name = bearerAuthorization, skip_typescript)]
pub fn bearer_authorization(access_token: JsValue) -> Result<String, JsValue> {
    header::bearer(&string_arg(&access_token, E_TOKEN_TYPE)?).map_err(to_js)
}

/// The audience of an absolute URL, or `None` (not a Nadeo game API, or not a URL).
pub(crate) fn audience_of_href(href: &str) -> Option<Audience> {
    let parts = url_parts(href)?;
    let mut it = parts.split('\n');
    match (it.next(), it.next(), it.next()) {
        (Some(protocol), Some(hostname), Some(port)) => audience::for_url_parts(protocol, hostname, port),
        _ => None,
    }
}

/// `audienceForUrl(url)`: `"NadeoServices"`, `"NadeoLiveServices"` or `null`.
#[wasm_bindgen(js_name = audienceForUrl, skip_typescript)]
pub fn audience_for_url(url: JsValue) -> Result<JsValue, JsValue> {
    let href = href_of(&url).ok_or_else(|| invalid("the URL must be a string or a URL"))?;
    Ok(audience_of_href(&href).map_or(JsValue::NULL, |a| JsValue::from_str(a.as_str())))
}
