//! Trackmania OAuth, the server half: the three grants, name lookups and TrackmaniaApi's
//! token (the page half, authorize URL and redirect checks, is `redirect.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::error::{invalid, Failure};
use super::exchange::{self, Exchange, Outcome, Reader};
use super::fetch::{HttpRequest, Transport};
use super::flight::{Gate, Work};
use super::glue::{clock_option, clock_s, options_object, required_string, string_array};
use super::policy;
use super::redirect::api_url;
use crate::core::backoff::Backoff;
use crate::core::header;
use crate::core::oauth::{self, Grant, Lookup};

fn client_of(options: &JsValue) -> Result<(Transport, String, String, String), Failure> {
    options_object(options)?;
    Ok((
        Transport::read(options)?,
        api_url(options)?,
        required_string(options, "clientId")?,
        required_string(options, "clientSecret")?,
    ))
}

fn api_path(api: &str, path: &str) -> Result<String, Failure> {
    let mut url = String::from(crate::core::nadeo::base_url(api)?);
    url.push_str(path);
    Ok(url)
}

/// Which grant of /api/access_token.
#[derive(Clone, Copy)]
enum GrantKind {
    Code,
    Refresh,
    ClientCredentials,
}

/// A grant: arguments checked, then the form-encoded request and how its answer is read.
fn grant(kind: GrantKind, options: &JsValue) -> Result<Exchange, Failure> {
    let (transport, api, id, secret) = client_of(options)?;
    let mut previous_refresh = None;
    let body = match kind {
        GrantKind::Code => {
            let code = required_string(options, "code")?;
            let redirect_uri = required_string(options, "redirectUri")?;
            oauth::grant_body(
                &Grant::Code {
                    code: &code,
                    redirect_uri: &redirect_uri,
                },
                &id,
                &secret,
            )
        }
        GrantKind::Refresh => {
            let refresh = required_string(options, "refreshToken")?;
            let body = oauth::grant_body(
                &Grant::Refresh {
                    refresh_token: &refresh,
                },
                &id,
                &secret,
            );
            previous_refresh = Some(refresh);
            body
        }
        GrantKind::ClientCredentials => oauth::grant_body(&Grant::ClientCredentials, &id, &secret),
    }?;
    let request = HttpRequest {
        method: "POST",
        url: api_path(&api, oauth::TOKEN_PATH)?,
        headers: vec![
            ("Content-Type", "application/x-www-form-urlencoded".into()),
            ("Accept", "application/json".into()),
        ],
        body: Some(body),
    };
    Ok(Exchange {
        transport,
        requests: vec![request],
        reader: Reader::OAuthTokens { previous_refresh },
    })
}

/// `exchangeCode(options)`: the authorization-code grant.
#[wasm_bindgen(js_name = exchangeCode, skip_typescript)]
pub fn exchange_code(options: JsValue) -> js_sys::Promise {
    exchange::run(grant(GrantKind::Code, &options))
}

/// `refreshOAuthTokens(options)`: the refresh-token grant (the given refresh token is kept
/// when the answer has none).
#[wasm_bindgen(js_name = refreshOAuthTokens, skip_typescript)]
pub fn refresh_oauth_tokens(options: JsValue) -> js_sys::Promise {
    exchange::run(grant(GrantKind::Refresh, &options))
}

/// `clientCredentials(options)`: the client-credentials grant.
#[wasm_bindgen(js_name = clientCredentials, skip_typescript)]
pub fn client_credentials(options: JsValue) -> js_sys::Promise {
    exchange::run(grant(GrantKind::ClientCredentials, &options))
}

/// Which lookup of api.trackmania.com.
#[derive(Clone, Copy)]
enum LookupKind {
    DisplayNames,
    AccountIds,
    CurrentUser,
}

/// A lookup: arguments checked, then its requests (50 names or IDs each, in order, their
/// pairs merged; one request for the current user).
fn lookup(kind: LookupKind, inputs: &JsValue, options: &JsValue) -> Result<Exchange, Failure> {
    options_object(options)?;
    let token = required_string(options, "accessToken")?;
    let authorization = header::bearer(&token)?;
    let transport = Transport::read(options)?;
    let api = api_url(options)?;
    let urls: Vec<String> = match kind {
        LookupKind::DisplayNames | LookupKind::AccountIds => {
            let inputs = string_array(inputs)
                .ok_or_else(|| invalid("the lookup takes an array of strings"))?;
            let which = if matches!(kind, LookupKind::DisplayNames) {
                Lookup::DisplayNames
            } else {
                Lookup::AccountIds
            };
            oauth::lookup_urls(&api, which, &inputs)?
        }
        LookupKind::CurrentUser => vec![api_path(&api, "/api/user")?],
    };
    let requests = urls
        .into_iter()
        .map(|url| HttpRequest {
            method: "GET",
            url,
            headers: vec![
                ("Authorization", authorization.clone()),
                ("Accept", "application/json".into()),
            ],
            body: None,
        })
        .collect();
    let reader = if matches!(kind, LookupKind::CurrentUser) {
        Reader::User
    } else {
        Reader::Pairs
    };
    Ok(Exchange {
        transport,
        requests,
        reader,
    })
}

/// `displayNames(accountIds, options)`: accountId → display name.
#[wasm_bindgen(js_name = displayNames, skip_typescript)]
pub fn display_names(account_ids: JsValue, options: JsValue) -> js_sys::Promise {
    exchange::run(lookup(LookupKind::DisplayNames, &account_ids, &options))
}

/// `accountIds(displayNames, options)`: display name → accountId.
#[wasm_bindgen(js_name = accountIds, skip_typescript)]
pub fn account_ids(display_names: JsValue, options: JsValue) -> js_sys::Promise {
    exchange::run(lookup(LookupKind::AccountIds, &display_names, &options))
}

/// `currentUser(options)`: the signed-in user of a user token.
#[wasm_bindgen(js_name = currentUser, skip_typescript)]
pub fn current_user(options: JsValue) -> js_sys::Promise {
    exchange::run(lookup(
        LookupKind::CurrentUser,
        &JsValue::UNDEFINED,
        &options,
    ))
}

/// Renew a client-credentials token this long before it expires (seconds).
const RENEW_BEFORE_S: f64 = 60.0;

struct ApiInner {
    /// The client-credentials grant's options (the client secret among them: never in a
    /// message, a store or a log; this type has no Debug).
    options: JsValue,
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

async fn api_token(inner: Rc<ApiInner>) -> Result<String, Failure> {
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
            let granted = match grant(GrantKind::ClientCredentials, &inner.options) {
                Ok(exchange) => exchange.send().await,
                Err(e) => Err(e),
            };
            let (token, expires_in) = match granted {
                Ok(Outcome::OAuthTokens(t, _)) => (t.access_token, t.expires_in),
                Ok(_) => return Err(oauth::E_ANSWER.into()),
                Err(e) => {
                    policy::record(&mut inner.backoff.borrow_mut(), inner.now_s(), &e);
                    // A passing failure with a still-valid token: keep serving it.
                    return inner.usable().map(|_| ()).ok_or(e);
                }
            };
            inner.backoff.borrow_mut().succeeded();
            *inner.token.borrow_mut() = Some((token, inner.now_s().floor() + expires_in));
            Ok(())
        })
    };
    inner
        .gate
        .obtain(&JsValue::UNDEFINED, &fresh, &after, &work)
        .await
}

/// The token half of `TrackmaniaApi` (the class itself is in api.js, which holds this object
/// privately): a client-credentials token kept and renewed 60 s before it expires, one grant
/// at a time, under the failure policy.
#[wasm_bindgen(js_name = ApiTokens, skip_typescript)]
pub struct ApiTokens {
    inner: Rc<ApiInner>,
}

#[wasm_bindgen(js_class = ApiTokens)]
impl ApiTokens {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ApiTokens, Failure> {
        // Every argument of the grant checked now, nothing sent.
        grant(GrantKind::ClientCredentials, &options)?;
        let now = clock_option(&options)?;
        Ok(ApiTokens {
            inner: Rc::new(ApiInner {
                options,
                now,
                token: RefCell::new(None),
                gate: Rc::default(),
                grants: Cell::new(0),
                backoff: RefCell::default(),
            }),
        })
    }

    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        super::tasks::promise(Box::pin(async move {
            api_token(inner).await.map(JsValue::from)
        }))
    }

    /// Client-credentials grants made so far.
    #[wasm_bindgen(getter)]
    pub fn grants(&self) -> u32 {
        self.inner.grants.get()
    }
}
