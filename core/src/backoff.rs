//! The failure policy of every managed token (a `NadeoClient`'s pair per account and audience,
//! `TrackmaniaApi`'s client-credentials token): after a failed login or renewal, no new
//! attempt before a backoff has passed, and never before the server's `Retry-After`.
//!
//! Why: Nadeo restricts accounts that hammer its auth endpoints (a dedicated server account is
//! bound to a Ubisoft account), and a failure must never turn every request into an auth call.
//! The policy is plain data over an injected clock and an injected random number, so it is
//! tested here without timers; the bindings keep one [`Backoff`] per token and share it
//! through the store.
//!
//! The schedule: the n-th consecutive failure waits `d = first × 2^(n-1)` seconds, capped at
//! [`CAP_S`], drawn from `[d/2, d]` ("equal jitter": clients that failed together spread out,
//! and no draw can make the wait short). `first` is 1 s for failures that may pass at once
//! (5xx, network, timeout, a bad answer, 429) and 30 s for refused credentials (401/403: a
//! wrong password does not fix itself in a second). On 429 and 503 the wait is at least the
//! server's `Retry-After` (up to [`MAX_RETRY_AFTER_S`]). A success resets everything.
//! Under any failure that is at most 12 attempts in 10 minutes.

use alloc::string::String;

use crate::error::Code;

/// The first wait after a failure that may pass at once, in seconds.
pub const FIRST_DELAY_S: f64 = 1.0;
/// The first wait after refused credentials (401/403), in seconds.
pub const FIRST_DELAY_REFUSED_S: f64 = 30.0;
/// The longest backoff of our own, in seconds: the client recovers within this of the service.
pub const CAP_S: f64 = 300.0;
/// The longest `Retry-After` honoured, in seconds; a longer one is read as this (a broken or
/// hostile header must not block a client for days).
pub const MAX_RETRY_AFTER_S: f64 = 3600.0;
/// The longest body kept with a failure (characters): error bodies are short; the store
/// should stay small.
pub const MAX_BODY_CHARS: usize = 1000;

/// What the last failed attempt answered, to be handed to callers while the backoff lasts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    /// The HTTP status, where an answer came back.
    pub status: Option<u16>,
    /// The error body as JSON text (the server's body as the package parsed it), if any.
    pub body: Option<String>,
}

impl Failure {
    /// A failure with its body cut to [`MAX_BODY_CHARS`] characters.
    pub fn new(code: Code, status: Option<u16>, body: Option<&str>) -> Failure {
        let body = body
            .filter(|b| !b.is_empty())
            .map(|b| b.chars().take(MAX_BODY_CHARS).collect());
        Failure { code, status, body }
    }
}

/// The backoff state of one token (account and audience).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Backoff {
    /// Consecutive failed attempts (0 once an attempt succeeds).
    pub failures: u32,
    /// No attempt before this time (seconds since the epoch); 0 when nothing failed.
    pub not_before: f64,
    pub last: Option<Failure>,
}

/// Whether a failure of this code counts against the service. A caller's own abort does not
/// (the service did nothing wrong), nor does an argument the client itself could not build.
pub fn counts(code: Code) -> bool {
    !matches!(code, Code::Aborted | Code::InvalidArgument)
}

/// The wait after the `failures`-th consecutive failure of this code, for `random` in [0, 1).
pub fn delay(failures: u32, code: Code, random: f64) -> f64 {
    let first = if code == Code::Unauthorized {
        FIRST_DELAY_REFUSED_S
    } else {
        FIRST_DELAY_S
    };
    // 2^(n-1) without powi (no float library in no_std); 20 doublings pass any cap.
    let mut d = first;
    for _ in 1..failures.min(20) {
        d *= 2.0;
    }
    let d = d.min(CAP_S);
    let r = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        1.0
    };
    d * (0.5 + 0.5 * r)
}

impl Backoff {
    /// Seconds until the next attempt is allowed, or `None` when one may be made now.
    pub fn wait(&self, now: f64) -> Option<f64> {
        (self.failures > 0 && now < self.not_before).then_some(self.not_before - now)
    }

    /// Records a failed attempt at `now`. `retry_after` is the server's wait in seconds (on
    /// 429 and 503), `random` a number in [0, 1) for the jitter.
    pub fn failed(&mut self, now: f64, failure: Failure, retry_after: Option<f64>, random: f64) {
        self.failures = self.failures.saturating_add(1);
        let mut wait = delay(self.failures, failure.code, random);
        if matches!(failure.status, Some(429 | 503)) {
            if let Some(ra) = retry_after.filter(|s| s.is_finite()) {
                wait = wait.max(ra.clamp(0.0, MAX_RETRY_AFTER_S));
            }
        }
        self.not_before = now + wait;
        self.last = Some(failure);
    }

    /// Extends the current wait to at least `seconds` from `now`: for a wait decided elsewhere
    /// (a token broker's backoff, handed over as `retryAfter`), bounded like a Retry-After.
    pub fn hold(&mut self, now: f64, seconds: f64) {
        if self.failures > 0 && seconds.is_finite() {
            self.not_before = self
                .not_before
                .max(now + seconds.clamp(0.0, MAX_RETRY_AFTER_S));
        }
    }

    /// Records a success: the next failure starts the schedule again.
    pub fn succeeded(&mut self) {
        *self = Backoff::default();
    }

    /// Takes a state shared by another client (through the store) when it blocks longer than
    /// ours. A state that claims a wait longer than any this policy makes is garbage and is
    /// ignored: a store never blocks a client beyond the policy's own bounds.
    pub fn merge(&mut self, other: &Backoff, now: f64) {
        let sane = other.failures > 0
            && other.not_before <= now + MAX_RETRY_AFTER_S.max(CAP_S)
            && other.last.is_some();
        if sane && other.not_before > self.not_before {
            *self = other.clone();
        } else if sane {
            self.failures = self.failures.max(other.failures);
        }
    }
}

/// `Retry-After` in seconds from `now`: delta-seconds, or an HTTP-date in any of the three
/// forms RFC 9110 asks recipients to read (IMF-fixdate, RFC 850, asctime). A date in the past
/// is 0; anything else is `None`.
pub fn retry_after(value: &str, now: f64) -> Option<f64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Delta-seconds; more digits than any sane wait are garbage.
        return parse_uint(v.as_bytes())
            .filter(|_| v.len() <= 9)
            .map(|n| n as f64);
    }
    let at = http_date(v)?;
    Some((at as f64 - now).max(0.0))
}

fn parse_uint(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

fn month(name: &[u8]) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.as_slice() == name)
        .map(|i| i as u32 + 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `HH:MM:SS` as seconds of the day.
fn time_of_day(t: &[u8]) -> Option<i64> {
    if t.len() != 8 || t.get(2) != Some(&b':') || t.get(5) != Some(&b':') {
        return None;
    }
    let h = parse_uint(t.get(0..2)?)?;
    let m = parse_uint(t.get(3..5)?)?;
    let s = parse_uint(t.get(6..8)?)?;
    (h < 24 && m < 60 && s <= 60).then_some((h * 3600 + m * 60 + s) as i64)
}

fn epoch_seconds(year: i64, mon: u32, day: u64, time: i64) -> Option<i64> {
    (1..=31).contains(&day).then_some(())?;
    Some(days_from_civil(year, mon, day as u32) * 86_400 + time)
}

/// An HTTP-date (IMF-fixdate, RFC 850 or asctime) as seconds since the epoch: a `Retry-After`
/// or a `Date` header. The words are read in place (no vector: this parser sits on the path
/// of every answer in the wasm).
pub fn http_date(v: &str) -> Option<i64> {
    let mut words = v.as_bytes().split(|&b| b == b' ').filter(|w| !w.is_empty());
    let (w0, w1, w2, w3) = (words.next()?, words.next()?, words.next()?, words.next()?);
    let (w4, w5, extra) = (words.next(), words.next(), words.next());
    if extra.is_some() {
        return None;
    }
    let (year, mon, day, time) = match (w4, w5) {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        (Some(time), Some(b"GMT")) if w0.ends_with(b",") && w3.len() == 4 => {
            (parse_uint(w3)? as i64, w2, w1, time)
        }
        // asctime: "Sun Nov  6 08:49:37 1994"
        (Some(year), None) if year.len() == 4 && !w0.ends_with(b",") => {
            (parse_uint(year)? as i64, w1, w2, w3)
        }
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years: 70-99 are 19xx)
        (None, None) if w0.ends_with(b",") && w3 == b"GMT" => {
            let mut parts = w1.split(|&b| b == b'-');
            let (day, mon, yy) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || yy.len() != 2 {
                return None;
            }
            let yy = parse_uint(yy)? as i64;
            (if yy >= 70 { 1900 + yy } else { 2000 + yy }, mon, day, w2)
        }
        _ => return None,
    };
    epoch_seconds(year, month(mon)?, parse_uint(day)?, time_of_day(time)?)
}

#[cfg(test)]
mod tests;
