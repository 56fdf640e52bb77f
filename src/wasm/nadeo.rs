//! Nadeo one-shot calls: loginBasic, refreshTokens, loginUbiTicket.

use wasm_bindgen::prelude::*;

use super::error::{invalid, Failure};
use super::exchange::{self, Exchange, Reader};
use super::fetch::Transport;
use super::glue::{options_object, required_string, string_option};
use super::http;
use crate::core::audience::Audience;
use crate::core::nadeo;

pub(crate) const E_UA: &str = "options.userAgent is required: name your project and a contact";

/// The options every Nadeo call shares.
pub(crate) struct Common {
    pub transport: Transport,
    pub user_agent: String,
    pub core_url: String,
}

impl Common {
    pub fn read(options: &JsValue) -> Result<Common, Failure> {
        options_object(options)?;
        let user_agent = string_option(options, "userAgent")?.ok_or_else(|| invalid(E_UA))?;
        nadeo::user_agent(&user_agent)?;
        let core_url =
            string_option(options, "coreUrl")?.unwrap_or_else(|| nadeo::DEFAULT_CORE_URL.into());
        nadeo::base_url(&core_url)?;
        Ok(Common {
            transport: Transport::read(options)?,
            user_agent,
            core_url,
        })
    }
}

/// `audience` option: default NadeoLiveServices; NadeoClubServices is its alias.
pub(crate) fn audience_option(options: &JsValue, allow_club: bool) -> Result<Audience, Failure> {
    const E: &str = "options.audience must be \"NadeoServices\" or \"NadeoLiveServices\"";
    match string_option(options, "audience")? {
        None => Ok(Audience::Live),
        Some(name) if name == "NadeoClubServices" && !allow_club => Err(invalid(E)),
        Some(name) => Audience::parse(&name).ok_or_else(|| invalid(E)),
    }
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
    let c = Common::read(options)?;
    let mut previous_refresh = None;
    let req = match login {
        Login::Basic => {
            let login = required_string(options, "login")?;
            let password = required_string(options, "password")?;
            let audience = audience_option(options, true)?;
            nadeo::login_basic(&c.core_url, &login, &password, audience, &c.user_agent)
        }
        Login::Refresh => {
            let refresh = required_string(options, "refreshToken")?;
            let req = nadeo::refresh(&c.core_url, &refresh, &c.user_agent);
            previous_refresh = Some(refresh);
            req
        }
        Login::UbiTicket => {
            let ticket = required_string(options, "ticket")?;
            let audience = audience_option(options, false)?;
            nadeo::login_ubi_ticket(&c.core_url, &ticket, audience, &c.user_agent)
        }
    }?;
    Ok(Exchange {
        transport: c.transport,
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
