//! Counted fuzzing of the core's parsers (`make fuzz`: 10⁶ inputs each; `make test`: 10⁴).
//!
//!   cargo run --release -p nadeo-auth-core --features json --example fuzz -- [inputs per parser] [seed]
//!
//! JSON text is read by serde_json here (the `json` feature), as `JSON.parse` reads it in the
//! wasm build (whose readers `scripts/fuzz-wasm.mjs` fuzzes through the package).
//!
//! Each parser gets inputs generated from real-shaped seeds (Nadeo and OAuth tokens, redirects,
//! auth answers, Retry-After values) and mutated: bit flips, truncations, splices of hostile
//! fragments (huge and deeply nested JSON, lone surrogates, `1e400`, `-0`, duplicate keys).
//! It prints the inputs run, the distinct error codes seen and the panics, and exits non-zero
//! on any panic. The property tests in `src/**/tests.rs` hold the same parsers to exact
//! answers; this run is about volume.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Instant;

use nadeo_auth_core::base64url::encode_url;
use nadeo_auth_core::{backoff, nadeo, native_json, oauth, store, token, Code};

/// xorshift64*: deterministic for a given seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const HEADER: &str = r#"{"alg":"HS256","env":"trackmania-prod","ver":"1"}"#;

fn jwt(header: &str, payload: &str) -> String {
    let mut s = String::new();
    encode_url(header.as_bytes(), &mut s);
    s.push('.');
    encode_url(payload.as_bytes(), &mut s);
    s.push_str(".c2lnbmF0dXJlLWJ5dGVz");
    s
}

const PAYLOADS: &[&str] = &[
    r#"{"jti":"8f5e","iss":"NadeoServices","iat":1735394983,"rat":1735396783,"exp":1735398583,"aud":"NadeoLiveServices","usg":"Client","sid":"a","sat":1735394983,"sub":"5b4d42f4","aun":"svc","rtk":false,"pce":false}"#,
    r#"{"jti":"x","iss":"NadeoServices","iat":1735394983,"exp":1735481383,"aud":"NadeoServices","rtk":true,"refresh_aud":"NadeoLiveServices","limit_type":"none"}"#,
    r#"{"aud":"client","jti":"j","iat":1700000000,"nbf":1700000000,"exp":1700003600,"sub":"s","scopes":["clubs"]}"#,
];

/// Fragments spliced into JSON and text: what hostile or broken input looks like.
const FRAGMENTS: &[&str] = &[
    "1e400",
    "-0",
    "-0.0",
    "1E+2",
    "0.1e-999",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\u0000\"",
    "null",
    "true",
    "[]",
    "{}",
    ",\"exp\":1,\"exp\":2",
    ",\"iat\":\"1\"",
    "\u{feff}",
    "\u{0}",
    "\\",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "%",
    "%zz",
    "%C3%28",
    "&",
    "=",
    "#",
    "?",
    "+",
    "/",
    "==",
    "=",
    ".",
    "..",
    "\u{1F3CE}",
    "\r\n",
    " ",
    "\t",
];

/// A JSON document that is hostile by size or depth (rarely: it is slow by design).
fn monster(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!(
            "{}1{}",
            "[".repeat(1 + rng.below(200_000)),
            "]".repeat(rng.below(200_000))
        ),
        1 => format!(r#"{{"exp":1,"blob":"{}"}}"#, "a".repeat(1 << 20)),
        _ => format!(
            "{{{}\"exp\":1}}",
            "\"k\":{\"k\":".repeat(1 + rng.below(50_000))
        ),
    }
}

fn mutate(seed: &str, rng: &mut Rng) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => bytes.truncate(at),
            2 => {
                let f = rng.pick(FRAGMENTS).as_bytes();
                bytes.splice(at..at, f.iter().copied());
            }
            3 if at < bytes.len() => {
                let end = (at + 1 + rng.below(8)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                let b = rng.next() as u8;
                bytes.insert(at, b);
            }
            _ => {
                // Repeat a slice: duplicate keys and parameters.
                let end = (at + rng.below(40)).min(bytes.len());
                let copy: Vec<u8> = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Generated text for a parser: a seed, mutated, now and then a monster.
fn input(seeds: &[String], rng: &mut Rng) -> String {
    if rng.below(20_000) == 0 {
        return monster(rng);
    }
    let seed = rng.pick(seeds);
    if rng.below(10) == 0 {
        seed.clone()
    } else {
        mutate(seed, rng)
    }
}

struct Tally {
    name: &'static str,
    inputs: u64,
    ok: u64,
    codes: BTreeSet<&'static str>,
    panics: u64,
}

fn run(
    name: &'static str,
    n: u64,
    rng: &mut Rng,
    mut one: impl FnMut(&mut Rng) -> Result<(), Code>,
) -> Tally {
    let mut t = Tally {
        name,
        inputs: 0,
        ok: 0,
        codes: BTreeSet::new(),
        panics: 0,
    };
    for _ in 0..n {
        t.inputs += 1;
        match panic::catch_unwind(AssertUnwindSafe(|| one(rng))) {
            Ok(Ok(())) => t.ok += 1,
            Ok(Err(code)) => {
                t.codes.insert(code.as_str());
            }
            Err(_) => t.panics += 1,
        }
    }
    t
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_ef01);
    let mut rng = Rng(seed | 1);
    panic::set_hook(Box::new(|_| {})); // panics are counted, not printed

    let tokens: Vec<String> = PAYLOADS.iter().map(|p| jwt(HEADER, p)).collect();
    let (access, refresh) = (tokens[0].clone(), tokens[1].clone());
    let payloads: Vec<String> = PAYLOADS.iter().map(|p| p.to_string()).collect();
    let redirects: Vec<String> = [
        "https://app.example/cb?code=abc&state=S1",
        "https://app.example/cb?code=a%2Fb+c&state=S1&iss=https%3A%2F%2Fapi.trackmania.com#frag",
        "https://app.example/cb?error=access_denied&error_description=The+user+said+no&state=S1",
        "https://app.example/cb?code=foo&state=S1&id_token=x&token=y",
        "?state=S1&code=z&x=1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let nadeo_answers: Vec<String> = vec![
        format!(r#"{{"accessToken":"{access}","refreshToken":"{refresh}"}}"#),
        format!(r#"{{"accessToken":"{access}"}}"#),
        r#"{"code":"C-AA-00-03","correlation_id":"abc","message":"There was a validation error.","info":{}}"#.into(),
        r#"["clubMemberRole:error-notMember"]"#.into(),
    ];
    let oauth_answers: Vec<String> = vec![
        format!(
            r#"{{"token_type":"bearer","expires_in":3600,"access_token":"{}","refresh_token":"r"}}"#,
            tokens[2]
        ),
        r#"{"token_type":"Bearer","expires_in":"3600","access_token":"a","scope":"clubs"}"#.into(),
        r#"{"a59df3e8-6bff-48a2-98b6-801abf2a298e":"Hylis","x":"y"}"#.into(),
        r#"{"accountId":"5b4d42f4","displayName":"Hylis"}"#.into(),
    ];
    let retry_afters: Vec<String> = [
        "120",
        "7",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pair = nadeo::pair(access.clone(), refresh.clone(), &token::times_of_token)
        .unwrap_or_else(|_| unreachable!());
    let stored_text = serde_json::to_string(&store::record(Some(&pair), true, &{
        let mut b = backoff::Backoff::default();
        b.failed(
            1.9e9,
            backoff::Failure::new(Code::Http, Some(500), Some("{\"m\":1}")),
            None,
            0.5,
        );
        b
    }))
    .unwrap_or_else(|_| unreachable!());

    let started = Instant::now();
    let tallies = [
        run("token decoding (mutated tokens)", n / 2, &mut rng, |rng| {
            token::decode(&input(&tokens, rng))
                .map(|_| ())
                .map_err(|e| e.code)
        }),
        run(
            "token decoding (mutated payloads)",
            n - n / 2,
            &mut rng,
            |rng| {
                token::decode(&jwt(HEADER, &input(&payloads, rng)))
                    .map(|_| ())
                    .map_err(|e| e.code)
            },
        ),
        run("redirect parsing", n, &mut rng, |rng| {
            oauth::parse_redirect(&input(&redirects, rng), "S1", oauth::DEFAULT_API_URL)
                .map(|_| ())
                .map_err(|e| match e {
                    oauth::RedirectError::Plain(e) => e.code,
                    oauth::RedirectError::Denied(_) => Code::OAuthDenied,
                })
        }),
        run("Nadeo auth answers", n, &mut rng, |rng| {
            let prev = if rng.below(2) == 0 {
                Some(refresh.as_str())
            } else {
                None
            };
            native_json::nadeo_tokens(&input(&nadeo_answers, rng), prev)
                .map(|_| ())
                .map_err(|e| e.code)
        }),
        run("OAuth answers (grants, names, user)", n, &mut rng, |rng| {
            let body = input(&oauth_answers, rng);
            match rng.below(3) {
                0 => native_json::oauth_tokens(&body, Some("kept")).map(|_| ()),
                1 => native_json::name_map(&body).map(|_| ()),
                _ => native_json::user(&body).map(|_| ()),
            }
            .map_err(|e| e.code)
        }),
        run("Retry-After", n, &mut rng, |rng| {
            let _ = backoff::retry_after(&input(&retry_afters, rng), 1.9e9);
            Ok(())
        }),
        run("store values", n, &mut rng, |rng| {
            let _ = native_json::stored(&mutate(&stored_text, rng));
            Ok(())
        }),
    ];

    println!("| parser | inputs | accepted | distinct error codes | panics |");
    println!("| --- | ---: | ---: | --- | ---: |");
    let mut panics = 0;
    for t in &tallies {
        let codes: Vec<&str> = t.codes.iter().copied().collect();
        let codes = if codes.is_empty() {
            "(no error path: a value or nothing)".to_string()
        } else {
            codes.join(", ")
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            t.name, t.inputs, t.ok, codes, t.panics
        );
        panics += t.panics;
    }
    println!(
        "fuzz (native): {} inputs in {:.1} s, {panics} panics",
        tallies.iter().map(|t| t.inputs).sum::<u64>(),
        started.elapsed().as_secs_f64()
    );
    if panics > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
