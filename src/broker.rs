//! The client side of the fleet's token broker (`NadeoTokenBroker`, a Durable Object; its
//! class is broker.js): one internal call per token wanted, sent like every other request of
//! the package (`fetch::send`, its timeout and its cap), to the object named by the login.
//!
//! Internal protocol (the package's own; users only bind the class):
//!   POST https://nadeo-token-broker/token  {login, password, userAgent, coreUrl, audience, refused?}
//!     -> {accessToken, refreshToken, after401, serviceNow} | {error: {code, message, status?, body?, retryAfter?}}
//! The password travels on this call only (Worker to Durable Object, inside the account); the
//! broker keeps it in memory, never in storage.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::failure::Failure;
use super::fetch::{self, HttpRequest, Transport};
use super::json;
use crate::core::Code;

#[wasm_bindgen]
extern "C" {
    /// Cloudflare's `DurableObjectNamespace` (the `broker` option).
    pub(crate) type DurableObjectNamespace;

    #[wasm_bindgen(method, catch, js_name = idFromName)]
    fn id_from_name(this: &DurableObjectNamespace, name: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn get(this: &DurableObjectNamespace, id: &JsValue) -> Result<JsValue, JsValue>;
}

/// What a client asks the broker.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Ask<'a> {
    pub login: &'a str,
    pub password: &'a str,
    pub user_agent: &'a str,
    pub core_url: &'a str,
    pub audience: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<&'a str>,
}

/// The pair the broker holds, whether it came from a renewal made for an API's 401, and the
/// broker's reckoning of the service's time (seconds), where it sent one.
pub(crate) struct Held {
    pub access_token: String,
    pub refresh_token: String,
    pub after_401: bool,
    pub service_now: Option<f64>,
}

fn unreachable_broker(cause: JsValue) -> Failure {
    Failure::Network {
        message: "the token broker (Durable Object) could not be reached",
        cause,
    }
}

/// Sends `body` (JSON) to `path` of the broker object named `name`: the answer's text.
async fn call(
    namespace: &DurableObjectNamespace,
    name: &str,
    path: &str,
    body: Option<String>,
    timeout_ms: f64,
) -> Result<(u16, String), Failure> {
    let stub = namespace
        .id_from_name(name)
        .and_then(|id| namespace.get(&id))
        .map_err(unreachable_broker)?;
    let fetch = js_sys::Reflect::get(&stub, &JsValue::from_str("fetch"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| unreachable_broker(JsValue::UNDEFINED))?
        .bind0(&stub);
    let transport = Transport {
        fetch,
        signal: None,
        timeout_ms,
    };
    let mut url = String::from("https://nadeo-token-broker");
    url.push_str(path);
    let request = HttpRequest {
        method: "POST",
        url,
        headers: vec![("Content-Type", "application/json".into())],
        body,
    };
    let answer = fetch::send(&transport, &request)
        .await
        .map_err(Failure::of_broker)?;
    Ok((answer.status, answer.text))
}

/// The broker answered neither what was asked nor an error.
fn no_answer(status: u16) -> Failure {
    Failure::Relayed {
        code: Code::Network,
        message: "the token broker answered neither a token nor an error".into(),
        status: Some(status),
        body: None,
        retry_after: None,
    }
}

/// Asks the broker of `ask.login` for its pair (it makes the one login or renewal for the
/// fleet when needed). Its failures come back as it made them (`Failure::Relayed`, with its
/// `retryAfter`), which the caller's failure record turns into its own wait.
pub(crate) async fn ask(
    namespace: &DurableObjectNamespace,
    ask: &Ask<'_>,
    timeout_ms: f64,
) -> Result<Held, Failure> {
    let (status, text) = call(
        namespace,
        ask.login,
        "/token",
        json::to_text(ask),
        timeout_ms,
    )
    .await?;
    json::broker_answer(&text).unwrap_or(Err(no_answer(status)))
}

/// What a player's client asks the broker (`POST /player`): the object named by `key` makes
/// the player's renewals for the fleet. `tokens` seed a broker that holds none yet; the
/// client secret travels on this call only and is never stored.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PlayerAsk<'a> {
    pub key: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub api_url: &'a str,
    /// The client's pair, as the store record's JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<&'a str>,
}

/// Asks the player's broker for the pair in use (renewed by it when due): the store record's
/// JSON text and the broker's reckoning of the service's time, or the failure it relayed.
pub(crate) async fn ask_player(
    namespace: &DurableObjectNamespace,
    ask: &PlayerAsk<'_>,
    timeout_ms: f64,
) -> Result<(String, Option<f64>), Failure> {
    let (status, text) = call(
        namespace,
        ask.key,
        "/player",
        json::to_text(ask),
        timeout_ms,
    )
    .await?;
    json::broker_player_answer(&text).unwrap_or(Err(no_answer(status)))
}
