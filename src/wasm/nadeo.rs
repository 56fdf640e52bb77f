//! Nadeo one-shot calls: loginBasic, refreshTokens, loginUbiTicket.

use wasm_bindgen::prelude::*;

use super::glue::{invalid, make_tokens, required_string, string_option, to_js};
use super::http::{self, Transport};
use crate::core::audience::Audience;
use crate::core::nadeo::{self, Tokens};

pub(crate) const E_UA: &str = "options.userAgent is required: name your project and a contact";

/// The options every Nadeo call shares.
pub(crate) struct Common {
    pub transport: Transport,
    pub user_agent: String,
    pub core_url: String,
}

impl Common {
    pub fn read(options: &JsValue) -> Result<Common, JsValue> {
        if !options.is_object() {
            return Err(invalid("options must be an object"));
        }
        let user_agent = required_string(options, "userAgent", E_UA)?;
        nadeo::user_agent(&user_agent).map_err(to_js)?;
        let core_url = string_option(options, "coreUrl", "options.coreUrl must be a string")?
            .unwrap_or_else(|| nadeo::DEFAULT_CORE_URL.into());
        nadeo::base_url(&core_url).map_err(to_js)?;
        Ok(Common { transport: Transport::read(options)?, user_agent, core_url })
    }
}

/// `audience` option: default NadeoLiveServices; NadeoClubServices is its alias.
pub(crate) fn audience_option(options: &JsValue, allow_club: bool) -> Result<Audience, JsValue> {
    const E: &str = "options.audience must be \"NadeoServices\" or \"NadeoLiveServices\"";
    match string_option(options, "audience", E)? {
        None => Ok(Audience::Live),
        Some(name) if name == "NadeoClubServices" && !allow_club => Err(invalid(E)),
        Some(name) => Audience::parse(&name).ok_or_else(|| invalid(E)),
    }
}

fn js_tokens(t: &Tokens) -> JsValue {
    make_tokens(&t.access_token, &t.refresh_token)
}

/// `loginBasic({ login, password, userAgent, audience?, coreUrl?, fetch?, signal?, timeoutMs? })`.
#[wasm_bindgen(js_name = loginBasic, skip_typescript)]
pub async fn login_basic(options: JsValue) -> Result<JsValue, JsValue> {
    let c = Common::read(&options)?;
    let login = required_string(&options, "login", "options.login must be a non-empty string")?;
    let password = required_string(&options, "password", "options.password must be a non-empty string")?;
    let audience = audience_option(&options, true)?;
    let req = nadeo::login_basic(&c.core_url, &login, &password, audience, &c.user_agent).map_err(to_js)?;
    Ok(js_tokens(&http::tokens(&c.transport, &req, None).await?))
}

/// `refreshTokens({ refreshToken, userAgent, coreUrl?, fetch?, signal?, timeoutMs? })`.
#[wasm_bindgen(js_name = refreshTokens, skip_typescript)]
pub async fn refresh_tokens(options: JsValue) -> Result<JsValue, JsValue> {
    let c = Common::read(&options)?;
    let refresh = required_string(&options, "refreshToken", "options.refreshToken must be a non-empty string")?;
    let req = nadeo::refresh(&c.core_url, &refresh, &c.user_agent).map_err(to_js)?;
    Ok(js_tokens(&http::tokens(&c.transport, &req, Some(&refresh)).await?))
}

/// `loginUbiTicket({ ticket, userAgent, audience?, coreUrl?, fetch?, signal?, timeoutMs? })`.
#[wasm_bindgen(js_name = loginUbiTicket, skip_typescript)]
pub async fn login_ubi_ticket(options: JsValue) -> Result<JsValue, JsValue> {
    let c = Common::read(&options)?;
    let ticket = required_string(&options, "ticket", "options.ticket must be a non-empty string")?;
    let audience = audience_option(&options, false)?;
    let req = nadeo::login_ubi_ticket(&c.core_url, &ticket, audience, &c.user_agent).map_err(to_js)?;
    Ok(js_tokens(&http::tokens(&c.transport, &req, None).await?))
}
