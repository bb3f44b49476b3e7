//! Response bodies in the mocks' wire formats: Bitbucket's REST error envelope, RFC 6749 token
//! errors (JSON or form-encoded), generic API errors shaped by the spec, HTML pages and
//! redirects.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::state::Shared;
use crate::wire::Dialect;

/// The 401 body for a missing, unknown or malformed access token (fixture 8.7).
pub(crate) const TOKEN_INVALID: &str =
    "Token is invalid, expired, or not supported for this endpoint.";
/// The 401 body for an expired access token (fixture 8.7).
pub(crate) const TOKEN_EXPIRED: &str =
    "Access token expired. Use your refresh token to obtain a new access token.";
/// The 403 message for a token without the endpoint's scope (fixture 8.8).
pub(crate) const SCOPE_MISSING: &str =
    "Your credentials lack one or more required privilege scopes.";
/// The 429 message (fixture 8.9).
pub(crate) const RATE_LIMITED: &str = "Rate limit for this resource has been exceeded.";
/// The 404 message for paths the mock does not serve.
pub(crate) const NOT_FOUND: &str = "Resource not found";
/// The generic 401 message of an API endpoint.
pub(crate) const GENERIC_TOKEN_INVALID: &str = "The access token is invalid or expired.";
/// The generic 403 message of an API endpoint.
pub(crate) const GENERIC_SCOPE_MISSING: &str =
    "The access token lacks the scope this resource requires.";
/// The generic 429 message.
pub(crate) const GENERIC_RATE_LIMITED: &str = "Rate limit exceeded; retry later.";

/// A JSON response; serialization of the crate's own types cannot fail, but a failure would
/// still be answered (500) rather than panic.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    error: EnvelopeError<'a>,
}

#[derive(Serialize)]
struct EnvelopeError<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<ScopeDetail<'a>>,
}

#[derive(Serialize)]
struct ScopeDetail<'a> {
    granted: &'a [String],
    required: [&'a str; 1],
}

/// Bitbucket's REST error envelope `{"type": "error", "error": {"message": ...}}`.
pub(crate) fn envelope(status: StatusCode, message: &str) -> Response {
    let mut response = json(
        status,
        &Envelope {
            kind: "error",
            error: EnvelopeError {
                message,
                detail: None,
            },
        },
    );
    if status == StatusCode::TOO_MANY_REQUESTS {
        add_retry_after(&mut response);
    }
    response
}

/// The 403 envelope naming the scopes granted and the one required (fixture 8.8).
pub(crate) fn scope_missing(granted: &[String], required: &str) -> Response {
    json(
        StatusCode::FORBIDDEN,
        &Envelope {
            kind: "error",
            error: EnvelopeError {
                message: SCOPE_MISSING,
                detail: Some(ScopeDetail {
                    granted,
                    required: [required],
                }),
            },
        },
    )
}

/// Adds `Retry-After: 1`, which the mock sends with every 429.
pub(crate) fn add_retry_after(response: &mut Response) {
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
}

/// A token endpoint error in Bitbucket's key order: `error_description` first.
#[derive(Serialize)]
struct OAuthError<'a> {
    error_description: &'a str,
    error: &'a str,
}

/// An RFC 6749 section 5.2 error body with the given status, in Bitbucket's key order.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        &OAuthError {
            error_description: description,
            error,
        },
    )
}

/// A token endpoint error in the mock's format: Bitbucket's body, or for a spec a JSON body
/// (form-encoded when the spec's token responses are), sent with HTTP 200 instead of 400 when
/// the spec says its provider does that.
pub(crate) fn token_error(
    shared: &Shared,
    status: StatusCode,
    error: &str,
    description: &str,
) -> Response {
    if shared.wire.dialect == Dialect::Bitbucket {
        return oauth_error(status, error, description);
    }
    let quirks = &shared.wire.quirks;
    let status = if quirks.error_with_http_200 && status == StatusCode::BAD_REQUEST {
        StatusCode::OK
    } else {
        status
    };
    let mut body = Map::new();
    body.insert("error".to_owned(), Value::String(error.to_owned()));
    body.insert(
        "error_description".to_owned(),
        Value::String(description.to_owned()),
    );
    if quirks.form_encoded {
        form(status, &body)
    } else {
        json(status, &body)
    }
}

/// An `application/x-www-form-urlencoded` response with the members of `body` (non-string
/// values as their JSON text).
pub(crate) fn form(status: StatusCode, body: &Map<String, Value>) -> Response {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in body {
        match value {
            Value::String(text) => serializer.append_pair(key, text),
            other => serializer.append_pair(key, &other.to_string()),
        };
    }
    (
        status,
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        serializer.finish(),
    )
        .into_response()
}

/// An API error: Bitbucket's envelope, or for a spec the error fixture given for the status,
/// else `{...: message}` with the message at the spec's error pointer. A 401 carries a Bearer
/// challenge, a 429 `Retry-After: 1`.
pub(crate) fn api_error(shared: &Shared, status: StatusCode, message: &str) -> Response {
    if shared.wire.dialect == Dialect::Bitbucket {
        return envelope(status, message);
    }
    let fixture = shared.lock().fixtures.errors.get(&status.as_u16()).cloned();
    let mut response = match fixture {
        Some(body) => raw_json(status, body),
        None => json(status, &at_pointer(shared.wire.error_pointer, message)),
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        add_retry_after(&mut response);
    }
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

/// A JSON object holding `message` at `pointer` (`/error/message` gives
/// `{"error": {"message": ...}}`).
pub(crate) fn at_pointer(pointer: &str, message: &str) -> Value {
    let mut value = Value::String(message.to_owned());
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    if segments.is_empty() || segments.iter().any(String::is_empty) {
        let mut map = Map::new();
        map.insert("message".to_owned(), value);
        return Value::Object(map);
    }
    for segment in segments.into_iter().rev() {
        let mut map = Map::new();
        map.insert(segment, value);
        value = Value::Object(map);
    }
    value
}

/// A 200-class or error response whose JSON body is given as text, sent as it is.
pub(crate) fn raw_json(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// A minimal HTML page, as providers' browser-facing errors are, titled with the provider's
/// name.
pub(crate) fn html_page(
    shared: &Shared,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>{title} | {site} (mock)</title></head>\n\
         <body>\n<h1>{title}</h1>\n<p>{message}</p>\n</body>\n</html>\n",
        title = escape_html(title),
        site = escape_html(&shared.wire.title),
        message = escape_html(message),
    );
    html(status, page)
}

/// An HTML response with the given page.
pub(crate) fn html(status: StatusCode, page: String) -> Response {
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response()
}

/// A redirect to `location`; a location that is not a valid header value is answered 500.
pub(crate) fn redirect(status: StatusCode, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (status, [(LOCATION, value)]).into_response(),
        Err(_) => html(
            StatusCode::INTERNAL_SERVER_ERROR,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>Bad redirect (mock)</title></head>\n<body>\n<h1>Bad redirect</h1>\n\
             <p>The mock was asked to redirect to a location that is not a valid header \
             value.</p>\n</body>\n</html>\n"
                .to_owned(),
        ),
    }
}

/// The answer when the OS random source fails, which should never happen.
pub(crate) fn random_failed() -> Response {
    envelope(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The mock could not generate a random value.",
    )
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const PAD_CHUNK_LEN: usize = 16 * 1024;
static PAD_CHUNK: [u8; PAD_CHUNK_LEN] = [b'a'; PAD_CHUNK_LEN];

/// A 200 JSON response of exactly `len` bytes, `{"pad":"aaa…"}`, streamed in chunks from one
/// static buffer so that the server never holds it in memory. It is sent chunked, without a
/// `Content-Length`, so a client can only catch it by capping what it reads.
pub(crate) fn huge_body(len: usize) -> Response {
    const PREFIX: &[u8] = b"{\"pad\":\"";
    const SUFFIX: &[u8] = b"\"}";
    let (prefix, pad, suffix) = if len >= PREFIX.len() + SUFFIX.len() {
        (PREFIX, len - PREFIX.len() - SUFFIX.len(), SUFFIX)
    } else {
        (&b""[..], len, &b""[..])
    };
    let pad_chunks = (0..pad)
        .step_by(PAD_CHUNK_LEN)
        .map(move |start| Bytes::from_static(&PAD_CHUNK[..PAD_CHUNK_LEN.min(pad - start)]));
    let chunks = std::iter::once(Bytes::from_static(prefix))
        .chain(pad_chunks)
        .chain(std::iter::once(Bytes::from_static(suffix)))
        .filter(|chunk| !chunk.is_empty())
        .map(Ok::<Bytes, Infallible>);
    (
        StatusCode::OK,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_placed_at_the_spec_error_pointer() {
        assert_eq!(
            at_pointer("/error/message", "m"),
            serde_json::json!({"error": {"message": "m"}})
        );
        assert_eq!(
            at_pointer("/error_description", "m"),
            serde_json::json!({"error_description": "m"})
        );
        assert_eq!(at_pointer("", "m"), serde_json::json!({"message": "m"}));
        assert_eq!(at_pointer("/a~1b", "m"), serde_json::json!({"a/b": "m"}));
    }

    #[test]
    fn escape_html_escapes_markup_and_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
