//! The lifecycle of a managed token, once for every client: a `NadeoClient`'s pair per
//! audience, `TrackmaniaApi`'s client-credentials token, a `TrackmaniaUserClient`'s player.
//!
//! Plain data and transition functions over an injected clock, like [`crate::backoff`]: the
//! bindings do the I/O (the store, the single flight, the fetch) and ask this what to do
//! ([`Lifecycle::next`], [`Lifecycle::plan`]) and what an outcome means
//! ([`Lifecycle::succeeded`], [`Lifecycle::failed`], [`Lifecycle::offer`],
//! [`Lifecycle::refused`]).
//!
//! Times are judged on the auth service's clock: every answer that brings a pair teaches the
//! offset between the caller's clock and the service's (the answer's `Date` header, else the
//! access token's `iat`), so a machine hours off still serves working tokens and renews on
//! the service's schedule. A pair adopted from a store or a broker was minted earlier and
//! teaches nothing. Backoff waits stay on the caller's clock (they measure the caller's own
//! attempts).
//!
//! The rules, each once:
//! - *fresh*: held, not refused by an API, not wanted early, not due (`margin` before `exp`,
//!   never before `rat`), not expired. Served without a word to anyone.
//! - *usable*: held, not refused, not expired ([`EXPIRY_SKEW`] before `exp`). Served while
//!   renewals back off or a renewal failed in passing.
//! - *a 401 from an API* ([`Lifecycle::refused`]) to the held token marks it for one renewal;
//!   to a token that came from a renewal made for a 401 it is final (no renewal per request
//!   while an API refuses every token); to a token at or past its expiry it is no refusal at
//!   all: that token is due.
//! - *a refused refresh token* is dead: with credentials, log in; without (a player), another
//!   client may have won the rotation: look in the store, and until its pair shows serve the
//!   access token while it lives or fail for a few seconds; REFRESH_EXPIRED only once the
//!   access token has expired and nothing newer showed.
//! - *failures* go to the backoff (one per attempt, never from a stale attempt), and while it
//!   lasts calls fail at once unless a usable token can serve.

use crate::backoff::{self, Backoff, Failure};
use crate::error::Code;
use crate::token::Times;

/// Seconds before `exp` at which a token counts as expired already (transit time).
pub const EXPIRY_SKEW: f64 = 10.0;
/// The largest clock offset believed (seconds): a machine more than a day off is told so.
pub const MAX_OFFSET_S: f64 = 86_400.0;
/// Offsets smaller than this are the noise of whole-second `Date` headers and `iat` claims
/// and of the answer's transit, not a clock that is off.
pub const NOISE_S: f64 = 2.0;
/// How long a store may take to show a write elsewhere (Cloudflare KV: up to about 60 s): a
/// lost rotation is waited out that long even when the access token has expired meanwhile.
pub const STORE_LAG_S: f64 = 60.0;
/// The wait suggested to callers while a lost rotation's winner has not reached the store.
pub const ROTATION_WAIT_S: f64 = 5.0;

/// What the lifecycle needs to know of a pair; the bindings keep their own pair types.
pub trait Pair {
    /// The access token, which names the pair (an API's 401 names it).
    fn access_token(&self) -> &str;
    /// The access token's times, on the service's clock.
    fn access(&self) -> Times;
    /// Whether the pair has a refresh token.
    fn has_refresh(&self) -> bool;
    /// When the refresh token dies, on the service's clock, where known.
    fn refresh_exp(&self) -> Option<f64>;
}

/// How a kind of client renews.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// Renew this many seconds before `exp` (never before `rat`).
    pub margin: f64,
    /// Credentials are at hand: with nothing held, or a dead refresh token, log in (Nadeo,
    /// client credentials). Without them (a player) a dead refresh token ends the session.
    pub can_login: bool,
    /// A new pair is written down before anything uses it (a player's: its refresh token
    /// rotates, and a pair used but not written is lost with the process).
    pub save_first: bool,
    /// Other clients' pairs may arrive (a store): a lost rotation waits out the store's lag.
    pub shared: bool,
}

/// What is known of the held pair beyond its times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// An API answered 401 to the held access token: renewed, not served.
    pub refused: bool,
    /// Auto-refresh wants the held token renewed now (it is still served meanwhile).
    pub early: bool,
    /// The held pair came from a renewal made for a 401: a 401 to it is final.
    pub after_401: bool,
    /// The held refresh token was refused (spent, revoked or expired).
    pub refresh_dead: bool,
    /// The held pair is new and not written down yet ([`Policy::save_first`]): not served
    /// until [`Lifecycle::saved`].
    pub saving: bool,
}

/// What a call does now.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// The held access token serves.
    Serve,
    /// Fail at once, without network.
    Fail(Stop),
    /// Join or start a flight (one renewal at a time).
    Renew,
}

/// What a flight does, once it has read the store.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// The held token is fresh: nothing to do.
    Done,
    /// Send the refresh grant with the held refresh token.
    Refresh,
    /// Log in with the credentials (Nadeo basic login, client credentials).
    Login,
    /// Stop with this; a usable token may still be served.
    Stop(Stop),
}

/// What a flight does after a failed attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum After {
    /// The attempt is over: its failure is the flight's.
    Done,
    /// The refresh token is dead and credentials are at hand: log in, in the same flight.
    Login(Attempt),
    /// The refresh token was refused and no credentials are at hand: read the store (another
    /// client may have won the rotation), [`Lifecycle::offer`] what it holds, then
    /// [`Lifecycle::plan`] again.
    Look,
}

/// Why the lifecycle itself stops a call.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// Attempts back off: the last failure, and whole seconds until the next attempt.
    Backoff { last: Failure, retry_after: f64 },
    /// The refresh token was spent by another client's renewal whose pair has not shown yet.
    RotationLost { retry_after: f64 },
    /// The refresh token is dead, the access token has expired, nothing newer showed.
    RefreshExpired,
    /// No pair is held and there is nothing to get one with.
    NoTokens,
    /// The pair has no refresh token and there are no credentials.
    NoRefresh,
    /// A pair that came expired on the service's own clock.
    ExpiredOnArrival { clock: ClockSource },
    /// The caller's clock is further from the service's than [`MAX_OFFSET_S`].
    ClockOff { offset: f64, clock: ClockSource },
}

impl Stop {
    /// The code callers see.
    pub fn code(&self) -> Code {
        match self {
            Stop::Backoff { last, .. } => last.code,
            Stop::RotationLost { .. } => Code::Http,
            Stop::RefreshExpired | Stop::NoTokens | Stop::NoRefresh => Code::RefreshExpired,
            Stop::ExpiredOnArrival { .. } | Stop::ClockOff { .. } => Code::BadResponse,
        }
    }

    /// What it says (a clock off says by how much: the caller adds the hours and `ahead` or
    /// `behind` after this).
    pub fn message(&self) -> &'static str {
        match self {
            Stop::Backoff { .. } => "the last auth attempt failed, so auth calls are in backoff",
            Stop::RotationLost { .. } => "another client of this player renewed its tokens first (this client's refresh token is spent) and its pair has not reached the store yet: try again shortly",
            Stop::RefreshExpired => "the player's refresh token is spent or revoked, the access token has expired and the store holds no newer pair: the player signs in again",
            Stop::NoTokens => "no tokens for this player: neither options.tokens nor the store under options.key holds a pair",
            Stop::NoRefresh => "the player's tokens have no refresh token to renew with: the player signs in again",
            Stop::ExpiredOnArrival { clock: ClockSource::DateHeader } => "the token came already expired on the auth service's own clock (its Date header)",
            Stop::ExpiredOnArrival { clock: ClockSource::IssuedAt } => "the token came already expired on the auth service's own clock (its iat)",
            Stop::ClockOff { clock: ClockSource::DateHeader, .. } => "this machine's clock is more than a day off the auth service's (its Date header): set it right (NTP); hours off:",
            Stop::ClockOff { clock: ClockSource::IssuedAt, .. } => "this machine's clock is more than a day off the auth service's (the token's iat): set it right (NTP); hours off:",
        }
    }

    /// Seconds a caller waits before trying again, where the stop says.
    pub fn retry_after(&self) -> Option<f64> {
        match self {
            Stop::Backoff { retry_after, .. } | Stop::RotationLost { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// Whether a usable token may be served instead of this stop.
    pub fn passing(&self) -> bool {
        matches!(self, Stop::Backoff { .. } | Stop::RotationLost { .. })
    }
}

/// Where the service's time of an answer was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockSource {
    /// The answer's `Date` header.
    DateHeader,
    /// The fresh access token's `iat`.
    IssuedAt,
}

/// When an answer that brings a pair arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Receipt {
    /// The caller's clock at receipt (seconds).
    pub local: f64,
    /// The service's time at receipt where the answer tells it (its `Date` header, where
    /// readable; a broker's reckoning), in seconds since the epoch.
    pub date: Option<f64>,
    /// The pair was minted for this answer, so its `iat` tells the service's time too (a
    /// broker's pair may have been minted earlier).
    pub minted: bool,
    /// What a broker says of the pair: made by a renewal for a 401. `None`: this attempt's
    /// reason decides.
    pub after_401: Option<bool>,
}

/// One renewal or login, from its start to its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    id: u32,
    generation: u32,
    /// Made because an API refused the held token.
    for_401: bool,
}

/// The failure of an attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Failed {
    /// The refresh grant was refused: the refresh token is dead.
    RefreshRefused,
    /// Anything else: what the backoff records (`None`: it does not count, as a caller's
    /// abort), and the wait the server (or a broker) asked for.
    Other {
        failure: Option<Failure>,
        retry_after: Option<f64>,
    },
}

/// One managed token: the held pair, its marks, the clock offset, the backoff, the flight.
#[derive(Clone, Debug)]
pub struct Lifecycle<P> {
    policy: Policy,
    held: Option<P>,
    marks: Marks,
    /// Seconds the service's clock is ahead of the caller's.
    offset: f64,
    backoff: Backoff,
    /// Bumped by every pair taken: an attempt that started before is stale.
    generation: u32,
    flight: Option<u32>,
    next_id: u32,
    /// When (the caller's clock) the held refresh token was refused, without credentials.
    lost_at: Option<f64>,
}

/// `x` rounded to whole seconds (`f64::round` is not in `core`).
fn whole(x: f64) -> f64 {
    let t = x as i64 as f64;
    let frac = x - t;
    if frac >= 0.5 {
        t + 1.0
    } else if frac <= -0.5 {
        t - 1.0
    } else {
        t
    }
}

/// Whole seconds, rounded up, for positive waits (`f64::ceil` is not in `core`).
fn ceil(x: f64) -> f64 {
    let t = x as u64 as f64;
    if t < x {
        t + 1.0
    } else {
        t
    }
}

/// When a token is due, on its own clock: `margin` before `exp`, made earlier by `jitter`,
/// never before `rat`; `None` without `exp`.
pub fn due_at(access: &Times, margin: f64, jitter: f64) -> Option<f64> {
    let exp = access.exp?;
    let at = exp - margin.max(0.0) - jitter.max(0.0);
    Some(match access.rat {
        Some(rat) if rat > at => rat,
        _ => at,
    })
}

/// Whether a token can no longer be sent at `service_now`.
pub fn expired(access: &Times, service_now: f64) -> bool {
    access
        .exp
        .is_some_and(|exp| service_now >= exp - EXPIRY_SKEW)
}

impl<P: Pair> Lifecycle<P> {
    pub fn new(policy: Policy) -> Lifecycle<P> {
        Lifecycle {
            policy,
            held: None,
            marks: Marks::default(),
            offset: 0.0,
            backoff: Backoff::default(),
            generation: 0,
            flight: None,
            next_id: 0,
            lost_at: None,
        }
    }

    pub fn held(&self) -> Option<&P> {
        self.held.as_ref()
    }

    pub fn marks(&self) -> Marks {
        self.marks
    }

    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// Seconds the service's clock is ahead of the caller's (negative: behind).
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// The service's time when the caller's clock says `now`.
    pub fn service_now(&self, now: f64) -> f64 {
        now + self.offset
    }

    /// Whether a renewal is in flight.
    pub fn in_flight(&self) -> bool {
        self.flight.is_some()
    }

    /// A pair the caller gave (options.tokens): held as it is, teaching nothing of the clock.
    pub fn seed(&mut self, pair: P) {
        self.take(pair, Marks::default());
    }

    fn take(&mut self, pair: P, marks: Marks) {
        self.held = Some(pair);
        self.marks = marks;
        self.lost_at = None;
        self.generation = self.generation.wrapping_add(1);
    }

    fn due(&self, p: &P, now: f64) -> bool {
        due_at(&p.access(), self.policy.margin, 0.0).is_some_and(|at| self.service_now(now) >= at)
    }

    fn expired(&self, p: &P, now: f64) -> bool {
        expired(&p.access(), self.service_now(now))
    }

    /// The held pair while its access token serves as it is (not due, refused or wanted early).
    pub fn fresh(&self, now: f64) -> Option<&P> {
        let p = self.held.as_ref()?;
        let m = self.marks;
        let serves = !m.refused && !m.early && !m.saving;
        (serves && !self.due(p, now) && !self.expired(p, now)).then_some(p)
    }

    /// The held pair while its access token can still be sent (due or not).
    pub fn usable(&self, now: f64) -> Option<&P> {
        let p = self.held.as_ref()?;
        let m = self.marks;
        (!m.refused && !m.saving && !self.expired(p, now)).then_some(p)
    }

    /// Until when (the caller's clock, seconds) the held token stays fresh if nothing happens;
    /// `None` when it is not fresh now.
    pub fn fresh_until(&self, now: f64) -> Option<f64> {
        let p = self.fresh(now)?;
        let a = p.access();
        let due = due_at(&a, self.policy.margin, 0.0).unwrap_or(f64::INFINITY);
        let until = a.exp.map_or(due, |exp| due.min(exp - EXPIRY_SKEW));
        Some(until - self.offset)
    }

    /// When (the caller's clock) auto-refresh renews the held token: when due, made earlier
    /// by `jitter`, never before the backoff allows. `None` without a pair or an `exp`.
    pub fn renew_at(&self, jitter: f64) -> Option<f64> {
        let p = self.held.as_ref()?;
        let at = due_at(&p.access(), self.policy.margin, jitter)? - self.offset;
        Some(if self.backoff.failures > 0 {
            at.max(self.backoff.not_before)
        } else {
            at
        })
    }

    /// The stop of a call made while attempts back off.
    pub fn blocked(&self, now: f64) -> Option<Stop> {
        let wait = self.backoff.wait(now)?;
        Some(Stop::Backoff {
            last: self.backoff.last.clone()?,
            retry_after: ceil(wait),
        })
    }

    /// What a call does now.
    pub fn next(&self, now: f64) -> Next {
        if self.fresh(now).is_some() {
            return Next::Serve;
        }
        match self.blocked(now) {
            Some(_) if self.usable(now).is_some() => Next::Serve,
            Some(stop) => Next::Fail(stop),
            None => Next::Renew,
        }
    }

    /// What a flight does (after it has read the store, and written down a pair that was
    /// [`Marks::saving`]).
    pub fn plan(&self, now: f64) -> Plan {
        if let Some(stop) = self.blocked(now) {
            return Plan::Stop(stop);
        }
        if self.fresh(now).is_some() {
            return Plan::Done;
        }
        let login = self.policy.can_login;
        let Some(p) = &self.held else {
            return if login {
                Plan::Login
            } else {
                Plan::Stop(Stop::NoTokens)
            };
        };
        let refresh_expired = p
            .refresh_exp()
            .is_some_and(|exp| self.service_now(now) >= exp - EXPIRY_SKEW);
        if p.has_refresh() && !self.marks.refresh_dead && !refresh_expired {
            return Plan::Refresh;
        }
        if login {
            return Plan::Login;
        }
        Plan::Stop(if !p.has_refresh() {
            Stop::NoRefresh
        } else if self.marks.refresh_dead && (!self.expired(p, now) || self.lag_left(now)) {
            Stop::RotationLost {
                retry_after: ROTATION_WAIT_S,
            }
        } else {
            Stop::RefreshExpired
        })
    }

    /// Whether a lost rotation's winner may still be on its way through a lagging store.
    fn lag_left(&self, now: f64) -> bool {
        self.lost_at.is_some_and(|at| now < at + STORE_LAG_S)
    }

    /// Starts a login or renewal; `None` while another is in flight.
    pub fn start(&mut self) -> Option<Attempt> {
        if self.flight.is_some() {
            return None;
        }
        self.next_id = self.next_id.wrapping_add(1);
        self.flight = Some(self.next_id);
        Some(Attempt {
            id: self.next_id,
            generation: self.generation,
            for_401: self.marks.refused,
        })
    }

    /// The flight in flight died with its request (a Worker's request ended): another may
    /// start. Its outcome, should it still come, is stale.
    pub fn abandon(&mut self) {
        self.flight = None;
    }

    fn finish(&mut self, attempt: &Attempt) {
        if self.flight == Some(attempt.id) {
            self.flight = None;
        }
    }

    /// An attempt brought a pair, received as `receipt` says. It is taken (a rotated pair is
    /// never dropped, even from a stale attempt), the clock learnt, the backoff reset; or it
    /// is a failure of its own: expired on the service's clock, or a clock too far off.
    pub fn succeeded(
        &mut self,
        attempt: Attempt,
        pair: P,
        receipt: Receipt,
        random: f64,
    ) -> Result<(), Stop> {
        self.finish(&attempt);
        let (service, clock) = match (receipt.date, receipt.minted) {
            (Some(date), _) => (Some(date), ClockSource::DateHeader),
            (None, true) => (pair.access().iat, ClockSource::IssuedAt),
            (None, false) => (None, ClockSource::IssuedAt),
        };
        let mut offset = self.offset;
        if let Some(service) = service.filter(|s| s.is_finite()) {
            let raw = service - receipt.local;
            // Within the noise of whole-second headers and claims and of the transit: none.
            offset = if raw.abs() < NOISE_S { 0.0 } else { whole(raw) };
            if offset.abs() > MAX_OFFSET_S {
                let stop = Stop::ClockOff { offset, clock };
                self.record(&attempt, receipt.local, stop.code(), None, random);
                return Err(stop);
            }
        }
        if expired(&pair.access(), receipt.local + offset) {
            let stop = Stop::ExpiredOnArrival { clock };
            self.record(&attempt, receipt.local, stop.code(), None, random);
            return Err(stop);
        }
        self.offset = offset;
        let mut after_401 = receipt.after_401.unwrap_or(attempt.for_401);
        if self.is_held(pair.access_token()) {
            // The same pair again (a broker kept it): a 401 to it is final now.
            after_401 |= self.marks.after_401 || self.marks.refused;
        }
        let marks = Marks {
            after_401,
            saving: self.policy.save_first,
            ..Marks::default()
        };
        self.take(pair, marks);
        self.backoff.succeeded();
        Ok(())
    }

    fn is_held(&self, token: &str) -> bool {
        self.held
            .as_ref()
            .is_some_and(|p| p.access_token() == token)
    }

    /// The new pair was written down (or the write failed and the caller keeps it in memory
    /// to write again): it may be served.
    pub fn saved(&mut self) {
        self.marks.saving = false;
    }

    fn record(&mut self, attempt: &Attempt, now: f64, code: Code, status: Option<u16>, r: f64) {
        if attempt.generation == self.generation {
            let failure = Failure::new(code, status, None);
            self.backoff.failed(now, failure, None, r);
        }
    }

    /// An attempt failed at `now`. Returns what the flight does next.
    pub fn failed(&mut self, attempt: Attempt, failed: Failed, now: f64, random: f64) -> After {
        let current = attempt.generation == self.generation;
        match failed {
            Failed::RefreshRefused => {
                if current {
                    self.marks.refresh_dead = true;
                    if !self.policy.can_login && self.policy.shared {
                        self.lost_at = Some(now);
                    }
                }
                if self.policy.can_login {
                    return After::Login(Attempt {
                        for_401: attempt.for_401,
                        ..attempt
                    });
                }
                self.finish(&attempt);
                After::Look
            }
            Failed::Other {
                failure,
                retry_after,
            } => {
                self.finish(&attempt);
                if let Some(failure) = failure.filter(|f| current && backoff::counts(f.code)) {
                    self.backoff.failed(now, failure, retry_after, random);
                    // A wait decided elsewhere (a broker's backoff, relayed whatever the
                    // status) holds too.
                    if let Some(wait) = retry_after {
                        self.backoff.hold(now, wait);
                    }
                }
                After::Done
            }
        }
    }

    /// A pair from a store or a broker (another client or process renewed). Taken when it
    /// is not the held one and expires no earlier; it teaches nothing of the clock and resets
    /// no backoff (it is no success of this client's). Returns whether it was taken.
    pub fn offer(&mut self, pair: P, after_401: bool) -> bool {
        let newer = match &self.held {
            None => true,
            // Not while a new pair of ours waits to be written: ours is the newest.
            Some(_) if self.marks.saving => false,
            Some(h) if h.access_token() == pair.access_token() => false,
            Some(h) => match (pair.access().exp, h.access().exp) {
                (Some(theirs), Some(ours)) => theirs >= ours,
                _ => true,
            },
        };
        if newer {
            let marks = Marks {
                after_401,
                ..Marks::default()
            };
            self.take(pair, marks);
        }
        newer
    }

    /// A backoff shared by other clients (through the store): the longer wait wins.
    pub fn share_backoff(&mut self, other: &Backoff, now: f64) {
        self.backoff.merge(other, now);
    }

    /// An API answered 401 to `token` at `now`. Whether a retry may follow: yes when the held
    /// token is another (renewed meanwhile) or `token` is due by time; no when it came from a
    /// renewal made for a 401; else yes, once it is marked for renewal.
    pub fn refused(&mut self, token: &str, now: f64) -> bool {
        let Some(p) = &self.held else { return true };
        if p.access_token() != token || self.expired(p, now) {
            return true;
        }
        if self.marks.after_401 {
            return false;
        }
        self.marks.refused = true;
        true
    }

    /// Auto-refresh wants `token` renewed now; whether it is still the held one.
    pub fn want_early(&mut self, token: &str) -> bool {
        let held = self.is_held(token);
        if held {
            self.marks.early = true;
        }
        held
    }
}

#[cfg(test)]
mod tests;
