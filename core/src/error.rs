//! The error codes of the package (one `NadeoAuthError` class in JS, one [`Code`] here).
//!
//! [`Code::ALL`] is the one list of codes: a test below holds the typings
//! (`pkg-template/index.d.ts`'s `ErrorCode`) and the table of `docs/errors.md` to it, so a code
//! added here and forgotten there (or the other way round) fails `cargo test`.

/// A stable error code. The string forms are part of the public contract (index.d.ts's
/// `ErrorCode`, docs/errors.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    InvalidArgument,
    TokenMalformed,
    TokenBase64,
    TokenJson,
    TokenClaims,
    Network,
    Timeout,
    Aborted,
    Http,
    Unauthorized,
    RateLimited,
    BadResponse,
    RefreshExpired,
    OAuthStateMissing,
    OAuthStateMismatch,
    OAuthDenied,
    OAuthCodeMissing,
    OAuthDuplicateParam,
    OAuthIssuerMismatch,
    OAuthUnexpectedParam,
    /// Thrown by the JS entries at import (an old Node, no DecompressionStream, a CSP without
    /// 'wasm-unsafe-eval'); listed here so that the list of codes stays one.
    UnsupportedRuntime,
}

impl Code {
    /// The code as JS sees it, e.g. `"TOKEN_BASE64"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::TokenMalformed => "TOKEN_MALFORMED",
            Code::TokenBase64 => "TOKEN_BASE64",
            Code::TokenJson => "TOKEN_JSON",
            Code::TokenClaims => "TOKEN_CLAIMS",
            Code::Network => "NETWORK",
            Code::Timeout => "TIMEOUT",
            Code::Aborted => "ABORTED",
            Code::Http => "HTTP",
            Code::Unauthorized => "UNAUTHORIZED",
            Code::RateLimited => "RATE_LIMITED",
            Code::BadResponse => "BAD_RESPONSE",
            Code::RefreshExpired => "REFRESH_EXPIRED",
            Code::OAuthStateMissing => "OAUTH_STATE_MISSING",
            Code::OAuthStateMismatch => "OAUTH_STATE_MISMATCH",
            Code::OAuthDenied => "OAUTH_DENIED",
            Code::OAuthCodeMissing => "OAUTH_CODE_MISSING",
            Code::OAuthDuplicateParam => "OAUTH_DUPLICATE_PARAM",
            Code::OAuthIssuerMismatch => "OAUTH_ISSUER_MISMATCH",
            Code::OAuthUnexpectedParam => "OAUTH_UNEXPECTED_PARAM",
            Code::UnsupportedRuntime => "UNSUPPORTED_RUNTIME",
        }
    }

    /// The code of its string form, e.g. `"TOKEN_BASE64"`.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// Every code, in documentation order.
    pub const ALL: [Code; 21] = [
        Code::InvalidArgument,
        Code::TokenMalformed,
        Code::TokenBase64,
        Code::TokenJson,
        Code::TokenClaims,
        Code::Network,
        Code::Timeout,
        Code::Aborted,
        Code::Http,
        Code::Unauthorized,
        Code::RateLimited,
        Code::BadResponse,
        Code::RefreshExpired,
        Code::OAuthStateMissing,
        Code::OAuthStateMismatch,
        Code::OAuthDenied,
        Code::OAuthCodeMissing,
        Code::OAuthDuplicateParam,
        Code::OAuthIssuerMismatch,
        Code::OAuthUnexpectedParam,
        Code::UnsupportedRuntime,
    ];
}

/// A failure of the core. Messages are static text: they can never carry a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    pub message: &'static str,
}

impl Error {
    pub const fn new(code: Code, message: &'static str) -> Self {
        Error { code, message }
    }
}

impl ::core::fmt::Display for Error {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::Code;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn all() -> Vec<String> {
        Code::ALL.iter().map(|c| c.as_str().into()).collect()
    }

    /// The typings' `ErrorCode` union, in its order.
    fn typed() -> Vec<String> {
        let dts = include_str!("../../pkg-template/index.d.ts");
        let start = dts
            .find("export type ErrorCode =")
            .expect("ErrorCode in index.d.ts");
        let union = &dts[start..dts[start..].find(';').map(|e| start + e).expect("end")];
        union
            .lines()
            .filter_map(|l| l.trim().strip_prefix("| \""))
            .filter_map(|l| l.split('"').next())
            .map(String::from)
            .collect()
    }

    /// The first column of the table in docs/errors.md, in its order.
    fn documented() -> Vec<String> {
        include_str!("../../docs/errors.md")
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .map(String::from)
            .collect()
    }

    #[test]
    fn one_list_of_codes_for_the_core_the_typings_and_the_docs() {
        assert_eq!(typed(), all(), "pkg-template/index.d.ts ErrorCode");
        assert_eq!(documented(), all(), "docs/errors.md");
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
        }
    }
}
