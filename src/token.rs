//! Tokens: decoding, times, header values, audiences.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use super::failure::{invalid, Failure};
use super::interop::{
    finite, href_of, is_flat, is_plain_object, make_decoded, make_decoded_copy, make_times,
    number_member, options_given, parse_json, string_arg, utf8_text, Finite,
};
use super::local::{Local, LocalOnce};
use crate::core::audience::{self, Audience};
use crate::core::token::{self, TimeClaims, Times};
use crate::core::{header, Error};

/// A token's header and payload as `JSON.parse` gives them, checked by the core's rules: both
/// objects (not arrays or scalars), `iat`/`rat`/`exp` finite numbers where present
/// ([`TimeClaims`]), every other claim kept as it came. `header` may be the cached parse of an
/// identical header segment ([`Header`]): [`decode_token`] hands out a copy of it.
pub(crate) struct Parsed {
    pub header: Header,
    pub payload: JsValue,
    pub times: Times,
}

/// A parsed header: new, or the one of the last token whose header segment was the same text.
pub(crate) enum Header {
    New(JsValue),
    Cached(JsValue),
}

/// The last header seen, when its values are all primitives: every Nadeo token of an
/// environment carries the same header segment, so decoding it again (base64, UTF-8, a string
/// crossing and a `JSON.parse`, about a tenth of decodeToken) buys nothing. A header with an
/// object or array inside is not kept (a shallow copy would share it).
struct LastHeader {
    segment: String,
    parsed: JsValue,
}

static LAST_HEADER: Local<Option<LastHeader>> = Local::new(None);
/// The decoded bytes of a token's signature and payload, and of its header: reused from token
/// to token (a buffer that grew past [`KEEP_BYTES`] for a huge token is let go).
static BUFFERS: Local<(Vec<u8>, Vec<u8>)> = Local::new((Vec::new(), Vec::new()));

const KEEP_BYTES: usize = 16 * 1024;

/// The core's checks in the core's order (segments and signature, header text, payload text,
/// header JSON, payload JSON, times).
pub(crate) fn parse_token(token: &str) -> Result<Parsed, Error> {
    let (header, payload) = BUFFERS.with(|(payload_buf, header_buf)| {
        let parsed = parse_with(token, payload_buf, header_buf);
        for buf in [payload_buf, header_buf] {
            if buf.capacity() > KEEP_BYTES {
                *buf = Vec::new();
            }
        }
        parsed
    })?;
    // Read once the buffers are let go: a claim the payload lacks is looked up on its
    // prototype, where a getter may call back into the wasm.
    let times = times_of_object(&payload)?;
    Ok(Parsed {
        header,
        payload,
        times,
    })
}

/// The header and the payload, both objects; a header segment equal to the last one is not
/// decoded again. Calls no code of the caller's (`Local`s are borrowed meanwhile).
fn parse_with(
    token: &str,
    payload_buf: &mut Vec<u8>,
    header_buf: &mut Vec<u8>,
) -> Result<(Header, JsValue), Error> {
    let segments = token::segments(token, payload_buf)?;
    let cached = LAST_HEADER.with(|last| {
        last.as_ref()
            .filter(|l| l.segment == segments.header)
            .map(|l| l.parsed.clone())
    });
    let header_text = match cached {
        Some(_) => None,
        None => Some(text(token::segment_bytes(segments.header, header_buf)?)?),
    };
    let payload_text = text(token::segment_bytes(segments.payload, payload_buf)?)?;
    let header = match (cached, header_text) {
        (Some(parsed), _) => Header::Cached(parsed),
        (None, text) => {
            let parsed = json_object(&text.unwrap_or_default(), token::E_HEADER_OBJECT)?;
            if is_flat(&parsed) {
                // Kept, so never handed out itself: every caller gets a copy.
                LAST_HEADER.with(|last| {
                    *last = Some(LastHeader {
                        segment: segments.header.into(),
                        parsed: parsed.clone(),
                    })
                });
                Header::Cached(parsed)
            } else {
                Header::New(parsed)
            }
        }
    };
    let payload = json_object(&payload_text, token::E_PAYLOAD_OBJECT)?;
    Ok((header, payload))
}

/// A segment's bytes as a JS string when they are UTF-8, TOKEN_JSON when they are not: the
/// platform's decoder checks them as it decodes (the core's rule, `segment_text` natively).
fn text(bytes: &[u8]) -> Result<JsString, Error> {
    utf8_text(bytes).map_err(|_| token::E_JSON)
}

/// `JSON.parse(text)` when it is an object; TOKEN_JSON when it is not JSON, `not_object`
/// when it is another value.
fn json_object(text: &JsString, not_object: Error) -> Result<JsValue, Error> {
    let v = parse_json(text);
    if is_plain_object(&v) {
        Ok(v)
    } else if v.is_undefined() {
        Err(token::E_JSON)
    } else {
        Err(not_object)
    }
}

/// The times of a token string (for tokenTimes and the scheduling functions).
pub(crate) fn times_of_token(token: &JsValue) -> Result<Times, Failure> {
    Ok(times_of_text(&string_arg(token, E_TOKEN_TYPE)?)?)
}

/// The times of a token (also the core's `TimesOf`, for the token pairs it checks).
pub(crate) fn times_of_text(token: &str) -> Result<Times, Error> {
    parse_token(token).map(|p| p.times)
}

const E_TOKEN_TYPE: &str = "the token must be a string";

/// `decodeToken(token)`: `{ header, payload }`, strictly decoded.
#[wasm_bindgen(js_name = decodeToken, skip_typescript)]
pub fn decode_token(token: JsValue) -> Result<JsValue, Failure> {
    let p = parse_token(&string_arg(&token, E_TOKEN_TYPE)?)?;
    Ok(match p.header {
        Header::New(header) => make_decoded(&header, &p.payload),
        Header::Cached(header) => make_decoded_copy(&header, &p.payload),
    })
}

/// The names read on every call, as JS strings made once: a property read then costs no
/// string crossing (decodeToken reads the three time claims on every call). A [`LocalOnce`], not a
/// `Local`: tokenTimes reads a caller's object, whose getters may call tokenTimes again.
struct Keys {
    iat: JsValue,
    rat: JsValue,
    exp: JsValue,
    now: JsValue,
    leeway: JsValue,
}

static KEYS: LocalOnce<Keys> = LocalOnce::new();

fn keys() -> &'static Keys {
    KEYS.get(|| Keys {
        iat: JsValue::from_str("iat"),
        rat: JsValue::from_str("rat"),
        exp: JsValue::from_str("exp"),
        now: JsValue::from_str("now"),
        leeway: JsValue::from_str("leeway"),
    })
}

/// Reads `{ iat?, rat?, exp? }` from a claims-like object into the core's [`TimeClaims`]
/// (absent when undefined; any other non-number refused, as serde refuses it natively) and
/// checks them there.
fn times_of_object(value: &JsValue) -> Result<Times, Error> {
    let k = keys();
    // A finite number is checked again by the core, whose rule it is.
    let get = |key: &JsValue| match finite(value, key) {
        Finite::Number(n) => Ok(Some(n)),
        Finite::Absent => Ok(None),
        Finite::Other | Finite::Unreadable => Err(token::E_TIME_CLAIM),
    };
    TimeClaims {
        iat: get(&k.iat)?,
        rat: get(&k.rat)?,
        exp: get(&k.exp)?,
    }
    .times()
}

/// `tokenTimes(tokenOrClaims, { now?, leeway? })`.
#[wasm_bindgen(js_name = tokenTimes, skip_typescript)]
pub fn token_times(token: JsValue, options: JsValue) -> Result<JsValue, Failure> {
    let times = match token.as_string() {
        Some(text) => times_of_text(&text)?,
        None if token.is_object() => times_of_object(&token)?,
        None => {
            return Err(invalid(
                "tokenTimes takes a token string or an object with iat, rat and exp",
            ))
        }
    };
    let (now, leeway) = if options_given(&options)? {
        let k = keys();
        (
            number_member(&options, &k.now, "now")?,
            number_member(&options, &k.leeway, "leeway")?,
        )
    } else {
        (None, None)
    };
    let now = now.unwrap_or_else(|| js_sys::Date::now() / 1000.0);
    let leeway = leeway.unwrap_or(0.0);
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

/// `nadeoAuthorization(accessToken)`: `"nadeo_v1 t=<accessToken>"` (a JS string: no buffer
/// handed back to free).
#[wasm_bindgen(js_name = nadeoAuthorization, skip_typescript)]
pub fn nadeo_authorization(access_token: JsValue) -> Result<JsString, Failure> {
    Ok(header::nadeo(&string_arg(&access_token, E_TOKEN_TYPE)?)?
        .as_str()
        .into())
}

/// `bearerAuthorization(accessToken)`: `"Bearer <accessToken>"`.
#[wasm_bindgen(js_name = bearerAuthorization, skip_typescript)]
pub fn bearer_authorization(access_token: JsValue) -> Result<JsString, Failure> {
    Ok(header::bearer(&string_arg(&access_token, E_TOKEN_TYPE)?)?
        .as_str()
        .into())
}

/// The audience of an absolute URL, or `None` (not a Nadeo game API, or not a URL).
pub(crate) fn audience_of_href(href: &str) -> Option<Audience> {
    // The WHATWG parser of the runtime (web-sys's Url), so that hosts compare as browsers see them.
    let u = web_sys::Url::new(href).ok()?;
    audience::for_origin(&u.origin())
}

/// `audienceForUrl(url)`: `"NadeoServices"`, `"NadeoLiveServices"` or `null`.
#[wasm_bindgen(js_name = audienceForUrl, skip_typescript)]
pub fn audience_for_url(url: JsValue) -> Result<JsValue, Failure> {
    let href = href_of(&url)
        .as_string()
        .ok_or_else(|| invalid("the URL must be a string or a URL"))?;
    Ok(audience_of_href(&href).map_or(JsValue::NULL, |a| JsValue::from_str(a.as_str())))
}
