//! The flow cookie handed to adapters, rendered as a `Set-Cookie` value, and the reading of
//! `Cookie` request headers, both through the `cookie` crate.

use std::fmt;
use std::time::Duration;

use cookie::{Cookie, SameSite};

/// A cookie to set (or clear) on the browser. Adapters copy it into their response.
///
/// Attributes: `HttpOnly`, `SameSite=Lax` (Strict would drop the cookie on the provider's
/// redirect back), `Secure` exactly when the redirect base URL is https, `Path` = the route
/// prefix as the browser sees it ([`FlowConfig::cookie_path`]), `Max-Age` = the state TTL (0 to
/// clear). For a provider that answers with a cross-site form POST (`response_mode=form_post`)
/// the cookie is `SameSite=None; Secure` instead, because browsers send no `Lax` cookie with a
/// cross-site POST; the state in it still binds the callback to this browser. `Debug` redacts
/// the value.
///
/// [`FlowConfig::cookie_path`]: crate::FlowConfig::cookie_path
#[derive(Clone, PartialEq, Eq)]
pub struct FlowCookie {
    name: String,
    value: String,
    path: String,
    max_age: Duration,
    secure: bool,
    cross_site: bool,
}

impl FlowCookie {
    pub(crate) fn new(
        name: &str,
        value: String,
        path: &str,
        max_age: Duration,
        secure: bool,
    ) -> Self {
        Self {
            name: name.to_owned(),
            value,
            path: path.to_owned(),
            max_age,
            secure,
            cross_site: false,
        }
    }

    /// The same cookie for a form-post provider: `SameSite=None` and always `Secure`.
    pub(crate) fn cross_site(mut self, yes: bool) -> Self {
        self.cross_site = yes;
        self.secure |= yes;
        self
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cookie's value (sealed or opaque; empty when clearing).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The `Path` attribute.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The `Max-Age` attribute.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// Whether the `Secure` attribute is set.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// The `SameSite` attribute: `Lax`, or `None` for a form-post provider.
    pub fn same_site(&self) -> &'static str {
        if self.cross_site { "None" } else { "Lax" }
    }

    /// Whether this cookie removes the flow cookie.
    pub fn is_removal(&self) -> bool {
        self.max_age.is_zero()
    }

    /// The `Set-Cookie` header value.
    ///
    /// ```
    /// # use oauth_kit_core::{FlowConfig, LoginService, ProviderRegistry};
    /// # let config = FlowConfig::builder("https://app.example.com").build()?;
    /// # let service = LoginService::new(ProviderRegistry::new(), config)?;
    /// let cookie = service.clear_cookie();
    /// assert_eq!(
    ///     cookie.to_header_value(),
    ///     "oauth_kit_flow=; HttpOnly; SameSite=Lax; Secure; Path=/auth; Max-Age=0"
    /// );
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn to_header_value(&self) -> String {
        let same_site = if self.cross_site {
            SameSite::None
        } else {
            SameSite::Lax
        };
        let max_age = i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX);
        Cookie::build((self.name.as_str(), self.value.as_str()))
            .path(self.path.as_str())
            .max_age(cookie::time::Duration::seconds(max_age))
            .http_only(true)
            .same_site(same_site)
            .secure(self.secure)
            .build()
            .to_string()
    }
}

impl fmt::Debug for FlowCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlowCookie")
            .field("name", &self.name)
            .field("value", &"[redacted]")
            .field("path", &self.path)
            .field("max_age", &self.max_age)
            .field("secure", &self.secure)
            .field("same_site", &self.same_site())
            .finish()
    }
}

/// The cookies of a `Cookie` request header that parse; a malformed pair is skipped. Values
/// are taken as sent (not percent-decoded).
fn request_cookies(cookie_header: &str) -> impl Iterator<Item = Cookie<'_>> {
    Cookie::split_parse(cookie_header).filter_map(Result::ok)
}

/// Every value of the cookie `name` in a `Cookie` request header, in order, without the double
/// quotes a value may be wrapped in.
pub(crate) fn cookie_values<'a>(
    cookie_header: &'a str,
    name: &'a str,
) -> impl Iterator<Item = String> + 'a {
    request_cookies(cookie_header)
        .filter(move |cookie| cookie.name() == name)
        .map(|cookie| cookie.value_trimmed().to_owned())
}

/// How many cookies named `name` the request's `Cookie` headers carry. More than one means
/// that one was planted (for example from a sibling subdomain with a `Domain` attribute):
/// adapters refuse to pick one.
///
/// ```
/// use oauth_kit_core::flow::cookie_count;
/// assert_eq!(cookie_count(["a=1; s=x", "s=y"], "s"), 2);
/// ```
pub fn cookie_count<'h>(cookie_headers: impl IntoIterator<Item = &'h str>, name: &str) -> usize {
    cookie_headers
        .into_iter()
        .map(|header| cookie_values(header, name).count())
        .sum()
}

/// The `Cookie` header value without any cookie named `name` (empty when nothing remains).
///
/// ```
/// use oauth_kit_core::flow::remove_cookie;
/// assert_eq!(remove_cookie("a=1; s=x; b=2; s=y", "s"), "a=1; b=2");
/// ```
pub fn remove_cookie(cookie_header: &str, name: &str) -> String {
    request_cookies(cookie_header)
        .filter(|cookie| cookie.name() != name)
        .map(|cookie| cookie.stripped().to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The request's `Cookie` header values without any cookie named `name`, when they carry
/// more than one (one may be planted from a sibling subdomain with a `Domain` attribute, and
/// must not be able to choose the session): a session layer replaces the headers with these,
/// so the request has no session, and marks the request so that the callback refuses to log
/// in with it. `None` when there is at most one such cookie: leave the request alone.
///
/// ```
/// use oauth_kit_core::flow::strip_ambiguous_cookies;
/// assert_eq!(strip_ambiguous_cookies(["a=1; s=x"], "s"), None);
/// assert_eq!(
///     strip_ambiguous_cookies(["a=1; s=x", "s=y"], "s"),
///     Some(vec!["a=1".to_owned()])
/// );
/// ```
pub fn strip_ambiguous_cookies<'h>(
    cookie_headers: impl IntoIterator<Item = &'h str>,
    name: &str,
) -> Option<Vec<String>> {
    let headers: Vec<&str> = cookie_headers.into_iter().collect();
    let count = cookie_count(headers.iter().copied(), name);
    if count <= 1 {
        return None;
    }
    tracing::warn!(
        cookie = name,
        count,
        "several session cookies in one request (one may be planted from a sibling domain): \
         the request is treated as having no session"
    );
    Some(
        headers
            .iter()
            .map(|header| remove_cookie(header, name))
            .filter(|header| !header.is_empty())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_finds_every_value_of_one_name() {
        let header = "a=1; oauth_kit_flow=xyz; b=2;oauth_kit_flow=\"q\"";
        let values: Vec<String> = cookie_values(header, "oauth_kit_flow").collect();
        assert_eq!(values, ["xyz", "q"]);
        assert_eq!(cookie_values("a=1", "oauth_kit_flow").next(), None);
        assert_eq!(
            cookie_values("oauth_kit_flowx=1", "oauth_kit_flow").next(),
            None
        );
    }
}
