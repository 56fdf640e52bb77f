use super::*;
use crate::native_json;

// The answers as a native caller reads them: serde_json, then the core's checks.
use crate::native_json::oauth_tokens as tokens_from_body;

fn string_map(body: &str) -> Result<Vec<(String, String)>, Error> {
    native_json::name_map(body).map(|m| m.0)
}

fn user_from_body(body: &str) -> Result<(String, String), Error> {
    native_json::user(body).map(|u| (u.account_id, u.display_name))
}
use alloc::string::ToString;
use alloc::vec;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The `scope` of these scopes, or the refusal of the first that is not one.
fn scope_of(v: &[&str]) -> Result<String, Error> {
    let mut scope = String::new();
    for x in v {
        push_scope(&mut scope, x)?;
    }
    Ok(scope)
}

#[test]
fn authorize_url() {
    let url = authorization_url(
        DEFAULT_API_URL,
        "my id",
        "https://app.example/cb?x=1",
        &scope_of(&["clubs", "read_favorite"]).unwrap(),
        "st-_8",
        None,
    )
    .unwrap();
    assert_eq!(
        url,
        "https://api.trackmania.com/oauth/authorize?response_type=code&client_id=my%20id&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&scope=clubs%20read_favorite&state=st-_8"
    );
    let none = authorization_url(
        "http://127.0.0.1:8/",
        "c",
        "http://localhost/cb",
        "",
        "s",
        None,
    )
    .unwrap();
    assert_eq!(none, "http://127.0.0.1:8/oauth/authorize?response_type=code&client_id=c&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&state=s");
    let unicode =
        authorization_url(DEFAULT_API_URL, "c", "https://app.example/é", "", "s", None).unwrap();
    assert!(unicode.contains("redirect_uri=https%3A%2F%2Fapp.example%2F%C3%A9&"));
    for (id, uri, scopes, state) in [
        ("", "https://a.example/cb", vec![], "s"),
        ("c", "/relative", vec![], "s"),
        ("c", "https://a.example/cb#frag", vec![], "s"),
        ("c", "https://a.example/cb", vec!["two words"], "s"),
        ("c", "https://a.example/cb", vec!["no\u{a0}break"], "s"),
        ("c", "https://a.example/cb", vec!["bell\u{7}"], "s"),
        ("c", "https://a.example/cb", vec![""], "s"),
        ("c", "https://a.example/cb", vec![], ""),
    ] {
        let e = scope_of(&scopes)
            .and_then(|scope| authorization_url(DEFAULT_API_URL, id, uri, &scope, state, None))
            .unwrap_err();
        assert_eq!(
            e.code,
            Code::InvalidArgument,
            "{id} {uri} {scopes:?} {state}"
        );
    }
}

#[test]
fn pkce_s256_as_rfc_7636_appendix_b() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    // Appendix B's verifier is what state_from_bytes makes of its 32 octets.
    let octets = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    assert_eq!(state_from_bytes(&octets), verifier);
    let verifier_bytes: &[u8; 43] = verifier.as_bytes().try_into().unwrap();
    assert_eq!(
        pkce_challenge(verifier_bytes),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let url = authorization_url(
        DEFAULT_API_URL,
        "c",
        "https://a.example/cb",
        "",
        "s",
        Some(&pkce_challenge(verifier_bytes)),
    )
    .unwrap();
    assert!(url.ends_with(
        "&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    ));
    let b = grant_body(
        &Grant::Code {
            code: "c",
            redirect_uri: "https://a.example/cb",
            code_verifier: Some(verifier),
        },
        "id",
        "s",
    )
    .unwrap();
    assert!(b.ends_with("&code=c&redirect_uri=https%3A%2F%2Fa.example%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    let empty = Grant::Code {
        code: "c",
        redirect_uri: "https://a.example/cb",
        code_verifier: Some(""),
    };
    assert_eq!(
        grant_body(&empty, "id", "s").unwrap_err().code,
        Code::InvalidArgument
    );
}

#[test]
fn state_is_43_base64url_characters() {
    let st = state_from_bytes(&[0xff; 32]);
    assert_eq!(st.len(), 43);
    assert!(st
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
}

fn code_of(url: &str, expected: &str) -> Code {
    match parse_redirect(url, expected, DEFAULT_API_URL).unwrap_err() {
        RedirectError::Plain(e) => e.code,
        RedirectError::Denied(_) => Code::OAuthDenied,
    }
}

#[test]
fn redirect_checks_in_order() {
    let ok = parse_redirect(
        "https://app.example/cb?code=abc&state=S1",
        "S1",
        DEFAULT_API_URL,
    )
    .unwrap();
    assert_eq!(
        ok,
        Redirect {
            code: "abc".into(),
            state: "S1".into()
        }
    );
    // Duplicates first, whatever else is wrong.
    for url in [
        "https://a/cb?code=1&code=2&state=S1",
        "https://a/cb?state=S1&state=S1&code=1",
        "https://a/cb?error=x&error=y&state=S1",
        "https://a/cb?code=1&state=WRONG&state=S1",
        "https://a/cb?code=1&code=2",
        "https://a/cb?c%6Fde=1&code=2&state=S1",
    ] {
        assert_eq!(code_of(url, "S1"), Code::OAuthDuplicateParam, "{url}");
    }
    // Then the state: absent, empty, or nothing expected.
    assert_eq!(
        code_of("https://a/cb?code=1", "S1"),
        Code::OAuthStateMissing
    );
    assert_eq!(
        code_of("https://a/cb?code=1&state=", "S1"),
        Code::OAuthStateMissing
    );
    assert_eq!(
        code_of("https://a/cb?code=1&state=S1", ""),
        Code::OAuthStateMissing
    );
    assert_eq!(
        code_of("https://a/cb?error=access_denied", "S1"),
        Code::OAuthStateMissing
    );
    // A different state beats an error: a forged error is a state error.
    assert_eq!(
        code_of("https://a/cb?code=1&state=S2", "S1"),
        Code::OAuthStateMismatch
    );
    assert_eq!(
        code_of("https://a/cb?error=access_denied&state=EVIL", "S1"),
        Code::OAuthStateMismatch
    );
    assert_eq!(
        code_of("https://a/cb?code=1&state=S", "S1"),
        Code::OAuthStateMismatch
    );
    // Then the error, with its description.
    match parse_redirect(
        "https://a/cb?error=access_denied&error_description=The+user+said+no%21&state=S1",
        "S1",
        DEFAULT_API_URL,
    ) {
        Err(RedirectError::Denied(d)) => {
            assert_eq!(d.error, "access_denied");
            assert_eq!(d.description.as_deref(), Some("The user said no!"));
        }
        other => panic!("{other:?}"),
    }
    // Then the code.
    assert_eq!(
        code_of("https://a/cb?state=S1", "S1"),
        Code::OAuthCodeMissing
    );
    assert_eq!(
        code_of("https://a/cb?state=S1&code=", "S1"),
        Code::OAuthCodeMissing
    );
}

#[test]
fn redirect_decoding_fragments_and_unicode() {
    let r = parse_redirect(
        "https://a/cb?x=1&code=a%2Fb%2Bc+d&state=%C3%A9t%C3%A9#code=evil&state=evil",
        "été",
        DEFAULT_API_URL,
    )
    .unwrap();
    assert_eq!(r.code, "a/b+c d");
    let r = parse_redirect(
        "https://a/cb?state=S1&code=c#frag?code=2",
        "S1",
        DEFAULT_API_URL,
    )
    .unwrap();
    assert_eq!(r.code, "c");
    assert_eq!(
        code_of("https://a/cb#?code=1&state=S1", "S1"),
        Code::OAuthStateMissing,
        "the fragment is not the query"
    );
    assert_eq!(
        parse_redirect("?code=z&state=S1", "S1", DEFAULT_API_URL)
            .unwrap()
            .code,
        "z"
    );
    assert_eq!(decode_component("%zz%4"), "%zz%4");
    assert_eq!(decode_component("%FF"), "%FF");
}

#[test]
fn constant_time_equality() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
    assert!(!constant_time_eq(b"", b"a"));
    assert!(constant_time_eq(b"", b""));
}

#[test]
fn grant_bodies() {
    let b = grant_body(
        &Grant::Code {
            code: "c/1",
            redirect_uri: "https://a.example/cb",
            code_verifier: None,
        },
        "id",
        "se cret&",
    )
    .unwrap();
    assert_eq!(b, "grant_type=authorization_code&client_id=id&client_secret=se%20cret%26&code=c%2F1&redirect_uri=https%3A%2F%2Fa.example%2Fcb");
    let r = grant_body(&Grant::Refresh { refresh_token: "r" }, "id", "s").unwrap();
    assert_eq!(
        r,
        "grant_type=refresh_token&client_id=id&client_secret=s&refresh_token=r"
    );
    let c = grant_body(&Grant::ClientCredentials, "id", "s").unwrap();
    assert_eq!(
        c,
        "grant_type=client_credentials&client_id=id&client_secret=s"
    );
    assert_eq!(
        grant_body(&Grant::ClientCredentials, "id", "")
            .unwrap_err()
            .code,
        Code::InvalidArgument
    );
    assert_eq!(
        grant_body(
            &Grant::Code {
                code: "",
                redirect_uri: "https://a/cb",
                code_verifier: None,
            },
            "i",
            "s"
        )
        .unwrap_err()
        .code,
        Code::InvalidArgument
    );
}

#[test]
fn token_answers() {
    let t = tokens_from_body(
        r#"{"token_type":"Bearer","expires_in":3600,"access_token":"a.b.c","refresh_token":"r1"}"#,
        None,
    )
    .unwrap();
    assert_eq!(
        t,
        OAuthTokens {
            access_token: "a.b.c".into(),
            refresh_token: Some("r1".into()),
            expires_in: 3600.0,
            scope: None
        }
    );
    let s = tokens_from_body(
        r#"{"token_type":"bearer","expires_in":"120","access_token":"x","scope":"clubs"}"#,
        Some("old"),
    )
    .unwrap();
    assert_eq!(
        (s.expires_in, s.refresh_token.as_deref(), s.scope.as_deref()),
        (120.0, Some("old"), Some("clubs"))
    );
    assert_eq!(
        tokens_from_body(
            r#"{"token_type":"BEARER","expires_in":1,"access_token":"x"}"#,
            None
        )
        .unwrap()
        .refresh_token,
        None
    );
    for bad in [
        "",
        "[]",
        "html",
        r#"{"token_type":"mac","expires_in":1,"access_token":"x"}"#,
        r#"{"expires_in":1,"access_token":"x"}"#,
        r#"{"token_type":"bearer","access_token":"x"}"#,
        r#"{"token_type":"bearer","expires_in":"soon","access_token":"x"}"#,
        r#"{"token_type":"bearer","expires_in":-5,"access_token":"x"}"#,
        r#"{"token_type":"bearer","expires_in":1,"access_token":""}"#,
        r#"{"token_type":"bearer","expires_in":1,"access_token":"a b"}"#,
        r#"{"token_type":"bearer","expires_in":1,"access_token":7}"#,
    ] {
        assert_eq!(
            tokens_from_body(bad, None).unwrap_err().code,
            Code::BadResponse,
            "{bad}"
        );
    }
}

#[test]
fn expires_in_as_sent() {
    let text = |t: &str| Seconds::Text(t.into()).value();
    assert_eq!(Seconds::Number(3600.0).value(), Some(3600.0));
    assert_eq!(Seconds::Number(0.0).value(), Some(0.0));
    assert_eq!(Seconds::Number(-1.0).value(), None);
    assert_eq!(Seconds::Number(f64::INFINITY).value(), None);
    assert_eq!(Seconds::Number(f64::NAN).value(), None);
    assert_eq!(text("3600"), Some(3600.0));
    assert_eq!(text(" 42 "), Some(42.0));
    assert_eq!(text("1.5"), Some(1.5));
    assert_eq!(text(".5"), Some(0.5));
    assert_eq!(text("7."), Some(7.0));
    assert_eq!(
        text("0.1"),
        Some(0.1),
        "correctly rounded, as JSON.parse reads 0.1"
    );
    assert_eq!(text("999999999999"), Some(999_999_999_999.0));
    for bad in [
        "",
        " ",
        ".",
        "1.2.3",
        "1e3",
        "-1",
        "+1",
        "0x10",
        "1 000",
        "9999999999999",
        "١٢",
    ] {
        assert_eq!(text(bad), None, "{bad:?}");
    }
}

#[test]
fn lookups() {
    let ids: Vec<String> = (0..120).map(|i| alloc::format!("id-{}", i % 110)).collect();
    let urls = lookup_urls(DEFAULT_API_URL, Lookup::DisplayNames, &ids).unwrap();
    assert_eq!(urls.len(), 3, "110 unique IDs: 50 + 50 + 10");
    assert!(urls[0].starts_with(
        "https://api.trackmania.com/api/display-names?accountId[]=id-0&accountId[]=id-1&"
    ));
    assert_eq!(urls[2].matches("accountId[]=").count(), 10);
    let names = lookup_urls("http://m/", Lookup::AccountIds, &s(&["A b", "é", "A b"])).unwrap();
    assert_eq!(
        names,
        vec![
            "http://m/api/display-names/account-ids?displayName[]=A%20b&displayName[]=%C3%A9"
                .to_string()
        ]
    );
    assert!(lookup_urls(DEFAULT_API_URL, Lookup::AccountIds, &[])
        .unwrap()
        .is_empty());
    assert_eq!(
        lookup_urls(DEFAULT_API_URL, Lookup::AccountIds, &s(&[""]))
            .unwrap_err()
            .code,
        Code::InvalidArgument
    );
    assert_eq!(
        string_map(r#"{"a":"x","b\u00e9":"y"}"#).unwrap(),
        vec![("a".into(), "x".into()), ("bé".into(), "y".into())]
    );
    assert!(string_map("[]").unwrap().is_empty());
    assert_eq!(
        string_map(r#"{"a":1}"#).unwrap_err().code,
        Code::BadResponse
    );
    assert_eq!(string_map("[1]").unwrap_err().code, Code::BadResponse);
    assert_eq!(
        user_from_body(r#"{"accountId":"i","displayName":"n"}"#).unwrap(),
        ("i".into(), "n".into())
    );
    assert_eq!(
        user_from_body(r#"{"accountId":"i"}"#).unwrap_err().code,
        Code::BadResponse
    );
}

#[test]
fn property_arbitrary_redirects_never_panic() {
    let mut rng = crate::TestRng(0x5eed);
    let pieces = [
        "code",
        "state",
        "error",
        "error_description",
        "=",
        "&",
        "?",
        "#",
        "%",
        "%2",
        "%zz",
        "%C3%A9",
        "+",
        "S1",
        "x",
        "é",
        "\u{0}",
        "%FF",
    ];
    for _ in 0..50_000 {
        let mut url = String::from("https://app.example/cb");
        for _ in 0..rng.below(12) {
            url.push_str(pieces[rng.below(pieces.len())]);
        }
        let _ = parse_redirect(&url, "S1", DEFAULT_API_URL);
        let _ = decode_component(&url);
    }
}

#[test]
fn property_arbitrary_answers_never_panic() {
    let mut rng = crate::TestRng(77);
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        "\"access_token\"",
        "\"token_type\"",
        "\"bearer\"",
        "\"expires_in\"",
        ":",
        ",",
        "1",
        "\"3600\"",
        "\"x\"",
        "null",
        "-",
        "1e999",
    ];
    for _ in 0..50_000 {
        let body: String = (0..rng.below(16))
            .map(|_| pieces[rng.below(pieces.len())])
            .collect();
        let _ = tokens_from_body(&body, Some("r"));
        let _ = string_map(&body);
        let _ = user_from_body(&body);
    }
}

/// panva/oauth4webapi's validateAuthResponse cases (test/callback.test.ts), translated: the
/// state is always expected here ("foo"), as completeLogin always has one.
#[test]
fn oauth4webapi_authorization_response_cases() {
    let code_of = |url: &str| -> Result<String, Code> {
        parse_redirect(url, "foo", DEFAULT_API_URL)
            .map(|r| r.code)
            .map_err(|e| match e {
                RedirectError::Plain(e) => e.code,
                RedirectError::Denied(_) => Code::OAuthDenied,
            })
    };
    let cases: &[(&str, Result<&str, Code>)] = &[
        ("https://rp.example.com/cb?code=foo&state=foo", Ok("foo")),
        (
            "https://rp.example.com/cb?error=access_denied&state=foo",
            Err(Code::OAuthDenied),
        ),
        (
            "https://rp.example.com/cb?response=foo&state=foo",
            Err(Code::OAuthUnexpectedParam),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&iss=foo",
            Err(Code::OAuthIssuerMismatch),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=bar",
            Err(Code::OAuthStateMismatch),
        ),
        (
            "https://rp.example.com/cb?code=foo",
            Err(Code::OAuthStateMissing),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&id_token=foo",
            Err(Code::OAuthUnexpectedParam),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&token=foo",
            Err(Code::OAuthUnexpectedParam),
        ),
        (
            "https://rp.example.com/cb?id_token=foo&token=foo&state=foo",
            Err(Code::OAuthUnexpectedParam),
        ),
        (
            "https://rp.example.com/cb?code=foo&id_token=foo&token=foo&state=foo",
            Err(Code::OAuthUnexpectedParam),
        ),
        (
            "https://rp.example.com/cb?state=foo&state=foo",
            Err(Code::OAuthDuplicateParam),
        ),
        // Beyond oauth4webapi's list: the access_token of an implicit grant, and the issuer.
        (
            "https://rp.example.com/cb?code=foo&state=foo&access_token=x",
            Err(Code::OAuthUnexpectedParam),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&iss=https%3A%2F%2Fevil.example",
            Err(Code::OAuthIssuerMismatch),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&iss=https%3A%2F%2Fapi.trackmania.com",
            Ok("foo"),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&iss=https%3A%2F%2Fapi.trackmania.com%2F",
            Err(Code::OAuthIssuerMismatch),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&iss=",
            Err(Code::OAuthIssuerMismatch),
        ),
        (
            "https://rp.example.com/cb?code=foo&state=foo&iss=a&iss=a",
            Err(Code::OAuthDuplicateParam),
        ),
    ];
    for (url, want) in cases {
        assert_eq!(
            code_of(url).as_ref().map(String::as_str),
            want.as_ref().map(|s| *s),
            "{url}"
        );
    }
}

#[test]
fn checks_come_in_order_duplicates_state_iss_error_code() {
    // Each line breaks every later check too: the first one decides.
    assert_eq!(
        code_of("?code=a&code=b&state=X&iss=evil&error=e&token=t", "S"),
        Code::OAuthDuplicateParam
    );
    assert_eq!(
        code_of("?state=X&iss=evil&error=e&token=t", "S"),
        Code::OAuthStateMismatch
    );
    assert_eq!(
        code_of("?state=S&iss=evil&error=e&token=t", "S"),
        Code::OAuthIssuerMismatch
    );
    assert_eq!(code_of("?state=S&error=e&token=t", "S"), Code::OAuthDenied);
    assert_eq!(code_of("?state=S&token=t", "S"), Code::OAuthUnexpectedParam);
    assert_eq!(code_of("?state=S", "S"), Code::OAuthCodeMissing);
}

#[test]
fn issuer_is_the_api_origin() {
    assert_eq!(
        issuer_of("https://api.trackmania.com"),
        "https://api.trackmania.com"
    );
    assert_eq!(
        issuer_of("https://api.trackmania.com/"),
        "https://api.trackmania.com"
    );
    assert_eq!(
        issuer_of("http://127.0.0.1:8790/prefix/x?y#z"),
        "http://127.0.0.1:8790"
    );
    assert_eq!(issuer_of("https://h?q"), "https://h");
}
