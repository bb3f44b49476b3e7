//! Response bodies in Bitbucket's wire formats: the REST error envelope, RFC 6749 token errors,
//! HTML pages and redirects.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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

/// An RFC 6749 section 5.2 error body with the given status.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        &OAuthError {
            error_description: description,
            error,
        },
    )
}

/// A minimal HTML page, as Bitbucket's browser-facing errors are.
pub(crate) fn html_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>{title} | Bitbucket (mock)</title></head>\n\
         <body>\n<h1>{title}</h1>\n<p>{message}</p>\n</body>\n</html>\n",
        title = escape_html(title),
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
        Err(_) => html_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Bad redirect",
            "The mock was asked to redirect to a location that is not a valid header value.",
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
    fn escape_html_escapes_markup_and_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
