//! Endpoint URL rules shared by providers and the login flow.

use std::net::IpAddr;

use url::Url;

use crate::error::Error;

/// Whether `url`'s host is `localhost` (or a `.localhost` name) or a loopback address: the
/// only hosts where plain `http` is acceptable for OAuth endpoints and redirect URIs.
///
/// ```
/// use oauth_kit_core::is_loopback;
/// use url::Url;
/// assert!(is_loopback(&Url::parse("http://127.0.0.1:8000").unwrap()));
/// assert!(!is_loopback(&Url::parse("http://example.com").unwrap()));
/// ```
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Parses a provider endpoint: an http(s) URL with a host, no fragment and no user info; https
/// unless the host is loopback or `allow_http` is set. Errors name `setting`.
///
/// ```
/// use oauth_kit_core::parse_endpoint;
///
/// assert!(parse_endpoint("TOKEN_URL", "https://id.example/token", false).is_ok());
/// assert!(parse_endpoint("TOKEN_URL", "http://127.0.0.1:9/token", false).is_ok());
/// assert!(parse_endpoint("TOKEN_URL", "http://id.example/token", false).is_err());
/// ```
pub fn parse_endpoint(setting: &str, value: &str, allow_http: bool) -> Result<Url, Error> {
    let value = value.trim();
    let url = Url::parse(value).map_err(|e| {
        Error::config(
            setting,
            format!("`{}` is not a URL ({e})", value.escape_debug()),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::config(
            setting,
            "the endpoint must be an http(s) URL with a host",
        ));
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            setting,
            "the endpoint must not carry a fragment or user info",
        ));
    }
    if url.scheme() == "http" && !allow_http && !is_loopback(&url) {
        return Err(Error::config(
            setting,
            "the endpoint must use https (plain http is accepted only for localhost and loopback \
             addresses, or with danger_allow_http_endpoints)",
        ));
    }
    Ok(url)
}
