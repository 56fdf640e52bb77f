//! Imports from `src/js/values.js` (the values the wasm builds and reads, bundled into each
//! entry; the error class itself is `src/js/error.js`'s, one module for both entries) and
//! `src/js/host.js` (the full entry), and helpers to read JS arguments.

use alloc::string::String;

use wasm_bindgen::prelude::*;
#[cfg(feature = "full")]
use wasm_bindgen::JsCast;

pub(crate) use super::failure::invalid;
use super::failure::Failure;

// The error class, for the bindings' tests (`is_instance_of`). The entries bundle error.js's
// importers against the package's copy; this import also makes wasm-bindgen copy it beside
// values.js and alarm.js, which import it, for the tests' runs.
#[cfg(test)]
#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    pub type NadeoAuthError;
}

#[wasm_bindgen(module = "/src/js/values.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeTimes)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn make_times(
        issued_at: Option<f64>,
        refreshable_at: Option<f64>,
        expires_at: Option<f64>,
        expired: bool,
        refreshable: bool,
        expires_in: f64,
        refreshable_in: f64,
    ) -> JsValue;

    /// `{ header, payload }` (decodeToken's result).
    #[wasm_bindgen(js_name = makeDecoded)]
    pub(crate) fn make_decoded(header: &JsValue, payload: &JsValue) -> JsValue;
    /// `{ header: { ...header }, payload }`: decodeToken's result with a copy of a kept header.
    #[wasm_bindgen(js_name = makeDecodedCopy)]
    pub(crate) fn make_decoded_copy(header: &JsValue, payload: &JsValue) -> JsValue;
    /// `object[key]` read in one crossing: the value when it is a finite number, infinity when
    /// it is undefined (absent), NaN when it is anything else, minus infinity when reading it
    /// threw (see [`Finite`]). It catches itself: a `catch` import costs a closure per call.
    #[wasm_bindgen(js_name = finiteAt)]
    fn finite_at(object: &JsValue, key: &JsValue) -> f64;
    /// UTF-8 bytes as a string; throws when they are not UTF-8 (a leading BOM is kept, as
    /// Rust's `from_utf8` keeps it, so that `JSON.parse` refuses it as serde_json does).
    #[wasm_bindgen(catch, js_name = utf8Text)]
    pub(crate) fn utf8_text(bytes: &[u8]) -> Result<js_sys::JsString, JsValue>;
    /// `JSON.parse` of a string already in JS; undefined when it is not JSON (which JSON.parse
    /// never answers: it catches itself, as `finite_at` does).
    #[wasm_bindgen(js_name = parseJson)]
    pub(crate) fn parse_json(text: &js_sys::JsString) -> JsValue;
    /// An object that is not an array (what `JSON.parse` must give for a token's header and
    /// payload, an answer, or a stored value).
    #[wasm_bindgen(js_name = isPlainObject)]
    pub(crate) fn is_plain_object(value: &JsValue) -> bool;
    /// Whether every value of a parsed object is a primitive (a shallow copy is a full one).
    #[wasm_bindgen(js_name = isFlat)]
    pub(crate) fn is_flat(value: &JsValue) -> bool;

    /// The text of a URL given as a string or a `URL`, else undefined.
    #[wasm_bindgen(js_name = hrefOf)]
    pub(crate) fn href_of(value: &JsValue) -> JsValue;

    /// Fills `bytes` from the global `crypto.getRandomValues` (in place, in the wasm's memory);
    /// false when the runtime has none.
    #[wasm_bindgen(js_name = fillRandom)]
    pub(crate) fn fill_random(bytes: &mut [u8]) -> bool;
    /// `{ url, state, codeVerifier? }` (authorizationUrl's result).
    #[wasm_bindgen(js_name = makeUrlState)]
    pub(crate) fn make_url_state(url: &str, state: &str, code_verifier: Option<&str>) -> JsValue;
    #[wasm_bindgen(js_name = makeCodeState)]
    pub(crate) fn make_code_state(code: &str, state: &str) -> JsValue;
}

// The full entry's helpers (fetch, the broker call, stores, NadeoClient.fetch): a snippet of
// their own, so the token entry does not ship them.
#[cfg(feature = "full")]
#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {

    #[wasm_bindgen(js_name = makeRoute)]
    pub(crate) fn make_route(audience: &str, fetch: &JsValue, user_agent: &str) -> JsValue;

    #[wasm_bindgen(js_name = fetchOf)]
    pub(crate) fn fetch_of(custom: &JsValue) -> JsValue;

    #[wasm_bindgen(js_name = storeGet)]
    pub(crate) fn store_get(store: &JsValue, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = storePut)]
    pub(crate) fn store_put(store: &JsValue, key: &str, value: &str, ttl: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = storeLock)]
    pub(crate) fn store_lock(store: &JsValue, key: &str, ttl_ms: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = storeRelease)]
    pub(crate) fn store_release(release: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = normalizeBase)]
    pub(crate) fn normalize_base(base: &str) -> Option<String>;
    #[wasm_bindgen(js_name = setPair)]
    pub(crate) fn set_pair(into: &JsValue, key: &str, value: &str);
}

/// A string argument, or `INVALID_ARGUMENT` with `message`.
pub(crate) fn string_arg(value: &JsValue, message: &'static str) -> Result<String, Failure> {
    value.as_string().ok_or_else(|| invalid(message))
}

/// `INVALID_ARGUMENT` unless `options` is an object (for calls whose options are required).
pub(crate) fn options_object(options: &JsValue) -> Result<(), Failure> {
    if options.is_object() {
        Ok(())
    } else {
        Err(invalid("options must be an object"))
    }
}

/// Whether optional `options` were given: true for an object, false for undefined or null,
/// `INVALID_ARGUMENT` for anything else.
pub(crate) fn options_given(options: &JsValue) -> Result<bool, Failure> {
    if options.is_object() {
        Ok(true)
    } else if options.is_undefined() || options.is_null() {
        Ok(false)
    } else {
        Err(invalid("options must be an object"))
    }
}

/// `options[key]` when `options` is an object, `None` when it or the member is undefined;
/// `INVALID_ARGUMENT` when `options` is neither undefined/null nor an object.
pub(crate) fn option(options: &JsValue, key: &str) -> Result<Option<JsValue>, Failure> {
    if !options_given(options)? {
        return Ok(None);
    }
    let v = js_sys::Reflect::get(options, &JsValue::from_str(key))
        .map_err(|_| invalid("options could not be read"))?;
    Ok(if v.is_undefined() { None } else { Some(v) })
}

/// `INVALID_ARGUMENT`: "options.<key> must be <what>".
pub(crate) fn bad_option(key: &str, what: &'static str) -> Failure {
    Failure::BadOption {
        key: key.into(),
        what: what.into(),
    }
}

/// A member that must be a finite number when present, as [`finite_at`] reads it.
pub(crate) enum Finite {
    Number(f64),
    Absent,
    /// Present, but not a finite number.
    Other,
    /// Its getter threw.
    Unreadable,
}

/// `object[key]` (a JS string the caller made once) in one crossing.
pub(crate) fn finite(object: &JsValue, key: &JsValue) -> Finite {
    match finite_at(object, key) {
        n if n.is_finite() => Finite::Number(n),
        f64::INFINITY => Finite::Absent,
        f64::NEG_INFINITY => Finite::Unreadable,
        _ => Finite::Other,
    }
}

/// A finite number option.
pub(crate) fn number_option(options: &JsValue, key: &str) -> Result<Option<f64>, Failure> {
    if !options_given(options)? {
        return Ok(None);
    }
    number_member(options, &JsValue::from_str(key), key)
}

/// A finite number member of an options object (checked by [`options_given`]) under `key`,
/// a JS string the caller made once (`name` is its text, for the error): one crossing
/// (tokenTimes' `now` on every call).
pub(crate) fn number_member(
    options: &JsValue,
    key: &JsValue,
    name: &str,
) -> Result<Option<f64>, Failure> {
    match finite(options, key) {
        Finite::Number(n) => Ok(Some(n)),
        Finite::Absent => Ok(None),
        Finite::Other => Err(bad_option(name, "a finite number")),
        Finite::Unreadable => Err(invalid("options could not be read")),
    }
}

/// A boolean option: `None` when absent.
pub(crate) fn bool_option(options: &JsValue, key: &str) -> Result<Option<bool>, Failure> {
    match option(options, key)? {
        None => Ok(None),
        Some(v) => v
            .as_bool()
            .map(Some)
            .ok_or_else(|| bad_option(key, "a boolean")),
    }
}

/// A string option: `None` when absent.
pub(crate) fn string_option(options: &JsValue, key: &str) -> Result<Option<String>, Failure> {
    match option(options, key)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| bad_option(key, "a string")),
    }
}

/// A required, non-empty string option.
pub(crate) fn required_string(options: &JsValue, key: &str) -> Result<String, Failure> {
    string_option(options, key)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad_option(key, "a non-empty string"))
}

/// An array of strings from JS: `None` unless `v` is an array whose every item is a string.
#[cfg(feature = "full")]
pub(crate) fn string_array(v: &JsValue) -> Option<Vec<String>> {
    if !js_sys::Array::is_array(v) {
        return None;
    }
    let items: &js_sys::Array = v.unchecked_ref();
    (0..items.length())
        .map(|i| items.get(i).as_string())
        .collect()
}

/// A clock's time in seconds (a clock that throws or answers garbage counts as `Date.now`).
#[cfg(feature = "full")]
pub(crate) fn clock_s(now: &Option<js_sys::Function>) -> f64 {
    now.as_ref()
        .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
        .and_then(|v| v.as_f64())
        .filter(|v| v.is_finite())
        .unwrap_or_else(js_sys::Date::now)
        / 1000.0
}
