//! The return-path policy: where the browser may be sent after a login.

use std::fmt;

use percent_encoding::percent_decode_str;
use serde::Serialize;
use url::{Origin, Url};

/// Longest accepted return path, in bytes.
const MAX_LEN: usize = 2048;
/// How many rounds of percent-decoding are inspected for hidden escapes.
const DECODE_ROUNDS: usize = 3;

/// A post-login destination that is safe to put in a `Location` header: a same-origin
/// relative path (with its query), or an absolute URL on an explicitly allowed origin.
///
/// The only way to obtain one is [`ReturnPath::parse`] (or a fallback built from
/// configuration), so a `ReturnPath` is valid by construction.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct ReturnPath(String);

impl ReturnPath {
    /// Parses a candidate destination.
    ///
    /// Accepted: a path that starts with a single `/` and contains only visible ASCII, with no
    /// backslash, and that stays a plain path after up to three rounds of percent-decoding;
    /// or an absolute `http`/`https` URL without user info whose origin is in
    /// `allowed_origins`. Everything else (`//host`, `/\host`, `https://other`, `javascript:`,
    /// control characters, `%2F%2Fhost`, `%250d%250a`, ...) is `None`.
    ///
    /// ```
    /// use oauth_kit_core::ReturnPath;
    /// assert_eq!(ReturnPath::parse("/repos?page=2", &[]).unwrap().as_str(), "/repos?page=2");
    /// assert!(ReturnPath::parse("//evil.example", &[]).is_none());
    /// assert!(ReturnPath::parse("/%2F%2Fevil.example", &[]).is_none());
    /// ```
    pub fn parse(input: &str, allowed_origins: &[Origin]) -> Option<Self> {
        if input.is_empty() || input.len() > MAX_LEN || !input.bytes().all(is_visible_ascii) {
            return None;
        }
        if input.starts_with('/') {
            return is_safe_relative(input).then(|| Self(input.to_owned()));
        }
        let url = Url::parse(input).ok()?;
        let allowed = matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none()
            && allowed_origins.contains(&url.origin())
            && has_no_hidden_escape(&url[url::Position::BeforePath..]);
        allowed.then(|| Self(url.into()))
    }

    /// Parses `input` when present, falling back to `fallback` when it is absent or rejected.
    pub fn parse_or(
        input: Option<&str>,
        allowed_origins: &[Origin],
        fallback: &ReturnPath,
    ) -> Self {
        input
            .and_then(|i| Self::parse(i, allowed_origins))
            .unwrap_or_else(|| fallback.clone())
    }

    /// The destination.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_visible_ascii(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

fn is_safe_relative(path: &str) -> bool {
    // Reject what browsers treat as protocol-relative or as a scheme after normalization.
    if path.starts_with("//") || path.contains('\\') || !has_no_hidden_escape(path) {
        return false;
    }
    // Belt and braces: resolving the path against a base must keep the base's origin.
    let Ok(base) = Url::parse("https://origin.invalid/") else {
        return false;
    };
    // A path such as `/.//evil.example` stays on the origin, but normalizes to `//evil.example`,
    // which a later redirect could turn protocol-relative.
    base.join(path)
        .is_ok_and(|joined| joined.origin() == base.origin() && !joined.path().starts_with("//"))
}

/// Checks the decoded forms of a path, query and fragment for what the raw form must not
/// contain: control characters anywhere, and in the path a backslash, a leading `//` or an
/// embedded scheme.
fn has_no_hidden_escape(input: &str) -> bool {
    let split = input.find(['?', '#']).unwrap_or(input.len());
    let (path, rest) = input.split_at(split);
    decodes_cleanly(path, true) && decodes_cleanly(rest, false)
}

fn decodes_cleanly(part: &str, is_path: bool) -> bool {
    let mut current = part.to_owned();
    for _ in 0..DECODE_ROUNDS {
        let decoded = percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == current {
            return true;
        }
        if decoded.chars().any(char::is_control)
            || (is_path
                && (decoded.contains('\\') || decoded.starts_with("//") || decoded.contains("://")))
        {
            return false;
        }
        current = decoded;
    }
    // Still changing after three rounds: nobody legitimate nests encodings that deep.
    percent_decode_str(&current).decode_utf8_lossy() == current
}

impl fmt::Debug for ReturnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReturnPath").field(&self.0).finish()
    }
}

impl fmt::Display for ReturnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ReturnPath> for String {
    fn from(value: ReturnPath) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(s: &str) -> Origin {
        Url::parse(s).expect("url").origin()
    }

    #[test]
    fn relative_paths_with_query_survive() {
        for ok in [
            "/",
            "/repos",
            "/a/b?x=1&y=%20z",
            "/dash#frag",
            "/caf%C3%A9",
            "/x?u=https%3A%2F%2Fx.example",
        ] {
            assert_eq!(
                ReturnPath::parse(ok, &[]).map(|p| p.0),
                Some(ok.to_owned()),
                "{ok}"
            );
        }
    }

    #[test]
    fn paths_that_leave_the_site_are_rejected() {
        let bad = [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/a\\b",
            "https://evil.example/",
            "http:evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "evil.example",
            "/%2F%2Fevil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/ok%0d%0aSet-Cookie:x=1",
            "/ok%250d%250aSet-Cookie:x=1",
            "/ok\r\nSet-Cookie: x=1",
            "/ok\tx",
            "/ok x",
            "/%00",
            "/.//evil.example",
            "/..//evil.example",
            "/a/..//evil.example",
            "/x?a=%0d%0a",
            "",
        ];
        for b in bad {
            assert!(ReturnPath::parse(b, &[]).is_none(), "{b:?} was accepted");
        }
        assert!(ReturnPath::parse(&format!("/{}", "a".repeat(MAX_LEN)), &[]).is_none());
    }

    #[test]
    fn allow_listed_origins_pass_and_others_do_not() {
        let allowed = [origin("https://app.example.com")];
        assert!(ReturnPath::parse("https://app.example.com/welcome?x=1", &allowed).is_some());
        assert!(ReturnPath::parse("https://app.example.com/search?q=a%20b", &allowed).is_some());
        assert!(ReturnPath::parse("https://app.example.com:8443/", &allowed).is_none());
        assert!(ReturnPath::parse("http://app.example.com/", &allowed).is_none());
        assert!(ReturnPath::parse("https://user@app.example.com/", &allowed).is_none());
        assert!(ReturnPath::parse("https://evil.example/", &allowed).is_none());
    }

    #[test]
    fn parse_or_falls_back() {
        let fallback = ReturnPath::parse("/home", &[]).expect("valid");
        assert_eq!(ReturnPath::parse_or(Some("//x"), &[], &fallback), fallback);
        assert_eq!(ReturnPath::parse_or(None, &[], &fallback), fallback);
    }
}
