//! What the full entry hands to JS, as serde shapes written out by serde-wasm-bindgen: the
//! names and optional fields of the public result types (index.d.ts) in one place. (The
//! token entry builds its few results in src/js/values.js: serde-wasm-bindgen would not fit
//! its budget. Lookups merge their pages with host.js's `setPair`, which defines each key
//! rather than assigning it, so a display name such as `__proto__` stays a plain key.)

use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::core::oauth::OAuthTokens;

/// A shape as a plain JS object; optional fields that are `None` are left out.
fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Serializing these shapes cannot fail (strings, booleans, numbers, no maps).
    value
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .unwrap_or(JsValue::UNDEFINED)
}

/// `loginBasic`, `refreshTokens`, `loginUbiTicket`: `{ accessToken, refreshToken }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NadeoTokens<'a> {
    pub access_token: &'a str,
    pub refresh_token: &'a str,
}

/// For NadeoTokenBroker: the pair a client holds and whether it came after a 401.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Held<'a> {
    pub access_token: &'a str,
    pub refresh_token: &'a str,
    #[serde(rename = "after401")]
    pub after_401: bool,
    /// The broker's reckoning of the service's time now (seconds): the isolate learns the
    /// clock offset from it as from a Date header.
    pub service_now: f64,
}

/// `NadeoClient.stats`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Stats {
    pub logins: u32,
    pub refreshes: u32,
    pub failures: u32,
    pub clock_offset: f64,
}

/// `OAuthTokens`: `expiresAt` on the service's clock, computed on receipt.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OAuthTokensOut<'a> {
    pub token_type: &'static str,
    pub access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<&'a str>,
    pub expires_in: f64,
    pub expires_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
}

/// `currentUser`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User<'a> {
    pub account_id: &'a str,
    pub display_name: &'a str,
}

pub(crate) fn nadeo_tokens(access_token: &str, refresh_token: &str) -> JsValue {
    to_js(&NadeoTokens {
        access_token,
        refresh_token,
    })
}

pub(crate) fn held(
    access_token: &str,
    refresh_token: &str,
    after_401: bool,
    service_now: f64,
) -> JsValue {
    to_js(&Held {
        access_token,
        refresh_token,
        after_401,
        service_now,
    })
}

pub(crate) fn stats(logins: u32, refreshes: u32, failures: u32, clock_offset: f64) -> JsValue {
    to_js(&Stats {
        logins,
        refreshes,
        failures,
        clock_offset,
    })
}

pub(crate) fn oauth_tokens(t: &OAuthTokens, expires_at: f64) -> JsValue {
    to_js(&OAuthTokensOut {
        token_type: "bearer",
        access_token: &t.access_token,
        refresh_token: t.refresh_token.as_deref(),
        expires_in: t.expires_in,
        expires_at,
        scope: t.scope.as_deref(),
    })
}

/// `TrackmaniaUserClient.stats`.
#[derive(Serialize)]
pub(crate) struct PlayerStats {
    pub refreshes: u32,
    pub failures: u32,
}

pub(crate) fn player_stats(refreshes: u32, failures: u32) -> JsValue {
    to_js(&PlayerStats {
        refreshes,
        failures,
    })
}

pub(crate) fn user(account_id: &str, display_name: &str) -> JsValue {
    to_js(&User {
        account_id,
        display_name,
    })
}

/// `verifyOpenplanetToken`: `{ accountId, displayName, tokenTime }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OpenplanetIdentity<'a> {
    pub account_id: &'a str,
    pub display_name: &'a str,
    pub token_time: f64,
}

pub(crate) fn openplanet(i: &crate::core::openplanet::Identity) -> JsValue {
    to_js(&OpenplanetIdentity {
        account_id: &i.account_id,
        display_name: &i.display_name,
        token_time: i.token_time,
    })
}
