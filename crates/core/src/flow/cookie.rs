//! The flow cookie handed to adapters, rendered as a `Set-Cookie` value.

use std::fmt;
use std::time::Duration;

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
    ///     "oauth_kit_flow=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
    /// );
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn to_header_value(&self) -> String {
        let mut out = format!(
            "{}={}; Path={}; Max-Age={}; HttpOnly; SameSite={}",
            self.name,
            self.value,
            self.path,
            self.max_age.as_secs(),
            self.same_site()
        );
        if self.secure {
            out.push_str("; Secure");
        }
        out
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

/// Every value of the cookie `name` in a `Cookie` request header, in order.
pub(crate) fn cookie_values<'a, 'n>(
    cookie_header: &'a str,
    name: &'n str,
) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
    cookie_header.split(';').filter_map(move |pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key.trim() == name).then(|| value.trim().trim_matches('"'))
    })
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
    cookie_header
        .split(';')
        .map(str::trim)
        .filter(|pair| {
            !pair.is_empty()
                && pair
                    .split_once('=')
                    .is_none_or(|(key, _)| key.trim() != name)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_finds_every_value_of_one_name() {
        let header = "a=1; oauth_kit_flow=xyz; b=2;oauth_kit_flow=\"q\"";
        let values: Vec<&str> = cookie_values(header, "oauth_kit_flow").collect();
        assert_eq!(values, ["xyz", "q"]);
        assert_eq!(cookie_values("a=1", "oauth_kit_flow").next(), None);
        assert_eq!(
            cookie_values("oauth_kit_flowx=1", "oauth_kit_flow").next(),
            None
        );
    }
}
