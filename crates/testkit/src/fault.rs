//! Faults a test can inject into one endpoint, and how each is answered.

use std::time::Duration;

use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::respond;
use crate::state::Shared;
use crate::wire::Dialect;

/// An endpoint of a mock that faults can be set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// The authorization endpoint (`GET /site/oauth2/authorize` on Bitbucket).
    Authorize,
    /// The token endpoint (`POST /site/oauth2/access_token` on Bitbucket).
    Token,
    /// The user-info endpoint (`GET /2.0/user` on Bitbucket).
    User,
    /// The further endpoint named `emails` (`GET /2.0/user/emails` on Bitbucket); the same as
    /// `Extra("emails")`.
    Emails,
    /// A further endpoint of the spec, by its name in
    /// [`ProviderSpec::extra_endpoints`](oauth_kit_core::spec::ProviderSpec::extra_endpoints).
    Extra(&'static str),
}

impl Endpoint {
    /// The further endpoint named `name` (`Emails` for `emails`).
    pub fn extra(name: &'static str) -> Self {
        Self::Extra(name).normalized()
    }

    /// One key per endpoint: `Extra("emails")` is `Emails`.
    pub(crate) fn normalized(self) -> Self {
        match self {
            Self::Extra("emails") => Self::Emails,
            other => other,
        }
    }
}

/// A misbehaviour injected with [`MockBitbucket::set_fault`](crate::MockBitbucket::set_fault)
/// or [`MockProvider::set_fault`](crate::MockProvider::set_fault).
///
/// A fault stays on its endpoint until `clear_faults` or until another fault replaces it. It
/// takes effect after the endpoint's own checks (client id on authorize, client authentication
/// on token, bearer token, scope and required headers on the API), so a request those checks
/// reject is rejected as usual.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and the body the provider would send with it.
    ///
    /// On [`MockBitbucket`](crate::MockBitbucket), Bitbucket's bodies:
    ///
    /// - on [`Endpoint::User`] and [`Endpoint::Emails`], the REST error envelope; 401 says
    ///   "Access token expired. Use your refresh token to obtain a new access token.", 403 is
    ///   the missing-scope body naming the endpoint's scope, 429 the rate-limit body;
    /// - on [`Endpoint::Token`], an RFC 6749 error (`invalid_request` for 400, `invalid_client`
    ///   for 401, `unauthorized_client` for 403, `temporarily_unavailable` for 503,
    ///   `server_error` for other 5xx), except 429, which is the rate-limit envelope;
    /// - on [`Endpoint::Authorize`], an HTML page.
    ///
    /// On a [`MockProvider`](crate::MockProvider), the API endpoints answer the error fixture
    /// given for the status ([`MockProviderConfig::error`](crate::MockProviderConfig::error)),
    /// else a JSON body with a message at the spec's first `error_message` pointer; the token
    /// endpoint answers the RFC 6749 errors above (429 as `temporarily_unavailable`), in the
    /// spec's token-response format.
    ///
    /// Every 429 carries `Retry-After: 1`. A code outside 100..=999 is answered 500.
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer 200 with `Content-Type: application/json` and a truncated JSON document (on a
    /// [`MockProvider`](crate::MockProvider)'s API, the first half of the endpoint's fixture).
    MalformedJson,
    /// Answer with an HTML page and this status, as a proxy or login wall would.
    Html(u16),
    /// Answer 200 with a JSON body of this many bytes, streamed without `Content-Length`.
    HugeBody(usize),
    /// Answer `302 Found` with this `Location`.
    Redirect(String),
    /// Answer HTTP 200 with an OAuth error body, `{"error": "invalid_grant", ...}`.
    OAuthErrorWith200,
    /// On [`MockBitbucket`](crate::MockBitbucket)'s [`Endpoint::Emails`]: every page has a
    /// `next` link and no entry is primary. Elsewhere it has no effect.
    EndlessPages,
    /// On [`MockBitbucket`](crate::MockBitbucket)'s [`Endpoint::User`]: leave out the
    /// `username` field. Elsewhere it has no effect.
    NoUsername,
}

/// Answers the request according to `fault`, or returns `None` when the endpoint should go on
/// answering normally (no fault, after a delay, or a fault the endpoint handles itself).
pub(crate) async fn respond(
    shared: &Shared,
    endpoint: Endpoint,
    fault: Option<&Fault>,
) -> Option<Response> {
    match fault? {
        Fault::Delay(duration) => {
            tokio::time::sleep(*duration).await;
            None
        }
        Fault::Status(code) => Some(status(shared, endpoint, *code)),
        Fault::MalformedJson => Some(malformed_json(shared, endpoint)),
        Fault::Html(code) => Some(respond::html_page(
            shared,
            status_code(*code),
            "Something went wrong",
            &format!(
                "This page is a fault injected by the {} mock.",
                shared.wire.title
            ),
        )),
        Fault::HugeBody(len) => Some(respond::huge_body(*len)),
        Fault::Redirect(location) => Some(respond::redirect(StatusCode::FOUND, location)),
        Fault::OAuthErrorWith200 => Some(respond::token_error(
            shared,
            StatusCode::OK,
            "invalid_grant",
            "The specified code is not valid.",
        )),
        Fault::EndlessPages | Fault::NoUsername => None,
    }
}

fn status_code(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn status(shared: &Shared, endpoint: Endpoint, code: u16) -> Response {
    let status = status_code(code);
    let reason = status.canonical_reason().unwrap_or("Error");
    match (endpoint, shared.wire.dialect) {
        (Endpoint::Authorize, _) => {
            let mut response = respond::html_page(
                shared,
                status,
                reason,
                &format!(
                    "This page is a fault injected by the {} mock.",
                    shared.wire.title
                ),
            );
            if status == StatusCode::TOO_MANY_REQUESTS {
                respond::add_retry_after(&mut response);
            }
            response
        }
        (Endpoint::Token, _) => token_status(shared, status),
        (_, Dialect::Bitbucket) => match status {
            StatusCode::UNAUTHORIZED => respond::envelope(status, respond::TOKEN_EXPIRED),
            StatusCode::FORBIDDEN => {
                // The token's scopes as they would be if it lacked the endpoint's scope.
                let (granted, required) = if endpoint == Endpoint::User {
                    ("email", "account")
                } else {
                    ("account", "email")
                };
                respond::scope_missing(&[granted.to_owned()], required)
            }
            StatusCode::TOO_MANY_REQUESTS => respond::envelope(status, respond::RATE_LIMITED),
            _ => respond::envelope(status, reason),
        },
        (_, Dialect::Spec) => {
            let message = match status {
                StatusCode::UNAUTHORIZED => respond::GENERIC_TOKEN_INVALID,
                StatusCode::FORBIDDEN => respond::GENERIC_SCOPE_MISSING,
                StatusCode::TOO_MANY_REQUESTS => respond::GENERIC_RATE_LIMITED,
                _ => reason,
            };
            respond::api_error(shared, status, message)
        }
    }
}

fn token_status(shared: &Shared, status: StatusCode) -> Response {
    let bitbucket = shared.wire.dialect == Dialect::Bitbucket;
    let (error, description) = match status {
        StatusCode::TOO_MANY_REQUESTS if bitbucket => {
            return respond::envelope(status, respond::RATE_LIMITED);
        }
        StatusCode::TOO_MANY_REQUESTS => {
            let mut response = respond::token_error(
                shared,
                status,
                "temporarily_unavailable",
                "Too many requests; retry later",
            );
            respond::add_retry_after(&mut response);
            return response;
        }
        StatusCode::UNAUTHORIZED => {
            let mut response = respond::token_error(
                shared,
                status,
                "invalid_client",
                "Client authentication failed",
            );
            let realm = format!(
                "Basic realm=\"{}\"",
                if bitbucket {
                    "Bitbucket.org HTTP"
                } else {
                    "mock"
                }
            );
            if let Ok(value) = HeaderValue::from_str(&realm) {
                response.headers_mut().insert(WWW_AUTHENTICATE, value);
            }
            return response;
        }
        StatusCode::FORBIDDEN => (
            "unauthorized_client",
            "The client is not authorized to use this grant type",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "temporarily_unavailable",
            "The service is temporarily unavailable",
        ),
        s if s.is_server_error() => ("server_error", "The server encountered an error"),
        _ => ("invalid_request", "The request is invalid"),
    };
    respond::token_error(shared, status, error, description)
}

fn malformed_json(shared: &Shared, endpoint: Endpoint) -> Response {
    let body = match (shared.wire.dialect, endpoint) {
        (_, Endpoint::Token) => r#"{"access_token": "Jk8yN3Rd0fQx2LmPz9Ws4Vb"#.to_owned(),
        (_, Endpoint::Authorize) => r#"{"error": "#.to_owned(),
        (Dialect::Bitbucket, Endpoint::User) => {
            r#"{"display_name": "Mira Okonkwo-Lind", "links": {"self": "#.to_owned()
        }
        (Dialect::Bitbucket, _) => {
            r#"{"pagelen": 2, "size": 3, "page": 1, "values": [{"is_primary": "#.to_owned()
        }
        (Dialect::Spec, endpoint) => {
            let state = shared.lock();
            let fixture = match endpoint {
                Endpoint::Emails => state.fixtures.endpoints.get("emails"),
                Endpoint::Extra(name) => state.fixtures.endpoints.get(name),
                _ => Some(&state.fixtures.user),
            };
            truncated(fixture.map(String::as_str).unwrap_or("{}"))
        }
    };
    (
        StatusCode::OK,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

/// The first half of a JSON document (at least its first character), which never parses: a
/// document cut before its end leaves a value or a bracket open.
fn truncated(json: &str) -> String {
    let json = json.trim();
    let mut end = (json.len() / 2).max(1).min(json.len());
    while !json.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &json[..end];
    if cut.is_empty() || serde_json::from_str::<serde_json::Value>(cut).is_ok() {
        // A fixture that is not a JSON object (or is one character long) still gets a body
        // that does not parse.
        return format!("{cut}{{\"");
    }
    cut.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_fixtures_never_parse() {
        for json in [
            r#"{"id": 1, "name": "x"}"#,
            "{}",
            "1234",
            "[]",
            "",
            r#"{"é": "ü"}"#,
        ] {
            let cut = truncated(json);
            assert!(
                serde_json::from_str::<serde_json::Value>(&cut).is_err(),
                "{json} -> {cut}"
            );
        }
    }

    #[test]
    fn emails_is_the_extra_endpoint_named_emails() {
        assert_eq!(Endpoint::extra("emails"), Endpoint::Emails);
        assert_eq!(Endpoint::Extra("emails").normalized(), Endpoint::Emails);
        assert_eq!(Endpoint::extra("teams"), Endpoint::Extra("teams"));
    }
}
