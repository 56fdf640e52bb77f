//! Nadeo one-shot calls: loginBasic, refreshTokens, loginUbiTicket.

use wasm_bindgen::prelude::*;

use super::exchange::{self, Exchange, Reader};
use super::failure::Failure;
use super::http;
use super::options::{self, required, NadeoCall};
use crate::core::audience::Audience;
use crate::core::nadeo;

pub(crate) const E_UA: &str = "a non-empty string naming your project and a contact";
const E_TEXT: &str = "a non-empty string";

/// `userAgent` and `coreUrl`, checked: what every Nadeo call needs.
pub(crate) fn common(
    user_agent: Option<options::Text>,
    core_url: Option<options::Text>,
) -> Result<(String, String), Failure> {
    let user_agent = required(user_agent, "userAgent", E_UA)?.0;
    nadeo::user_agent(&user_agent)?;
    let core_url = core_url.map_or_else(|| nadeo::DEFAULT_CORE_URL.into(), |t| t.0);
    nadeo::base_url(&core_url)?;
    Ok((user_agent, core_url))
}

/// Which one-shot Nadeo call.
#[derive(Clone, Copy)]
enum Login {
    Basic,
    Refresh,
    UbiTicket,
}

/// A one-shot Nadeo call: every argument checked, then the request and how its answer is read.
fn one_shot(login: Login, options: &JsValue) -> Result<Exchange, Failure> {
    let mut o: NadeoCall = options::read(options)?;
    let transport = o.transport()?;
    let (ua, core) = common(o.user_agent.take(), o.core_url.take())?;
    let audience = |allow_alias| -> Result<Audience, Failure> {
        o.audience
            .as_ref()
            .map_or(Ok(Audience::Live), |a| a.audience(allow_alias))
    };
    let mut previous_refresh = None;
    let req = match login {
        Login::Basic => {
            let name = &required(o.login.as_ref(), "login", E_TEXT)?.0;
            let password = &required(o.password.as_ref(), "password", E_TEXT)?.0;
            nadeo::login_basic(&core, name, password, audience(true)?, &ua)
        }
        Login::Refresh => {
            let refresh = required(o.refresh_token.take(), "refreshToken", E_TEXT)?.0;
            let req = nadeo::refresh(&core, &refresh, &ua);
            previous_refresh = Some(refresh);
            req
        }
        Login::UbiTicket => {
            let ticket = &required(o.ticket.as_ref(), "ticket", E_TEXT)?.0;
            nadeo::login_ubi_ticket(&core, ticket, audience(false)?, &ua)
        }
    }?;
    Ok(Exchange {
        transport,
        requests: vec![http::wire(req)],
        reader: Reader::NadeoTokens { previous_refresh },
    })
}

/// `loginBasic(options)`: a service or dedicated server account login.
#[wasm_bindgen(js_name = loginBasic, skip_typescript)]
pub fn login_basic(options: JsValue) -> js_sys::Promise {
    exchange::run(one_shot(Login::Basic, &options))
}

/// `refreshTokens(options)`: a new pair for a refresh token.
#[wasm_bindgen(js_name = refreshTokens, skip_typescript)]
pub fn refresh_tokens(options: JsValue) -> js_sys::Promise {
    exchange::run(one_shot(Login::Refresh, &options))
}

/// `loginUbiTicket(options)`: a pair for a Ubisoft ticket obtained elsewhere.
#[wasm_bindgen(js_name = loginUbiTicket, skip_typescript)]
pub fn login_ubi_ticket(options: JsValue) -> js_sys::Promise {
    exchange::run(one_shot(Login::UbiTicket, &options))
}
