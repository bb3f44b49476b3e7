//! Independent models the targets compare the code under test with.

use oauth_kit_core::Error;

/// Every decoded value of the query parameter `name`, in order (a leading `?` is ignored).
pub(crate) fn query_values(query: &str, name: &str) -> Vec<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// Characters that make up tokens and other secrets (RFC 6750 `b64token`, plus `%` and `:`).
pub(crate) fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.~+/=%:".contains(c)
}

/// Shortest run of token characters that an excerpt must hide.
pub(crate) const SECRET_RUN: usize = 16;

/// What `redacted_excerpt` promises, without its length limit: the trimmed body with every run
/// of 16 or more token characters replaced by `[redacted]` and control characters by spaces.
/// An excerpt must be a prefix of this.
pub(crate) fn fully_redacted(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    let mut run = String::new();
    for c in text.trim().chars() {
        if is_token_char(c) {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        out.push(if c.is_control() { ' ' } else { c });
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut String, out: &mut String) {
    if run.chars().count() >= SECRET_RUN {
        out.push_str("[redacted]");
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// Checks an excerpt of `body` against [`fully_redacted`]: at most 160 characters (plus an
/// ellipsis), and a prefix of the fully redacted body, so it never shows a piece of a long
/// token-like run.
pub(crate) fn check_excerpt(excerpt: Option<&str>, body: &[u8]) {
    let Some(excerpt) = excerpt else {
        assert!(
            String::from_utf8_lossy(body).trim().is_empty(),
            "no excerpt for a non-blank body"
        );
        return;
    };
    let shown = excerpt.strip_suffix('…').unwrap_or(excerpt);
    assert!(
        shown.chars().count() <= 160,
        "excerpt longer than 160 characters: {excerpt:?}"
    );
    let model = fully_redacted(body);
    assert!(
        model.starts_with(shown),
        "the excerpt shows what redaction hides:\n excerpt: {excerpt:?}\n redacted body: {model:?}"
    );
}

/// The excerpt an error carries, if its variant has one.
pub(crate) fn excerpt_of(error: &Error) -> Option<Option<&str>> {
    match error {
        Error::HttpStatus { excerpt, .. } | Error::InvalidResponse { excerpt, .. } => {
            Some(excerpt.as_deref())
        }
        _ => None,
    }
}

/// Checks that `Display` of an error is one line of text: no control character (it goes into
/// log lines and, as a code, into URLs).
pub(crate) fn check_display(error: &Error) {
    let shown = error.to_string();
    assert!(
        !shown.chars().any(char::is_control),
        "Display of an error contains a control character: {shown:?}"
    );
}
