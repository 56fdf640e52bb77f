//! The one driver of the token lifecycle (the core's `lifecycle.rs`), shared by
//! `ManagedTokens` (a Nadeo audience), `ApiTokens` (the app's token) and `PlayerTokens` (a
//! player). It does the I/O only: it asks the lifecycle what a call does, runs one flight at a
//! time through the [`Gate`], and hands each outcome back. What differs between the three is
//! a [`Driver`]: where the shared state lives (a store, a broker, nowhere) and how a pair is
//! obtained.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::failure::Failure;
use super::flight::{Gate, Work};
use super::interop::{clock_s, store_lock, store_release};
use super::policy;
use super::timers::sleep;
use crate::core::lifecycle::{After, Lifecycle, Next, Pair, Plan, Policy, Receipt};

/// One managed token: its lifecycle, its single flight, its clock and its counters.
pub(crate) struct Managed<P> {
    pub lc: RefCell<Lifecycle<P>>,
    gate: Rc<Gate>,
    now: Option<js_sys::Function>,
    pub logins: Cell<u32>,
    pub refreshes: Cell<u32>,
    pub failures: Cell<u32>,
}

impl<P: Pair> Managed<P> {
    pub fn new(policy: Policy, now: Option<js_sys::Function>) -> Managed<P> {
        Managed {
            lc: RefCell::new(Lifecycle::new(policy)),
            gate: Rc::default(),
            now,
            logins: Cell::new(0),
            refreshes: Cell::new(0),
            failures: Cell::new(0),
        }
    }

    /// The caller's clock (`options.now`, else the machine's), in seconds.
    pub fn now_s(&self) -> f64 {
        clock_s(&self.now)
    }

    /// The clock function given, for JS (undefined: `Date.now`).
    pub fn clock(&self) -> Option<js_sys::Function> {
        self.now.clone()
    }

    /// The access token a call may send now without network: fresh, or usable while
    /// attempts back off.
    pub fn serve(&self) -> Option<String> {
        let now = self.now_s();
        let lc = self.lc.borrow();
        match lc.next(now) {
            Next::Serve => lc.fresh(now).or_else(|| lc.usable(now)),
            _ => None,
        }
        .map(|p| p.access_token().into())
    }

    /// The held access token while it can still be sent.
    pub fn usable(&self) -> Option<String> {
        let lc = self.lc.borrow();
        lc.usable(self.now_s()).map(|p| p.access_token().into())
    }

    /// An API answered 401 to `token`: whether a retry may follow (the lifecycle's rule).
    pub fn refused(&self, token: &str) -> bool {
        self.lc.borrow_mut().refused(token, self.now_s())
    }

    /// `err`, unless a usable token can serve instead (a failure in passing).
    fn serve_or(&self, err: Failure) -> Result<(), Failure> {
        self.usable().map(|_| ()).ok_or(err)
    }
}

/// What differs between the managed tokens: where shared state lives, how a pair comes. The
/// flight sees it as a [`Driver`] (one copy of the flight per kind of pair, not per driver).
pub(crate) trait Source: 'static {
    type Pair: Pair;

    fn managed(&self) -> &Managed<Self::Pair>;

    /// Before a call looks at the lifecycle (a player writes down a pair whose write failed).
    async fn prepare(&self) {}

    /// At a flight's start, and when the lifecycle asks ([`After::Look`]): read the shared
    /// state (a store) and offer it to the lifecycle.
    async fn look(&self);

    /// A login or a renewal as the plan says: the pair and when it came. Counts the auth
    /// calls it makes ([`Managed::logins`], [`Managed::refreshes`]).
    async fn obtain(&self, plan: &Plan) -> Result<(Self::Pair, Receipt), Failure>;

    /// The fleet's lease on this token's key, where its store has a lock.
    async fn lease(&self) -> Lease {
        Lease::None
    }

    /// How long a lease of this token lasts (ms).
    fn lease_ttl_ms(&self) -> f64 {
        lease_ttl_ms(super::fetch::DEFAULT_TIMEOUT_MS)
    }

    /// Whether a failed refresh grant says the refresh token is dead.
    fn refresh_refused(&self, e: &Failure) -> bool;

    /// After an outcome: write down what the shared state keeps (`new_pair`: a pair was taken).
    async fn save(&self, new_pair: bool);
}

/// A step of a driver, boxed: the flight calls drivers through `dyn`.
pub(crate) type Step<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A [`Source`] as the flight calls it.
pub(crate) trait Driver {
    type Pair: Pair;
    fn managed(&self) -> &Managed<Self::Pair>;
    fn prepare(&self) -> Step<'_, ()>;
    fn look(&self) -> Step<'_, ()>;
    fn obtain<'a>(&'a self, plan: &'a Plan) -> Step<'a, Result<(Self::Pair, Receipt), Failure>>;
    fn lease(&self) -> Step<'_, Lease>;
    fn lease_ttl_ms(&self) -> f64;
    fn refresh_refused(&self, e: &Failure) -> bool;
    fn save(&self, new_pair: bool) -> Step<'_, ()>;
}

impl<S: Source> Driver for S {
    type Pair = S::Pair;
    fn managed(&self) -> &Managed<S::Pair> {
        Source::managed(self)
    }
    fn prepare(&self) -> Step<'_, ()> {
        Box::pin(Source::prepare(self))
    }
    fn look(&self) -> Step<'_, ()> {
        Box::pin(Source::look(self))
    }
    fn obtain<'a>(&'a self, plan: &'a Plan) -> Step<'a, Result<(S::Pair, Receipt), Failure>> {
        Box::pin(Source::obtain(self, plan))
    }
    fn lease(&self) -> Step<'_, Lease> {
        Box::pin(Source::lease(self))
    }
    fn lease_ttl_ms(&self) -> f64 {
        Source::lease_ttl_ms(self)
    }
    fn refresh_refused(&self, e: &Failure) -> bool {
        Source::refresh_refused(self, e)
    }
    fn save(&self, new_pair: bool) -> Step<'_, ()> {
        Box::pin(Source::save(self, new_pair))
    }
}

/// A driver as the flight holds it.
pub(crate) type Dyn<P> = Rc<dyn Driver<Pair = P>>;

/// A usable access token: served at once, failed at once, or through the single flight.
pub(crate) async fn access_token<P: Pair + 'static>(
    d: Dyn<P>,
    signal: &JsValue,
) -> Result<String, Failure> {
    d.prepare().await;
    let m = d.managed();
    // Served at once, or failed at once (backing off with nothing usable): no flight.
    if let Some(token) = m.serve() {
        return Ok(token);
    }
    if let Next::Fail(stop) = m.lc.borrow().next(m.now_s()) {
        return Err(stop.into());
    }
    let fresh = || m.serve();
    let after = || m.usable();
    let work = |takeover: bool| -> Work { Box::pin(flight(d.clone(), takeover)) };
    m.gate.obtain(signal, &fresh, &after, &work).await
}

/// A fleet's lease on a token's key (`TokenStore.lock`): one process at a time logs in or
/// renews.
pub(crate) enum Lease {
    /// The store has no lock (or it failed): this process goes on alone.
    None,
    /// Taken: the function that gives it back.
    Held(JsValue),
    /// Another process holds it.
    Busy,
}

/// Asks `store` for the lease on `key` for `ttl_ms`.
pub(crate) async fn lease_of(store: &JsValue, key: &str, ttl_ms: f64) -> Lease {
    match JsFuture::from(store_lock(store, key, ttl_ms)).await {
        Ok(v) if v.is_null() => Lease::Busy,
        Ok(v) if v.is_function() => Lease::Held(v),
        _ => Lease::None,
    }
}

/// How long a lease lasts: past any one attempt (the transport's timeout) with room to write.
pub(crate) fn lease_ttl_ms(timeout_ms: f64) -> f64 {
    timeout_ms + 5_000.0
}

/// How often a process that waits for a lease holder's pair reads the store (ms).
const WAIT_POLL_MS: u32 = 100;

fn renews(plan: &Plan) -> bool {
    matches!(plan, Plan::Refresh | Plan::Login)
}

/// One flight: the shared state read, then logins and renewals as the lifecycle plans them
/// (under the fleet's lease where the store has one), each outcome handed back to it and
/// written down.
async fn flight<P: Pair + 'static>(d: Dyn<P>, takeover: bool) -> Result<(), Failure> {
    let m = d.managed();
    if takeover {
        // The last flight died with its request: write down what it may have left.
        m.lc.borrow_mut().abandon();
    }
    if m.lc.borrow().marks().saving {
        d.save(true).await;
        m.lc.borrow_mut().saved();
    }
    d.look().await;
    // A lost rotation looks at the store again, a busy lease waits: bounds, not loops.
    for _ in 0..4 {
        let plan = m.lc.borrow().plan(m.now_s());
        if let Plan::Stop(stop) = plan {
            let passing = stop.passing();
            let err = Failure::from(stop);
            return if passing { m.serve_or(err) } else { Err(err) };
        }
        if !renews(&plan) {
            return Ok(());
        }
        let release = match d.lease().await {
            Lease::None => None,
            Lease::Held(release) => {
                // Held: another process may have renewed meanwhile.
                d.look().await;
                if !renews(&m.lc.borrow().plan(m.now_s())) {
                    JsFuture::from(store_release(&release)).await.ok();
                    continue;
                }
                Some(release)
            }
            Lease::Busy => {
                // Another process renews: serve what is still valid, or wait for its pair.
                if m.usable().is_some() {
                    return Ok(());
                }
                wait_for_holder(&*d).await;
                continue;
            }
        };
        let plan = m.lc.borrow().plan(m.now_s());
        let outcome = attempt(&*d, plan).await;
        if let Some(release) = release {
            JsFuture::from(store_release(&release)).await.ok();
        }
        match outcome {
            Some(done) => return done,
            None => continue,
        }
    }
    m.serve_or(Failure::from(crate::core::Error::new(
        crate::core::Code::BadResponse,
        "the service gave no usable token",
    )))
}

/// Reads the store until the lease holder's pair makes a renewal needless, or the lease's
/// time has passed (a holder that died loses it then).
async fn wait_for_holder<P: Pair>(d: &dyn Driver<Pair = P>) {
    let m = d.managed();
    let until = js_sys::Date::now() + d.lease_ttl_ms();
    while js_sys::Date::now() < until {
        sleep(WAIT_POLL_MS).await;
        d.look().await;
        if !renews(&m.lc.borrow().plan(m.now_s())) {
            return;
        }
    }
}

/// A login or renewal as planned, and what follows a refused refresh token. `Some`: the
/// flight's result; `None`: plan again (the store was read for a lost rotation).
async fn attempt<P: Pair>(d: &dyn Driver<Pair = P>, plan: Plan) -> Option<Result<(), Failure>> {
    let m = d.managed();
    let mut attempt = m.lc.borrow_mut().start()?;
    let mut plan = plan;
    loop {
        let outcome = d.obtain(&plan).await;
        let random = js_sys::Math::random();
        match outcome {
            Ok((pair, receipt)) => {
                let taken = m.lc.borrow_mut().succeeded(attempt, pair, receipt, random);
                d.save(taken.is_ok()).await;
                m.lc.borrow_mut().saved();
                return Some(taken.map_err(Failure::from));
            }
            Err(e) => {
                m.failures.set(m.failures.get() + 1);
                let refused = plan == Plan::Refresh && d.refresh_refused(&e);
                let failed = policy::failed(&e, refused);
                let after = m.lc.borrow_mut().failed(attempt, failed, m.now_s(), random);
                match after {
                    After::Login(next) => (attempt, plan) = (next, Plan::Login),
                    After::Look => {
                        d.look().await;
                        return None;
                    }
                    After::Done => {
                        d.save(false).await;
                        return Some(m.serve_or(e));
                    }
                }
            }
        }
    }
}
