use super::*;
use crate::TestRng;
use alloc::format;
use alloc::string::String;

/// A pair as the service mints it: `iat` on the service's clock, Nadeo's lifetimes.
#[derive(Clone, Debug, PartialEq)]
struct P {
    token: String,
    times: Times,
    refresh: bool,
    refresh_exp: Option<f64>,
}

impl Pair for P {
    fn access_token(&self) -> &str {
        &self.token
    }
    fn access(&self) -> Times {
        self.times
    }
    fn has_refresh(&self) -> bool {
        self.refresh
    }
    fn refresh_exp(&self) -> Option<f64> {
        self.refresh_exp
    }
}

fn minted(n: u32, iat: f64) -> P {
    P {
        token: format!("t{n}"),
        times: Times {
            iat: Some(iat),
            rat: Some(iat + 1800.0),
            exp: Some(iat + 3600.0),
        },
        refresh: true,
        refresh_exp: Some(iat + 86_400.0),
    }
}

/// A player's pair: no rat, no refresh expiry.
fn player(n: u32, iat: f64) -> P {
    P {
        token: format!("p{n}"),
        times: Times {
            iat: Some(iat),
            rat: None,
            exp: Some(iat + 3600.0),
        },
        refresh: true,
        refresh_exp: None,
    }
}

const NADEO: Policy = Policy {
    margin: 300.0,
    can_login: true,
    save_first: false,
    shared: true,
};
const PLAYER: Policy = Policy {
    margin: 300.0,
    can_login: false,
    save_first: false,
    shared: true,
};

fn at(local: f64, date: f64) -> Receipt {
    Receipt {
        local,
        date: Some(date),
        minted: true,
        after_401: None,
    }
}

/// A login or renewal that succeeds at `local`, the service's clock saying `service`.
fn renew(lc: &mut Lifecycle<P>, pair: P, local: f64, service: f64) {
    let a = lc.start().expect("no flight in flight");
    lc.succeeded(a, pair, at(local, service), 0.5)
        .expect("taken");
}

#[test]
fn fresh_due_expired_and_rat() {
    let mut lc = Lifecycle::new(NADEO);
    assert_eq!(lc.next(0.0), Next::Renew);
    assert_eq!(lc.plan(0.0), Plan::Login);
    renew(&mut lc, minted(1, 1000.0), 1000.0, 1000.0);
    // iat 1000, rat 2800, exp 4600; margin 300: due at 4300.
    assert_eq!(lc.next(1500.0), Next::Serve);
    assert_eq!(lc.next(3000.0), Next::Serve, "past rat, not due");
    assert_eq!(lc.next(4300.0), Next::Renew, "due");
    assert_eq!(lc.plan(4300.0), Plan::Refresh);
    assert!(lc.usable(4589.0).is_some() && lc.usable(4590.0).is_none());
    assert_eq!(lc.plan(87_400.0), Plan::Login, "the refresh token is dead");
    assert_eq!(lc.fresh_until(1500.0), Some(4300.0));
    // A margin wider than exp - rat waits for rat.
    let mut wide = Lifecycle::new(Policy {
        margin: 3000.0,
        can_login: true,
        save_first: false,
        shared: false,
    });
    renew(&mut wide, minted(1, 1000.0), 1000.0, 1000.0);
    assert_eq!(wide.next(2000.0), Next::Serve);
    assert_eq!(wide.next(2800.0), Next::Renew);
    let a = minted(1, 1000.0).times;
    assert_eq!(due_at(&a, 300.0, 60.0), Some(4240.0));
    assert_eq!(due_at(&a, 5000.0, 0.0), Some(2800.0), "never before rat");
}

#[test]
fn the_service_clock_is_learnt_from_each_pair() {
    // The caller's clock is 2 h fast: the service says 1000 when the caller says 8200.
    let mut lc = Lifecycle::new(NADEO);
    renew(&mut lc, minted(1, 1000.0), 8200.0, 1000.0);
    assert_eq!(lc.offset(), -7200.0);
    assert_eq!(
        lc.next(8200.0),
        Next::Serve,
        "fresh, not 'expired on arrival'"
    );
    assert_eq!(lc.fresh_until(8200.0), Some(4300.0 + 7200.0));
    assert_eq!(lc.next(4300.0 + 7200.0), Next::Renew);
    // 2 h slow: renewed on the service's schedule, before the API refuses it.
    let mut slow = Lifecycle::new(NADEO);
    renew(&mut slow, minted(1, 10_000.0), 2800.0, 10_000.0);
    assert_eq!(slow.offset(), 7200.0);
    assert_eq!(slow.next(2800.0 + 3299.0), Next::Serve);
    assert_eq!(slow.next(2800.0 + 3300.0), Next::Renew);
    // Without a Date header, the access token's iat tells the time.
    let mut iat = Lifecycle::new(NADEO);
    let a = iat.start().unwrap();
    let r = Receipt {
        local: 8200.4,
        date: None,
        minted: true,
        after_401: None,
    };
    iat.succeeded(a, minted(1, 1000.0), r, 0.5).unwrap();
    assert_eq!(iat.offset(), -7200.0, "whole seconds");
    // An offer from a store teaches nothing.
    assert!(iat.offer(minted(2, 5000.0), false));
    assert_eq!(iat.offset(), -7200.0);
}

#[test]
fn a_clock_off_by_more_than_a_day_or_a_token_expired_on_arrival_fail() {
    let mut lc = Lifecycle::new(NADEO);
    let a = lc.start().unwrap();
    let stop = lc
        .succeeded(a, minted(1, 1000.0), at(1000.0 + 90_000.0, 1000.0), 0.5)
        .unwrap_err();
    assert_eq!(
        stop,
        Stop::ClockOff {
            offset: -90_000.0,
            clock: ClockSource::DateHeader
        }
    );
    assert!(lc.held().is_none() && lc.backoff().failures == 1 && !lc.in_flight());
    // A token whose exp is past on the service's own clock came expired.
    let mut lc = Lifecycle::new(NADEO);
    let a = lc.start().unwrap();
    let stop = lc
        .succeeded(a, minted(1, 1000.0), at(5000.0, 5000.0), 0.5)
        .unwrap_err();
    assert_eq!(stop.code(), Code::BadResponse);
    assert!(matches!(stop, Stop::ExpiredOnArrival { .. }));
}

#[test]
fn the_401_rule() {
    let mut lc = Lifecycle::new(NADEO);
    renew(&mut lc, minted(1, 1000.0), 1000.0, 1000.0);
    assert!(lc.refused("elsewhere", 1100.0), "another token: retry");
    assert!(lc.refused("t1", 1100.0), "first 401: one renewal");
    assert_eq!(lc.next(1100.0), Next::Renew, "refused: not served");
    assert!(lc.usable(1100.0).is_none());
    assert_eq!(lc.plan(1100.0), Plan::Refresh);
    renew(&mut lc, minted(2, 1100.0), 1100.0, 1100.0);
    assert!(lc.marks().after_401);
    assert!(
        !lc.refused("t2", 1200.0),
        "a 401 to the renewal's token is final"
    );
    assert_eq!(
        lc.next(1200.0),
        Next::Serve,
        "and it is not renewed per request"
    );
    // ... but renewed when due, and a 401 at or past its expiry is no refusal.
    assert_eq!(lc.next(4400.0), Next::Renew);
    assert!(
        lc.refused("t2", 4690.0),
        "expired on the service's clock: due"
    );
    assert!(!lc.marks().refused);
    renew(&mut lc, minted(3, 4690.0), 4690.0, 4690.0);
    assert!(!lc.marks().after_401, "renewed by time");
    assert!(lc.refused("t3", 4700.0));
}

#[test]
fn a_refused_refresh_is_a_login_with_credentials() {
    let mut lc = Lifecycle::new(NADEO);
    renew(&mut lc, minted(1, 1000.0), 1000.0, 1000.0);
    let a = lc.start().unwrap();
    let next = lc.failed(a, Failed::RefreshRefused, 4400.0, 0.5);
    let After::Login(login) = next else {
        panic!("{next:?}")
    };
    assert!(lc.in_flight() && lc.start().is_none(), "the same flight");
    assert!(lc.marks().refresh_dead);
    assert_eq!(lc.plan(4400.0), Plan::Login);
    lc.succeeded(login, minted(2, 4400.0), at(4400.0, 4400.0), 0.5)
        .unwrap();
    assert_eq!(lc.plan(4400.0), Plan::Done);
    assert_eq!(lc.backoff().failures, 0);
}

#[test]
fn a_lost_rotation_waits_for_the_winners_pair() {
    let mut lc = Lifecycle::new(PLAYER);
    lc.seed(player(1, 1000.0));
    // Due at 4300; the refresh is answered invalid_grant: another client won.
    let a = lc.start().unwrap();
    assert_eq!(
        lc.failed(a, Failed::RefreshRefused, 4300.0, 0.5),
        After::Look
    );
    assert!(!lc.in_flight());
    let lost = Plan::Stop(Stop::RotationLost {
        retry_after: ROTATION_WAIT_S,
    });
    assert_eq!(lc.plan(4300.0), lost);
    assert!(lc.usable(4300.0).is_some(), "served while the API takes it");
    // Refused by the API too (league revokes it at the winner's refresh): still transient.
    assert!(lc.refused("p1", 4310.0));
    assert_eq!(lc.plan(4310.0), lost);
    assert!(lc.plan(4310.0) != Plan::Stop(Stop::RefreshExpired));
    // The store shows an older pair (lag): not taken. Then the winner's: taken.
    assert!(!lc.offer(player(0, 500.0), false));
    assert!(lc.offer(player(2, 4300.0), false));
    assert_eq!(lc.plan(4320.0), Plan::Done);
    assert!(!lc.marks().refresh_dead);
    // Nothing newer ever shows: REFRESH_EXPIRED once the access token has expired.
    let mut lc = Lifecycle::new(PLAYER);
    lc.seed(player(1, 1000.0));
    let a = lc.start().unwrap();
    lc.failed(a, Failed::RefreshRefused, 4300.0, 0.5);
    assert_eq!(lc.plan(4589.0), lost);
    assert_eq!(lc.plan(4590.0), Plan::Stop(Stop::RefreshExpired));
    // Refused after the expiry: the store's lag is waited out first.
    let mut lc = Lifecycle::new(PLAYER);
    lc.seed(player(1, 1000.0));
    let a = lc.start().unwrap();
    lc.failed(a, Failed::RefreshRefused, 5000.0, 0.5);
    assert_eq!(lc.plan(5059.0), lost);
    assert_eq!(lc.plan(5060.0), Plan::Stop(Stop::RefreshExpired));
    assert_eq!(Stop::RefreshExpired.code(), Code::RefreshExpired);
}

#[test]
fn offers_are_taken_when_newer() {
    let mut lc = Lifecycle::new(NADEO);
    assert!(lc.offer(minted(1, 1000.0), true));
    assert!(lc.marks().after_401);
    assert!(!lc.offer(minted(1, 1000.0), false), "the held one");
    assert!(!lc.offer(minted(0, 900.0), false), "older");
    assert!(lc.offer(minted(2, 1000.0), false), "as new");
    assert!(!lc.marks().after_401);
}

#[test]
fn failures_back_off_unless_stale_or_the_callers_own() {
    let mut lc = Lifecycle::new(NADEO);
    renew(&mut lc, minted(1, 1000.0), 1000.0, 1000.0);
    let a = lc.start().unwrap();
    let e = |code| Failed::Other {
        failure: Some(Failure::new(code, Some(500), None)),
        retry_after: None,
    };
    // A pair arrives from the store meanwhile: the attempt is stale.
    assert!(lc.offer(minted(2, 1500.0), false));
    assert_eq!(lc.failed(a, e(Code::Http), 4400.0, 0.5), After::Done);
    assert_eq!(lc.backoff().failures, 0);
    let a = lc.start().unwrap();
    lc.failed(a, e(Code::Aborted), 4400.0, 0.5);
    assert_eq!(lc.backoff().failures, 0, "the caller's abort");
    let a = lc.start().unwrap();
    lc.failed(a, e(Code::Http), 4800.0, 1.0);
    assert_eq!(lc.backoff().failures, 1);
    assert_eq!(lc.next(4800.0), Next::Serve, "a usable token is served");
    assert_eq!(lc.next(4801.0), Next::Renew, "the backoff has passed");
    let a = lc.start().unwrap();
    lc.failed(a, e(Code::Http), 5095.0, 1.0);
    let Next::Fail(Stop::Backoff { retry_after, last }) = lc.next(5095.5) else {
        panic!("expired and blocked")
    };
    assert_eq!(
        (retry_after, last.status),
        (2.0, Some(500)),
        "the second failure waits 2 s"
    );
    assert_eq!(lc.next(5097.0), Next::Renew);
    // A relayed wait holds whatever the status.
    let a = lc.start().unwrap();
    let relayed = Failed::Other {
        failure: Some(Failure::new(Code::Http, None, None)),
        retry_after: Some(120.0),
    };
    lc.failed(a, relayed, 6000.0, 0.5);
    assert!(lc.backoff().not_before >= 6120.0);
}

#[test]
fn one_flight_at_a_time() {
    let mut lc: Lifecycle<P> = Lifecycle::new(NADEO);
    let a = lc.start().unwrap();
    assert!(lc.start().is_none());
    lc.abandon();
    let b = lc.start().unwrap();
    // The abandoned attempt's pair still counts (a rotated pair is never dropped)...
    lc.succeeded(a, minted(1, 1000.0), at(1000.0, 1000.0), 0.5)
        .unwrap();
    assert!(lc.in_flight(), "... and does not end the live flight");
    lc.succeeded(b, minted(2, 1000.0), at(1000.0, 1000.0), 0.5)
        .unwrap();
    assert!(!lc.in_flight());
}

#[test]
fn auto_refresh_and_early() {
    let mut lc = Lifecycle::new(NADEO);
    renew(&mut lc, minted(1, 1000.0), 8200.0, 1000.0);
    assert_eq!(lc.renew_at(60.0), Some(4240.0 + 7200.0));
    assert!(lc.want_early("t1") && !lc.want_early("t0"));
    assert_eq!(lc.next(8300.0), Next::Renew);
    assert!(lc.usable(8300.0).is_some());
}

/// Random event sequences against a model of the service (its clock, the pairs it mints, an
/// API that refuses on demand), with the caller's clock jumping between hours fast and hours
/// slow. Checks, after every step: never a token served past its expiry on the service's
/// clock (once a pair has taught the current offset), never two flights, never more than one
/// renewal per refusal, never REFRESH_EXPIRED while the held access token lives.
#[test]
fn property_random_events_and_clock_jumps() {
    const SKEWS: [f64; 7] = [-7200.0, -3600.0, -600.0, 0.0, 600.0, 3600.0, 7200.0];
    for seed in 1..=300u64 {
        let mut rng = TestRng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let policy = if seed % 3 == 0 { PLAYER } else { NADEO };
        let mut lc = Lifecycle::new(policy);
        let mut service = 1_000_000.0;
        let mut skew = SKEWS[rng.below(SKEWS.len())];
        // Whether the learnt offset is the true one (no jump since the last pair).
        let mut taught = false;
        let mut minted_n = 0u32;
        // The token whose 401 was final: not renewed again before it is due.
        let mut final_401: Option<String> = None;
        if !policy.can_login {
            minted_n += 1;
            lc.seed(player(minted_n, service));
        }
        for step in 0..400 {
            let ctx = format!("seed {seed} step {step}");
            let local = service + skew;
            match rng.below(10) {
                0 => skew = SKEWS[rng.below(SKEWS.len())],
                1 | 2 => service += rng.below(1200) as f64,
                3 => {
                    // An API answers 401 to the held token.
                    if let Some(t) = lc.held().map(|p| p.token.clone()) {
                        if !lc.refused(&t, local) {
                            final_401 = Some(t);
                        }
                    }
                }
                4 => {
                    // Another client's pair shows in the store (newer or older).
                    minted_n += 1;
                    let iat = service - rng.below(7200) as f64;
                    let p = if policy.can_login {
                        minted(minted_n, iat)
                    } else {
                        player(minted_n, iat)
                    };
                    lc.offer(p, false);
                }
                _ => {
                    // A call: serve, fail, or run a flight to its end.
                    match lc.next(local) {
                        Next::Serve => {
                            let p = lc.held().expect("served a pair");
                            if taught {
                                assert!(
                                    !expired(&p.times, service),
                                    "{ctx}: served a token expired on the service's clock"
                                );
                            }
                        }
                        Next::Fail(stop) => assert!(stop.passing(), "{ctx}: {stop:?}"),
                        Next::Renew => {
                            let plan = lc.plan(local);
                            if plan == Plan::Stop(Stop::RefreshExpired) {
                                let p = lc.held().expect("held");
                                assert!(
                                    expired(&p.times, lc.service_now(local)),
                                    "{ctx}: REFRESH_EXPIRED with a live access token"
                                );
                            }
                            if matches!(plan, Plan::Refresh | Plan::Login) {
                                let p = lc.held();
                                if let (Some(p), true) = (p, taught) {
                                    if final_401.as_deref() == Some(p.token.as_str()) {
                                        let due = due_at(&p.times, policy.margin, 0.0);
                                        let by_time = due.is_some_and(|d| service >= d);
                                        let dead = lc.marks().refresh_dead || lc.marks().early;
                                        assert!(
                                            by_time || dead,
                                            "{ctx}: renewed after a final 401"
                                        );
                                    }
                                }
                                let a = lc.start().expect("one flight");
                                assert!(lc.start().is_none(), "{ctx}: two flights");
                                let outcome = rng.below(6);
                                let r = (rng.below(1000) as f64) / 1000.0;
                                if outcome < 3 {
                                    minted_n += 1;
                                    let p = if policy.can_login {
                                        minted(minted_n, service)
                                    } else {
                                        player(minted_n, service)
                                    };
                                    let date = (rng.below(2) == 0).then_some(service);
                                    let got = Receipt {
                                        local,
                                        date,
                                        minted: true,
                                        after_401: None,
                                    };
                                    assert!(lc.succeeded(a, p, got, r).is_ok(), "{ctx}");
                                    taught = true;
                                } else if outcome == 3 {
                                    if let After::Login(b) =
                                        lc.failed(a, Failed::RefreshRefused, local, r)
                                    {
                                        lc.failed(
                                            b,
                                            Failed::Other {
                                                failure: Some(Failure::new(
                                                    Code::Network,
                                                    None,
                                                    None,
                                                )),
                                                retry_after: None,
                                            },
                                            local,
                                            r,
                                        );
                                    }
                                } else {
                                    let f = Failure::new(Code::Http, Some(500), None);
                                    let failed = Failed::Other {
                                        failure: Some(f),
                                        retry_after: None,
                                    };
                                    assert_eq!(lc.failed(a, failed, local, r), After::Done);
                                }
                                assert!(!lc.in_flight(), "{ctx}: the flight ended");
                            }
                        }
                    }
                }
            }
            // A jump makes the learnt offset wrong until the next pair.
            if lc.offset() != -skew {
                taught = false;
            }
        }
    }
}

/// An API that refuses every token, a request every 10 s for 6 h, each retried once after a
/// renewal as the bindings do: at most 2 renewals per token lifetime, never a loop.
#[test]
fn an_api_refusing_every_token_costs_two_renewals_per_lifetime() {
    let mut lc = Lifecycle::new(NADEO);
    let (mut renewals, mut n) = (0u32, 0u32);
    let start = 1_000_000.0;
    let renew_now = |lc: &mut Lifecycle<P>, t: f64, n: &mut u32| {
        let a = lc.start().unwrap();
        *n += 1;
        lc.succeeded(a, minted(*n, t), at(t, t), 0.5).unwrap();
    };
    for i in 0..(6 * 360) {
        let t = start + f64::from(i) * 10.0;
        for _retry in 0..2 {
            if lc.next(t) == Next::Renew {
                renew_now(&mut lc, t, &mut n);
                renewals += 1;
            }
            let token = lc.held().unwrap().token.clone();
            // The API answers 401.
            if !lc.refused(&token, t) {
                break;
            }
        }
    }
    // 6 lifetimes of 55 min (renewed 5 min early) + the first login: at most 2 each.
    assert!(renewals <= 2 * 7 + 1, "{renewals} renewals");
    assert!(renewals >= 7, "still renewed by time: {renewals}");
}

#[test]
fn a_pair_to_save_first_is_not_served_before_it_is_written() {
    let mut lc = Lifecycle::new(Policy {
        save_first: true,
        ..PLAYER
    });
    lc.seed(player(1, 1000.0));
    let a = lc.start().unwrap();
    lc.succeeded(a, player(2, 4300.0), at(4300.0, 4300.0), 0.5)
        .unwrap();
    assert!(lc.fresh(4300.0).is_none() && lc.usable(4300.0).is_none());
    assert!(!lc.offer(player(3, 4400.0), false), "ours is the newest");
    lc.saved();
    assert_eq!(lc.held().unwrap().token, "p2");
    assert_eq!(lc.next(4300.0), Next::Serve);
}

#[test]
fn a_broker_keeping_the_refused_pair_makes_its_401_final() {
    let mut lc = Lifecycle::new(NADEO);
    renew(&mut lc, minted(1, 1000.0), 1000.0, 1000.0);
    assert!(lc.refused("t1", 1100.0));
    let a = lc.start().unwrap();
    let relayed = Receipt {
        local: 1100.0,
        date: None,
        minted: false,
        after_401: Some(false),
    };
    lc.succeeded(a, minted(1, 1000.0), relayed, 0.5).unwrap();
    assert_eq!(lc.offset(), 0.0, "a relayed pair teaches nothing");
    assert!(!lc.refused("t1", 1200.0), "final");
    assert_eq!(lc.next(1200.0), Next::Serve);
}
