//! Audiences and which URLs need them.

/// The audience of a Nadeo token. Serialized as the name Nadeo uses (`as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(into = "&'static str")]
pub enum Audience {
    /// `NadeoServices`: the Core API (prod.trackmania.core.nadeo.online).
    Core,
    /// `NadeoLiveServices`: the Live and Meet APIs.
    Live,
}

pub const CORE_HOST: &str = "prod.trackmania.core.nadeo.online";
pub const LIVE_HOST: &str = "live-services.trackmania.nadeo.live";
pub const MEET_HOST: &str = "meet.trackmania.nadeo.club";

impl From<Audience> for &'static str {
    fn from(a: Audience) -> &'static str {
        a.as_str()
    }
}

impl Audience {
    /// The name Nadeo uses, as sent in a login body.
    pub const fn as_str(self) -> &'static str {
        match self {
            Audience::Core => "NadeoServices",
            Audience::Live => "NadeoLiveServices",
        }
    }

    /// Parses an audience name; the deprecated `NadeoClubServices` is an alias of
    /// `NadeoLiveServices` (never sent). Exact, case-sensitive names only.
    pub fn parse(name: &str) -> Option<Audience> {
        match name {
            "NadeoServices" => Some(Audience::Core),
            "NadeoLiveServices" | "NadeoClubServices" => Some(Audience::Live),
            _ => None,
        }
    }
}

/// The audience a URL needs, from its origin as the WHATWG URL parser serializes it
/// (`https://` and the host, lowercased, with `:port` only for a port that is not the
/// default). Only `https:` on the default port and the exact hosts count: a look-alike host,
/// a subdomain, a trailing dot, another port or plain `http:` get `None`, so no token is ever
/// sent there.
pub fn for_origin(origin: &str) -> Option<Audience> {
    match origin.strip_prefix("https://")? {
        CORE_HOST => Some(Audience::Core),
        LIVE_HOST | MEET_HOST => Some(Audience::Live),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_exactly() {
        assert_eq!(
            for_origin("https://prod.trackmania.core.nadeo.online"),
            Some(Audience::Core)
        );
        assert_eq!(
            for_origin("https://live-services.trackmania.nadeo.live"),
            Some(Audience::Live)
        );
        assert_eq!(
            for_origin("https://meet.trackmania.nadeo.club"),
            Some(Audience::Live)
        );
        for origin in [
            "http://prod.trackmania.core.nadeo.online",
            "https://prod.trackmania.core.nadeo.online:8443",
            "https://prod.trackmania.core.nadeo.online.evil.example",
            "https://evil.prod.trackmania.core.nadeo.online",
            "https://prod.trackmania.core.nadeo.online.",
            "https://trackmania.nadeo.live",
            "https://api.trackmania.com",
            "wss://live-services.trackmania.nadeo.live",
            "https://",
            "null",
            "",
        ] {
            assert_eq!(for_origin(origin), None, "{origin}");
        }
    }

    #[test]
    fn audience_names() {
        assert_eq!(Audience::parse("NadeoServices"), Some(Audience::Core));
        assert_eq!(Audience::parse("NadeoLiveServices"), Some(Audience::Live));
        assert_eq!(Audience::parse("NadeoClubServices"), Some(Audience::Live));
        assert_eq!(Audience::parse("nadeoservices"), None);
        assert_eq!(Audience::parse(""), None);
        assert_eq!(Audience::Live.as_str(), "NadeoLiveServices");
    }
}
