//! `TrackmaniaUserClient`'s token half: one signed-in player's api.trackmania.com pair, a
//! driver of the token lifecycle (`managed.rs`) whose shared state is the store under the
//! player's key or, on Workers, the player's broker.
//!
//! Why it is careful: api.trackmania.com rotates refresh tokens (each answer carries a new
//! one and spends the old), so two renewals racing with one refresh token leave one of them
//! with a spent token, and a pair used before it was written down can be lost by a crash. So:
//! one renewal at a time per player; a new pair is written to the store and handed to
//! `onTokens` before anything uses it (the lifecycle's `save_first`), and written again on the
//! next call if that failed; a refresh answered `invalid_grant` is a lost rotation, not a
//! logout, until the access token has expired with nothing newer in the store.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::app::held_tokens;
use super::bearer::{self, Origin};
use super::broker::{self, DurableObjectNamespace};
use super::exchange::Outcome;
use super::failure::{invalid, Failure};
use super::interop::{store_get, store_put};
use super::json;
use super::managed::{self, lease_of, lease_ttl_ms, Lease, Managed, Source};
use super::oauth::App;
use super::options::{self, required};
use super::results;
use super::tasks::promise;
use crate::core::lifecycle::{Pair, Plan, Policy, Receipt, Stop};
use crate::core::oauth::{Grant, HeldTokens, OAuthTokens};
use crate::core::{Code, Error};

/// How long a store keeps a player's record: the refresh token lives about a month.
const RECORD_TTL_S: f64 = 31.0 * 86_400.0;

/// Renew this many seconds before `expiresAt`, unless told otherwise (`refreshMargin`): room
/// for a minute of store lag before the access token dies (a lost rotation waits that long).
const DEFAULT_MARGIN_S: f64 = 300.0;

const E_BROKER_ANSWER: Error = Error::new(
    Code::BadResponse,
    "the token broker answered no player's pair",
);

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

/// A pair as the store (and the broker's call) holds it: JSON text.
fn record_text(p: &HeldTokens) -> Option<String> {
    json::to_text(&Record {
        v: 1,
        access_token: &p.tokens.access_token,
        refresh_token: p.tokens.refresh_token.as_deref(),
        expires_in: p.tokens.expires_in,
        expires_at: p.expires_at,
        scope: p.tokens.scope.as_deref(),
    })
}

fn record_pair(text: &str) -> Option<HeldTokens> {
    json::player_record(text).map(|(tokens, expires_at)| HeldTokens { tokens, expires_at })
}

/// Whether a failed grant is the server's `invalid_grant` (a spent or revoked refresh token).
fn spent(e: &Failure) -> bool {
    matches!(e, Failure::Answer { status: 400, body, .. } if json::oauth_error(body).as_deref() == Some("invalid_grant"))
}

struct Player {
    app: App,
    /// The store and the player's key in it.
    store: Option<(JsValue, String)>,
    /// Workers: the NadeoTokenBroker namespace and the player's key. With it the object named
    /// by the key makes the renewals for the fleet (and keeps the pair); no store here.
    broker: Option<(DurableObjectNamespace, String)>,
    on_tokens: Option<js_sys::Function>,
    managed: Managed<HeldTokens>,
    /// The access token last written down and handed over (a pair is handed over once).
    handed: RefCell<Option<String>>,
    /// The held pair has not reached the store and onTokens (a write failed): written again
    /// on the next call.
    unsaved: Cell<bool>,
    /// The pair came with the options and a store is given: on the first call the store is
    /// read (another isolate may hold a newer pair) and, holding nothing newer, gets this one.
    seeded: Cell<bool>,
}

impl Player {
    async fn stored(&self) -> Option<HeldTokens> {
        let (store, key) = self.store.as_ref()?;
        let text = JsFuture::from(store_get(store, key))
            .await
            .ok()?
            .as_string()?;
        record_pair(&text)
    }

    /// Writes the held pair to the store, if there is one: whether it was written.
    async fn store_pair(&self) -> bool {
        let Some((store, key)) = &self.store else {
            return true;
        };
        let Some(record) = self.managed.lc.borrow().held().and_then(record_text) else {
            return true;
        };
        JsFuture::from(store_put(store, key, &record, RECORD_TTL_S))
            .await
            .is_ok_and(|ok| ok.as_bool() != Some(false))
    }

    async fn ask_broker(
        &self,
        broker: &DurableObjectNamespace,
        key: &str,
    ) -> Result<(HeldTokens, Receipt), Failure> {
        let (seed, refused) = {
            let lc = self.managed.lc.borrow();
            let held = lc.held();
            let refused = held
                .filter(|_| lc.marks().refused)
                .map(|p| p.tokens.access_token.clone());
            (held.and_then(record_text), refused)
        };
        let ask = broker::PlayerAsk {
            key,
            client_id: &self.app.client_id,
            client_secret: &self.app.client_secret,
            api_url: &self.app.api,
            tokens: seed.as_deref(),
            refused: refused.as_deref(),
        };
        let (text, service_now) =
            broker::ask_player(broker, &ask, self.app.transport.timeout_ms).await?;
        let pair = record_pair(&text).ok_or(E_BROKER_ANSWER)?;
        let receipt = Receipt {
            local: self.managed.now_s(),
            date: service_now,
            minted: false,
            after_401: None,
        };
        Ok((pair, receipt))
    }
}

impl Source for Player {
    type Pair = HeldTokens;

    fn managed(&self) -> &Managed<HeldTokens> {
        &self.managed
    }

    async fn prepare(&self) {
        if self.seeded.replace(false) {
            let adopted = match self.stored().await {
                Some(p) => self.managed.lc.borrow_mut().offer(p, false),
                None => false,
            };
            if !adopted {
                // Not retried when it fails: the next renewal writes its own pair.
                self.store_pair().await;
            }
        }
        if self.unsaved.get() {
            self.save(true).await;
        }
    }

    /// Another isolate (or a previous process) may hold a newer pair.
    async fn look(&self) {
        if let Some(p) = self.stored().await {
            self.managed.lc.borrow_mut().offer(p, false);
        }
    }

    async fn obtain(&self, _plan: &Plan) -> Result<(HeldTokens, Receipt), Failure> {
        if let Some((broker, key)) = &self.broker {
            return self.ask_broker(broker, key).await;
        }
        let refresh = self
            .managed
            .lc
            .borrow()
            .held()
            .and_then(|p| p.tokens.refresh_token.clone())
            .ok_or_else(|| Failure::from(Stop::NoRefresh))?;
        let refreshes = &self.managed.refreshes;
        refreshes.set(refreshes.get() + 1);
        let grant = Grant::Refresh {
            refresh_token: &refresh,
        };
        match self
            .app
            .grant(&grant, Some(refresh.clone()))?
            .send()
            .await?
        {
            Outcome::OAuthTokens(t, date) => Ok(held_tokens(&self.managed, t, date)),
            _ => Err(crate::core::oauth::E_ANSWER.into()),
        }
    }

    /// One process of a fleet renews the player's pair: the lease on the player's key.
    async fn lease(&self) -> Lease {
        match &self.store {
            Some((store, key)) => lease_of(store, key, self.lease_ttl_ms()).await,
            None => Lease::None,
        }
    }

    fn lease_ttl_ms(&self) -> f64 {
        lease_ttl_ms(self.app.transport.timeout_ms)
    }

    fn refresh_refused(&self, e: &Failure) -> bool {
        self.broker.is_none() && spent(e)
    }

    /// A new pair written to the store and handed to `onTokens`, once; on any failure it
    /// stays `unsaved` (kept in memory) and is written again on the next call.
    async fn save(&self, new_pair: bool) {
        let (tokens, token) = {
            let lc = self.managed.lc.borrow();
            let Some(p) = lc.held() else { return };
            (
                results::oauth_tokens(&p.tokens, p.expires_at),
                p.access_token().to_owned(),
            )
        };
        if !new_pair || self.handed.borrow().as_deref() == Some(token.as_str()) {
            return;
        }
        let mut saved = self.store_pair().await;
        if let Some(f) = &self.on_tokens {
            saved &= match f.call1(&JsValue::UNDEFINED, &tokens) {
                Ok(v) => JsFuture::from(js_sys::Promise::resolve(&v)).await.is_ok(),
                Err(_) => false,
            };
        }
        self.unsaved.set(!saved);
        if saved {
            *self.handed.borrow_mut() = Some(token);
        }
    }
}

/// The token half of `TrackmaniaUserClient` (the class is api.js's, which holds this object
/// privately).
#[wasm_bindgen(js_name = PlayerTokens, skip_typescript)]
pub struct PlayerTokens {
    player: Rc<Player>,
    origin: Origin,
}

#[wasm_bindgen(js_class = PlayerTokens)]
impl PlayerTokens {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<PlayerTokens, Failure> {
        // The app's part of the options (as TrackmaniaApi's), then the player's.
        let mut oauth: options::OAuth = options::read(&options)?;
        let app = App::of(&mut oauth)?;
        let origin = Origin::of(&app.api)?;
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
        let pair = o.tokens.take().map(|t| HeldTokens {
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
        let margin = o.refresh_margin.map_or(DEFAULT_MARGIN_S, |n| n.0);
        if margin < 0.0 {
            return Err(invalid("options.refreshMargin must be a number of seconds"));
        }
        let policy = Policy {
            margin,
            // With a broker, "log in" is asking the broker, which holds the player's pair.
            can_login: broker.is_some(),
            save_first: true,
            shared: store.is_some(),
        };
        let managed = Managed::new(policy, oauth.now.take().map(|f| f.0));
        let seeded = pair.is_some() && store.is_some();
        let handed = pair.as_ref().map(|p| p.tokens.access_token.clone());
        if let Some(pair) = pair {
            managed.lc.borrow_mut().seed(pair);
        }
        Ok(PlayerTokens {
            origin,
            player: Rc::new(Player {
                app,
                store,
                broker,
                on_tokens: o.on_tokens.take().map(|f| f.0),
                managed,
                handed: RefCell::new(handed),
                unsaved: Cell::new(false),
                seeded: Cell::new(seeded),
            }),
        })
    }

    /// `accessToken({ signal }?)`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, options: JsValue) -> js_sys::Promise {
        let player = self.player.clone();
        promise(Box::pin(async move {
            let signal = options::call_signal(&options)?;
            managed::access_token(player, &signal)
                .await
                .map(JsValue::from)
        }))
    }

    /// For `fetch` (api.js): the fetch function to send `url` with, or `INVALID_ARGUMENT` when
    /// `url` is not on the apiUrl origin (the player's token is sent nowhere else).
    pub fn route(&self, url: &str) -> Result<js_sys::Function, Failure> {
        self.origin.check(url)?;
        Ok(self.player.app.transport.fetch.clone())
    }

    /// For `fetch` (api.js): an API answered 401 to `token`; whether a retry may follow.
    pub fn refused(&self, token: &str) -> bool {
        self.player.managed.refused(token)
    }

    /// For `fetch` (api.js): the UNAUTHORIZED error of a 401 that is final.
    #[wasm_bindgen(js_name = finalRefusal)]
    pub fn final_refusal(&self, status: u16, body: String) -> JsValue {
        bearer::final_refusal(status, body)
    }

    /// The pair in use (`OAuthTokens`), or undefined before one is known.
    #[wasm_bindgen(getter)]
    pub fn tokens(&self) -> JsValue {
        let lc = self.player.managed.lc.borrow();
        lc.held().map_or(JsValue::UNDEFINED, |p| {
            results::oauth_tokens(&p.tokens, p.expires_at)
        })
    }

    /// For NadeoTokenBroker: the service's time now as this client reckons it (seconds), which
    /// the isolates learn their clock offset from.
    #[wasm_bindgen(getter, js_name = serviceNow)]
    pub fn service_now(&self) -> f64 {
        let m = &self.player.managed;
        m.lc.borrow().service_now(m.now_s())
    }

    /// `{ refreshes, failures }`: refresh grants made, and how many failed.
    #[wasm_bindgen(getter)]
    pub fn stats(&self) -> JsValue {
        let m = &self.player.managed;
        results::player_stats(m.refreshes.get(), m.failures.get())
    }
}
