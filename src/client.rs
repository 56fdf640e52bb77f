//! `NadeoClient`'s token half: one pair per audience for a service or dedicated server
//! account. Each audience is a driver of the token lifecycle (`managed.rs`): its shared state
//! is the store (a record per login and audience) or, on Workers, the fleet's broker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::broker::{self, DurableObjectNamespace};
use super::failure::{invalid, Failure};
use super::fetch::Transport;
use super::http;
use super::interop::{make_route, normalize_base, store_get, store_put};
use super::json;
use super::managed::{self, lease_of, lease_ttl_ms, Lease, Managed, Source};
use super::options::{self, required};
use super::results;
use super::schedule::Alarm;
use super::tasks::{promise, spawn};
use super::token::{audience_of_href, times_of_text};
use crate::core::audience::Audience;
use crate::core::lifecycle::{Plan, Policy, Receipt};
use crate::core::nadeo::{self, Tokens};
use crate::core::store;
use crate::core::{Code, Error};

/// What the audiences of one client share: the account, where requests go, the store.
struct Account {
    login: String,
    password: String,
    user_agent: String,
    core_url: String,
    transport: Transport,
    store: Option<JsValue>,
    /// Workers: the Durable Object namespace of NadeoTokenBroker. With it, logins and renewals
    /// are the broker's, made once for the fleet; this client keeps the pair in memory.
    broker: Option<DurableObjectNamespace>,
    /// Auto-refresh is on.
    auto: Cell<bool>,
    /// The clock offset learnt from the last pair received (for `stats`).
    offset: Cell<f64>,
}

/// One audience: a driver of the lifecycle.
struct Slot {
    audience: Audience,
    account: Rc<Account>,
    managed: Managed<Tokens>,
    /// The auto-refresh timer, while auto-refresh is on.
    alarm: RefCell<Option<Alarm>>,
}

const E_BROKER_ANSWER: Error =
    Error::new(Code::BadResponse, "the token broker answered no token pair");

impl Slot {
    fn key(&self) -> String {
        store::key(&self.account.login, self.audience)
    }

    /// The broker's answer for this audience: the pair it holds or made for the fleet (told
    /// which token an API refused, it renews that one once).
    async fn ask_broker(
        &self,
        broker: &DurableObjectNamespace,
    ) -> Result<(Tokens, Receipt), Failure> {
        let refused = {
            let lc = self.managed.lc.borrow();
            lc.held()
                .filter(|_| lc.marks().refused)
                .map(|p| p.access_token.clone())
        };
        let a = &self.account;
        let ask = broker::Ask {
            login: &a.login,
            password: &a.password,
            user_agent: &a.user_agent,
            core_url: &a.core_url,
            audience: self.audience.as_str(),
            refused: refused.as_deref(),
        };
        let held = broker::ask(broker, &ask, a.transport.timeout_ms).await?;
        let pair = nadeo::pair(held.access_token, held.refresh_token, &times_of_text)
            .map_err(|_| E_BROKER_ANSWER)?;
        let receipt = Receipt {
            local: self.managed.now_s(),
            date: held.service_now,
            minted: false,
            after_401: Some(held.after_401),
        };
        Ok((pair, receipt))
    }
}

impl Source for Slot {
    type Pair = Tokens;

    fn managed(&self) -> &Managed<Tokens> {
        &self.managed
    }

    /// Another client (isolate, process) on the same store may hold a newer pair, or be
    /// backing off.
    async fn look(&self) {
        let Some(store) = &self.account.store else {
            return;
        };
        let text = JsFuture::from(store_get(store, &self.key()))
            .await
            .ok()
            .and_then(|v| v.as_string());
        let Some(stored) = text
            .and_then(|v| json::record(&v))
            .map(|r| store::read(r, &times_of_text))
        else {
            return;
        };
        let mut lc = self.managed.lc.borrow_mut();
        lc.share_backoff(&stored.backoff, self.managed.now_s());
        if let Some(pair) = stored.pair {
            lc.offer(pair, stored.after_401);
        }
    }

    async fn obtain(&self, plan: &Plan) -> Result<(Tokens, Receipt), Failure> {
        let a = &self.account;
        if let Some(broker) = &a.broker {
            return self.ask_broker(broker).await;
        }
        let refresh = match plan {
            Plan::Refresh => self
                .managed
                .lc
                .borrow()
                .held()
                .map(|p| p.refresh_token.clone()),
            _ => None,
        };
        let (req, counter) = match &refresh {
            Some(r) => (
                nadeo::refresh(&a.core_url, r, &a.user_agent)?,
                &self.managed.refreshes,
            ),
            None => {
                let (login, password, ua) = (&a.login, &a.password, &a.user_agent);
                let req = nadeo::login_basic(&a.core_url, login, password, self.audience, ua)?;
                (req, &self.managed.logins)
            }
        };
        counter.set(counter.get() + 1);
        // A refresh answer without a refresh token keeps the one it was made with.
        let (pair, date) = http::tokens(&a.transport, req, refresh.as_deref()).await?;
        let receipt = Receipt {
            local: self.managed.now_s(),
            date,
            minted: true,
            after_401: None,
        };
        Ok((pair, receipt))
    }

    /// One process of a fleet logs in or renews: the lease on this audience's key.
    async fn lease(&self) -> Lease {
        match &self.account.store {
            Some(store) => lease_of(store, &self.key(), self.lease_ttl_ms()).await,
            None => Lease::None,
        }
    }

    fn lease_ttl_ms(&self) -> f64 {
        lease_ttl_ms(self.account.transport.timeout_ms)
    }

    /// A refused refresh (401, or an answer that is no pair): the refresh token is dead or
    /// used. (The broker relays its own failures: they are never this.)
    fn refresh_refused(&self, e: &Failure) -> bool {
        self.account.broker.is_none() && matches!(e.code(), Code::Unauthorized | Code::BadResponse)
    }

    /// The record (pair, after-401 mark, backoff) written to the store.
    async fn save(&self, new_pair: bool) {
        if new_pair {
            self.account.offset.set(self.managed.lc.borrow().offset());
        }
        if let Some(store) = &self.account.store {
            let now = self.managed.now_s();
            let (value, ttl) = {
                let lc = self.managed.lc.borrow();
                let (pair, marks) = (lc.held(), lc.marks());
                (
                    store::record(pair, marks.after_401, lc.backoff()),
                    store::ttl(pair, lc.backoff(), lc.service_now(now)),
                )
            };
            if let Some(value) = json::to_text(&value) {
                let _ = JsFuture::from(store_put(store, &self.key(), &value, ttl)).await;
            }
        }
    }
}

/// (Re)arms the background renewal of an audience while auto-refresh is on: when the held
/// token is due (as scheduleRefresh: margin plus up to 60 s of jitter, never before rat), and
/// not before the backoff allows.
fn schedule_auto(slot: &Rc<Slot>) {
    if !slot.account.auto.get() {
        *slot.alarm.borrow_mut() = None;
        return;
    }
    let (token, at) = {
        let lc = slot.managed.lc.borrow();
        let Some(pair) = lc.held() else { return };
        let Some(at) = lc.renew_at(js_sys::Math::random() * 60.0) else {
            return;
        };
        (pair.access_token.clone(), at)
    };
    // The client's clock may be injected: its time turned into the machine's once.
    let at_ms = js_sys::Date::now() + (at - slot.managed.now_s()) * 1000.0;
    let weak = Rc::downgrade(slot);
    *slot.alarm.borrow_mut() = Some(Alarm::new(
        at_ms,
        Rc::new(move || {
            let Some(slot) = weak.upgrade() else { return };
            if slot.managed.lc.borrow_mut().want_early(&token) {
                spawn(Box::pin(async move {
                    let _ = managed::access_token(slot.clone(), &JsValue::UNDEFINED).await;
                    schedule_auto(&slot);
                }));
            }
        }),
    ));
}

/// The token half of `NadeoClient`. Users never hold this object: the JS `NadeoClient`
/// (api.js) and `NadeoTokenBroker` (broker.js) hold one each, privately.
#[wasm_bindgen(js_name = ManagedTokens, skip_typescript)]
pub struct ManagedTokens {
    account: Rc<Account>,
    /// `requestsPerSecond`'s interval between API calls (ms), for api.js's throttle.
    throttle_ms: Option<f64>,
    bases: [(String, Audience); 3],
    slots: [Rc<Slot>; 2],
}

fn audience_arg(name: &str) -> Result<Audience, Failure> {
    Audience::parse(name)
        .ok_or_else(|| invalid("the audience must be \"NadeoServices\" or \"NadeoLiveServices\""))
}

impl ManagedTokens {
    fn slot(&self, a: Audience) -> &Rc<Slot> {
        match a {
            Audience::Core => &self.slots[0],
            Audience::Live => &self.slots[1],
        }
    }

    fn audience_of(&self, url: &str) -> Option<Audience> {
        for (base, a) in &self.bases {
            if let Some(rest) = url.strip_prefix(base.as_str()) {
                if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
                    return Some(*a);
                }
            }
        }
        audience_of_href(url)
    }
}

#[wasm_bindgen(js_class = ManagedTokens)]
impl ManagedTokens {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ManagedTokens, Failure> {
        let mut o: options::Client = options::read(&options)?;
        let transport = o.transport()?;
        let (user_agent, core_url) = super::nadeo::common(o.user_agent.take(), o.core_url.take())?;
        let login = required(o.login.take(), "login", "a non-empty string")?.0;
        let password = required(o.password.take(), "password", "a non-empty string")?.0;
        // Validate the credentials once, without sending anything.
        nadeo::login_basic(&core_url, &login, &password, Audience::Live, &user_agent)?;
        // With a broker the fleet's state lives in the broker's storage: no store here.
        let broker = o
            .broker
            .map(|b| b.0.unchecked_into::<DurableObjectNamespace>());
        let store = if broker.is_some() {
            None
        } else {
            o.store.map(|s| s.0)
        };
        let margin = o.refresh_margin.map_or(300.0, |n| n.0);
        if margin < 0.0 {
            return Err(invalid("options.refreshMargin must be a number of seconds"));
        }
        let now = o.now.map(|f| f.0);
        let base = |url: Option<options::Text>, default: &str| -> Result<String, Failure> {
            let raw = url.map_or_else(|| default.into(), |t| t.0);
            nadeo::base_url(&raw)?;
            normalize_base(&raw).ok_or_else(|| invalid("base URLs must be absolute http(s) URLs"))
        };
        let bases = [
            (
                base(
                    Some(options::Text(core_url.clone())),
                    nadeo::DEFAULT_CORE_URL,
                )?,
                Audience::Core,
            ),
            (
                base(o.live_url.take(), nadeo::DEFAULT_LIVE_URL)?,
                Audience::Live,
            ),
            (
                base(o.meet_url.take(), nadeo::DEFAULT_MEET_URL)?,
                Audience::Live,
            ),
        ];
        let account = Rc::new(Account {
            login,
            password,
            user_agent,
            core_url,
            transport,
            store,
            broker,
            auto: Cell::new(false),
            offset: Cell::new(0.0),
        });
        let policy = Policy {
            margin,
            can_login: true,
            save_first: false,
            shared: true,
        };
        let slot = |audience| {
            Rc::new(Slot {
                audience,
                account: account.clone(),
                managed: Managed::new(policy, now.clone()),
                alarm: RefCell::new(None),
            })
        };
        Ok(ManagedTokens {
            throttle_ms: o.requests_per_second.map(|r| 1000.0 / r.0),
            slots: [slot(Audience::Core), slot(Audience::Live)],
            account,
            bases,
        })
    }

    /// `accessToken(audience, { signal }?)`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, audience: JsValue, options: JsValue) -> js_sys::Promise {
        let slots = self.slots.clone();
        promise(Box::pin(async move {
            let name = audience.as_string().ok_or_else(|| {
                invalid("the audience must be NadeoServices or NadeoLiveServices")
            })?;
            let slot = match audience_arg(&name)? {
                Audience::Core => &slots[0],
                Audience::Live => &slots[1],
            };
            let signal = options::call_signal(&options)?;
            let token = managed::access_token(slot.clone(), &signal).await;
            schedule_auto(slot);
            token.map(JsValue::from)
        }))
    }

    /// For `fetch` (in api.js): `{ audience, fetch, userAgent }` for a URL, or
    /// `INVALID_ARGUMENT` when the URL is not a Nadeo game API (no token is sent there).
    #[wasm_bindgen(js_name = route)]
    pub fn route(&self, url: &str) -> Result<JsValue, Failure> {
        let a = self
            .audience_of(url)
            .ok_or_else(|| invalid("the URL is not a Nadeo game API: no token is sent there"))?;
        Ok(make_route(
            a.as_str(),
            &self.account.transport.fetch,
            &self.account.user_agent,
        ))
    }

    /// For api.js: the interval between API calls (ms) of `requestsPerSecond`, or undefined
    /// when the option is absent (no throttle).
    #[wasm_bindgen(getter, js_name = throttleMs)]
    pub fn throttle_ms(&self) -> Option<f64> {
        self.throttle_ms
    }

    /// For api.js: the client's clock (`options.now`), on which `servedUntil`'s times are;
    /// undefined for `Date.now`.
    #[wasm_bindgen(getter)]
    pub fn clock(&self) -> Option<js_sys::Function> {
        self.slots[0].managed.clock()
    }

    /// For `fetch` (in api.js): whether a URL's route depends on its scheme and authority
    /// alone (no base URL has a path), so that JS may keep routes per authority and not ask
    /// the wasm on every call.
    #[wasm_bindgen(getter, js_name = routesByAuthority)]
    pub fn routes_by_authority(&self) -> bool {
        self.bases
            .iter()
            .all(|(base, _)| base.splitn(4, '/').nth(3).is_none())
    }

    /// For `accessToken` (in api.js): until when, in milliseconds on the client's clock,
    /// `token` stays fresh for `audience` if nothing happens; 0 when it is not. JS keeps it
    /// that long, so that a cached token costs no crossing into the wasm.
    #[wasm_bindgen(js_name = servedUntil)]
    pub fn served_until(&self, audience: &str, token: &str) -> f64 {
        let Some(a) = Audience::parse(audience) else {
            return 0.0;
        };
        let m = &self.slot(a).managed;
        let lc = m.lc.borrow();
        // `fresh_until` is `Some` only while the held pair is fresh.
        match (lc.held(), lc.fresh_until(m.now_s())) {
            (Some(p), Some(until)) if p.access_token == token => until * 1000.0,
            _ => 0.0,
        }
    }

    /// For `fetch` (in api.js): an API answered 401 to `token`; whether a retry may follow
    /// (the lifecycle's one rule).
    #[wasm_bindgen(js_name = refused)]
    pub fn refused(&self, audience: &str, token: &str) -> bool {
        Audience::parse(audience).is_some_and(|a| self.slot(a).managed.refused(token))
    }

    /// For `fetch` (in api.js): the UNAUTHORIZED error of an API call whose 401 is final.
    #[wasm_bindgen(js_name = finalRefusal)]
    pub fn final_refusal(&self, status: u16, body: String) -> JsValue {
        super::bearer::final_refusal(status, body)
    }

    /// For NadeoTokenBroker: the pair held for an audience, `{ accessToken, refreshToken,
    /// after401, serviceNow }`, or undefined.
    #[wasm_bindgen(js_name = held)]
    pub fn held(&self, audience: &str) -> JsValue {
        let Some(a) = Audience::parse(audience) else {
            return JsValue::UNDEFINED;
        };
        let m = &self.slot(a).managed;
        let lc = m.lc.borrow();
        lc.held().map_or(JsValue::UNDEFINED, |p| {
            let service_now = lc.service_now(m.now_s());
            results::held(
                &p.access_token,
                &p.refresh_token,
                lc.marks().after_401,
                service_now,
            )
        })
    }

    /// Renews each held token in the background when due. Returns a function that stops it.
    #[wasm_bindgen(js_name = startAutoRefresh)]
    pub fn start_auto_refresh(&self) -> JsValue {
        self.account.auto.set(true);
        for slot in &self.slots {
            schedule_auto(slot);
        }
        let slots = [Rc::downgrade(&self.slots[0]), Rc::downgrade(&self.slots[1])];
        Closure::<dyn FnMut()>::new(move || {
            for slot in slots.iter().filter_map(|s| s.upgrade()) {
                slot.account.auto.set(false);
                *slot.alarm.borrow_mut() = None;
            }
        })
        .into_js_value()
    }

    /// `{ logins, refreshes, failures, clockOffset }`: calls made to the auth endpoints, how
    /// many failed, and how far ahead the service's clock is (seconds, the latest learnt).
    #[wasm_bindgen(getter)]
    pub fn stats(&self) -> JsValue {
        let sum = |f: fn(&Managed<Tokens>) -> u32| self.slots.iter().map(|s| f(&s.managed)).sum();
        results::stats(
            sum(|m| m.logins.get()),
            sum(|m| m.refreshes.get()),
            sum(|m| m.failures.get()),
            self.account.offset.get(),
        )
    }
}
