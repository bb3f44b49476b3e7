//! Bitbucket's REST API: `GET /2.0/user`, `GET /2.0/user/emails`; and the 404/405 fallbacks of
//! every mock.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::config::{MockEmail, MockUser};
use crate::fault::{self, Endpoint, Fault};
use crate::respond;
use crate::state::{BearerRejection, Shared, TokenGrant};

/// Characters kept as they are in a path segment (braces are encoded, as Bitbucket does).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b':')
    .remove(b'@');

/// Where Bitbucket's own API lives; used for the `links` that clients do not follow.
const REAL_API: &str = "https://api.bitbucket.org/2.0";

#[derive(Serialize)]
struct Href {
    href: String,
}

impl Href {
    fn new(href: String) -> Self {
        Self { href }
    }
}

#[derive(Serialize)]
struct UserLinks {
    #[serde(rename = "self")]
    self_: Href,
    avatar: Href,
    repositories: Href,
    snippets: Href,
    html: Href,
    hooks: Href,
}

/// `/2.0/user` in the key order of fixture 8.4.
#[derive(Serialize)]
struct UserJson<'a> {
    display_name: &'a str,
    links: UserLinks,
    created_on: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: &'a str,
    has_2fa_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    is_staff: bool,
    account_id: &'a str,
    nickname: &'a str,
    account_status: &'static str,
    location: Option<&'static str>,
}

impl<'a> UserJson<'a> {
    fn new(user: &'a MockUser, with_username: bool) -> Self {
        let id = utf8_percent_encode(&user.uuid, PATH_SEGMENT).to_string();
        Self {
            display_name: &user.display_name,
            links: UserLinks {
                self_: Href::new(format!("{REAL_API}/users/{id}")),
                avatar: Href::new(user.avatar_url.clone()),
                repositories: Href::new(format!("{REAL_API}/repositories/{id}")),
                snippets: Href::new(format!("{REAL_API}/snippets/{id}")),
                html: Href::new(user.html_url.clone()),
                hooks: Href::new(format!("{REAL_API}/users/{id}/hooks")),
            },
            created_on: &user.created_on,
            kind: "user",
            uuid: &user.uuid,
            has_2fa_enabled: user.has_2fa_enabled,
            username: user.username.as_deref().filter(|_| with_username),
            is_staff: false,
            account_id: &user.account_id,
            nickname: &user.nickname,
            account_status: "active",
            location: None,
        }
    }
}

#[derive(Serialize)]
struct EmailLinks {
    #[serde(rename = "self")]
    self_: Href,
}

/// One entry of `/2.0/user/emails` in the key order of fixture 8.5.
#[derive(Serialize)]
struct EmailJson<'a> {
    is_primary: bool,
    is_confirmed: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    email: &'a str,
    links: EmailLinks,
}

impl<'a> From<&'a MockEmail> for EmailJson<'a> {
    fn from(email: &'a MockEmail) -> Self {
        let encoded = utf8_percent_encode(&email.email, PATH_SEGMENT);
        Self {
            is_primary: email.is_primary,
            is_confirmed: email.is_confirmed,
            kind: "email",
            email: &email.email,
            links: EmailLinks {
                self_: Href::new(format!("{REAL_API}/user/emails/{encoded}")),
            },
        }
    }
}

/// A page of `/2.0/user/emails` in the key order of fixtures 8.5 and 8.6.
#[derive(Serialize)]
struct EmailPage<'a> {
    pagelen: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<usize>,
    page: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<String>,
    values: Vec<EmailJson<'a>>,
}

/// Why the API refused a request before looking at it.
enum Rejection {
    /// No bearer token, or one the mock never issued.
    InvalidToken,
    /// A token expired with `expire_access_tokens`.
    ExpiredToken,
    /// A token without the endpoint's scope.
    MissingScope {
        granted: Vec<String>,
        required: &'static str,
    },
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Self::InvalidToken => {
                respond::envelope(StatusCode::UNAUTHORIZED, respond::TOKEN_INVALID)
            }
            Self::ExpiredToken => {
                respond::envelope(StatusCode::UNAUTHORIZED, respond::TOKEN_EXPIRED)
            }
            Self::MissingScope { granted, required } => respond::scope_missing(&granted, required),
        }
    }
}

/// The grant behind the request's bearer token, if it is valid and has `scope`.
fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    scope: &'static str,
) -> Result<TokenGrant, Rejection> {
    let grant = shared
        .bearer_grant(headers)
        .map_err(|rejection| match rejection {
            BearerRejection::Invalid => Rejection::InvalidToken,
            BearerRejection::Expired => Rejection::ExpiredToken,
        })?;
    if !grant.scopes.iter().any(|s| s == scope) {
        return Err(Rejection::MissingScope {
            granted: grant.scopes,
            required: scope,
        });
    }
    Ok(grant)
}

/// The account of a grant; it is only missing if the user was never added, which the public
/// API does not allow, so it is answered like an unknown resource.
fn grant_user(shared: &Shared, grant: &TokenGrant) -> Option<MockUser> {
    shared.lock().user(&grant.user).cloned()
}

fn user_gone() -> Response {
    respond::envelope(StatusCode::NOT_FOUND, respond::NOT_FOUND)
}

/// `GET /2.0/user`.
pub(crate) async fn user(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    tracing::debug!("mock bitbucket: GET /2.0/user");
    shared.count(|c| c.user += 1);
    shared.note_query_token(query.0.as_deref());
    let grant = match authenticate(&shared, &headers, "account") {
        Ok(grant) => grant,
        Err(rejection) => return rejection.into_response(),
    };
    let fault = shared.fault(Endpoint::User);
    if let Some(response) = fault::respond(&shared, Endpoint::User, fault.as_ref()).await {
        return response;
    }
    let Some(user) = grant_user(&shared, &grant) else {
        return user_gone();
    };
    let with_username = fault != Some(Fault::NoUsername);
    respond::json(StatusCode::OK, &UserJson::new(&user, with_username))
}

/// `page` and `pagelen` from the query; `None` if either is present but not a valid number.
fn page_params(query: Option<&str>, default_len: usize) -> Option<(usize, usize)> {
    let mut page = 1;
    let mut pagelen = default_len;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "page" => page = value.parse().ok().filter(|&p| p >= 1)?,
            "pagelen" => pagelen = value.parse::<usize>().ok()?.clamp(1, 100),
            _ => {}
        }
    }
    Some((page, pagelen))
}

/// `GET /2.0/user/emails`.
pub(crate) async fn emails(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    tracing::debug!("mock bitbucket: GET /2.0/user/emails");
    shared.count(|c| {
        c.emails += 1;
        *c.extra.entry("emails".to_owned()).or_default() += 1;
    });
    shared.note_query_token(query.0.as_deref());
    let grant = match authenticate(&shared, &headers, "email") {
        Ok(grant) => grant,
        Err(rejection) => return rejection.into_response(),
    };
    let fault = shared.fault(Endpoint::Emails);
    if let Some(response) = fault::respond(&shared, Endpoint::Emails, fault.as_ref()).await {
        return response;
    }
    let Some((page, pagelen)) = page_params(query.0.as_deref(), shared.emails_page_len) else {
        return respond::envelope(StatusCode::BAD_REQUEST, "Invalid page or pagelen");
    };
    let link = |page: usize| {
        format!(
            "{}/2.0/user/emails?page={page}&pagelen={pagelen}",
            shared.base_url
        )
    };

    if fault == Some(Fault::EndlessPages) {
        let emails: Vec<MockEmail> = (1..=pagelen)
            .map(|i| MockEmail::new(format!("endless-{page}-{i}@example.org"), false, true))
            .collect();
        return respond::json(
            StatusCode::OK,
            &EmailPage {
                pagelen,
                size: None,
                page,
                next: Some(link(page + 1)),
                previous: (page > 1).then(|| link(page - 1)),
                values: emails.iter().map(EmailJson::from).collect(),
            },
        );
    }

    let Some(user) = grant_user(&shared, &grant) else {
        return user_gone();
    };
    let total = user.emails.len();
    let start = (page - 1).saturating_mul(pagelen).min(total);
    let end = start.saturating_add(pagelen).min(total);
    respond::json(
        StatusCode::OK,
        &EmailPage {
            pagelen,
            size: Some(total),
            page,
            next: (end < total).then(|| link(page + 1)),
            previous: (page > 1).then(|| link(page - 1)),
            values: user.emails[start..end]
                .iter()
                .map(EmailJson::from)
                .collect(),
        },
    )
}

/// Any path the mock does not serve.
pub(crate) async fn not_found(State(shared): State<Arc<Shared>>, query: RawQuery) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: unknown path");
    shared.count(|c| c.not_found += 1);
    shared.note_query_token(query.0.as_deref());
    respond::api_error(&shared, StatusCode::NOT_FOUND, respond::NOT_FOUND)
}

/// A known path with the wrong method.
pub(crate) async fn method_not_allowed(State(shared): State<Arc<Shared>>) -> Response {
    respond::api_error(
        &shared,
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_params_default_and_clamp() {
        assert_eq!(page_params(None, 2), Some((1, 2)));
        assert_eq!(page_params(Some("page=3&pagelen=500"), 2), Some((3, 100)));
        assert_eq!(page_params(Some("pagelen=0"), 2), Some((1, 1)));
    }

    #[test]
    fn page_params_reject_garbage() {
        assert_eq!(page_params(Some("page=0"), 2), None);
        assert_eq!(page_params(Some("page=x"), 2), None);
        assert_eq!(page_params(Some("pagelen=-1"), 2), None);
    }

    #[test]
    fn user_links_encode_the_braces_of_the_uuid() {
        let mira = MockUser::mira();
        let json = UserJson::new(&mira, true);
        assert_eq!(
            json.links.self_.href,
            "https://api.bitbucket.org/2.0/users/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D"
        );
    }
}
