//! The bindings, in a real JS engine: `wasm-bindgen-test` runs this file in Node and in
//! headless Chromium (`make test`). Each test also checks that the module still works after
//! an error (a panic would have killed the instance).

use crate::interop::NadeoAuthError;
use crate::token::{
    audience_for_url, bearer_authorization, decode_token, nadeo_authorization, token_times,
};
use js_sys::{Array, JsString, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn b64(text: &str) -> String {
    // base64url without padding, from JS (btoa) to keep the test independent of the crate.
    let b = js_sys::eval(&format!(
        "btoa(unescape(encodeURIComponent({})))",
        JSON::stringify(&text.into()).unwrap()
    ))
    .unwrap()
    .as_string()
    .unwrap();
    b.trim_end_matches('=').replace('+', "-").replace('/', "_")
}

fn tok(header: &str, payload: &str) -> String {
    format!("{}.{}.{}", b64(header), b64(payload), b64("sig"))
}

const HEADER: &str = r#"{"alg":"HS256","env":"trackmania-prod","ver":"1"}"#;
const PAYLOAD: &str = r#"{"jti":"j","iss":"NadeoServices","iat":1735394983,"rat":1735396783,"exp":1735398583,"aud":"NadeoLiveServices","usg":"Client","sid":"s","sat":1735394983,"sub":"5b4d42f4-c2de-407d-b367-cbff3fe817bc","aun":"tooInfinite","rtk":false,"pce":false,"future_claim":{"n":[1,"two",null]}}"#;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn code_of<T, E: Into<JsValue>>(r: Result<T, E>) -> String {
    let e: JsValue = r.err().expect("an error").into();
    assert!(e.is_instance_of::<NadeoAuthError>(), "a NadeoAuthError");
    assert_eq!(get(&e, "name").as_string().unwrap(), "NadeoAuthError");
    get(&e, "code").as_string().unwrap()
}

fn still_works() {
    let d = decode_token(tok(HEADER, PAYLOAD).into()).unwrap();
    assert_eq!(
        get(&get(&d, "payload"), "aun").as_string().unwrap(),
        "tooInfinite"
    );
}

#[wasm_bindgen_test]
fn decodes_a_nadeo_token_and_keeps_unknown_claims() {
    let d = decode_token(tok(HEADER, PAYLOAD).into()).unwrap();
    let header = get(&d, "header");
    let payload = get(&d, "payload");
    assert_eq!(get(&header, "alg").as_string().unwrap(), "HS256");
    assert_eq!(get(&payload, "exp").as_f64().unwrap(), 1735398583.0);
    assert_eq!(get(&payload, "rtk").as_bool(), Some(false));
    let future = get(&payload, "future_claim");
    assert_eq!(JSON::stringify(&future).unwrap(), r#"{"n":[1,"two",null]}"#);
    assert_eq!(Object::keys(&payload.into()).length(), 14);
}

#[wasm_bindgen_test]
fn bad_tokens_get_their_codes() {
    let cases = [
        (String::new(), "TOKEN_MALFORMED"),
        ("a.b".to_string(), "TOKEN_MALFORMED"),
        ("a.b.c.d.e".to_string(), "TOKEN_MALFORMED"),
        (format!("{}..x", b64(HEADER)), "TOKEN_MALFORMED"),
        (
            format!("{}.{}+.x", b64(HEADER), b64(PAYLOAD)),
            "TOKEN_BASE64",
        ),
        (
            format!("{}.{}/.x", b64(HEADER), b64(PAYLOAD)),
            "TOKEN_BASE64",
        ),
        (tok(HEADER, "{oops"), "TOKEN_JSON"),
        (tok(HEADER, "null"), "TOKEN_CLAIMS"),
        (tok(HEADER, "[]"), "TOKEN_CLAIMS"),
        (tok(HEADER, "7"), "TOKEN_CLAIMS"),
        (tok(HEADER, "\"s\""), "TOKEN_CLAIMS"),
        (tok(HEADER, r#"{"exp":"soon"}"#), "TOKEN_CLAIMS"),
        (tok(HEADER, r#"{"exp":1e999}"#), "TOKEN_CLAIMS"),
    ];
    for (t, want) in cases {
        assert_eq!(code_of(decode_token(t.clone().into())), want, "{t}");
        still_works();
    }
}

#[wasm_bindgen_test]
fn invalid_utf8_is_token_json() {
    // 0xff 0xfe as base64url is "__4".
    let t = format!("{}.__4.{}", b64(HEADER), b64("sig"));
    assert_eq!(code_of(decode_token(t.into())), "TOKEN_JSON");
    still_works();
}

#[wasm_bindgen_test]
fn non_strings_are_invalid_arguments() {
    let values: [JsValue; 8] = [
        JsValue::UNDEFINED,
        JsValue::NULL,
        42.into(),
        true.into(),
        Object::new().into(),
        Array::new().into(),
        js_sys::Symbol::for_("x").into(),
        js_sys::BigInt::from(7).into(),
    ];
    for v in values {
        assert_eq!(code_of(decode_token(v.clone())), "INVALID_ARGUMENT");
        assert_eq!(code_of(nadeo_authorization(v.clone())), "INVALID_ARGUMENT");
        assert_eq!(code_of(bearer_authorization(v.clone())), "INVALID_ARGUMENT");
        assert_eq!(code_of(audience_for_url(v.clone())), "INVALID_ARGUMENT");
        still_works();
    }
    assert_eq!(
        code_of(token_times(42.into(), JsValue::UNDEFINED)),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
fn lone_surrogates_binary_and_huge_inputs() {
    let lone: JsValue = JsString::from_char_code1(0xd800)
        .concat(&".e30.x".into())
        .into();
    assert_eq!(code_of(decode_token(lone)), "TOKEN_BASE64");
    let lone_only: JsValue = JsString::from_char_code1(0xdc00).into();
    assert_eq!(code_of(decode_token(lone_only)), "TOKEN_MALFORMED");
    let binary: String = (0u8..=255).map(char::from).collect();
    assert_eq!(code_of(decode_token(binary.into())), "TOKEN_MALFORMED");
    let megabyte = "A".repeat(1 << 20);
    assert_eq!(
        code_of(decode_token(megabyte.clone().into())),
        "TOKEN_MALFORMED"
    );
    assert_eq!(
        code_of(decode_token(
            format!("{megabyte}.{megabyte}.{megabyte}").into()
        )),
        "TOKEN_JSON"
    );
    let big_payload = format!(r#"{{"blob":"{}","exp":9}}"#, "x".repeat(1 << 20));
    let d = decode_token(tok(HEADER, &big_payload).into()).unwrap();
    assert_eq!(get(&get(&d, "payload"), "exp").as_f64().unwrap(), 9.0);
    let deep = format!(r#"{{"d":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    // Valid JSON however deep: the validator does not recurse; JSON.parse may refuse it.
    let r = decode_token(tok(HEADER, &deep).into());
    if let Err(e) = r {
        assert!(JsValue::from(e).is_instance_of::<NadeoAuthError>());
    }
    still_works();
}

#[wasm_bindgen_test]
fn token_times_from_tokens_and_objects() {
    let t = tok(HEADER, PAYLOAD);
    let opts = JSON::parse(r#"{"now":1735396000}"#).unwrap();
    let v = token_times(t.clone().into(), opts).unwrap();
    assert_eq!(get(&v, "issuedAt").as_f64().unwrap(), 1735394983.0);
    assert_eq!(get(&v, "refreshableAt").as_f64().unwrap(), 1735396783.0);
    assert_eq!(get(&v, "expiresAt").as_f64().unwrap(), 1735398583.0);
    assert_eq!(get(&v, "expired").as_bool(), Some(false));
    assert_eq!(get(&v, "refreshable").as_bool(), Some(false));
    assert_eq!(get(&v, "expiresIn").as_f64().unwrap(), 2583.0);
    assert_eq!(get(&v, "refreshableIn").as_f64().unwrap(), 783.0);

    let obj = JSON::parse(r#"{"exp":100}"#).unwrap();
    let v = token_times(obj, JSON::parse(r#"{"now":95,"leeway":5}"#).unwrap()).unwrap();
    assert!(get(&v, "issuedAt").is_null() && get(&v, "refreshableAt").is_null());
    assert_eq!(get(&v, "expired").as_bool(), Some(true));
    assert_eq!(get(&v, "refreshable").as_bool(), Some(true));

    // The default clock: a token that expired in 2024 is expired now.
    let v = token_times(t.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&v, "expired").as_bool(), Some(true));
    assert_eq!(get(&v, "expiresIn").as_f64().unwrap(), 0.0);

    assert_eq!(
        code_of(token_times(
            JSON::parse(r#"{"exp":"x"}"#).unwrap(),
            JsValue::UNDEFINED
        )),
        "TOKEN_CLAIMS"
    );
    assert_eq!(
        code_of(token_times(
            JSON::parse(r#"{"iat":null}"#).unwrap(),
            JsValue::UNDEFINED
        )),
        "TOKEN_CLAIMS"
    );
    assert_eq!(
        code_of(token_times("x.y".into(), JsValue::UNDEFINED)),
        "TOKEN_MALFORMED"
    );
    assert_eq!(
        code_of(token_times(
            Object::new().into(),
            JSON::parse(r#"{"now":"x"}"#).unwrap()
        )),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_of(token_times(Object::new().into(), 5.into())),
        "INVALID_ARGUMENT"
    );
    // A getter that throws: a claim that cannot be read is not a finite number, an option that
    // cannot be read is said so; nothing escapes as a JS exception.
    let throwing = js_sys::eval("({ get exp() { throw new Error('no') } })").unwrap();
    assert_eq!(
        code_of(token_times(throwing.clone(), JsValue::UNDEFINED)),
        "TOKEN_CLAIMS"
    );
    let options = js_sys::eval("({ get now() { throw new Error('no') } })").unwrap();
    let e: JsValue = token_times(Object::new().into(), options)
        .unwrap_err()
        .into();
    assert_eq!(
        get(&e, "message").as_string().unwrap(),
        "options could not be read"
    );
    still_works();
}

#[wasm_bindgen_test]
fn audiences_match_hosts_exactly() {
    let aud = |u: &str| audience_for_url(u.into()).unwrap().as_string();
    assert_eq!(
        aud("https://prod.trackmania.core.nadeo.online/accounts/x").as_deref(),
        Some("NadeoServices")
    );
    assert_eq!(
        aud("https://live-services.trackmania.nadeo.live/api/token/leaderboard").as_deref(),
        Some("NadeoLiveServices")
    );
    assert_eq!(
        aud("https://meet.trackmania.nadeo.club/api/matches").as_deref(),
        Some("NadeoLiveServices")
    );
    assert_eq!(
        aud("HTTPS://PROD.TRACKMANIA.CORE.NADEO.ONLINE/"),
        Some("NadeoServices".into())
    );
    for u in [
        "https://prod.trackmania.core.nadeo.online.evil.example/",
        "https://prod.trackmania.core.nadeo.online@evil.example/",
        "http://prod.trackmania.core.nadeo.online/",
        "https://prod.trackmania.core.nadeo.online:444/",
        "https://api.trackmania.com/api/user",
        "/relative/path",
        "not a url",
    ] {
        assert!(audience_for_url(u.into()).unwrap().is_null(), "{u}");
    }
    let url = js_sys::eval("new URL('https://meet.trackmania.nadeo.club/x')").unwrap();
    assert_eq!(
        audience_for_url(url).unwrap().as_string().as_deref(),
        Some("NadeoLiveServices")
    );
}

#[wasm_bindgen_test]
fn authorization_values() {
    assert_eq!(
        nadeo_authorization("a.b.c".into()).unwrap(),
        "nadeo_v1 t=a.b.c"
    );
    assert_eq!(bearer_authorization("tok".into()).unwrap(), "Bearer tok");
    assert_eq!(code_of(nadeo_authorization("".into())), "INVALID_ARGUMENT");
    assert_eq!(
        code_of(bearer_authorization("a\r\nb".into())),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
fn pkce_verifiers_are_43_characters_and_their_challenge_is_the_cores() {
    // A debug build: the length the core hashes is asserted on every verifier made.
    let options =
        js_sys::eval("({clientId: 'c', redirectUri: 'https://a.example/cb', pkce: true})").unwrap();
    for _ in 0..16 {
        let made = crate::redirect::authorization_url(options.clone()).unwrap();
        let verifier = get(&made, "codeVerifier").as_string().unwrap();
        let fixed: &[u8; 43] = verifier.as_bytes().try_into().unwrap();
        let url = web_sys::Url::new(&get(&made, "url").as_string().unwrap()).unwrap();
        assert_eq!(
            url.search_params().get("code_challenge"),
            Some(crate::core::oauth::pkce_challenge(fixed))
        );
    }
    still_works();
}

/// The wasm build reads JSON with `JSON.parse` and named fields (src/json.rs); native
/// callers with serde_json into the same serde shapes (core/src/native_json.rs). Both must
/// read every body alike: the same shape, or both refuse. (Two differences are left out on
/// purpose: `JSON.parse` reads `2.0` as the integer 2, and serde reads a struct from an array
/// too; neither is a value this package writes or a service sends.)
#[wasm_bindgen_test]
fn json_readers_agree_with_serde_json() {
    use crate::core::native_json::{object, value};
    use crate::core::{nadeo, oauth, store};
    use crate::json;
    let refused = nadeo::E_BAD_TOKENS;
    let common = [
        "",
        "not json",
        "[]",
        "[1]",
        "{}",
        "null",
        "true",
        "3",
        r#""text""#,
        "{\"a\":",
        r#"{"a":1}"#,
        r#"{"accessToken":"A","refreshToken":"R"}"#,
        r#"{"accessToken":"A","refreshToken":5,"x":[{"y":null}]}"#,
        r#"{"accessToken":null,"refreshToken":["R"]}"#,
        r#"{"accessToken":"A","accessToken":"B"}"#,
        r#"{"\u0061ccessToken":"A\u00e9\ud83c\udfce"}"#,
        r#"{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":"r","scope":"clubs"}"#,
        r#"{"access_token":"a","token_type":"bearer","expires_in":"3600"}"#,
        r#"{"access_token":"a","token_type":"bearer","expires_in":true,"scope":7}"#,
        r#"{"access_token":"a","token_type":"bearer","expires_in":-1.5e3}"#,
        r#"{"5b4d42f4":"Hylis","x":"y"}"#,
        r#"{"5b4d42f4":"Hylis","x":null}"#,
        r#"{"accountId":"i","displayName":"n"}"#,
        r#"{"accountId":"i","displayName":1}"#,
        r#"{"v":1,"accessToken":"A","refreshToken":"R","after401":true}"#,
        r#"{"v":1,"after401":"yes","backoff":"x"}"#,
        r#"{"v":1,"backoff":{"failures":2,"notBeforeMs":1900000001500,"code":"HTTP","status":500,"body":"{\"m\":1}"}}"#,
        r#"{"backoff":{"failures":-1,"notBeforeMs":1.5,"code":5,"status":70000,"body":[]}}"#,
        r#"{"backoff":{"failures":4294967296,"notBeforeMs":1,"code":"HTTP","status":"500"}}"#,
        r#"{"backoff":{"failures":3,"notBeforeMs":9007199254740991,"code":"NOPE","status":429}}"#,
    ];
    for text in common {
        assert_eq!(
            json::nadeo_answer(text),
            object::<nadeo::TokenAnswer>(text, refused).ok(),
            "Nadeo answer {text}"
        );
        assert_eq!(
            json::oauth_answer(text),
            object::<oauth::TokenAnswer>(text, refused).ok(),
            "OAuth answer {text}"
        );
        // Key order is each reader's (JS puts integer-like keys first; serde_json's map sorts).
        let sorted = |m: Option<oauth::NameMap>| {
            m.map(|mut m| {
                m.0.sort();
                m
            })
        };
        assert_eq!(
            sorted(json::name_map(text)),
            sorted(value::<oauth::NameMap>(text, refused).ok()),
            "name map {text}"
        );
        assert_eq!(
            json::user_answer(text),
            object::<oauth::UserAnswer>(text, refused).ok(),
            "user {text}"
        );
        assert_eq!(
            json::record(text),
            object::<store::Record>(text, refused).ok(),
            "store record {text}"
        );
    }
    // What the wasm writes, serde_json reads back as it was.
    let record = store::Record {
        v: 1,
        access_token: Some("A".into()),
        refresh_token: Some("R".into()),
        after_401: Some(true),
        backoff: Some(store::BackoffRecord {
            failures: Some(2),
            not_before_ms: Some(1_900_000_001_500),
            code: Some("HTTP".into()),
            status: Some(500),
            body: Some("{\"m\":\"é\\\"\"}".into()),
        }),
    };
    let text = json::to_text(&record).unwrap();
    assert_eq!(
        object::<store::Record>(&text, refused).ok(),
        Some(store::Record {
            v: 0,
            ..record.clone()
        }),
        "{text}"
    );
    assert_eq!(
        json::record(&text),
        Some(store::Record { v: 0, ..record }),
        "{text}"
    );
}
