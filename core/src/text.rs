//! Character rules the checks share.

/// Whether `s` has whitespace or a control character (Unicode's classes): neither may stand
/// in a base URL, a redirect URI or a scope.
pub(crate) fn has_space_or_control(s: &str) -> bool {
    s.chars().any(|c| c.is_whitespace() || c.is_control())
}
