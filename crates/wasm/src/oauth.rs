//! Trackmania OAuth, the server half: the three grants, name lookups and TrackmaniaApi's
//! token (the page half, authorize URL and redirect checks, is `redirect.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::bearer::Bearer;
use super::error::{invalid, Failure};
use super::exchange::{self, Exchange, Outcome, Reader};
use super::fetch::{HttpRequest, Transport};
use super::flight::{Gate, Work};
use super::glue::{clock_s, string_array};
use super::options::{self, required};
use super::policy;
use crate::core::backoff::Backoff;
use crate::core::header;
use crate::core::oauth::{self, Grant, Lookup};

const E_TEXT: &str = "a non-empty string";

fn api_path(api: &str, path: &str) -> Result<String, Failure> {
    let mut url = String::from(crate::core::nadeo::base_url(api)?);
    url.push_str(path);
    Ok(url)
}

/// An app registered at api.trackmania.com, and how its grants are sent. No `Debug`: it holds
/// the client secret.
pub(crate) struct App {
    pub transport: Transport,
    pub api: String,
    pub client_id: String,
    pub client_secret: String,
}

impl App {
    pub fn of(o: &mut options::OAuth) -> Result<App, Failure> {
        Ok(App {
            transport: o.transport()?,
            api: o.api_url()?,
            client_id: required(o.client_id.take(), "clientId", E_TEXT)?.0,
            client_secret: required(o.client_secret.take(), "clientSecret", E_TEXT)?.0,
        })
    }

    /// A grant: its form-encoded request (the credentials in the body) and how its answer is
    /// read. `previous_refresh` is kept when a refresh answer has none.
    pub fn grant(
        &self,
        grant: &Grant<'_>,
        previous_refresh: Option<String>,
    ) -> Result<Exchange, Failure> {
        let body = oauth::grant_body(grant, &self.client_id, &self.client_secret)?;
        let request = HttpRequest {
            method: "POST",
            url: api_path(&self.api, oauth::TOKEN_PATH)?,
            headers: vec![
                ("Content-Type", "application/x-www-form-urlencoded".into()),
                ("Accept", "application/json".into()),
            ],
            body: Some(body),
        };
        Ok(Exchange {
            transport: self.transport.clone(),
            requests: vec![request],
            reader: Reader::OAuthTokens { previous_refresh },
        })
    }
}

/// Which grant of /api/access_token.
#[derive(Clone, Copy)]
enum GrantKind {
    Code,
    Refresh,
    ClientCredentials,
}

/// A grant call: every argument checked, then the exchange (nothing is sent when one is wrong).
fn grant(kind: GrantKind, options: &JsValue) -> Result<Exchange, Failure> {
    let mut o: options::OAuth = options::read(options)?;
    let app = App::of(&mut o)?;
    match kind {
        GrantKind::Code => {
            let code = &required(o.code.as_ref(), "code", E_TEXT)?.0;
            let redirect_uri = &required(o.redirect_uri.as_ref(), "redirectUri", E_TEXT)?.0;
            let code_verifier = o.code_verifier.as_ref().map(|v| v.0.as_str());
            let grant = Grant::Code {
                code,
                redirect_uri,
                code_verifier,
            };
            app.grant(&grant, None)
        }
        GrantKind::Refresh => {
            let refresh = required(o.refresh_token.take(), "refreshToken", E_TEXT)?.0;
            app.grant(
                &Grant::Refresh {
                    refresh_token: &refresh,
                },
                Some(refresh.clone()),
            )
        }
        GrantKind::ClientCredentials => app.grant(&Grant::ClientCredentials, None),
    }
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
    let mut o: options::OAuth = options::read(options)?;
    let token = required(o.access_token.take(), "accessToken", E_TEXT)?.0;
    let authorization = header::bearer(&token)?;
    let transport = o.transport()?;
    let api = o.api_url()?;
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
    /// The app (its client secret: never in a message, a store or a log).
    app: App,
    now: Option<js_sys::Function>,
    token: RefCell<Option<(String, f64)>>,
    gate: Rc<Gate>,
    grants: Cell<u32>,
    /// The failure policy of the client-credentials grant (as NadeoClient's per audience).
    backoff: RefCell<Backoff>,
    /// `fetch()`'s origin and its rule on a 401 (bearer.rs).
    bearer: Bearer,
}

impl ApiInner {
    fn now_s(&self) -> f64 {
        clock_s(&self.now)
    }

    /// The held token while it has not expired and no API refused it.
    fn usable(&self) -> Option<String> {
        let t = self.token.borrow();
        let (tok, at) = t.as_ref()?;
        (self.now_s() < *at && !self.bearer.is_refused(tok)).then(|| tok.clone())
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
        (now < at - RENEW_BEFORE_S && !inner.bearer.is_refused(tok)).then(|| tok.clone())
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
            let granted = match inner.app.grant(&Grant::ClientCredentials, None) {
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
            inner.bearer.renewed();
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
        let mut o: options::OAuth = options::read(&options)?;
        let app = App::of(&mut o)?;
        // Every argument of the grant checked now, nothing sent.
        app.grant(&Grant::ClientCredentials, None)?;
        let now = o.now.map(|f| f.0);
        Ok(ApiTokens {
            inner: Rc::new(ApiInner {
                bearer: Bearer::new(&app.api)?,
                app,
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

    /// For `fetch` (api.js): the fetch function to send `url` with, or `INVALID_ARGUMENT` when
    /// `url` is not on the apiUrl origin (the app's token is sent nowhere else).
    pub fn route(&self, url: &str) -> Result<js_sys::Function, Failure> {
        self.inner.bearer.check(url)?;
        Ok(self.inner.app.transport.fetch.clone())
    }

    /// For `fetch` (api.js): an API answered 401 to `token`; whether a retry may follow.
    pub fn refused(&self, token: String) -> bool {
        let held = self.inner.token.borrow().as_ref().map(|(t, _)| t.clone());
        self.inner.bearer.refused(held.as_deref(), token)
    }

    /// For `fetch` (api.js): the UNAUTHORIZED error of a 401 that is final for its token.
    #[wasm_bindgen(js_name = finalRefusal)]
    pub fn final_refusal(&self, status: u16, body: String) -> JsValue {
        Bearer::final_refusal(status, body)
    }

    /// Client-credentials grants made so far.
    #[wasm_bindgen(getter)]
    pub fn grants(&self) -> u32 {
        self.inner.grants.get()
    }
}
