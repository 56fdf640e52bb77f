//! Trackmania OAuth, the server half: the three grants and the name lookups (the page half,
//! authorize URL and redirect checks, is `redirect.rs`; the managed tokens are `app.rs` and
//! `player.rs`).

use wasm_bindgen::prelude::*;

use super::exchange::{self, Exchange, Reader};
use super::failure::{invalid, Failure};
use super::fetch::{HttpRequest, Transport};
use super::interop::string_array;
use super::options::{self, required};
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
    /// Sent as User-Agent when given.
    pub user_agent: Option<String>,
}

impl App {
    pub fn of(o: &mut options::OAuth) -> Result<App, Failure> {
        Ok(App {
            transport: o.transport()?,
            api: o.api_url()?,
            client_id: required(o.client_id.take(), "clientId", E_TEXT)?.0,
            client_secret: required(o.client_secret.take(), "clientSecret", E_TEXT)?.0,
            user_agent: o.user_agent()?,
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
            headers: with_user_agent(
                vec![
                    ("Content-Type", "application/x-www-form-urlencoded".into()),
                    ("Accept", "application/json".into()),
                ],
                &self.user_agent,
            ),
            body: Some(body),
        };
        Ok(Exchange {
            transport: self.transport.clone(),
            requests: vec![request],
            reader: Reader::OAuthTokens { previous_refresh },
        })
    }
}

/// The headers, with `User-Agent` when the caller gave one.
fn with_user_agent(
    mut headers: Vec<(&'static str, String)>,
    user_agent: &Option<String>,
) -> Vec<(&'static str, String)> {
    if let Some(ua) = user_agent {
        headers.push(("User-Agent", ua.clone()));
    }
    headers
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
    let user_agent = o.user_agent()?;
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
            headers: with_user_agent(
                vec![
                    ("Authorization", authorization.clone()),
                    ("Accept", "application/json".into()),
                ],
                &user_agent,
            ),
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
