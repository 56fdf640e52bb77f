//! Trackmania OAuth, the server half: the three grants, name lookups and TrackmaniaApi's
//! token (the page half, authorize URL and redirect checks, is `redirect.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::flight::{Gate, Work};
use super::glue::{clock_option, clock_s, invalid, make_oauth_tokens, make_user, options_object, required_string, set_pair, string_array, to_js};
use super::http::{status_error, Transport};
use super::policy;
use crate::core::backoff::Backoff;
use super::nadeo::{plan, push_transport};
use super::redirect::api_url;
use crate::core::oauth::{self, Grant, Lookup};
use crate::core::header;

fn client_of(options: &JsValue) -> Result<(Transport, String, String, String), JsValue> {
    options_object(options)?;
    Ok((
        Transport::read(options)?,
        api_url(options)?,
        required_string(options, "clientId")?,
        required_string(options, "clientSecret")?,
    ))
}

fn api_path(api: &str, path: &str) -> Result<String, JsValue> {
    let mut url = String::from(crate::core::nadeo::base_url(api).map_err(to_js)?);
    url.push_str(path);
    Ok(url)
}

/// The plan of a grant: 0 authorization code, 1 refresh token, 2 client credentials.
#[wasm_bindgen(js_name = __oauthRequest, skip_typescript)]
pub fn oauth_request(kind: u8, options: JsValue) -> Result<js_sys::Array, JsValue> {
    let (t, api, id, secret) = client_of(&options)?;
    let body = match kind {
        0 => {
            let code = required_string(&options, "code")?;
            let redirect_uri = required_string(&options, "redirectUri")?;
            oauth::grant_body(&Grant::Code { code: &code, redirect_uri: &redirect_uri }, &id, &secret)
        }
        1 => {
            let refresh = required_string(&options, "refreshToken")?;
            oauth::grant_body(&Grant::Refresh { refresh_token: &refresh }, &id, &secret)
        }
        _ => oauth::grant_body(&Grant::ClientCredentials, &id, &secret),
    }
    .map_err(to_js)?;
    let headers = "Content-Type\napplication/x-www-form-urlencoded\nAccept\napplication/json";
    Ok(plan("POST", &api_path(&api, oauth::TOKEN_PATH)?, headers, Some(body), &t))
}

fn ok_or_error(status: u16, retry_after: Option<&str>, text: &str) -> Result<(), JsValue> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(status_error(status, text, retry_after, oauth::status_code(status)))
    }
}

/// The answer of a grant: OAuthTokens (`expiresAt` computed now), or its error.
#[wasm_bindgen(js_name = __oauthAnswer, skip_typescript)]
pub fn oauth_answer(status: u16, retry_after: Option<String>, text: String, previous_refresh: Option<String>) -> Result<JsValue, JsValue> {
    ok_or_error(status, retry_after.as_deref(), &text)?;
    let t = oauth::tokens_from_body(&text, previous_refresh.as_deref()).map_err(to_js)?;
    let at = (js_sys::Date::now() / 1000.0).floor() + t.expires_in;
    Ok(make_oauth_tokens(&t.access_token, t.refresh_token, t.expires_in, at, t.scope))
}

/// The plan of a lookup: 0 displayNames, 1 accountIds, 2 currentUser.
/// `[urls, authorization, fetch, signal, timeoutMs]`; `inputs` is ignored for currentUser.
#[wasm_bindgen(js_name = __lookupRequest, skip_typescript)]
pub fn lookup_request(kind: u8, inputs: JsValue, options: JsValue) -> Result<js_sys::Array, JsValue> {
    options_object(&options)?;
    let token = required_string(&options, "accessToken")?;
    let authorization = header::bearer(&token).map_err(to_js)?;
    let t = Transport::read(&options)?;
    let api = api_url(&options)?;
    let urls: Vec<String> = match kind {
        0 | 1 => {
            let inputs = string_array(&inputs).ok_or_else(|| invalid("the lookup takes an array of strings"))?;
            let kind = if kind == 0 { Lookup::DisplayNames } else { Lookup::AccountIds };
            oauth::lookup_urls(&api, kind, &inputs).map_err(to_js)?
        }
        _ => vec![api_path(&api, "/api/user")?],
    };
    let out = js_sys::Array::new();
    out.push(&urls.into_iter().map(JsValue::from).collect::<js_sys::Array>());
    out.push(&JsValue::from_str(&authorization));
    push_transport(&out, &t);
    Ok(out)
}

/// The answer of one lookup request: its pairs added to `into` (kinds 0 and 1), or the user
/// (kind 2); or its error.
#[wasm_bindgen(js_name = __lookupAnswer, skip_typescript)]
pub fn lookup_answer(kind: u8, into: JsValue, status: u16, retry_after: Option<String>, text: String) -> Result<JsValue, JsValue> {
    ok_or_error(status, retry_after.as_deref(), &text)?;
    if kind == 2 {
        let (id, name) = oauth::user_from_body(&text).map_err(to_js)?;
        return Ok(make_user(&id, &name));
    }
    for (k, v) in oauth::string_map(&text).map_err(to_js)? {
        set_pair(&into, &k, &v);
    }
    Ok(into)
}

/// Renew a client-credentials token this long before it expires (seconds).
const RENEW_BEFORE_S: f64 = 60.0;

struct ApiInner {
    grant: js_sys::Function,
    now: Option<js_sys::Function>,
    token: RefCell<Option<(String, f64)>>,
    gate: Rc<Gate>,
    grants: Cell<u32>,
    /// The failure policy of the client-credentials grant (as NadeoClient's per audience).
    backoff: RefCell<Backoff>,
}

impl ApiInner {
    fn now_s(&self) -> f64 {
        clock_s(&self.now)
    }

    /// The held token while it has not expired.
    fn usable(&self) -> Option<String> {
        let t = self.token.borrow();
        let (tok, at) = t.as_ref()?;
        (self.now_s() < *at).then(|| tok.clone())
    }
}

async fn api_token(inner: Rc<ApiInner>) -> Result<String, JsValue> {
    let fresh = || {
        let now = inner.now_s();
        if inner.backoff.borrow().wait(now).is_some() {
            // Backing off: a still-valid token keeps being served.
            return inner.usable();
        }
        let t = inner.token.borrow();
        let (tok, at) = t.as_ref()?;
        (now < at - RENEW_BEFORE_S).then(|| tok.clone())
    };
    if let Some(token) = fresh() {
        return Ok(token);
    }
    if let Some(err) = policy::blocked(&inner.backoff.borrow(), inner.now_s()) {
        return Err(err);
    }
    let after = || inner.usable();
    let work = || -> Work {
        let inner = inner.clone();
        Box::pin(async move {
            if let Some(err) = policy::blocked(&inner.backoff.borrow(), inner.now_s()) {
                return inner.usable().map(|_| ()).ok_or(err);
            }
            inner.grants.set(inner.grants.get() + 1);
            let granted = match inner.grant.call0(&JsValue::UNDEFINED) {
                Ok(p) => wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(p)).await,
                Err(e) => Err(e),
            };
            let t = match granted {
                Ok(t) => t,
                Err(e) => {
                    policy::record(&mut inner.backoff.borrow_mut(), inner.now_s(), &e);
                    // A passing failure with a still-valid token: keep serving it.
                    return inner.usable().map(|_| ()).ok_or(e);
                }
            };
            let get = |k: &str| js_sys::Reflect::get(&t, &JsValue::from_str(k)).ok();
            let token = get("accessToken").and_then(|v| v.as_string()).unwrap_or_default();
            let expires_in = get("expiresIn").and_then(|v| v.as_f64()).unwrap_or(0.0);
            inner.backoff.borrow_mut().succeeded();
            *inner.token.borrow_mut() = Some((token, inner.now_s().floor() + expires_in));
            Ok(())
        })
    };
    inner.gate.obtain(&JsValue::UNDEFINED, &fresh, &after, &work).await
}

/// The token half of `TrackmaniaApi` (the class itself is in api.js): a client-credentials
/// token kept and renewed 60 s before it expires, one grant at a time. `grant` is a JS
/// function that runs the client-credentials grant; the secret stays in its closure.
#[wasm_bindgen(js_name = __ApiTokens, skip_typescript)]
pub struct ApiTokens {
    inner: Rc<ApiInner>,
}

#[wasm_bindgen(js_class = __ApiTokens)]
impl ApiTokens {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, grant: js_sys::Function) -> Result<ApiTokens, JsValue> {
        let (_, _, id, secret) = client_of(&options)?;
        oauth::grant_body(&Grant::ClientCredentials, &id, &secret).map_err(to_js)?;
        let now = clock_option(&options)?;
        Ok(ApiTokens { inner: Rc::new(ApiInner { grant, now, token: RefCell::new(None), gate: Rc::default(), grants: Cell::new(0), backoff: RefCell::default() }) })
    }

    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        super::tasks::promise(Box::pin(async move { api_token(inner).await.map(JsValue::from) }))
    }

    /// Client-credentials grants made so far.
    #[wasm_bindgen(getter)]
    pub fn grants(&self) -> u32 {
        self.inner.grants.get()
    }
}
