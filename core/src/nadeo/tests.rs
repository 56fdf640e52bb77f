use super::*;
use crate::base64url::encode_url;
use alloc::format;
use alloc::string::ToString;

fn jwt(payload: &str) -> String {
    let mut s = String::new();
    encode_url(
        br#"{"alg":"HS256","env":"trackmania-prod","ver":"1"}"#,
        &mut s,
    );
    s.push('.');
    encode_url(payload.as_bytes(), &mut s);
    s.push_str(".c2lnbmF0dXJl");
    s
}

fn access_jwt(iat: i64) -> String {
    jwt(&format!(
        r#"{{"iat":{iat},"rat":{},"exp":{},"aud":"NadeoLiveServices","rtk":false}}"#,
        iat + 1800,
        iat + 3600
    ))
}

fn refresh_jwt(iat: i64) -> String {
    jwt(&format!(
        r#"{{"iat":{iat},"exp":{},"aud":"NadeoServices","rtk":true,"refresh_aud":"NadeoLiveServices"}}"#,
        iat + 86400
    ))
}

/// A 2xx body as a native caller reads it: serde_json, then the core's checks.
use crate::native_json::nadeo_tokens as tokens_from_body;

#[test]
fn login_basic_request() {
    let r = login_basic(
        DEFAULT_CORE_URL,
        "my_login",
        "pa:ss \u{e9}\u{1F3CE}",
        Audience::Live,
        " My app / me@example.com ",
    )
    .unwrap();
    assert_eq!(
        r.url,
        "https://prod.trackmania.core.nadeo.online/v2/authentication/token/basic"
    );
    // base64("my_login:pa:ss é🏎") over UTF-8 bytes, standard alphabet with padding.
    assert_eq!(r.authorization, "Basic bXlfbG9naW46cGE6c3Mgw6nwn4+O");
    assert_eq!(r.user_agent, "My app / me@example.com");
    assert_eq!(
        r.json_body
            .map(|b| serde_json::to_string(&b).unwrap())
            .as_deref(),
        Some(r#"{"audience":"NadeoLiveServices"}"#)
    );
    let core = login_basic("http://127.0.0.1:9/base/", "l", "p", Audience::Core, "ua").unwrap();
    assert_eq!(
        core.url,
        "http://127.0.0.1:9/base/v2/authentication/token/basic"
    );
    assert_eq!(
        core.json_body
            .map(|b| serde_json::to_string(&b).unwrap())
            .as_deref(),
        Some(r#"{"audience":"NadeoServices"}"#)
    );
}

#[test]
fn requests_refuse_bad_arguments() {
    let bad = |r: Result<Request, Error>| r.unwrap_err().code;
    assert_eq!(
        bad(login_basic(DEFAULT_CORE_URL, "l", "p", Audience::Live, "")),
        Code::InvalidArgument
    );
    assert_eq!(
        bad(login_basic(
            DEFAULT_CORE_URL,
            "l",
            "p",
            Audience::Live,
            "a\r\nb"
        )),
        Code::InvalidArgument
    );
    assert_eq!(
        bad(login_basic(DEFAULT_CORE_URL, "", "p", Audience::Live, "ua")),
        Code::InvalidArgument
    );
    assert_eq!(
        bad(login_basic(
            DEFAULT_CORE_URL,
            "a:b",
            "p",
            Audience::Live,
            "ua"
        )),
        Code::InvalidArgument
    );
    assert_eq!(
        bad(login_basic(DEFAULT_CORE_URL, "l", "", Audience::Live, "ua")),
        Code::InvalidArgument
    );
    for base in [
        "ftp://x",
        "prod.trackmania.core.nadeo.online",
        "https://",
        "https://x/?a",
        "https://x y",
    ] {
        assert_eq!(
            bad(login_basic(base, "l", "p", Audience::Live, "ua")),
            Code::InvalidArgument,
            "{base}"
        );
    }
    assert_eq!(
        bad(refresh(DEFAULT_CORE_URL, "", "ua")),
        Code::InvalidArgument
    );
    assert_eq!(
        bad(login_ubi_ticket(
            DEFAULT_CORE_URL,
            "t\nx",
            Audience::Live,
            "ua"
        )),
        Code::InvalidArgument
    );
}

#[test]
fn refresh_and_ubi_requests() {
    let r = refresh(DEFAULT_CORE_URL, "r.t.k", "ua").unwrap();
    assert_eq!(
        r.url,
        "https://prod.trackmania.core.nadeo.online/v2/authentication/token/refresh"
    );
    assert_eq!(r.authorization, "nadeo_v1 t=r.t.k");
    assert_eq!(r.json_body, None);
    let u = login_ubi_ticket(DEFAULT_CORE_URL, "TICKET", Audience::Live, "ua").unwrap();
    assert_eq!(
        u.url,
        "https://prod.trackmania.core.nadeo.online/v2/authentication/token/ubiservices"
    );
    assert_eq!(u.authorization, "ubi_v1 t=TICKET");
}

#[test]
fn answers() {
    let (a, r) = (access_jwt(1000), refresh_jwt(1000));
    let body = format!(r#"{{"accessToken":"{a}","refreshToken":"{r}"}}"#);
    let t = tokens_from_body(&body, None).unwrap();
    assert_eq!(
        (t.access_token.as_str(), t.refresh_token.as_str()),
        (a.as_str(), r.as_str())
    );
    assert_eq!(t.access.exp, Some(4600.0));
    assert_eq!(t.refresh.exp, Some(87400.0));
    // A refresh answer without a refresh token keeps the old one.
    let only = format!(r#"{{"accessToken":"{a}"}}"#);
    assert_eq!(tokens_from_body(&only, Some(&r)).unwrap().refresh_token, r);
    for bad in [
        "".to_string(),
        "not json".into(),
        "[]".into(),
        "{}".into(),
        only.clone(),
        format!(r#"{{"accessToken":"garbage","refreshToken":"{r}"}}"#),
        format!(r#"{{"accessToken":1,"refreshToken":"{r}"}}"#),
        format!(r#"{{"access_token":"{a}","refresh_token":"{r}"}}"#),
    ] {
        assert_eq!(
            tokens_from_body(&bad, None).unwrap_err().code,
            Code::BadResponse,
            "{bad}"
        );
    }
}

#[test]
fn statuses_and_retry_after() {
    assert_eq!(status_code(401).0, Code::Unauthorized);
    assert_eq!(status_code(403).0, Code::Unauthorized);
    assert_eq!(status_code(429).0, Code::RateLimited);
    assert_eq!(status_code(302).0, Code::BadResponse);
    assert_eq!(status_code(500).0, Code::Http);
    assert_eq!(status_code(400).0, Code::Http);
}
