//! Target `token_response`: [`parse_token_response`] under every [`TokenQuirks`] combination.
//!
//! Input: three bytes that choose the quirks (each bit one switch), the HTTP status and the
//! `Content-Type`, then the body. Checked: no panic; a token comes only from a 2xx status and
//! has a non-empty access token, a Bearer type, clean scopes and an expiry consistent with
//! `expires_in`; each quirk that is off is really off; an error keeps the status, has a
//! one-line `Display`, and its body excerpt is a prefix of the fully redacted body, so it never
//! shows a piece of a token.

use oauth_kit_core::{Error, ProviderContext, Stage, TokenQuirks, parse_token_response};
use serde_json::Value;

use super::prefixed;
use crate::oracle::{self, SECRET_RUN, is_token_char};
use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "token_response",
    summary: "parse_token_response under every TokenQuirks combination: typed result, no secret in errors",
    run,
    seeds,
    dictionary: &[
        "\"access_token\"",
        "\"token_type\"",
        "\"bearer\"",
        "\"Bearer\"",
        "\"expires_in\"",
        "\"refresh_token\"",
        "\"id_token\"",
        "\"scope\"",
        "\"scopes\"",
        "\"error\"",
        "\"error_description\"",
        "\"error_uri\"",
        "null",
        "true",
        "18446744073709551615",
        "-1",
        "1e3",
        "\"3600\"",
        ":",
        ",",
        "{",
        "}",
        "[",
        "]",
        "\\u0000",
        "\\n",
        "AAAAAAAAAAAAAAAAAAAAAAAA",
        "access_token=",
        "&token_type=bearer",
        "&expires_in=",
        "&scope=",
        "error=",
    ],
};

const STATUSES: &[u16] = &[
    200, 201, 204, 299, 300, 302, 400, 401, 403, 404, 429, 500, 503,
];
const CONTENT_TYPES: &[Option<&str>] = &[
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    None,
    Some("text/html; charset=utf-8"),
    Some("application/x-www-form-urlencoded"),
    Some("text/plain"),
];
const SCOPE_FIELDS: &[&str] = &["scope", "scopes"];
const SEPARATORS: &[char] = &[' ', ',', '+', ';'];

fn quirks(bits: u8) -> TokenQuirks {
    TokenQuirks::STRICT
        .scope_field(SCOPE_FIELDS[usize::from(bits & 1)])
        .scope_separator(SEPARATORS[usize::from((bits >> 1) & 3)])
        .expires_in_as_string(bits & 0x08 != 0)
        .token_type_optional(bits & 0x10 != 0)
        .error_with_http_200(bits & 0x20 != 0)
        .form_encoded(bits & 0x40 != 0)
}

fn run(data: &[u8]) -> Outcome {
    let [bits, status_byte, content_byte, body @ ..] = data else {
        return Outcome::Rejected;
    };
    let quirks = quirks(*bits);
    let status = STATUSES
        .get(usize::from(*status_byte))
        .copied()
        .unwrap_or_else(|| u16::from(*status_byte) * 3);
    let content_type = CONTENT_TYPES[usize::from(*content_byte) % CONTENT_TYPES.len()];
    let context = ProviderContext::new("fuzz", Stage::Token);
    let result = parse_token_response(&context, status, content_type, body, &quirks);
    let form = quirks.form_encoded
        && content_type.is_some_and(|ct| ct.contains("application/x-www-form-urlencoded"));
    let json: Option<serde_json::Map<String, Value>> = if form {
        Some(form_fields(body))
    } else {
        match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    };
    match result {
        Ok(token) => {
            assert!((200..300).contains(&status), "a token from HTTP {status}");
            let map = json.expect("a token comes from a JSON object or, with the quirk, a form");
            assert!(
                !token.access_token.secret().is_empty(),
                "an empty access token was accepted"
            );
            assert!(
                token.token_type.eq_ignore_ascii_case("bearer"),
                "token type {:?} was accepted",
                token.token_type
            );
            if !quirks.token_type_optional {
                assert!(
                    map.contains_key("token_type"),
                    "`token_type` missing but accepted"
                );
            }
            if !quirks.expires_in_as_string {
                assert!(
                    !map.get("expires_in").is_some_and(Value::is_string),
                    "`expires_in` as a string accepted without the quirk"
                );
            }
            assert!(
                token.expires_at.is_none() || token.expires_in.is_some(),
                "an expiry time without a lifetime"
            );
            for scope in &token.scopes {
                assert!(
                    !scope.is_empty()
                        && !scope.contains(quirks.scope_separator)
                        && scope.trim() == scope,
                    "scope {scope:?} is not a clean scope name"
                );
            }
            assert_eq!(
                token.raw,
                Value::Object(map),
                "the raw response is not the body"
            );
            Outcome::Accepted
        }
        Err(error) => {
            check_error(&error, status, body, json.as_ref());
            Outcome::Rejected
        }
    }
}

/// A form-encoded body as the parser reads it: the first value of each name, `expires_in` as a
/// number when it is one.
fn form_fields(body: &[u8]) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if map.contains_key(name.as_ref()) {
            continue;
        }
        let value = match (name.as_ref(), value.parse::<u64>()) {
            ("expires_in", Ok(secs)) => Value::from(secs),
            _ => Value::String(value.into_owned()),
        };
        map.insert(name.into_owned(), value);
    }
    map
}

fn check_error(
    error: &Error,
    status: u16,
    body: &[u8],
    json: Option<&serde_json::Map<String, Value>>,
) {
    oracle::check_display(error);
    match error {
        Error::OAuth { status: s, .. }
        | Error::HttpStatus { status: s, .. }
        | Error::InvalidResponse { status: s, .. } => {
            assert_eq!(*s, status, "the error lost the HTTP status");
        }
        other => panic!("unexpected error variant {other:?}"),
    }
    let Some(excerpt) = oracle::excerpt_of(error) else {
        return;
    };
    oracle::check_excerpt(excerpt, body);
    // The same promise, stated on the secrets themselves: no token-like value of 16 characters
    // or more shows up in `Display` or `Debug`.
    let shown = format!("{error} {error:?}");
    for name in ["access_token", "refresh_token", "id_token"] {
        let Some(secret) = json.and_then(|m| m.get(name)).and_then(Value::as_str) else {
            continue;
        };
        if secret.chars().count() >= SECRET_RUN && secret.chars().all(is_token_char) {
            assert!(
                !shown.contains(secret),
                "the error shows the {name}: {shown}"
            );
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = crate::provider_fixtures()
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect();
    bodies.extend(
        [
            r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"}"#,
            r#"{"access_token":"at","token_type":"bearer","expires_in":"7200"}"#,
            r#"{"access_token":"at"}"#,
            r#"{"access_token":"at","token_type":"mac"}"#,
            r#"{"access_token":"","token_type":"bearer"}"#,
            r#"{"access_token":"at","token_type":"bearer","scopes":"email,account"}"#,
            r#"{"error":"bad_verification_code","error_description":"The code is wrong"}"#,
            r#"{"error":"invalid_grant"}"#,
            r#"{"access_token":"at","token_type":"bearer","expires_in":-1}"#,
            r#"{"access_token":"at","token_type":"bearer","expires_in":18446744073709551615}"#,
            r#"{"access_token":"at","token_type":"bearer","id_token":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}"#,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "access_token=at&token_type=bearer&scope=repo%2Cuser",
            "access_token=at&token_type=bearer&expires_in=28800&access_token=other",
            "error=bad_verification_code&error_description=The+code+is+wrong",
            "",
            "[]",
        ]
        .iter()
        .map(|b| b.as_bytes().to_vec()),
    );
    let mut seeds = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        // Spread the seeds over quirk combinations, statuses and content types.
        let bits = (i as u8).wrapping_mul(37);
        let status = (i % STATUSES.len()) as u8;
        seeds.push(prefixed(&[bits, 0, 0], body));
        seeds.push(prefixed(&[bits ^ 0x7f, status, (i % 6) as u8], body));
        // Form-encoded with the quirk on.
        seeds.push(prefixed(&[0x40 | (bits & 0x3f), 0, 4], body));
    }
    seeds
}
