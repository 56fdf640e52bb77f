//! Authorization header values.

use alloc::string::String;

use super::error::{Code, Error};

const E_EMPTY: Error = Error::new(
    Code::InvalidArgument,
    "the token must be a non-empty string",
);
const E_CHARS: Error = Error::new(
    Code::InvalidArgument,
    "the token has characters that cannot stand in an HTTP header",
);

/// A token fit for a header: non-empty, visible ASCII only (no space, no CR/LF), so nothing
/// can be smuggled into the request.
fn check(token: &str) -> Result<(), Error> {
    if token.is_empty() {
        return Err(E_EMPTY);
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(E_CHARS);
    }
    Ok(())
}

/// The game APIs' scheme, as it starts an Authorization value.
pub const NADEO_SCHEME: &str = "nadeo_v1 t=";
/// api.trackmania.com's scheme, as it starts an Authorization value.
pub const BEARER_SCHEME: &str = "Bearer ";

fn with_scheme(prefix: &str, token: &str) -> Result<String, Error> {
    check(token)?;
    let mut s = String::with_capacity(prefix.len() + token.len());
    s.push_str(prefix);
    s.push_str(token);
    Ok(s)
}

/// `nadeo_v1 t=<accessToken>`: the game APIs' Authorization value.
pub fn nadeo(access_token: &str) -> Result<String, Error> {
    with_scheme(NADEO_SCHEME, access_token)
}

/// `Bearer <accessToken>`: api.trackmania.com's Authorization value.
pub fn bearer(access_token: &str) -> Result<String, Error> {
    with_scheme(BEARER_SCHEME, access_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_refuses() {
        assert_eq!(nadeo("a.b.c").unwrap(), "nadeo_v1 t=a.b.c");
        assert_eq!(bearer("xyz").unwrap(), "Bearer xyz");
        for bad in [
            "",
            " ",
            "a b",
            "a\r\nX-Evil: 1",
            "t\u{e9}",
            "a\tb",
            "\u{7f}",
        ] {
            assert_eq!(
                nadeo(bad).unwrap_err().code,
                Code::InvalidArgument,
                "{bad:?}"
            );
            assert_eq!(bearer(bad).unwrap_err().code, Code::InvalidArgument);
        }
    }
}
