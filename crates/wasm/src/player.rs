//! `TrackmaniaUserClient`'s token half: one signed-in player's api.trackmania.com pair, kept
//! usable on the server. The access token (about an hour) is renewed with the refresh token
//! when it is within the margin of its expiry or an API refused it.
//!
//! Why it is careful: api.trackmania.com rotates refresh tokens (each answer carries a new
//! one and spends the old), so two renewals racing with one refresh token log the player
//! out, and a pair used before it was written down can be lost by a crash. So: one renewal at
//! a time per player (the single flight of `flight.rs`); the new pair is kept in memory at
//! once (never lost), written to the store and handed to `onTokens` before anything uses it,
//! and written again on the next call if that failed; with a store, a renewal first adopts a
//! newer pair another isolate wrote, and a refresh answered `invalid_grant` (spent) looks at
//! the store once more before it is `REFRESH_EXPIRED`. Failed renewals back off under the
//! core's policy (`policy.rs`), serving a still-valid token meanwhile.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::bearer::Bearer;
use super::broker::{self, DurableObjectNamespace};
use super::error::{invalid, Failure};
use super::exchange::Outcome;
use super::flight::{Gate, Work};
use super::glue::{clock_s, store_get, store_put};
use super::json;
use super::oauth::App;
use super::options::{self, required};
use super::policy;
use super::results;
use super::tasks::promise;
use crate::core::backoff::Backoff;
use crate::core::oauth::{Grant, OAuthTokens};
use crate::core::{Code, Error};

/// How long a store keeps a player's record: the refresh token lives about a month.
const RECORD_TTL_S: f64 = 31.0 * 86_400.0;

/// Renew this many seconds before `expiresAt`, unless told otherwise (`refreshMargin`).
const DEFAULT_MARGIN_S: f64 = 60.0;

const E_REFRESH_EXPIRED: Error = Error::new(
    Code::RefreshExpired,
    "the player's refresh token is spent or revoked and the store holds no newer pair: the player signs in again",
);
const E_NO_REFRESH: Error = Error::new(
    Code::RefreshExpired,
    "the player's tokens have no refresh token to renew with: the player signs in again",
);
const E_BROKER_ANSWER: Error = Error::new(
    Code::BadResponse,
    "the token broker answered no player's pair",
);
const E_NO_TOKENS: Error = Error::new(
    Code::RefreshExpired,
    "no tokens for this player: neither options.tokens nor the store under options.key holds a pair",
);

/// A player's pair. No `Debug`: it holds tokens.
#[derive(Clone)]
struct Pair {
    tokens: OAuthTokens,
    /// Seconds since the epoch.
    expires_at: f64,
}

/// The pair as the store keeps it (tokens only: never the client secret).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    v: u32,
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    expires_in: f64,
    expires_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
}

struct Inner {
    app: App,
    /// `fetch()`'s origin and its rule on a 401 (bearer.rs).
    bearer: Bearer,
    store: Option<(JsValue, String)>,
    /// Workers: the NadeoTokenBroker namespace and the player's key. With it the object named
    /// by the key makes the renewals for the fleet (and keeps the pair); no store here.
    broker: Option<(DurableObjectNamespace, String)>,
    on_tokens: Option<js_sys::Function>,
    margin: f64,
    now: Option<js_sys::Function>,
    pair: RefCell<Option<Pair>>,
    /// The held pair has not reached the store and onTokens yet (a write failed): written
    /// again on the next call.
    unsaved: Cell<bool>,
    /// The pair came with the options (`tokens`) and a store is given: on the first call the
    /// store is read (another isolate may hold a newer pair) and, holding nothing newer, gets
    /// this one (not handed to onTokens: it is not new).
    seeded: Cell<bool>,
    /// The held refresh token was answered invalid_grant: no grant is tried with it again
    /// (only a newer pair from the store, or a new sign-in, brings the player back).
    dead: Cell<bool>,
    backoff: RefCell<Backoff>,
    gate: Rc<Gate>,
    refreshes: Cell<u32>,
    failures: Cell<u32>,
}

impl Inner {
    fn now_s(&self) -> f64 {
        clock_s(&self.now)
    }

    fn is_refused(&self, token: &str) -> bool {
        self.bearer.is_refused(token)
    }

    /// The held access token while it is not due (and not refused).
    fn fresh(&self) -> Option<String> {
        let p = self.pair.borrow();
        let p = p.as_ref()?;
        let t = &p.tokens.access_token;
        (self.now_s() < p.expires_at - self.margin && !self.is_refused(t)).then(|| t.clone())
    }

    /// The held access token while it can still be sent (due or not).
    fn usable(&self) -> Option<String> {
        let p = self.pair.borrow();
        let p = p.as_ref()?;
        let t = &p.tokens.access_token;
        (self.now_s() < p.expires_at && !self.is_refused(t)).then(|| t.clone())
    }
}

/// A pair as the store (and the broker's call) holds it: JSON text.
fn record_text(p: &Pair) -> Option<String> {
    json::to_text(&Record {
        v: 1,
        access_token: &p.tokens.access_token,
        refresh_token: p.tokens.refresh_token.as_deref(),
        expires_in: p.tokens.expires_in,
        expires_at: p.expires_at,
        scope: p.tokens.scope.as_deref(),
    })
}

/// Writes the held pair to the store and hands it to `onTokens`; on any failure it stays
/// `unsaved` (kept in memory) and is written again on the next call.
async fn save(inner: &Rc<Inner>) {
    let mut saved = store_pair(inner).await;
    if let Some(f) = &inner.on_tokens {
        let tokens = {
            let p = inner.pair.borrow();
            let Some(p) = p.as_ref() else { return };
            results::oauth_tokens(&p.tokens, p.expires_at)
        };
        saved &= match f.call1(&JsValue::UNDEFINED, &tokens) {
            Ok(v) => JsFuture::from(js_sys::Promise::resolve(&v)).await.is_ok(),
            Err(_) => false,
        };
    }
    inner.unsaved.set(!saved);
}

/// The pair the store holds for this player, if another isolate renewed since this one did:
/// a different pair expiring no earlier than the held one (or, once the held refresh token
/// is known spent, any other pair). Returns whether one was adopted.
async fn adopt_stored(inner: &Rc<Inner>, held_spent: bool) -> bool {
    let Some((store, key)) = &inner.store else {
        return false;
    };
    let text = JsFuture::from(store_get(store, key))
        .await
        .ok()
        .and_then(|v| v.as_string());
    let Some((tokens, expires_at)) = text.as_deref().and_then(json::player_record) else {
        return false;
    };
    let newer = match &*inner.pair.borrow() {
        None => true,
        Some(held) => {
            tokens.access_token != held.tokens.access_token
                && (held_spent || expires_at >= held.expires_at)
        }
    };
    let adopt = newer && !inner.is_refused(&tokens.access_token);
    if adopt {
        *inner.pair.borrow_mut() = Some(Pair { tokens, expires_at });
        inner.bearer.adopted();
        inner.unsaved.set(false);
        inner.dead.set(false);
    }
    adopt
}

/// Whether a failed grant is the server's `invalid_grant` (a spent or revoked refresh token).
fn spent(e: &Failure) -> bool {
    matches!(e, Failure::Answer { status: 400, body, .. } if json::oauth_error(body).as_deref() == Some("invalid_grant"))
}

/// The pair of the fleet's broker (which renews it once for everyone when due, or when told
/// which token an API refused). A new pair is handed to `onTokens` before use.
async fn from_broker(
    inner: &Rc<Inner>,
    broker: &DurableObjectNamespace,
    key: &str,
) -> Result<(), Failure> {
    let (seed, refused) = {
        let p = inner.pair.borrow();
        let seed = p.as_ref().and_then(record_text);
        let refused = p
            .as_ref()
            .map(|p| p.tokens.access_token.clone())
            .filter(|t| inner.is_refused(t));
        (seed, refused)
    };
    let ask = broker::PlayerAsk {
        key,
        client_id: &inner.app.client_id,
        client_secret: &inner.app.client_secret,
        api_url: &inner.app.api,
        tokens: seed.as_deref(),
        refused: refused.as_deref(),
    };
    let text = broker::ask_player(broker, &ask, inner.app.transport.timeout_ms).await?;
    let (tokens, expires_at) = json::player_record(&text).ok_or(E_BROKER_ANSWER)?;
    let changed = inner
        .pair
        .borrow()
        .as_ref()
        .is_none_or(|p| p.tokens.access_token != tokens.access_token);
    *inner.pair.borrow_mut() = Some(Pair { tokens, expires_at });
    if changed {
        if refused.is_some() {
            inner.bearer.renewed();
        } else {
            inner.bearer.adopted();
        }
        save(inner).await;
    }
    Ok(())
}

/// One renewal: the work of a flight.
async fn renew(inner: Rc<Inner>) -> Result<(), Failure> {
    let serve_or = |err: Failure| inner.usable().map(|_| ()).ok_or(err);
    // A failed attempt: counted, put in backoff, and a still-valid token served meanwhile.
    let failed = |err: Failure| {
        inner.failures.set(inner.failures.get() + 1);
        policy::record(&mut inner.backoff.borrow_mut(), inner.now_s(), &err);
        serve_or(err)
    };
    if let Some(err) = policy::blocked(&inner.backoff.borrow(), inner.now_s()) {
        return serve_or(err);
    }
    if let Some((broker, key)) = &inner.broker {
        return match from_broker(&inner, broker, key).await {
            Ok(()) => {
                inner.backoff.borrow_mut().succeeded();
                Ok(())
            }
            Err(e) => failed(e),
        };
    }
    // Another isolate (or a previous process) may hold a newer pair.
    let dead = inner.dead.get();
    if adopt_stored(&inner, dead).await && inner.fresh().is_some() {
        return Ok(());
    }
    if inner.dead.get() {
        return Err(E_REFRESH_EXPIRED.into());
    }
    let refresh = {
        let p = inner.pair.borrow();
        let Some(p) = p.as_ref() else {
            return Err(E_NO_TOKENS.into());
        };
        p.tokens.refresh_token.clone().ok_or(E_NO_REFRESH)?
    };
    inner.refreshes.set(inner.refreshes.get() + 1);
    let grant = Grant::Refresh {
        refresh_token: &refresh,
    };
    let answer = match inner.app.grant(&grant, Some(refresh.clone())) {
        Ok(exchange) => exchange.send().await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(Outcome::OAuthTokens(tokens, _)) => {
            // expiresAt on the client's clock (the one its renewals are decided on).
            let expires_at = inner.now_s().floor() + tokens.expires_in;
            // Kept at once (never lost), written down and handed over before anyone uses it.
            *inner.pair.borrow_mut() = Some(Pair { tokens, expires_at });
            inner.bearer.renewed();
            inner.backoff.borrow_mut().succeeded();
            save(&inner).await;
            Ok(())
        }
        Ok(_) => Err(crate::core::oauth::E_ANSWER.into()),
        Err(e) if spent(&e) => {
            inner.failures.set(inner.failures.get() + 1);
            // Spent: its successor may be in the store (another isolate won the race).
            if adopt_stored(&inner, true).await {
                return Ok(());
            }
            inner.dead.set(true);
            Err(E_REFRESH_EXPIRED.into())
        }
        Err(e) => failed(e),
    }
}

/// Writes the held pair to the store, if there is one. Whether it was written (true without
/// a store: nothing to write).
async fn store_pair(inner: &Rc<Inner>) -> bool {
    let Some((store, key)) = &inner.store else {
        return true;
    };
    let Some(record) = inner.pair.borrow().as_ref().and_then(record_text) else {
        return true;
    };
    JsFuture::from(store_put(store, key, &record, RECORD_TTL_S))
        .await
        .is_ok_and(|ok| ok.as_bool() != Some(false))
}

async fn access_token(inner: Rc<Inner>, signal: JsValue) -> Result<String, Failure> {
    if inner.seeded.replace(false) && !adopt_stored(&inner, false).await {
        // Not retried when it fails: the next renewal writes its own pair.
        store_pair(&inner).await;
    }
    if inner.unsaved.get() {
        save(&inner).await;
    }
    if let Some(token) = inner.fresh() {
        return Ok(token);
    }
    if let Some(err) = policy::blocked(&inner.backoff.borrow(), inner.now_s()) {
        return inner.usable().ok_or(err);
    }
    let fresh = || inner.fresh();
    let after = || inner.usable();
    let work = || -> Work { Box::pin(renew(inner.clone())) };
    inner.gate.obtain(&signal, &fresh, &after, &work).await
}

/// The token half of `TrackmaniaUserClient` (the class is api.js's, which holds this object
/// privately).
#[wasm_bindgen(js_name = PlayerTokens, skip_typescript)]
pub struct PlayerTokens {
    inner: Rc<Inner>,
}

#[wasm_bindgen(js_class = PlayerTokens)]
impl PlayerTokens {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<PlayerTokens, Failure> {
        // The app's part of the options (as TrackmaniaApi's), then the player's.
        let mut oauth: options::OAuth = options::read(&options)?;
        let app = App::of(&mut oauth)?;
        let bearer = Bearer::new(&app.api)?;
        let mut o: options::Player = options::read(&options)?;
        const E_KEY: &str = "a non-empty string naming the player";
        // With a broker the fleet's pair lives in the broker's storage: no store here.
        let (store, broker) = match (o.broker.take(), o.store.take(), o.key.take()) {
            (Some(b), _, key) => (
                None,
                Some((b.0.unchecked_into(), required(key, "key", E_KEY)?.0)),
            ),
            (None, Some(st), key) => (Some((st.0, required(key, "key", E_KEY)?.0)), None),
            (None, None, _) => (None, None),
        };
        let pair = o.tokens.take().map(|t| Pair {
            expires_at: t.expires_at.0,
            tokens: OAuthTokens {
                access_token: t.access_token.0,
                refresh_token: t.refresh_token.map(|r| r.0),
                expires_in: t.expires_in.map_or(0.0, |n| n.0),
                scope: t.scope.map(|s| s.0),
            },
        });
        if pair.is_none() && store.is_none() && broker.is_none() {
            return Err(invalid(
                "options.tokens (what exchangeCode gave) or options.store and options.key are needed",
            ));
        }
        let seeded = pair.is_some() && store.is_some();
        let margin = o.refresh_margin.map_or(DEFAULT_MARGIN_S, |n| n.0);
        if margin < 0.0 {
            return Err(invalid("options.refreshMargin must be a number of seconds"));
        }
        Ok(PlayerTokens {
            inner: Rc::new(Inner {
                app,
                bearer,
                store,
                broker,
                on_tokens: o.on_tokens.take().map(|f| f.0),
                margin,
                now: oauth.now.take().map(|f| f.0),
                pair: RefCell::new(pair),
                unsaved: Cell::new(false),
                seeded: Cell::new(seeded),
                dead: Cell::new(false),
                backoff: RefCell::default(),
                gate: Rc::default(),
                refreshes: Cell::new(0),
                failures: Cell::new(0),
            }),
        })
    }

    /// `accessToken({ signal }?)`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, options: JsValue) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let signal = if options.is_undefined() || options.is_null() {
                JsValue::UNDEFINED
            } else {
                let call: options::Call = options::read(&options)?;
                call.signal.map_or(JsValue::UNDEFINED, |s| s.0.into())
            };
            access_token(inner, signal).await.map(JsValue::from)
        }))
    }

    /// For `fetch` (api.js): the fetch function to send `url` with, or `INVALID_ARGUMENT` when
    /// `url` is not on the apiUrl origin (the player's token is sent nowhere else).
    pub fn route(&self, url: &str) -> Result<js_sys::Function, Failure> {
        self.inner.bearer.check(url)?;
        Ok(self.inner.app.transport.fetch.clone())
    }

    /// For `fetch` (api.js): an API answered 401 to `token`; whether a retry may follow.
    pub fn refused(&self, token: String) -> bool {
        let held = self
            .inner
            .pair
            .borrow()
            .as_ref()
            .map(|p| p.tokens.access_token.clone());
        self.inner.bearer.refused(held.as_deref(), token)
    }

    /// For `fetch` (api.js): the UNAUTHORIZED error of a 401 that is final for its token.
    #[wasm_bindgen(js_name = finalRefusal)]
    pub fn final_refusal(&self, status: u16, body: String) -> JsValue {
        Bearer::final_refusal(status, body)
    }

    /// The pair in use (API.md's OAuthTokens), or undefined before one is known.
    #[wasm_bindgen(getter)]
    pub fn tokens(&self) -> JsValue {
        self.inner
            .pair
            .borrow()
            .as_ref()
            .map_or(JsValue::UNDEFINED, |p| {
                results::oauth_tokens(&p.tokens, p.expires_at)
            })
    }

    /// `{ refreshes, failures }`: refresh grants made, and how many failed.
    #[wasm_bindgen(getter)]
    pub fn stats(&self) -> JsValue {
        results::player_stats(self.inner.refreshes.get(), self.inner.failures.get())
    }
}
