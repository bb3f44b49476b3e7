//! Faults a test can inject into one endpoint, and how each is answered.

use std::time::Duration;

use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::respond;

/// An endpoint of the mock that faults can be set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /site/oauth2/authorize`.
    Authorize,
    /// `POST /site/oauth2/access_token`.
    Token,
    /// `GET /2.0/user`.
    User,
    /// `GET /2.0/user/emails`.
    Emails,
}

/// A misbehaviour injected with [`MockBitbucket::set_fault`](crate::MockBitbucket::set_fault).
///
/// A fault stays on its endpoint until [`clear_faults`](crate::MockBitbucket::clear_faults)
/// or until another fault replaces it. It takes effect after the endpoint's own checks (client
/// id on authorize, client authentication on token, bearer token and scope on the API), so a
/// request those checks reject is rejected as usual.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and the body Bitbucket would send with it:
    ///
    /// - on [`Endpoint::User`] and [`Endpoint::Emails`], the REST error envelope; 401 says
    ///   "Access token expired. Use your refresh token to obtain a new access token.", 403 is
    ///   the missing-scope body naming the endpoint's scope, 429 the rate-limit body;
    /// - on [`Endpoint::Token`], an RFC 6749 error (`invalid_request` for 400, `invalid_client`
    ///   for 401, `unauthorized_client` for 403, `temporarily_unavailable` for 503,
    ///   `server_error` for other 5xx), except 429, which is the rate-limit envelope;
    /// - on [`Endpoint::Authorize`], an HTML page.
    ///
    /// Every 429 carries `Retry-After: 1`. A code outside 100..=999 is answered 500.
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer 200 with `Content-Type: application/json` and a truncated JSON document.
    MalformedJson,
    /// Answer with an HTML page and this status, as a proxy or login wall would.
    Html(u16),
    /// Answer 200 with a JSON body of this many bytes, streamed without `Content-Length`.
    HugeBody(usize),
    /// Answer `302 Found` with this `Location`.
    Redirect(String),
    /// Answer HTTP 200 with an OAuth error body, `{"error": "invalid_grant", ...}`.
    OAuthErrorWith200,
    /// On [`Endpoint::Emails`]: every page has a `next` link and no entry is primary.
    /// Elsewhere it has no effect.
    EndlessPages,
    /// On [`Endpoint::User`]: leave out the `username` field. Elsewhere it has no effect.
    NoUsername,
}

/// Answers the request according to `fault`, or returns `None` when the endpoint should go on
/// answering normally (no fault, after a delay, or a fault the endpoint handles itself).
pub(crate) async fn respond(endpoint: Endpoint, fault: Option<&Fault>) -> Option<Response> {
    match fault? {
        Fault::Delay(duration) => {
            tokio::time::sleep(*duration).await;
            None
        }
        Fault::Status(code) => Some(status(endpoint, *code)),
        Fault::MalformedJson => Some(malformed_json(endpoint)),
        Fault::Html(code) => Some(respond::html_page(
            status_code(*code),
            "Something went wrong",
            "This page is a fault injected by the Bitbucket mock.",
        )),
        Fault::HugeBody(len) => Some(respond::huge_body(*len)),
        Fault::Redirect(location) => Some(respond::redirect(StatusCode::FOUND, location)),
        Fault::OAuthErrorWith200 => Some(respond::oauth_error(
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

fn status(endpoint: Endpoint, code: u16) -> Response {
    let status = status_code(code);
    let reason = status.canonical_reason().unwrap_or("Error");
    match endpoint {
        Endpoint::Authorize => {
            let mut response = respond::html_page(
                status,
                reason,
                "This page is a fault injected by the Bitbucket mock.",
            );
            if status == StatusCode::TOO_MANY_REQUESTS {
                respond::add_retry_after(&mut response);
            }
            response
        }
        Endpoint::Token => token_status(status),
        Endpoint::User | Endpoint::Emails => match status {
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
    }
}

fn token_status(status: StatusCode) -> Response {
    let (error, description) = match status {
        StatusCode::TOO_MANY_REQUESTS => {
            return respond::envelope(status, respond::RATE_LIMITED);
        }
        StatusCode::UNAUTHORIZED => {
            let mut response =
                respond::oauth_error(status, "invalid_client", "Client authentication failed");
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Bitbucket.org HTTP\""),
            );
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
    respond::oauth_error(status, error, description)
}

fn malformed_json(endpoint: Endpoint) -> Response {
    let body = match endpoint {
        Endpoint::Token => r#"{"access_token": "Jk8yN3Rd0fQx2LmPz9Ws4Vb"#,
        Endpoint::User => r#"{"display_name": "Mira Okonkwo-Lind", "links": {"self": "#,
        Endpoint::Emails => r#"{"pagelen": 2, "size": 3, "page": 1, "values": [{"is_primary": "#,
        Endpoint::Authorize => r#"{"error": "#,
    };
    (
        StatusCode::OK,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}
