//! A [`MockProvider`](crate::MockProvider)'s API: the user-info endpoint and the spec's further
//! endpoints, answered with the fixtures the test gave, behind the same bearer-token check as
//! Bitbucket's API and the spec's required headers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::fault::{self, Endpoint};
use crate::respond;
use crate::state::{BearerRejection, Shared};

/// The message of a 401 for a token expired with `expire_access_tokens`.
const TOKEN_EXPIRED: &str = "The access token expired; refresh it or log in again.";

/// Checks the bearer token and the spec's user-info headers.
fn check(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    check_grant(shared, headers, shared.bearer_grant(headers))
}

/// Checks a token's grant and the spec's user-info headers.
fn check_grant(
    shared: &Shared,
    headers: &HeaderMap,
    grant: Result<crate::state::TokenGrant, BearerRejection>,
) -> Result<(), Response> {
    match grant {
        Ok(_) => {}
        Err(BearerRejection::Invalid) => {
            return Err(respond::api_error(
                shared,
                StatusCode::UNAUTHORIZED,
                respond::GENERIC_TOKEN_INVALID,
            ));
        }
        Err(BearerRejection::Expired) => {
            return Err(respond::api_error(
                shared,
                StatusCode::UNAUTHORIZED,
                TOKEN_EXPIRED,
            ));
        }
    }
    for (name, expected) in &shared.wire.user_headers {
        let sent = headers.get(*name).and_then(|v| v.to_str().ok());
        if sent != Some(expected.as_str()) {
            return Err(respond::api_error(
                shared,
                StatusCode::BAD_REQUEST,
                &format!("The {name} header is missing or wrong."),
            ));
        }
    }
    Ok(())
}

/// The user-info endpoint (GET, or POST when the spec says so): the user fixture.
pub(crate) async fn user(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: user-info endpoint");
    shared.count(|c| c.user += 1);
    shared.note_query_token(query.0.as_deref());
    if let Err(response) = check(&shared, &headers) {
        return response;
    }
    serve_user(&shared).await
}

/// The user-info endpoint of a spec that sends the access token in a form body (VK ID's
/// `access_token` and client id): the user fixture.
pub(crate) async fn user_form(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: user-info endpoint (form)");
    shared.count(|c| c.user += 1);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if field(shared.client_id_param()) != Some(shared.client_id.as_str()) {
        return respond::api_error(
            &shared,
            StatusCode::BAD_REQUEST,
            "The client id is missing or wrong.",
        );
    }
    let grant = shared.token_grant(field("access_token"));
    if let Err(response) = check_grant(&shared, &headers, grant) {
        return response;
    }
    serve_user(&shared).await
}

/// The user-info endpoint of a spec that puts the access token in the URL's path (HubSpot's
/// `/oauth/v1/access-tokens/{token}`): the user fixture.
pub(crate) async fn user_in_path(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: user-info endpoint (token in path)");
    shared.count(|c| c.user += 1);
    let grant = shared.token_grant(Some(&token));
    if let Err(response) = check_grant(&shared, &headers, grant) {
        return response;
    }
    serve_user(&shared).await
}

/// The user fixture, or the fault set for the user endpoint.
async fn serve_user(shared: &Shared) -> Response {
    let fault = shared.fault(Endpoint::User);
    if let Some(response) = fault::respond(shared, Endpoint::User, fault.as_ref()).await {
        return response;
    }
    let body = shared.lock().fixtures.user.clone();
    with_headers(shared, "user", respond::raw_json(StatusCode::OK, body))
}

/// A further endpoint of the spec, by name: its fixture, or a 404 when the test gave none.
pub(crate) async fn extra(
    shared: Arc<Shared>,
    name: &'static str,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, endpoint = name, "mock: further endpoint");
    shared.count(|c| {
        *c.extra.entry(name.to_owned()).or_default() += 1;
        if name == "emails" {
            c.emails += 1;
        }
    });
    shared.note_query_token(query.0.as_deref());
    if let Err(response) = check(&shared, &headers) {
        return response;
    }
    let endpoint = Endpoint::extra(name);
    let fault = shared.fault(endpoint);
    if let Some(response) = fault::respond(&shared, endpoint, fault.as_ref()).await {
        return response;
    }
    let body = shared.lock().fixtures.endpoints.get(name).cloned();
    match body {
        Some(body) => with_headers(&shared, name, respond::raw_json(StatusCode::OK, body)),
        None => respond::api_error(
            &shared,
            StatusCode::NOT_FOUND,
            &format!("The mock has no fixture for the endpoint `{name}`."),
        ),
    }
}

/// Adds the fixture's response headers of `endpoint` to a successful answer; a header that is
/// not a valid name or value is left out (the configuration documents the shapes).
fn with_headers(shared: &Shared, endpoint: &str, mut response: Response) -> Response {
    let headers = shared.lock().fixtures.headers.clone();
    for (_, name, value) in headers.iter().filter(|(e, _, _)| e == endpoint) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
