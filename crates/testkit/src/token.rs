//! `POST /site/oauth2/access_token`: the authorization code and refresh token grants.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::fault::{self, Endpoint};
use crate::respond;
use crate::state::{Shared, TokenGrant, random_alphanumeric, random_url_safe};

/// Seconds an access token is said to live, as Bitbucket says.
const EXPIRES_IN: u64 = 7200;

/// A successful token response, in the key order of fixture 8.1.
#[derive(Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    scopes: String,
    expires_in: u64,
    refresh_token: &'a str,
    token_type: &'static str,
    state: &'static str,
}

fn invalid_code() -> Response {
    respond::oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "The specified code is not valid.",
    )
}

fn unsupported_grant(grant_type: Option<&str>) -> Response {
    respond::oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &format!("Unsupported grant type: {}", grant_type.unwrap_or("None")),
    )
}

/// Whether the body was sent as `application/x-www-form-urlencoded`.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Decodes one half of RFC 6749 section 2.3.1 Basic credentials (form-urlencoded).
fn form_decode(part: &str) -> Option<String> {
    let plus_as_space = part.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The client id and secret from `Authorization: Basic`, if it is well formed.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// `POST /site/oauth2/access_token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    tracing::debug!("mock bitbucket: POST /site/oauth2/access_token");
    shared.count(|c| c.token += 1);
    if !is_form(&headers) {
        shared.count(|c| c.last_token_form.clear());
        return unsupported_grant(None);
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let grant_type = field("grant_type");
    shared.count(|c| {
        c.last_token_form = form.iter().map(|(k, _)| k.clone()).collect();
        match grant_type {
            Some("authorization_code") => c.token_authorization_code += 1,
            Some("refresh_token") => c.token_refresh += 1,
            _ => {}
        }
    });

    let authenticated = basic_credentials(&headers)
        .is_some_and(|(id, secret)| id == shared.client_id && secret == shared.client_secret);
    if !authenticated {
        return respond::oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "Requests must be authenticated using OAuth client credentials",
        );
    }

    let fault = shared.fault(Endpoint::Token);
    if let Some(response) = fault::respond(Endpoint::Token, fault.as_ref()).await {
        return response;
    }

    match grant_type {
        Some("authorization_code") => {
            // Removing the code under the lock makes it single use even under concurrency.
            let Some(grant) = shared
                .lock()
                .codes
                .remove(field("code").unwrap_or_default())
            else {
                return invalid_code();
            };
            if field("redirect_uri").is_some_and(|sent| sent != grant.redirect_uri) {
                return invalid_code();
            }
            let Ok(refresh_token) = random_alphanumeric(18) else {
                return respond::random_failed();
            };
            let scopes = shared.lock().scopes.clone();
            let grant = TokenGrant {
                user: grant.user,
                scopes,
                expired: false,
            };
            shared
                .lock()
                .refresh_tokens
                .insert(refresh_token.clone(), grant.clone());
            issue(&shared, grant, &refresh_token, "authorization_code")
        }
        Some("refresh_token") => {
            let refresh_token = field("refresh_token").unwrap_or_default();
            let Some(grant) = shared.lock().refresh_tokens.get(refresh_token).cloned() else {
                return respond::oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Invalid refresh_token",
                );
            };
            // Bitbucket does not rotate refresh tokens: the same one comes back.
            issue(&shared, grant, refresh_token, "refresh_token")
        }
        other => unsupported_grant(other),
    }
}

/// Issues a new access token for `grant` and answers with the token response.
fn issue(shared: &Shared, grant: TokenGrant, refresh_token: &str, state: &'static str) -> Response {
    let Ok(access_token) = random_url_safe(100) else {
        return respond::random_failed();
    };
    let scopes = grant.scopes.join(" ");
    shared
        .lock()
        .access_tokens
        .insert(access_token.clone(), grant);
    respond::json(
        StatusCode::OK,
        &TokenResponse {
            access_token: &access_token,
            scopes,
            expires_in: EXPIRES_IN,
            refresh_token,
            token_type: "bearer",
            state,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(value).expect("test header is valid"),
        );
        headers
    }

    #[test]
    fn basic_credentials_decode_the_reference_header() {
        let headers = with_authorization("Basic YmJDbGllbnRLZXkxMjM6YmJDbGllbnRTZWNyZXQ0NTY=");
        assert_eq!(
            basic_credentials(&headers),
            Some(("bbClientKey123".to_owned(), "bbClientSecret456".to_owned()))
        );
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let encoded = STANDARD.encode("id%3Awith+colon:s%26cret%2B");
        let headers = with_authorization(&format!("basic {encoded}"));
        assert_eq!(
            basic_credentials(&headers),
            Some(("id:with colon".to_owned(), "s&cret+".to_owned()))
        );
    }

    #[test]
    fn bearer_is_not_basic() {
        assert_eq!(basic_credentials(&with_authorization("Bearer abc")), None);
    }
}
