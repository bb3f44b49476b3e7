//! The one place where text that a provider controls is made safe for log lines and error
//! messages.
//!
//! A provider (or someone who can make a browser call the callback) chooses the OAuth `error`
//! codes and descriptions, user ids, names and error envelopes. Written raw into a log line, a
//! `\n` in such a value forges a second line; an endless value floods the log. Every such value
//! that reaches a `tracing` event or an error's `Display` goes through this module: control
//! characters (and the Unicode line separators and bidirectional overrides that viewers render
//! as line breaks or reorder) are escaped as `\n`, `\u{1b}` and so on, and the length is
//! capped, with `…` marking a cut.

use std::fmt;

/// The longest provider-controlled text kept in a log line or an error message, in characters.
pub const MAX_PROVIDER_TEXT: usize = 200;

/// The longest OAuth `error` code kept from an authorization response.
const MAX_ERROR_CODE: usize = 64;

/// Whether `c` must be escaped: a control character, or a character that text viewers render
/// as a line break or use to reorder text.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

/// Writes `text` with control characters escaped, cut so that at most `max_chars` characters
/// are written (escapes included), followed by `…` when it was cut.
fn write_safe(f: &mut impl fmt::Write, text: &str, max_chars: usize) -> fmt::Result {
    let mut written = 0;
    for c in text.chars() {
        let escaped = needs_escape(c).then(|| c.escape_default());
        let len = escaped.clone().map_or(1, Iterator::count);
        if written + len > max_chars {
            return f.write_char('…');
        }
        written += len;
        match escaped {
            Some(escape) => write!(f, "{escape}")?,
            None => f.write_char(c)?,
        }
    }
    Ok(())
}

/// Provider-controlled `text` made safe for a log line or an error message: control
/// characters escaped, at most `max_chars` characters written (then `…` if it was cut).
///
/// ```
/// use oauth_kit_core::sanitize::provider_text;
/// assert_eq!(provider_text("invalid_grant\nFORGED line", 200), "invalid_grant\\nFORGED line");
/// assert_eq!(provider_text("abcdef", 3), "abc…");
/// ```
pub fn provider_text(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars + 8));
    // Writing into a `String` cannot fail.
    let _ = write_safe(&mut out, text, max_chars);
    out
}

/// Provider-controlled text as a `Display` value that escapes and caps it (at
/// [`MAX_PROVIDER_TEXT`]) while it is written, for `tracing` fields and `format!`.
///
/// ```
/// use oauth_kit_core::sanitize::LogSafe;
/// assert_eq!(LogSafe("a\r\nb").to_string(), "a\\r\\nb");
/// // In a tracing event: `tracing::info!(oauth_id = %LogSafe(&user.oauth_id), "...")`.
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LogSafe<'a>(pub &'a str);

impl fmt::Display for LogSafe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_safe(f, self.0, MAX_PROVIDER_TEXT)
    }
}

/// The `error` code of an authorization response, kept only when it is made of RFC 6749's
/// character set (section 4.1.2.1: %x20-21 / %x23-5B / %x5D-7E) and at most 64 characters;
/// anything else becomes `invalid_error`. Stricter than [`provider_text`], because anyone can
/// put a value there by sending a browser to the callback.
///
/// ```
/// use oauth_kit_core::sanitize::authorization_error_code;
/// assert_eq!(authorization_error_code("access_denied"), "access_denied");
/// assert_eq!(authorization_error_code("x\nforged"), "invalid_error");
/// ```
pub fn authorization_error_code(value: &str) -> String {
    let plain = value.len() <= MAX_ERROR_CODE
        && value
            .bytes()
            .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E));
    if plain {
        value.to_owned()
    } else {
        "invalid_error".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_line_separators_are_escaped() {
        let forged = "id\n2026-01-01T00:00:00Z  INFO login completed oauth_id=admin";
        let safe = provider_text(forged, MAX_PROVIDER_TEXT);
        assert!(!safe.contains('\n'), "{safe}");
        assert!(safe.starts_with("id\\n2026"), "{safe}");
        for c in [
            '\r', '\u{1b}', '\u{0}', '\u{85}', '\u{2028}', '\u{2029}', '\u{202e}',
        ] {
            let safe = provider_text(&format!("a{c}b"), 10);
            assert!(!safe.contains(c), "{c:?} kept in {safe:?}");
            assert!(safe.contains("\\"), "{c:?} not escaped in {safe:?}");
        }
    }

    #[test]
    fn length_is_capped_with_a_mark() {
        let long = "é".repeat(1000);
        let safe = provider_text(&long, MAX_PROVIDER_TEXT);
        assert_eq!(safe.chars().count(), MAX_PROVIDER_TEXT + 1);
        assert!(safe.ends_with('…'));
        assert_eq!(provider_text("short", 10), "short");
        assert_eq!(LogSafe(&long).to_string(), safe);
    }

    #[test]
    fn authorization_error_codes_outside_the_rfc_set_are_replaced() {
        assert_eq!(authorization_error_code("access_denied"), "access_denied");
        assert_eq!(authorization_error_code("a\"b"), "invalid_error");
        assert_eq!(authorization_error_code(&"a".repeat(65)), "invalid_error");
        assert_eq!(authorization_error_code("é"), "invalid_error");
    }
}
