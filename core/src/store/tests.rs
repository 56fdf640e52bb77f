use super::*;
use crate::base64url::encode_url;
use crate::nadeo::pair;
use crate::token::times_of_token;
use crate::TestRng;
use alloc::format;

fn jwt(payload: &str) -> String {
    let mut s = String::new();
    encode_url(br#"{"alg":"HS256"}"#, &mut s);
    s.push('.');
    encode_url(payload.as_bytes(), &mut s);
    s.push_str(".c2ln");
    s
}

// A stored text as a native caller reads it: serde_json, then the core's checks (text that is
// not a JSON object reads as nothing stored).
use crate::native_json::stored as read_text;

fn tokens(iat: i64) -> Tokens {
    let access = jwt(&format!(
        r#"{{"iat":{iat},"rat":{},"exp":{},"aud":"NadeoLiveServices"}}"#,
        iat + 1800,
        iat + 3600
    ));
    let refresh = jwt(&format!(
        r#"{{"iat":{iat},"exp":{},"rtk":true}}"#,
        iat + 86400
    ));
    pair(access, refresh, &times_of_token).unwrap()
}

fn value_of(s: &Stored) -> String {
    serde_json::to_string(&record(s.pair.as_ref(), s.after_401, &s.backoff)).unwrap()
}

fn ttl_of(s: &Stored, now: f64) -> f64 {
    ttl(s.pair.as_ref(), &s.backoff, now)
}

fn failing(body: &str) -> Backoff {
    let mut b = Backoff::default();
    b.failed(
        1_900_000_000.0,
        Failure::new(Code::Http, Some(500), Some(body)),
        None,
        0.5,
    );
    b
}

#[test]
fn key_names_login_and_audience_only() {
    assert_eq!(
        key("my_login", Audience::Live),
        "nadeo-auth:v1:NadeoLiveServices:my_login"
    );
    assert_eq!(
        key("my_login", Audience::Core),
        "nadeo-auth:v1:NadeoServices:my_login"
    );
}

#[test]
fn round_trips() {
    let body = "{\"message\":\"quote \\\" back\\\\slash\",\"ctl\":\"\u{1}\",\"é\":\"🏎\"}";
    for s in [
        Stored {
            pair: Some(tokens(1000)),
            after_401: false,
            backoff: Backoff::default(),
        },
        Stored {
            pair: Some(tokens(1000)),
            after_401: true,
            backoff: Backoff::default(),
        },
        Stored {
            pair: None,
            after_401: false,
            backoff: failing(body),
        },
        Stored {
            pair: Some(tokens(1000)),
            after_401: true,
            backoff: failing("plain text"),
        },
    ] {
        let v = value_of(&s);
        assert_eq!(read_text(&v), s, "{v}");
    }
}

#[test]
fn the_first_version_of_the_value_still_reads() {
    let t = tokens(1000);
    let v = format!(
        r#"{{"v":1,"accessToken":"{}","refreshToken":"{}"}}"#,
        t.access_token, t.refresh_token
    );
    assert_eq!(
        read_text(&v),
        Stored {
            pair: Some(t),
            ..Stored::default()
        }
    );
}

#[test]
fn garbage_parts_are_dropped_one_by_one() {
    let t = tokens(1000);
    assert_eq!(read_text("garbage"), Stored::default());
    assert_eq!(read_text(r#"{"v":1}"#), Stored::default());
    assert_eq!(read_text("[1,2]"), Stored::default());
    // A garbage backoff next to good tokens keeps the tokens.
    for bad in [
        r#""x""#,
        r#"{"failures":2,"notBeforeMs":1,"code":"NOPE"}"#,
        r#"{"failures":0,"notBeforeMs":1,"code":"HTTP"}"#,
        r#"{"failures":-1,"notBeforeMs":1,"code":"HTTP"}"#,
        r#"{"failures":2,"notBeforeMs":1.5,"code":"HTTP"}"#,
        r#"{"failures":2,"code":"HTTP"}"#,
        r#"{"failures":99999999999,"notBeforeMs":1,"code":"HTTP"}"#,
    ] {
        let v = format!(
            r#"{{"accessToken":"{}","refreshToken":"{}","backoff":{bad}}}"#,
            t.access_token, t.refresh_token
        );
        let s = read_text(&v);
        assert_eq!(s.pair.as_ref(), Some(&t), "{bad}");
        assert_eq!(s.backoff, Backoff::default(), "{bad}");
    }
    // after401 without a pair means nothing; a non-boolean is false.
    assert!(!read_text(r#"{"after401":true}"#).after_401);
    let v = format!(
        r#"{{"accessToken":"{}","refreshToken":"{}","after401":"yes"}}"#,
        t.access_token, t.refresh_token
    );
    assert!(!read_text(&v).after_401);
}

#[test]
fn reading_never_panics() {
    let good = value_of(&Stored {
        pair: Some(tokens(1000)),
        after_401: true,
        backoff: failing("{\"m\":1}"),
    });
    let mut rng = TestRng(3);
    for _ in 0..3000 {
        let mut bytes = good.clone().into_bytes();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(bytes.len());
            match rng.below(3) {
                0 => {
                    let alphabet = b"{}[]\",:0123456789eE-+.tfn\\ x";
                    bytes[i] = alphabet[rng.below(alphabet.len())];
                }
                1 => bytes.truncate(i),
                _ => {
                    bytes.remove(i);
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        let _ = read_text(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn ttl_covers_the_pair_and_the_backoff() {
    let t = tokens(1000);
    let with_pair = Stored {
        pair: Some(t),
        ..Stored::default()
    };
    assert_eq!(ttl_of(&with_pair, 1000.0), 86400.0);
    assert_eq!(ttl_of(&with_pair, 87390.0), 60.0, "KV's minimum");
    let b = failing("x");
    let only_backoff = Stored {
        backoff: b.clone(),
        ..Stored::default()
    };
    assert_eq!(
        ttl_of(&only_backoff, 1_900_000_000.0),
        ((b.not_before + CAP_S - 1_900_000_000.0) as i64) as f64
    );
    assert_eq!(ttl_of(&Stored::default(), 5.0), 60.0);
}
