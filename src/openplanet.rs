//! `verifyOpenplanetToken`: the server half of Openplanet's plugin authentication, one call
//! (the core's `openplanet.rs` says what it sends and what the answers mean).

use wasm_bindgen::prelude::*;

use super::exchange::{self, Exchange, Reader};
use super::failure::{invalid, Failure};
use super::fetch::HttpRequest;
use super::options::{self, required};
use crate::core::{nadeo, openplanet};

/// The validation: every argument checked, nothing sent when one is wrong.
fn validation(options: &JsValue) -> Result<Exchange, Failure> {
    let mut o: options::OAuth = options::read(options)?;
    let token = o.token.take().ok_or(openplanet::E_TOKEN)?.0;
    let secret = o.secret.take().ok_or(openplanet::E_SECRET)?.0;
    let user_agent = required(
        o.user_agent.take(),
        "userAgent",
        "a non-empty string naming your project and a contact",
    )?
    .0;
    nadeo::user_agent(&user_agent)?;
    let url = o
        .validate_url
        .take()
        .map_or_else(|| openplanet::DEFAULT_VALIDATE_URL.into(), |t| t.0);
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(invalid(
            "options.validateUrl must be an absolute http(s) URL",
        ));
    }
    let body = openplanet::validate_body(&token, &secret)?;
    Ok(Exchange {
        transport: o.transport()?,
        requests: vec![HttpRequest {
            method: "POST",
            url,
            headers: vec![
                ("Content-Type", "application/x-www-form-urlencoded".into()),
                ("Accept", "application/json".into()),
                ("User-Agent", user_agent),
            ],
            body: Some(body),
        }],
        reader: Reader::Openplanet,
    })
}

/// `verifyOpenplanetToken({ token, secret, userAgent, validateUrl?, fetch?, signal?,
/// timeoutMs? })`: `{ accountId, displayName, tokenTime }` of the player the plugin's token
/// belongs to.
#[wasm_bindgen(js_name = verifyOpenplanetToken, skip_typescript)]
pub fn verify_openplanet_token(options: JsValue) -> js_sys::Promise {
    exchange::run(validation(&options))
}
