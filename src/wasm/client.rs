//! `NadeoClient`: per-audience token pairs managed for the caller. The single flight per
//! audience is a [`Gate`] (see `flight.rs`): only plain data lives across calls.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::flight::{is_code, promise, spawn, Gate, Work};
use super::schedule::Alarm;
use super::glue::{
    clock_option, clock_s, invalid, js_number, make_stats, normalize_base, number_option, option, required_string, store_get, store_put, string_option,
    to_js,
};
use super::http::{self, Transport};
use super::nadeo::audience_option;
use super::token::audience_of_href;
use crate::core::audience::Audience;
use crate::core::nadeo::{self, Need, Tokens};

#[derive(Default)]
struct Slot {
    pair: Option<Tokens>,
    /// The access token that an API answered 401 to: renew it even if it looks fresh.
    rejected: Option<String>,
}

struct Inner {
    login: String,
    password: String,
    user_agent: String,
    core_url: String,
    bases: [(String, Audience); 3],
    transport: Transport,
    store: Option<JsValue>,
    margin: f64,
    now: Option<js_sys::Function>,
    slots: [RefCell<Slot>; 2],
    gates: [Rc<Gate>; 2],
    logins: Cell<u32>,
    refreshes: Cell<u32>,
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
        let ok = !nadeo::expired(&p.access, self.now_s()) && s.rejected.as_deref() != Some(p.access_token.as_str());
        ok.then(|| p.access_token.clone())
    }

    fn need(&self, a: Audience, now: f64) -> Need {
        let s = self.slot(a).borrow();
        let need = nadeo::assess(s.pair.as_ref(), now, self.margin);
        match (&need, &s.pair, &s.rejected) {
            (Need::Fresh, Some(p), Some(r)) if *r == p.access_token => Need::Refresh,
            _ => need,
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

/// A usable access token for the audience (the heart of the client).
async fn access_token(inner: Rc<Inner>, a: Audience, signal: JsValue) -> Result<String, JsValue> {
    let fresh = || {
        if inner.need(a, inner.now_s()) != Need::Fresh {
            return None;
        }
        inner.slot(a).borrow().pair.as_ref().map(|p| p.access_token.clone())
    };
    // After a flight: a due token that is still valid (a refresh that failed in passing).
    let after = || inner.usable(a);
    let work = || -> Work { Box::pin(renew(inner.clone(), a)) };
    inner.gates[idx(a)].obtain(&signal, &fresh, &after, &work).await
}

/// Adopts a pair: memory, store, auto-refresh.
async fn adopt(inner: &Rc<Inner>, a: Audience, pair: Tokens, write_store: bool) {
    let value = nadeo::store_value(&pair);
    let ttl = nadeo::store_ttl(&pair, inner.now_s());
    {
        let mut s = inner.slot(a).borrow_mut();
        s.pair = Some(pair);
        s.rejected = None;
    }
    schedule_auto(inner, a);
    if write_store {
        if let Some(store) = &inner.store {
            let _ = JsFuture::from(store_put(store, &nadeo::store_key(&inner.login, a), &value, ttl)).await;
        }
    }
}

async fn login(inner: &Rc<Inner>, a: Audience) -> Result<(), JsValue> {
    let req = nadeo::login_basic(&inner.core_url, &inner.login, &inner.password, a, &inner.user_agent).map_err(to_js)?;
    inner.logins.set(inner.logins.get() + 1);
    let pair = http::tokens(&inner.transport, &req, None).await?;
    adopt(inner, a, pair, true).await;
    Ok(())
}

async fn renew(inner: Rc<Inner>, a: Audience) -> Result<(), JsValue> {
    let now = inner.now_s();
    let mut need = inner.need(a, now);
    // Another client (isolate, process) on the same store may hold a better pair.
    if need != Need::Fresh {
        if let Some(store) = &inner.store {
            let key = nadeo::store_key(&inner.login, a);
            let v = JsFuture::from(store_get(store, &key)).await.ok().and_then(|v| v.as_string());
            let held = inner.slot(a).borrow().pair.as_ref().map(|p| p.access_token.clone());
            if let Some(p) = v.and_then(|v| nadeo::from_store(&v, &js_number)) {
                let rejected = inner.slot(a).borrow().rejected.clone();
                if held.as_deref() != Some(p.access_token.as_str()) && rejected.as_deref() != Some(p.access_token.as_str()) {
                    let stored_need = nadeo::assess(Some(&p), now, inner.margin);
                    adopt(&inner, a, p, false).await;
                    if stored_need == Need::Fresh {
                        return Ok(());
                    }
                    need = stored_need;
                }
            }
        }
    }
    match need {
        Need::Fresh => Ok(()),
        Need::Login => login(&inner, a).await,
        Need::Refresh => {
            let Some(held) = inner.slot(a).borrow().pair.clone() else { return login(&inner, a).await };
            let req = nadeo::refresh(&inner.core_url, &held.refresh_token, &inner.user_agent).map_err(to_js)?;
            inner.refreshes.set(inner.refreshes.get() + 1);
            match http::tokens(&inner.transport, &req, Some(&held.refresh_token)).await {
                Ok(pair) => {
                    adopt(&inner, a, pair, true).await;
                    Ok(())
                }
                // A refused refresh: the refresh token is dead or used; log in again.
                Err(e) if is_code(&e, "UNAUTHORIZED") || is_code(&e, "BAD_RESPONSE") => login(&inner, a).await,
                // A passing failure with a still-valid access token: keep serving it.
                Err(e) => inner.usable(a).map(|_| ()).ok_or(e),
            }
        }
    }
}

/// (Re)arms the background renewal of an audience when auto-refresh is on: when the held
/// token is due (as scheduleRefresh: margin plus up to 60 s of jitter, never before rat).
fn schedule_auto(inner: &Rc<Inner>, a: Audience) {
    let mut auto = inner.auto.borrow_mut();
    let Some(timers) = auto.as_mut() else { return };
    let Some(pair) = inner.slot(a).borrow().pair.clone() else { return };
    let Some(at) = nadeo::due_at(&pair.access, inner.margin, js_sys::Math::random() * 60.0) else { return };
    // The client's clock may be injected: turn its due time into a wall-clock time once.
    let at_ms = js_sys::Date::now() + (at - inner.now_s()) * 1000.0;
    let weak = Rc::downgrade(inner);
    let token = pair.access_token;
    timers[idx(a)] = Some(Alarm::new(
        at_ms,
        Rc::new(move || {
            let Some(inner) = weak.upgrade() else { return };
            let mut s = inner.slot(a).borrow_mut();
            if s.pair.as_ref().is_some_and(|p| p.access_token == token) {
                s.rejected = Some(token.clone());
                drop(s);
                spawn(Box::pin(async move {
                    let _ = access_token(inner, a, JsValue::UNDEFINED).await;
                }));
            }
        }),
    ));
}

/// Manages one token pair per audience for a service or dedicated server account.
#[wasm_bindgen(js_name = NadeoClient, skip_typescript)]
pub struct NadeoClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen(js_class = NadeoClient)]
impl NadeoClient {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<NadeoClient, JsValue> {
        let common = super::nadeo::Common::read(&options)?;
        let login = required_string(&options, "login")?;
        let password = required_string(&options, "password")?;
        // Validate the credentials once, without sending anything.
        nadeo::login_basic(&common.core_url, &login, &password, Audience::Live, &common.user_agent).map_err(to_js)?;
        let store = option(&options, "store")?;
        if let Some(s) = &store {
            let has = |m: &str| js_sys::Reflect::get(s, &JsValue::from_str(m)).map(|f| f.is_function()).unwrap_or(false);
            if !has("get") || !has("put") {
                return Err(invalid("options.store must have get and put methods"));
            }
        }
        let margin = number_option(&options, "refreshMargin")?.unwrap_or(300.0);
        if margin < 0.0 {
            return Err(invalid("options.refreshMargin must be a number of seconds"));
        }
        let now = clock_option(&options)?;
        let base = |key: &str, default: &str| -> Result<String, JsValue> {
            let raw = string_option(&options, key)?.unwrap_or_else(|| default.into());
            nadeo::base_url(&raw).map_err(to_js)?;
            normalize_base(&raw).ok_or_else(|| invalid("base URLs must be absolute http(s) URLs"))
        };
        let bases = [
            (base("coreUrl", nadeo::DEFAULT_CORE_URL)?, Audience::Core),
            (base("liveUrl", nadeo::DEFAULT_LIVE_URL)?, Audience::Live),
            (base("meetUrl", nadeo::DEFAULT_MEET_URL)?, Audience::Live),
        ];
        let mut transport = common.transport;
        transport.signal = JsValue::UNDEFINED;
        Ok(NadeoClient {
            inner: Rc::new(Inner {
                login,
                password,
                user_agent: common.user_agent,
                core_url: common.core_url,
                bases,
                transport,
                store,
                margin,
                now,
                slots: Default::default(),
                gates: Default::default(),
                logins: Cell::new(0),
                refreshes: Cell::new(0),
                auto: RefCell::new(None),
            }),
        })
    }

    /// `accessToken(audience, { signal }?)`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, audience: JsValue, options: JsValue) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let name = audience.as_string().ok_or_else(|| invalid("the audience must be NadeoServices or NadeoLiveServices"))?;
            let holder = js_sys::Object::new();
            js_sys::Reflect::set(&holder, &JsValue::from_str("audience"), &JsValue::from_str(&name))?;
            let a = audience_option(&holder, true)?;
            let signal = option(&options, "signal")?.unwrap_or(JsValue::UNDEFINED);
            access_token(inner, a, signal).await.map(JsValue::from)
        }))
    }

    /// For `fetch` (in api.js): the audience, fetch function and User-Agent for a URL, or
    /// `INVALID_ARGUMENT` when the URL is not a Nadeo game API (no token is sent there).
    #[wasm_bindgen(js_name = __route)]
    pub fn route(&self, url: &str) -> Result<js_sys::Array, JsValue> {
        let a = self.inner.audience_of(url).ok_or_else(|| invalid("the URL is not a Nadeo game API: no token is sent there"))?;
        let out = js_sys::Array::new();
        out.push(&JsValue::from_str(a.as_str()));
        out.push(&self.inner.transport.fetch);
        out.push(&JsValue::from_str(&self.inner.user_agent));
        Ok(out)
    }

    /// For `fetch` (in api.js): an API answered 401 to `token`; renew it on the next call.
    #[wasm_bindgen(js_name = __rejected)]
    pub fn rejected(&self, audience: &str, token: String) {
        if let Some(a) = Audience::parse(audience) {
            let mut s = self.inner.slot(a).borrow_mut();
            if s.pair.as_ref().is_some_and(|p| p.access_token == token) {
                s.rejected = Some(token);
            }
        }
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

    /// `{ logins, refreshes }`: network calls made to the auth endpoints.
    #[wasm_bindgen(getter)]
    pub fn stats(&self) -> JsValue {
        make_stats(self.inner.logins.get(), self.inner.refreshes.get())
    }
}
