//! `NadeoClient`: per-audience token pairs managed for the caller. The single flight per
//! audience is a [`Gate`] (see `flight.rs`): only plain data lives across calls.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::broker::{self, DurableObjectNamespace};
use super::error::{invalid, Failure};
use super::fetch::Transport;
use super::flight::{Gate, Work};
use super::glue::{clock_s, make_route, normalize_base, store_get, store_put};
use super::http;
use super::json;
use super::options::{self, required};
use super::policy;
use super::results;
use super::schedule::Alarm;
use super::tasks::{promise, spawn};
use super::token::{audience_of_href, times_of_text};
use crate::core::audience::Audience;
use crate::core::backoff::Backoff;
use crate::core::nadeo::{self, Need, Tokens};
use crate::core::store;
use crate::core::{Code, Error};

#[derive(Default)]
struct Slot {
    pair: Option<Tokens>,
    /// The pair came from a renewal made because an API answered 401: a 401 to it is final
    /// (no second renewal for the same refusal) until it is due by time.
    after_401: bool,
    /// The access token that an API answered 401 to: renew it even if it looks fresh, and do
    /// not serve it any more.
    refused: Option<String>,
    /// The access token auto-refresh wants renewed now (still served meanwhile).
    early: Option<String>,
    /// The refresh token was refused: the next renewal is a login.
    refresh_dead: bool,
    /// The failure policy of this audience (shared through the store).
    backoff: Backoff,
    /// Bumped by every adopted pair: a failure of an attempt that started before a newer
    /// success (a stale flight) must not put the audience in backoff.
    generation: u32,
}

struct Inner {
    login: String,
    password: String,
    user_agent: String,
    core_url: String,
    bases: [(String, Audience); 3],
    transport: Transport,
    store: Option<JsValue>,
    /// Workers: the Durable Object namespace of NadeoTokenBroker. With it, logins and renewals
    /// are the broker's, made once for the fleet; this client keeps the pair in memory.
    broker: Option<DurableObjectNamespace>,
    margin: f64,
    now: Option<js_sys::Function>,
    slots: [RefCell<Slot>; 2],
    gates: [Rc<Gate>; 2],
    logins: Cell<u32>,
    refreshes: Cell<u32>,
    failures: Cell<u32>,
    auto: RefCell<Option<[Option<Alarm>; 2]>>,
}

fn idx(a: Audience) -> usize {
    match a {
        Audience::Core => 0,
        Audience::Live => 1,
    }
}

impl Inner {
    /// The client's clock, in seconds.
    fn now_s(&self) -> f64 {
        clock_s(&self.now)
    }

    fn slot(&self, a: Audience) -> &RefCell<Slot> {
        &self.slots[idx(a)]
    }

    /// The held access token while it can still be sent: not expired, not refused by an API.
    fn usable(&self, a: Audience) -> Option<String> {
        let s = self.slot(a).borrow();
        let p = s.pair.as_ref()?;
        let ok = !nadeo::expired(&p.access, self.now_s())
            && s.refused.as_deref() != Some(p.access_token.as_str());
        ok.then(|| p.access_token.clone())
    }

    fn need(&self, a: Audience, now: f64) -> Need {
        let s = self.slot(a).borrow();
        let need = match (nadeo::assess(s.pair.as_ref(), now, self.margin), &s.pair) {
            // Refused by an API, or wanted early by auto-refresh: renew though it looks fresh.
            (Need::Fresh, Some(p))
                if s.refused.as_ref() == Some(&p.access_token)
                    || s.early.as_ref() == Some(&p.access_token) =>
            {
                Need::Refresh
            }
            (need, _) => need,
        };
        if need == Need::Refresh && s.refresh_dead {
            Need::Login
        } else {
            need
        }
    }

    /// The error for callers while the audience backs off, or `None` when an attempt may be
    /// made.
    fn blocked(&self, a: Audience) -> Option<Failure> {
        policy::blocked(&self.slot(a).borrow().backoff, self.now_s())
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

    /// Writes this audience's state (pair, after-401 mark, backoff) to the store, if any.
    async fn save(&self, a: Audience) {
        let Some(store) = &self.store else { return };
        let (value, ttl) = {
            let s = self.slot(a).borrow();
            (
                store::record(s.pair.as_ref(), s.after_401, &s.backoff),
                store::ttl(s.pair.as_ref(), &s.backoff, self.now_s()),
            )
        };
        let Some(value) = json::to_text(&value) else {
            return;
        };
        let _ = JsFuture::from(store_put(store, &store::key(&self.login, a), &value, ttl)).await;
    }
}

const E_BROKER_ANSWER: Error =
    Error::new(Code::BadResponse, "the token broker answered no token pair");
const E_EXPIRED_ON_ARRIVAL: Error = Error::new(
    Code::BadResponse,
    "the token came expired: is this machine's clock right?",
);

/// A usable access token for the audience (the heart of the client).
async fn access_token(inner: Rc<Inner>, a: Audience, signal: JsValue) -> Result<String, Failure> {
    let fresh = || {
        let now = inner.now_s();
        if inner.need(a, now) == Need::Fresh {
            return inner
                .slot(a)
                .borrow()
                .pair
                .as_ref()
                .map(|p| p.access_token.clone());
        }
        // While renewals back off, a still-valid token keeps being served.
        if inner.slot(a).borrow().backoff.wait(now).is_some() {
            return inner.usable(a);
        }
        None
    };
    if let Some(token) = fresh() {
        return Ok(token);
    }
    // Fail fast during a backoff: no flight, no network.
    if let Some(err) = inner.blocked(a) {
        return Err(err);
    }
    // After a flight: a due token that is still valid (a refresh that failed in passing).
    let after = || inner.usable(a);
    let work = || -> Work { Box::pin(renew(inner.clone(), a)) };
    inner.gates[idx(a)]
        .obtain(&signal, &fresh, &after, &work)
        .await
}

/// Adopts a pair: memory, auto-refresh, and for a pair this client obtained (`write_store`)
/// the store, resetting the backoff.
async fn adopt(inner: &Rc<Inner>, a: Audience, pair: Tokens, after_401: bool, write_store: bool) {
    {
        let mut s = inner.slot(a).borrow_mut();
        s.pair = Some(pair);
        s.after_401 = after_401;
        s.refused = None;
        s.early = None;
        s.refresh_dead = false;
        s.generation = s.generation.wrapping_add(1);
        if write_store {
            s.backoff.succeeded();
        }
    }
    schedule_auto(inner, a);
    if write_store {
        inner.save(a).await;
    }
}

/// Records a failed attempt (unless a newer pair was adopted since it started) and shares it
/// through the store.
async fn failed(inner: &Rc<Inner>, a: Audience, generation: u32, err: &Failure) {
    inner.failures.set(inner.failures.get() + 1);
    let counted = {
        let mut s = inner.slot(a).borrow_mut();
        s.generation == generation && policy::record(&mut s.backoff, inner.now_s(), err)
    };
    if counted {
        schedule_auto(inner, a);
        inner.save(a).await;
    }
}

/// Another client (isolate, process) on the same store may hold a better pair, or be backing
/// off: take both into account. Returns whether the held pair is now fresh.
async fn read_store(inner: &Rc<Inner>, a: Audience, now: f64) -> bool {
    let Some(store) = &inner.store else {
        return false;
    };
    let v = JsFuture::from(store_get(store, &store::key(&inner.login, a)))
        .await
        .ok()
        .and_then(|v| v.as_string());
    let Some(stored) = v
        .and_then(|v| json::record(&v))
        .map(|r| store::read(r, &times_of_text))
    else {
        return false;
    };
    inner
        .slot(a)
        .borrow_mut()
        .backoff
        .merge(&stored.backoff, now);
    let Some(p) = stored.pair else { return false };
    let (held, refused) = {
        let s = inner.slot(a).borrow();
        (
            s.pair.as_ref().map(|p| p.access_token.clone()),
            s.refused.clone(),
        )
    };
    if held.as_deref() == Some(p.access_token.as_str())
        || refused.as_deref() == Some(p.access_token.as_str())
    {
        return false;
    }
    let fresh = nadeo::assess(Some(&p), now, inner.margin) == Need::Fresh;
    // Not a success of ours: the shared backoff stays as merged.
    adopt(inner, a, p, stored.after_401, false).await;
    fresh
}

/// One login or renewal attempt for the audience: the work of a flight.
async fn renew(inner: Rc<Inner>, a: Audience) -> Result<(), Failure> {
    let now = inner.now_s();
    // A passing failure or a backoff learnt from the store: serve what is still valid.
    let serve_or = |err: Failure| inner.usable(a).map(|_| ()).ok_or(err);
    if let Some(err) = inner.blocked(a) {
        return serve_or(err);
    }
    if read_store(&inner, a, now).await {
        return Ok(());
    }
    if let Some(err) = inner.blocked(a) {
        return serve_or(err);
    }
    let (generation, held, refused) = {
        let s = inner.slot(a).borrow();
        let refused = s
            .pair
            .as_ref()
            .filter(|p| s.refused.as_ref() == Some(&p.access_token))
            .map(|p| p.access_token.clone());
        (s.generation, s.pair.clone(), refused)
    };
    // The new pair, and whether it came from a renewal made for an API's 401.
    let result = match (&inner.broker, inner.need(a, now), held) {
        (Some(broker), _, _) => from_broker(&inner, a, broker, refused.as_deref()).await,
        (None, Need::Fresh, _) => return Ok(()),
        (None, Need::Refresh, Some(held)) => {
            let req = nadeo::refresh(&inner.core_url, &held.refresh_token, &inner.user_agent)?;
            inner.refreshes.set(inner.refreshes.get() + 1);
            match http::tokens(&inner.transport, req, Some(&held.refresh_token)).await {
                // A refused refresh: the refresh token is dead or used; log in again.
                Err(e) if matches!(e.code(), Code::Unauthorized | Code::BadResponse) => {
                    inner.failures.set(inner.failures.get() + 1);
                    inner.slot(a).borrow_mut().refresh_dead = true;
                    login(&inner, a).await
                }
                other => other,
            }
            .map(|p| (p, refused.is_some()))
        }
        _ => login(&inner, a).await.map(|p| (p, refused.is_some())),
    };
    match result {
        // A token that is expired on arrival (this machine's clock is off by an hour or more)
        // would make every call log in again: it is a failure like any other.
        Ok((pair, _)) if nadeo::expired(&pair.access, inner.now_s()) => {
            let e = Failure::from(E_EXPIRED_ON_ARRIVAL);
            failed(&inner, a, generation, &e).await;
            Err(e)
        }
        Ok((pair, after_401)) => {
            adopt(&inner, a, pair, after_401, true).await;
            Ok(())
        }
        Err(e) => {
            failed(&inner, a, generation, &e).await;
            serve_or(e)
        }
    }
}

/// The pair of the fleet's broker, and whether it came from a renewal made for an API's 401.
/// The broker answers its held pair, or makes the one login or renewal for everyone (told
/// which token an API refused, it renews that one once). Its errors carry its `retryAfter`,
/// which the failure record turns into this client's wait: isolates wait as the broker does.
async fn from_broker(
    inner: &Rc<Inner>,
    a: Audience,
    broker: &DurableObjectNamespace,
    refused: Option<&str>,
) -> Result<(Tokens, bool), Failure> {
    let ask = broker::Ask {
        login: &inner.login,
        password: &inner.password,
        user_agent: &inner.user_agent,
        core_url: &inner.core_url,
        audience: a.as_str(),
        refused,
    };
    let held = broker::ask(broker, &ask, inner.transport.timeout_ms).await?;
    let pair = nadeo::pair(held.access_token, held.refresh_token, &times_of_text)
        .map_err(|_| E_BROKER_ANSWER)?;
    Ok((pair, held.after_401))
}

async fn login(inner: &Rc<Inner>, a: Audience) -> Result<Tokens, Failure> {
    let req = nadeo::login_basic(
        &inner.core_url,
        &inner.login,
        &inner.password,
        a,
        &inner.user_agent,
    )?;
    inner.logins.set(inner.logins.get() + 1);
    http::tokens(&inner.transport, req, None).await
}

/// (Re)arms the background renewal of an audience when auto-refresh is on: when the held
/// token is due (as scheduleRefresh: margin plus up to 60 s of jitter, never before rat), and
/// not before the backoff of a failed attempt has passed.
fn schedule_auto(inner: &Rc<Inner>, a: Audience) {
    let mut auto = inner.auto.borrow_mut();
    let Some(timers) = auto.as_mut() else { return };
    let (token, at) = {
        let s = inner.slot(a).borrow();
        let Some(pair) = &s.pair else { return };
        let Some(due) = nadeo::due_at(&pair.access, inner.margin, js_sys::Math::random() * 60.0)
        else {
            return;
        };
        let at = if s.backoff.failures > 0 {
            due.max(s.backoff.not_before)
        } else {
            due
        };
        (pair.access_token.clone(), at)
    };
    // The client's clock may be injected: turn its due time into a wall-clock time once.
    let at_ms = js_sys::Date::now() + (at - inner.now_s()) * 1000.0;
    let weak = Rc::downgrade(inner);
    timers[idx(a)] = Some(Alarm::new(
        at_ms,
        Rc::new(move || {
            let Some(inner) = weak.upgrade() else { return };
            let mut s = inner.slot(a).borrow_mut();
            if s.pair.as_ref().is_some_and(|p| p.access_token == token) {
                s.early = Some(token.clone());
                drop(s);
                spawn(Box::pin(async move {
                    let _ = access_token(inner, a, JsValue::UNDEFINED).await;
                }));
            }
        }),
    ));
}

/// The token half of `NadeoClient`: one token pair per audience for a service or dedicated
/// server account, and every rule about it (when a token is due, served, refused, renewed).
/// Users never hold this object: the JS `NadeoClient` (api.js) and `NadeoTokenBroker`
/// (broker.js) hold one each, privately, and this crate's exports are not re-exported.
#[wasm_bindgen(js_name = ManagedTokens, skip_typescript)]
pub struct ManagedTokens {
    inner: Rc<Inner>,
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
        Ok(ManagedTokens {
            inner: Rc::new(Inner {
                login,
                password,
                user_agent,
                core_url,
                bases,
                transport,
                store,
                broker,
                margin,
                now,
                slots: Default::default(),
                gates: Default::default(),
                logins: Cell::new(0),
                refreshes: Cell::new(0),
                failures: Cell::new(0),
                auto: RefCell::new(None),
            }),
        })
    }

    /// `accessToken(audience, { signal }?)`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, audience: JsValue, options: JsValue) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let name = audience.as_string().ok_or_else(|| {
                invalid("the audience must be NadeoServices or NadeoLiveServices")
            })?;
            let a = Audience::parse(&name).ok_or_else(|| {
                invalid("options.audience must be \"NadeoServices\" or \"NadeoLiveServices\"")
            })?;
            let signal = if options.is_undefined() || options.is_null() {
                JsValue::UNDEFINED
            } else {
                let call: options::Call = options::read(&options)?;
                call.signal.map_or(JsValue::UNDEFINED, |s| s.0.into())
            };
            access_token(inner, a, signal).await.map(JsValue::from)
        }))
    }

    /// For `fetch` (in api.js): `{ audience, fetch, userAgent }` for a URL, or
    /// `INVALID_ARGUMENT` when the URL is not a Nadeo game API (no token is sent there).
    #[wasm_bindgen(js_name = route)]
    pub fn route(&self, url: &str) -> Result<JsValue, Failure> {
        let a = self
            .inner
            .audience_of(url)
            .ok_or_else(|| invalid("the URL is not a Nadeo game API: no token is sent there"))?;
        Ok(make_route(
            a.as_str(),
            &self.inner.transport.fetch,
            &self.inner.user_agent,
        ))
    }

    /// For api.js: the client's clock (`options.now`), on which `servedUntil`'s times are;
    /// undefined for `Date.now`.
    #[wasm_bindgen(getter)]
    pub fn clock(&self) -> Option<js_sys::Function> {
        self.inner.now.clone()
    }

    /// For `fetch` (in api.js): whether a URL's route depends on its scheme and authority
    /// alone (no base URL has a path), so that JS may keep routes per authority and not ask
    /// the wasm on every call.
    #[wasm_bindgen(getter, js_name = routesByAuthority)]
    pub fn routes_by_authority(&self) -> bool {
        self.inner
            .bases
            .iter()
            .all(|(base, _)| base.splitn(4, '/').nth(3).is_none())
    }

    /// For `accessToken` (in api.js): until when, in milliseconds on the client's clock,
    /// `token` will be served for `audience` as it is, without a renewal (it is the held
    /// token, neither due, expired, refused nor wanted early); 0 when it will not. JS keeps it
    /// that long, so that a cached token costs no crossing into the wasm.
    #[wasm_bindgen(js_name = servedUntil)]
    pub fn fresh_until(&self, audience: &str, token: &str) -> f64 {
        let Some(a) = Audience::parse(audience) else {
            return 0.0;
        };
        let s = self.inner.slot(a).borrow();
        let Some(p) = s.pair.as_ref().filter(|p| p.access_token == token) else {
            return 0.0;
        };
        if s.refused.as_deref() == Some(token) || s.early.as_deref() == Some(token) {
            return 0.0;
        }
        let due = nadeo::due_at(&p.access, self.inner.margin, 0.0).unwrap_or(f64::INFINITY);
        let until = p
            .access
            .exp
            .map_or(due, |exp| due.min(exp - nadeo::EXPIRY_SKEW))
            * 1000.0;
        if until > self.inner.now_s() * 1000.0 {
            until
        } else {
            0.0
        }
    }

    /// For `fetch` (in api.js): an API answered 401 to `token`. Returns whether a retry may
    /// follow: the token is marked for renewal, unless it came from a renewal made for an
    /// earlier 401 (then the 401 is final for it: one renewal per token).
    #[wasm_bindgen(js_name = refused)]
    pub fn refused(&self, audience: &str, token: String) -> bool {
        let Some(a) = Audience::parse(audience) else {
            return false;
        };
        let mut s = self.inner.slot(a).borrow_mut();
        if s.pair.as_ref().is_none_or(|p| p.access_token != token) {
            // Already renewed by another call: retry with the current token.
            return true;
        }
        if s.after_401 {
            return false;
        }
        s.refused = Some(token);
        true
    }

    /// For `fetch` (in api.js): the UNAUTHORIZED error of an API call whose 401 is final for
    /// its token (the token came from a renewal made for an earlier 401), with the API's
    /// status and body.
    #[wasm_bindgen(js_name = finalRefusal)]
    pub fn final_refusal(&self, status: u16, body: String) -> JsValue {
        super::bearer::Bearer::final_refusal(status, body)
    }

    /// For NadeoTokenBroker: the pair held for an audience, `{ accessToken, refreshToken,
    /// after401 }`, or undefined.
    #[wasm_bindgen(js_name = held)]
    pub fn held(&self, audience: &str) -> JsValue {
        let Some(a) = Audience::parse(audience) else {
            return JsValue::UNDEFINED;
        };
        let s = self.inner.slot(a).borrow();
        s.pair.as_ref().map_or(JsValue::UNDEFINED, |p| {
            results::held(&p.access_token, &p.refresh_token, s.after_401)
        })
    }

    /// Renews each held token in the background when due. Returns a function that stops it.
    #[wasm_bindgen(js_name = startAutoRefresh)]
    pub fn start_auto_refresh(&self) -> JsValue {
        *self.inner.auto.borrow_mut() = Some([None, None]);
        for a in [Audience::Core, Audience::Live] {
            schedule_auto(&self.inner, a);
        }
        let weak = Rc::downgrade(&self.inner);
        Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                *inner.auto.borrow_mut() = None;
            }
        })
        .into_js_value()
    }

    /// `{ logins, refreshes, failures }`: calls made to the auth endpoints, and how many of
    /// them failed.
    #[wasm_bindgen(getter)]
    pub fn stats(&self) -> JsValue {
        results::stats(
            self.inner.logins.get(),
            self.inner.refreshes.get(),
            self.inner.failures.get(),
        )
    }
}
