//! `GET /site/oauth2/authorize` and the interactive consent page's decision endpoint.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::config::Consent;
use crate::fault::{self, Endpoint};
use crate::respond::{self, escape_html};
use crate::state::{CodeGrant, Shared, random_alphanumeric};

/// The path of the consent page's form target.
pub(crate) const DECISION_PATH: &str = "/site/oauth2/authorize/decision";

/// The form field the consent page's buttons set.
const DECISION_FIELD: &str = "decision";

/// What users see for scopes on the consent page (the OpenAPI consent texts).
fn scope_text(scope: &str) -> &'static str {
    match scope {
        "account" => "Read your account information",
        "account:write" => "Read and modify your account information",
        "email" => "Read your account's primary email address",
        _ => "Access your Bitbucket data",
    }
}

/// A validated authorization request.
struct AuthRequest {
    /// Where to send the user back; its own query is kept.
    redirect: Url,
    /// The redirect URI the code is bound to, as sent (or the consumer's callback URL).
    bound_redirect_uri: String,
    state: Option<String>,
}

/// The first value of `key`.
fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn parse_pairs(input: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(input)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Why an authorization request was refused; Bitbucket shows these as HTML pages and does not
/// redirect back to the client.
enum Rejection {
    /// The `client_id` is not the consumer's or `response_type` is not `code`.
    InvalidClient,
    /// The `redirect_uri` is missing without a callback URL, outside it, or not a URL.
    InvalidRedirectUri,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Self::InvalidClient => respond::html_page(
                StatusCode::BAD_REQUEST,
                "Invalid client",
                "The client_id or response_type of this authorization request is not valid.",
            ),
            Self::InvalidRedirectUri => respond::html_page(
                StatusCode::BAD_REQUEST,
                "Invalid redirect_uri",
                "This integration is misconfigured. Contact the vendor for assistance.",
            ),
        }
    }
}

impl AuthRequest {
    /// Checks the parameters as Bitbucket does.
    fn parse(shared: &Shared, params: &[(String, String)]) -> Result<Self, Rejection> {
        if param(params, "client_id") != Some(shared.client_id.as_str())
            || param(params, "response_type") != Some("code")
        {
            return Err(Rejection::InvalidClient);
        }
        let bound_redirect_uri = match (param(params, "redirect_uri"), &shared.callback_url) {
            (Some(sent), Some(callback)) if !sent.starts_with(callback.as_str()) => {
                return Err(Rejection::InvalidRedirectUri);
            }
            (Some(sent), _) => sent.to_owned(),
            (None, Some(callback)) => callback.clone(),
            (None, None) => return Err(Rejection::InvalidRedirectUri),
        };
        let redirect =
            Url::parse(&bound_redirect_uri).map_err(|_| Rejection::InvalidRedirectUri)?;
        Ok(Self {
            redirect,
            bound_redirect_uri,
            state: param(params, "state").map(str::to_owned),
        })
    }

    /// Issues a code for the current user and redirects back with it.
    fn approve(self, shared: &Shared, status: StatusCode) -> Response {
        let Ok(code) = random_alphanumeric(18) else {
            return respond::random_failed();
        };
        {
            let mut state = shared.lock();
            let user = state.current_user.clone();
            state.codes.insert(
                code.clone(),
                CodeGrant {
                    redirect_uri: self.bound_redirect_uri,
                    user,
                },
            );
        }
        let mut location = self.redirect;
        {
            let mut query = location.query_pairs_mut();
            query.append_pair("code", &code);
            if let Some(state) = &self.state {
                query.append_pair("state", state);
            }
        }
        respond::redirect(status, location.as_str())
    }

    /// Redirects back with `error=access_denied` (RFC 6749 section 4.1.2.1).
    fn deny(self, status: StatusCode) -> Response {
        let mut location = self.redirect;
        {
            let mut query = location.query_pairs_mut();
            query.append_pair("error", "access_denied").append_pair(
                "error_description",
                "The user denied access to the account.",
            );
            if let Some(state) = &self.state {
                query.append_pair("state", state);
            }
        }
        respond::redirect(status, location.as_str())
    }
}

/// `GET /site/oauth2/authorize`.
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, query: RawQuery) -> Response {
    tracing::debug!("mock bitbucket: GET /site/oauth2/authorize");
    let params = parse_pairs(query.0.as_deref().unwrap_or("").as_bytes());
    shared.count(|c| {
        c.authorize += 1;
        c.last_authorize_params = params.iter().map(|(k, _)| k.clone()).collect();
    });
    let request = match AuthRequest::parse(&shared, &params) {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    let fault = shared.fault(Endpoint::Authorize);
    if let Some(response) = fault::respond(Endpoint::Authorize, fault.as_ref()).await {
        return response;
    }
    let consent = shared.lock().consent;
    match consent {
        Consent::AutoDeny => request.deny(StatusCode::FOUND),
        Consent::Interactive => consent_page(&shared, &params),
        Consent::AutoApprove => request.approve(&shared, StatusCode::FOUND),
    }
}

/// `POST /site/oauth2/authorize/decision`, the consent page's Allow and Deny buttons.
pub(crate) async fn decide(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    tracing::debug!("mock bitbucket: POST {DECISION_PATH}");
    shared.count(|c| c.authorize_decision += 1);
    let mut params = parse_pairs(&body);
    let decision = params
        .iter()
        .rev()
        .find(|(k, _)| k == DECISION_FIELD)
        .map(|(_, v)| v.clone());
    params.retain(|(k, _)| k != DECISION_FIELD);
    let request = match AuthRequest::parse(&shared, &params) {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    match decision.as_deref() {
        Some("allow") => request.approve(&shared, StatusCode::SEE_OTHER),
        Some("deny") => request.deny(StatusCode::SEE_OTHER),
        _ => respond::html_page(
            StatusCode::BAD_REQUEST,
            "Invalid decision",
            "The consent form must be submitted with its Allow or Deny button.",
        ),
    }
}

/// The interactive consent page: the app, the scopes, the signed-in user and two buttons that
/// POST the original authorization request back.
fn consent_page(shared: &Shared, params: &[(String, String)]) -> Response {
    let (display_name, scopes) = {
        let state = shared.lock();
        let name = state
            .user(&state.current_user)
            .map(|u| u.display_name.clone())
            .unwrap_or_default();
        (name, state.scopes.clone())
    };
    let client = escape_html(&shared.client_id);
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Authorize {client} | Bitbucket (mock)</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;\
         color:#172b4d}}.mock{{background:#fffae6;border:1px solid #ffe380;border-radius:4px;\
         padding:.5rem .8rem;font-size:.9rem}}button{{font-size:1rem;padding:.5rem 1.2rem;\
         margin-right:.5rem;border-radius:4px;border:1px solid #0052cc;cursor:pointer}}\
         button[value=allow]{{background:#0052cc;color:#fff}}button[value=deny]{{background:#fff;\
         color:#0052cc}}</style></head>\n<body>\n\
         <p class=\"mock\">Mock Bitbucket from oauth-kit-testkit: no real account is involved.</p>\n\
         <h1>Authorize {client}</h1>\n\
         <p>Signed in as <strong>{name}</strong>.</p>\n\
         <p><strong>{client}</strong> is requesting access to your Bitbucket account. \
         It will be able to:</p>\n<ul>\n",
        name = escape_html(&display_name),
    );
    for scope in &scopes {
        let _ = writeln!(
            page,
            "<li><code>{}</code>: {}</li>",
            escape_html(scope),
            escape_html(scope_text(scope))
        );
    }
    let _ = writeln!(
        page,
        "</ul>\n<form method=\"post\" action=\"{DECISION_PATH}\">"
    );
    for (key, value) in params.iter().filter(|(k, _)| k != DECISION_FIELD) {
        let _ = writeln!(
            page,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape_html(key),
            escape_html(value)
        );
    }
    page.push_str(
        "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n\
         </form>\n</body>\n</html>\n",
    );
    respond::html(StatusCode::OK, page)
}
