//! Nadeo one-shot calls: loginBasic, refreshTokens, loginUbiTicket.

use wasm_bindgen::prelude::*;

use super::glue::{invalid, make_tokens, options_object, required_string, string_option, to_js};
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
        options_object(options)?;
        let user_agent = string_option(options, "userAgent")?.ok_or_else(|| invalid(E_UA))?;
        nadeo::user_agent(&user_agent).map_err(to_js)?;
        let core_url = string_option(options, "coreUrl")?
            .unwrap_or_else(|| nadeo::DEFAULT_CORE_URL.into());
        nadeo::base_url(&core_url).map_err(to_js)?;
        Ok(Common { transport: Transport::read(options)?, user_agent, core_url })
    }
}

/// `audience` option: default NadeoLiveServices; NadeoClubServices is its alias.
pub(crate) fn audience_option(options: &JsValue, allow_club: bool) -> Result<Audience, JsValue> {
    const E: &str = "options.audience must be \"NadeoServices\" or \"NadeoLiveServices\"";
    match string_option(options, "audience")? {
        None => Ok(Audience::Live),
        Some(name) if name == "NadeoClubServices" && !allow_club => Err(invalid(E)),
        Some(name) => Audience::parse(&name).ok_or_else(|| invalid(E)),
    }
}

/// The transport of a plan: `[fetch, signal, timeoutMs]` appended to `out`.
pub(crate) fn push_transport(out: &js_sys::Array, t: &Transport) {
    out.push(&t.fetch);
    out.push(&t.signal);
    out.push(&JsValue::from_f64(t.timeout_ms));
}

/// A request plan for the JS driver: `[method, url, headers, body, fetch, signal, timeoutMs]`.
pub(crate) fn plan(method: &str, url: &str, headers: &str, body: Option<String>, t: &Transport) -> js_sys::Array {
    let out = js_sys::Array::new();
    out.push(&JsValue::from_str(method));
    out.push(&JsValue::from_str(url));
    out.push(&JsValue::from_str(headers));
    out.push(&body.map_or(JsValue::UNDEFINED, JsValue::from));
    push_transport(&out, t);
    out
}

/// The plan of a one-shot Nadeo call: 0 loginBasic, 1 refreshTokens, 2 loginUbiTicket.
/// Every argument is checked here, before anything is sent.
#[wasm_bindgen(js_name = __nadeoRequest, skip_typescript)]
pub fn nadeo_request(kind: u8, options: JsValue) -> Result<js_sys::Array, JsValue> {
    let c = Common::read(&options)?;
    let req = match kind {
        0 => {
            let login = required_string(&options, "login")?;
            let password = required_string(&options, "password")?;
            let audience = audience_option(&options, true)?;
            nadeo::login_basic(&c.core_url, &login, &password, audience, &c.user_agent)
        }
        1 => {
            let refresh = required_string(&options, "refreshToken")?;
            nadeo::refresh(&c.core_url, &refresh, &c.user_agent)
        }
        _ => {
            let ticket = required_string(&options, "ticket")?;
            let audience = audience_option(&options, false)?;
            nadeo::login_ubi_ticket(&c.core_url, &ticket, audience, &c.user_agent)
        }
    }
    .map_err(to_js)?;
    Ok(plan("POST", &req.url, &http::auth_headers(&req), req.json_body, &c.transport))
}

/// The answer of a one-shot Nadeo call: `{ accessToken, refreshToken }`, or its error.
#[wasm_bindgen(js_name = __nadeoAnswer, skip_typescript)]
pub fn nadeo_answer(status: u16, retry_after: Option<String>, text: String, previous_refresh: Option<String>) -> Result<JsValue, JsValue> {
    let a = http::Answer { status, retry_after, text };
    let t: Tokens = http::check_tokens(&a, previous_refresh.as_deref())?;
    Ok(make_tokens(&t.access_token, &t.refresh_token))
}
