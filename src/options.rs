//! The options objects of the full entry, each read once into a typed struct by
//! serde-wasm-bindgen (the design card's crate for this job), with serde_path_to_error naming
//! the field that was wrong: `INVALID_ARGUMENT: options.userAgent must be a non-empty string`.
//!
//! Each field's type states its rule ([`Text`], [`Number`], [`Function`], …) and the words of
//! its error; the value itself never reaches a message (a password given where a number was
//! expected must not be printed). Every field is optional to serde: a call says which ones it
//! requires ([`required`]), so a missing field and a wrong one read alike. Unknown fields are
//! ignored, as JS callers expect.
//!
//! The token entry's few options (tokenTimes, the scheduling functions, authorizationUrl) are
//! read by `interop.rs`'s small readers, in both entries: serde-wasm-bindgen's deserializer
//! would not fit the page's budget.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use super::failure::{invalid, Failure};
use super::fetch::{Transport, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS};
use super::interop::{fetch_of, is_plain_object};
use crate::core::audience::Audience;

/// Reads an options object into `T`; `INVALID_ARGUMENT` naming the field when one is wrong.
pub(crate) fn read<T: DeserializeOwned>(options: &JsValue) -> Result<T, Failure> {
    if !is_plain_object(options) {
        return Err(invalid("options must be an object"));
    }
    let de = serde_wasm_bindgen::Deserializer::from(options.clone());
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        // serde-wasm-bindgen's error is a JS Error whose message is the field type's words.
        let error = JsValue::from(e.into_inner());
        let what = js_sys::Reflect::get(&error, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        Failure::BadOption { key, what }
    })
}

/// A field the call needs: its value, or "options.<key> must be <what>".
pub(crate) fn required<T>(value: Option<T>, key: &str, what: &'static str) -> Result<T, Failure> {
    value.ok_or_else(|| Failure::BadOption {
        key: key.into(),
        what: what.into(),
    })
}

/// The field as the JS value it is (serde-wasm-bindgen hands it over untouched).
fn raw<'de, D: Deserializer<'de>>(d: D) -> Result<JsValue, D::Error> {
    serde_wasm_bindgen::preserve::deserialize(d)
}

/// A finite number above 0.
pub(crate) struct Positive(pub f64);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Positive, D::Error> {
        raw(d)?
            .as_f64()
            .filter(|n| n.is_finite() && *n > 0.0)
            .map(Positive)
            .ok_or_else(|| D::Error::custom("a positive number"))
    }
}

/// A non-empty string.
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        raw(d)?
            .as_string()
            .filter(|s| !s.is_empty())
            .map(Text)
            .ok_or_else(|| D::Error::custom("a non-empty string"))
    }
}

/// A finite number.
pub(crate) struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        raw(d)?
            .as_f64()
            .filter(|n| n.is_finite())
            .map(Number)
            .ok_or_else(|| D::Error::custom("a finite number"))
    }
}

/// A function (`fetch`, the `now` clock).
pub(crate) struct Function(pub js_sys::Function);

impl<'de> Deserialize<'de> for Function {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Function, D::Error> {
        raw(d)?
            .dyn_into::<js_sys::Function>()
            .map(Function)
            .map_err(|_| D::Error::custom("a function"))
    }
}

/// An AbortSignal (any object: a signal of another realm works as well).
pub(crate) struct Signal(pub AbortSignal);

impl<'de> Deserialize<'de> for Signal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Signal, D::Error> {
        let v = raw(d)?;
        if v.is_object() {
            Ok(Signal(v.unchecked_into()))
        } else {
            Err(D::Error::custom("an AbortSignal"))
        }
    }
}

/// An object with methods of these names (a TokenStore, a Durable Object namespace).
fn with_methods(v: &JsValue, names: &[&str]) -> bool {
    v.is_object()
        && names
            .iter()
            .all(|m| js_sys::Reflect::get(v, &JsValue::from_str(m)).is_ok_and(|f| f.is_function()))
}

/// A TokenStore: `get` and `put` methods (a KV namespace fits).
pub(crate) struct Store(pub JsValue);

impl<'de> Deserialize<'de> for Store {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Store, D::Error> {
        let v = raw(d)?;
        if with_methods(&v, &["get", "put"]) {
            Ok(Store(v))
        } else {
            Err(D::Error::custom(
                "an object with get and put methods (a TokenStore)",
            ))
        }
    }
}

/// The Durable Object namespace bound to NadeoTokenBroker.
pub(crate) struct Broker(pub JsValue);

impl<'de> Deserialize<'de> for Broker {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Broker, D::Error> {
        let v = raw(d)?;
        if with_methods(&v, &["idFromName", "get"]) {
            Ok(Broker(v))
        } else {
            Err(D::Error::custom(
                "the Durable Object namespace bound to NadeoTokenBroker",
            ))
        }
    }
}

/// `"NadeoServices"` or `"NadeoLiveServices"` (or its alias `"NadeoClubServices"`).
pub(crate) struct AudienceName(pub Audience, pub bool);

impl AudienceName {
    /// The audience; `NadeoClubServices` only where `allow_alias`.
    pub fn audience(&self, allow_alias: bool) -> Result<Audience, Failure> {
        if self.1 && !allow_alias {
            return Err(Failure::BadOption {
                key: "audience".into(),
                what: E_AUDIENCE.into(),
            });
        }
        Ok(self.0)
    }
}

const E_AUDIENCE: &str = "\"NadeoServices\" or \"NadeoLiveServices\"";

impl<'de> Deserialize<'de> for AudienceName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AudienceName, D::Error> {
        let name = raw(d)?.as_string();
        let alias = name.as_deref() == Some("NadeoClubServices");
        name.as_deref()
            .and_then(Audience::parse)
            .map(|a| AudienceName(a, alias))
            .ok_or_else(|| D::Error::custom(E_AUDIENCE))
    }
}

/// The transport options every network call takes: `fetch`, `signal`, `timeoutMs`.
fn transport(
    fetch: Option<Function>,
    signal: Option<Signal>,
    timeout_ms: Option<Number>,
) -> Result<Transport, Failure> {
    let custom = fetch.map_or(JsValue::UNDEFINED, |f| f.0.into());
    let fetch = fetch_of(&custom)
        .dyn_into::<js_sys::Function>()
        .map_err(|_| invalid("there is no global fetch: pass options.fetch"))?;
    let timeout_ms = timeout_ms.map_or(DEFAULT_TIMEOUT_MS, |n| n.0);
    if !(timeout_ms > 0.0 && timeout_ms <= MAX_TIMEOUT_MS) {
        return Err(invalid(
            "options.timeoutMs must be a positive number of milliseconds",
        ));
    }
    Ok(Transport {
        fetch,
        signal: signal.map(|s| s.0),
        timeout_ms,
    })
}

/// The options of the one-shot Nadeo calls (loginBasic, refreshTokens, loginUbiTicket).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NadeoCall {
    pub user_agent: Option<Text>,
    pub core_url: Option<Text>,
    pub login: Option<Text>,
    pub password: Option<Text>,
    pub audience: Option<AudienceName>,
    pub refresh_token: Option<Text>,
    pub ticket: Option<Text>,
    fetch: Option<Function>,
    signal: Option<Signal>,
    timeout_ms: Option<Number>,
}

impl NadeoCall {
    pub fn transport(&mut self) -> Result<Transport, Failure> {
        transport(
            self.fetch.take(),
            self.signal.take(),
            self.timeout_ms.take(),
        )
    }
}

/// `new NadeoClient(options)` (and the broker's client).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Client {
    pub user_agent: Option<Text>,
    pub login: Option<Text>,
    pub password: Option<Text>,
    pub core_url: Option<Text>,
    pub live_url: Option<Text>,
    pub meet_url: Option<Text>,
    pub store: Option<Store>,
    pub broker: Option<Broker>,
    pub refresh_margin: Option<Number>,
    pub requests_per_second: Option<Positive>,
    pub now: Option<Function>,
    fetch: Option<Function>,
    timeout_ms: Option<Number>,
}

impl Client {
    /// The client's transport: no signal (each call may bring its own).
    pub fn transport(&mut self) -> Result<Transport, Failure> {
        transport(self.fetch.take(), None, self.timeout_ms.take())
    }
}

/// `accessToken(audience, { signal })`.
#[derive(Deserialize)]
pub(crate) struct Call {
    pub signal: Option<Signal>,
}

/// The signal of `accessToken`'s `{ signal }?`, or undefined.
pub(crate) fn call_signal(options: &JsValue) -> Result<JsValue, Failure> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    let call: Call = read(options)?;
    Ok(call.signal.map_or(JsValue::UNDEFINED, |s| s.0.into()))
}

/// The options of the OAuth grants, the lookups, TrackmaniaApi and verifyOpenplanetToken
/// (one struct: each deserializer costs the wasm its own code).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OAuth {
    pub api_url: Option<Text>,
    pub client_id: Option<Text>,
    pub client_secret: Option<Text>,
    pub code: Option<Text>,
    pub redirect_uri: Option<Text>,
    pub code_verifier: Option<Text>,
    pub refresh_token: Option<Text>,
    pub access_token: Option<Text>,
    pub token: Option<Text>,
    pub secret: Option<Text>,
    pub user_agent: Option<Text>,
    pub validate_url: Option<Text>,
    pub now: Option<Function>,
    fetch: Option<Function>,
    signal: Option<Signal>,
    timeout_ms: Option<Number>,
}

impl OAuth {
    pub fn transport(&mut self) -> Result<Transport, Failure> {
        transport(
            self.fetch.take(),
            self.signal.take(),
            self.timeout_ms.take(),
        )
    }

    /// `userAgent`, checked like the Nadeo calls' (printable, one line), where given.
    pub fn user_agent(&mut self) -> Result<Option<String>, Failure> {
        match self.user_agent.take() {
            Some(ua) => Ok(Some(crate::core::nadeo::user_agent(&ua.0)?)),
            None => Ok(None),
        }
    }

    /// `apiUrl`, default api.trackmania.com, checked.
    pub fn api_url(&self) -> Result<String, Failure> {
        let api = self
            .api_url
            .as_ref()
            .map_or(crate::core::oauth::DEFAULT_API_URL, |t| t.0.as_str());
        crate::core::nadeo::base_url(api)?;
        Ok(api.into())
    }
}

/// A string, empty or not.
pub(crate) struct Str(pub String);

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        raw(d)?
            .as_string()
            .map(Str)
            .ok_or_else(|| D::Error::custom("a string"))
    }
}

/// An `OAuthTokens` (index.d.ts), as exchangeCode (or onTokens) gave it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tokens {
    pub access_token: Text,
    pub refresh_token: Option<Text>,
    pub expires_at: Number,
    pub expires_in: Option<Number>,
    pub scope: Option<Str>,
}

/// `new TrackmaniaUserClient(options)`: the player's part (the app's part is [`OAuth`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Player {
    pub tokens: Option<Tokens>,
    pub store: Option<Store>,
    pub key: Option<Text>,
    pub broker: Option<Broker>,
    pub on_tokens: Option<Function>,
    pub refresh_margin: Option<Number>,
}
