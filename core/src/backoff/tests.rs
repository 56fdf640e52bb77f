use super::*;
use crate::TestRng;

const T: f64 = 1_900_000_000.0;

fn fail(code: Code, status: Option<u16>) -> Failure {
    Failure::new(code, status, Some("{\"message\":\"x\"}"))
}

#[test]
fn nothing_failed_means_no_wait() {
    let b = Backoff::default();
    assert_eq!(b.wait(T), None);
    assert_eq!(b.wait(0.0), None);
}

#[test]
fn transient_failures_double_from_one_second_up_to_the_cap() {
    // random = 1.0 is the top of each jitter range: the nominal schedule.
    let mut b = Backoff::default();
    let mut now = T;
    let mut waits = alloc::vec::Vec::new();
    for _ in 0..12 {
        b.failed(now, fail(Code::Http, Some(500)), None, 1.0);
        let w = b.wait(now).unwrap();
        waits.push(w);
        now += w;
        assert_eq!(b.wait(now), None, "allowed once the wait has passed");
    }
    assert_eq!(
        waits,
        [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0, 300.0]
    );
}

#[test]
fn every_kind_of_failure_backs_off() {
    for (code, status) in [
        (Code::Http, Some(500)),
        (Code::Http, Some(503)),
        (Code::RateLimited, Some(429)),
        (Code::Unauthorized, Some(401)),
        (Code::Unauthorized, Some(403)),
        (Code::Network, None),
        (Code::Timeout, None),
        (Code::BadResponse, Some(200)),
        (Code::BadResponse, Some(302)),
    ] {
        assert!(counts(code));
        let mut b = Backoff::default();
        b.failed(T, fail(code, status), None, 0.5);
        let w = b.wait(T).unwrap_or(0.0);
        assert!(w > 0.0, "{code:?} {status:?} backs off");
        assert_eq!(
            b.last.as_ref().map(|f| (f.code, f.status)),
            Some((code, status))
        );
    }
    assert!(
        !counts(Code::Aborted),
        "a caller's abort is not the service's failure"
    );
}

#[test]
fn refused_credentials_start_at_thirty_seconds() {
    let mut b = Backoff::default();
    b.failed(T, fail(Code::Unauthorized, Some(401)), None, 1.0);
    assert_eq!(b.wait(T), Some(30.0));
    b.failed(T + 30.0, fail(Code::Unauthorized, Some(401)), None, 1.0);
    assert_eq!(b.wait(T + 30.0), Some(60.0));
    for _ in 0..10 {
        b.failed(T, fail(Code::Unauthorized, Some(401)), None, 1.0);
    }
    assert_eq!(b.wait(T), Some(CAP_S));
}

#[test]
fn jitter_stays_within_half_to_full_of_the_nominal_wait() {
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
    for n in 1..=15u32 {
        let nominal = delay(n, Code::Http, 1.0);
        for _ in 0..500 {
            let r = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
            let d = delay(n, Code::Http, r);
            assert!(d >= nominal / 2.0 && d <= nominal, "n={n} r={r} d={d}");
        }
    }
    // Garbage randomness cannot make the wait short.
    assert_eq!(delay(3, Code::Http, f64::NAN), 4.0);
    assert_eq!(delay(3, Code::Http, -5.0), 2.0);
    assert_eq!(delay(3, Code::Http, 9.0), 4.0);
}

#[test]
fn retry_after_is_a_floor_on_429_and_503_only() {
    let mut b = Backoff::default();
    b.failed(T, fail(Code::RateLimited, Some(429)), Some(120.0), 0.0);
    assert_eq!(b.wait(T), Some(120.0));
    assert_eq!(b.wait(T + 119.0), Some(1.0));
    assert_eq!(b.wait(T + 120.0), None);

    let mut b = Backoff::default();
    b.failed(T, fail(Code::Http, Some(503)), Some(45.0), 0.0);
    assert_eq!(b.wait(T), Some(45.0));

    // A Retry-After shorter than the backoff does not shorten it.
    let mut b = Backoff {
        failures: 8,
        not_before: 0.0,
        last: None,
    };
    b.failed(T, fail(Code::RateLimited, Some(429)), Some(1.0), 1.0);
    assert_eq!(b.wait(T), Some(256.0));

    // On other statuses it is not a floor (a 500 with Retry-After backs off as any 500).
    let mut b = Backoff::default();
    b.failed(T, fail(Code::Http, Some(500)), Some(600.0), 1.0);
    assert_eq!(b.wait(T), Some(1.0));

    // A huge one is read as an hour; garbage is ignored.
    let mut b = Backoff::default();
    b.failed(T, fail(Code::RateLimited, Some(429)), Some(1e12), 1.0);
    assert_eq!(b.wait(T), Some(MAX_RETRY_AFTER_S));
    let mut b = Backoff::default();
    b.failed(T, fail(Code::RateLimited, Some(429)), Some(f64::NAN), 1.0);
    assert_eq!(b.wait(T), Some(1.0));
}

#[test]
fn a_success_resets_the_schedule() {
    let mut b = Backoff::default();
    for _ in 0..6 {
        b.failed(T, fail(Code::Network, None), None, 1.0);
    }
    assert_eq!(b.wait(T), Some(32.0));
    b.succeeded();
    assert_eq!(b, Backoff::default());
    b.failed(T, fail(Code::Network, None), None, 1.0);
    assert_eq!(b.wait(T), Some(1.0), "the schedule starts again");
}

#[test]
fn at_most_twelve_attempts_in_ten_minutes_whatever_the_draws() {
    let mut rng = TestRng(42);
    for code in [
        Code::Http,
        Code::Network,
        Code::Unauthorized,
        Code::RateLimited,
    ] {
        for worst in [true, false] {
            let mut b = Backoff::default();
            let (mut now, mut attempts) = (T, 0);
            while now < T + 600.0 {
                if b.wait(now).is_none() {
                    attempts += 1;
                    let r = if worst {
                        0.0
                    } else {
                        (rng.next() >> 11) as f64 / (1u64 << 53) as f64
                    };
                    b.failed(now, fail(code, Some(500)), None, r);
                }
                now += 0.1;
            }
            assert!(attempts <= 12, "{code:?}: {attempts} attempts");
        }
    }
}

#[test]
fn failure_bodies_are_cut() {
    let long = "é".repeat(5000);
    let f = Failure::new(Code::Http, Some(500), Some(&long));
    assert_eq!(
        f.body.as_ref().map(|b| b.chars().count()),
        Some(MAX_BODY_CHARS)
    );
    assert_eq!(Failure::new(Code::Http, None, Some("")).body, None);
}

#[test]
fn merge_takes_the_longer_shared_wait_and_ignores_garbage() {
    let mut shared = Backoff::default();
    shared.failed(T, fail(Code::Http, Some(500)), None, 1.0);
    shared.failed(T, fail(Code::Http, Some(500)), None, 1.0);
    let mut mine = Backoff::default();
    mine.merge(&shared, T);
    assert_eq!(mine, shared);
    assert_eq!(mine.wait(T), Some(2.0));

    // A shorter shared wait keeps ours but learns the count.
    let mut mine = Backoff {
        failures: 1,
        not_before: T + 100.0,
        last: Some(fail(Code::Network, None)),
    };
    mine.merge(&shared, T);
    assert_eq!((mine.failures, mine.not_before), (2, T + 100.0));

    // A wait longer than the policy can make is garbage: never blocks.
    let absurd = Backoff {
        failures: 3,
        not_before: T + 86_400.0 * 365.0,
        last: Some(fail(Code::Http, Some(500))),
    };
    let mut mine = Backoff::default();
    mine.merge(&absurd, T);
    assert_eq!(mine.wait(T), None);
    let empty = Backoff {
        failures: 0,
        not_before: T + 10.0,
        last: None,
    };
    mine.merge(&empty, T);
    assert_eq!(mine.wait(T), None);
}

#[test]
fn retry_after_forms() {
    assert_eq!(retry_after("120", T), Some(120.0));
    assert_eq!(retry_after(" 7 ", T), Some(7.0));
    assert_eq!(retry_after("0", T), Some(0.0));
    assert_eq!(retry_after("99999999999", T), None);
    for bad in [
        "",
        "-1",
        "1.5",
        "soon",
        "12 s",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
    ] {
        assert_eq!(retry_after(bad, T), None, "{bad:?}");
    }
    // 1994-11-06T08:49:37Z is 784111777 in all three forms.
    let at = 784_111_777.0;
    for form in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        assert_eq!(retry_after(form, at - 90.0), Some(90.0), "{form}");
        assert_eq!(
            retry_after(form, at + 5.0),
            Some(0.0),
            "{form}: a past date is 0"
        );
    }
    // A date this century, and leap years.
    assert_eq!(
        http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
        Some(1_709_164_800)
    );
    assert_eq!(
        http_date("Mon, 23 Nov 2026 07:00:00 GMT"),
        Some(1_795_417_200)
    );
    assert_eq!(
        http_date("Tuesday, 01-Jan-30 00:00:00 GMT"),
        Some(1_893_456_000),
        "two-digit years below 70 are 20xx"
    );
}

#[test]
fn retry_after_never_panics() {
    let mut rng = TestRng(7);
    let alphabet = b"0123456789 :,-GMTSunNovFeb\xc3\xa9";
    for _ in 0..20_000 {
        let len = rng.below(40);
        let bytes: alloc::vec::Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let s = String::from_utf8_lossy(&bytes);
        let _ = retry_after(&s, T);
    }
}

#[test]
fn hold_extends_a_wait_decided_elsewhere() {
    let mut b = Backoff::default();
    b.hold(T, 60.0);
    assert_eq!(b.wait(T), None, "nothing failed: nothing to hold");
    b.failed(T, fail(Code::Http, Some(500)), None, 1.0);
    b.hold(T, 60.0);
    assert_eq!(b.wait(T), Some(60.0));
    b.hold(T, 5.0);
    assert_eq!(b.wait(T), Some(60.0), "never shortened");
    b.hold(T, 1e9);
    assert_eq!(b.wait(T), Some(MAX_RETRY_AFTER_S));
    b.hold(T, f64::NAN);
    assert_eq!(b.wait(T), Some(MAX_RETRY_AFTER_S));
}
