//! Secrets in `Debug` output: never. A password, client secret, token, code or Authorization
//! value may sit in a type that is printed while debugging, logged by a caller, or shown in a
//! test failure; the types that hold one implement `Debug` by hand and print [`REDACTED`] in
//! its place (as oauth2-rs's secret types do). None of them implements `Display`. The tests
//! below print every one of them with known secrets inside and look for the secrets.

use core::fmt;

/// What a `Debug` print shows in place of a secret.
pub const REDACTED: Redacted = Redacted;

/// Prints `[redacted]`.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// An optional secret: `Some([redacted])` or `None` (whether it is there is no secret).
pub fn optional<T>(secret: &Option<T>) -> Option<Redacted> {
    secret.as_ref().map(|_| Redacted)
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::String;

    use crate::audience::Audience;
    use crate::backoff::Backoff;
    use crate::token::Times;
    use crate::{nadeo, oauth, store};

    const SECRETS: [&str; 3] = ["SECRET-ACCESS", "SECRET-REFRESH", "pa:ss"];

    fn assert_redacted(printed: String) {
        for s in SECRETS {
            assert!(!printed.contains(s), "{printed}");
        }
        assert!(printed.contains("[redacted]"), "{printed}");
    }

    fn tokens() -> nadeo::Tokens {
        nadeo::Tokens {
            access_token: "SECRET-ACCESS".into(),
            refresh_token: "SECRET-REFRESH".into(),
            access: Times::default(),
            refresh: Times::default(),
        }
    }

    #[test]
    fn no_secret_in_any_debug_print() {
        let login = nadeo::login_basic(
            nadeo::DEFAULT_CORE_URL,
            "login",
            "pa:ss",
            Audience::Live,
            "ua / me",
        )
        .unwrap();
        assert_redacted(format!("{login:?}"));
        let refresh = nadeo::refresh(nadeo::DEFAULT_CORE_URL, "SECRET-REFRESH", "ua").unwrap();
        assert_redacted(format!("{refresh:?}"));
        assert_redacted(format!("{:?}", tokens()));
        assert_redacted(format!(
            "{:?}",
            nadeo::TokenAnswer {
                access_token: Some("SECRET-ACCESS".into()),
                refresh_token: Some("SECRET-REFRESH".into()),
            }
        ));
        assert_redacted(format!(
            "{:?}",
            oauth::OAuthTokens {
                access_token: "SECRET-ACCESS".into(),
                refresh_token: Some("SECRET-REFRESH".into()),
                expires_in: 3600.0,
                scope: None,
            }
        ));
        assert_redacted(format!(
            "{:?}",
            oauth::TokenAnswer {
                access_token: Some("SECRET-ACCESS".into()),
                refresh_token: Some("SECRET-REFRESH".into()),
                ..Default::default()
            }
        ));
        assert_redacted(format!(
            "{:?}",
            oauth::Redirect {
                code: "SECRET-ACCESS".into(),
                state: "s".into(),
            }
        ));
        let stored = store::Stored {
            pair: Some(tokens()),
            after_401: false,
            backoff: Backoff::default(),
        };
        assert_redacted(format!("{stored:?}"));
        assert_redacted(format!(
            "{:?}",
            store::record(stored.pair.as_ref(), false, &stored.backoff)
        ));
        // The shapes that are not secret still print what they hold.
        assert!(format!("{:?}", tokens()).contains("access: Times"));
    }
}
