//! The authorization endpoint (`GET /site/oauth2/authorize` on Bitbucket) and the interactive
//! consent page's decision endpoint.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use oauth_kit_core::spec::CallbackRole;
use url::Url;

use crate::config::Consent;
use crate::extension::MockContext;
use crate::fault::{self, Endpoint};
use crate::respond::{self, escape_html};
use crate::state::{CodeGrant, Shared, random_alphanumeric};
use crate::wire::Dialect;

/// The answer of `response_mode=form_post`: a page whose form POSTs `answer` to the client's
/// callback as soon as it loads, as Apple's does.
fn form_post(redirect: &Url, answer: &[(String, String)]) -> Response {
    let mut inputs = String::new();
    for (name, value) in answer {
        let _ = write!(
            inputs,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape_html(name),
            escape_html(value)
        );
    }
    respond::html(
        StatusCode::OK,
        format!(
            "<!doctype html><html><body onload=\"document.forms[0].submit()\">\
             <form method=\"post\" action=\"{}\">{inputs}<noscript><button>Continue\
             </button></noscript></form></body></html>",
            escape_html(redirect.as_str())
        ),
    )
}

/// The form field the consent page's buttons set.
const DECISION_FIELD: &str = "decision";

/// What users see for scopes on the consent page (Bitbucket's consent texts).
fn scope_text(dialect: Dialect, scope: &str) -> &'static str {
    match (dialect, scope) {
        (Dialect::Bitbucket, "account") => "Read your account information",
        (Dialect::Bitbucket, "account:write") => "Read and modify your account information",
        (Dialect::Bitbucket, "email") => "Read your account's primary email address",
        (Dialect::Bitbucket, _) => "Access your Bitbucket data",
        (Dialect::Spec, _) => "Access your data",
    }
}

/// A validated authorization request.
struct AuthRequest {
    /// Where to send the user back; its own query is kept.
    redirect: Url,
    /// The redirect URI the code is bound to, as sent (or the consumer's callback URL).
    bound_redirect_uri: String,
    state: Option<String>,
    /// The PKCE challenge and method, when sent.
    challenge: Option<(String, String)>,
    /// The scopes asked for.
    scopes: Vec<String>,
    /// Every parameter, for extensions.
    params: Vec<(String, String)>,
    /// An RFC 6749 error to redirect back with instead of asking for consent.
    error: Option<&'static str>,
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

/// Why an authorization request was refused; providers show these as HTML pages and do not
/// redirect back to the client.
enum Rejection {
    /// The `client_id` is not the consumer's or `response_type` is not `code`.
    InvalidClient,
    /// The `redirect_uri` is missing without a callback URL, outside it, or not a URL.
    InvalidRedirectUri,
}

impl Rejection {
    fn respond(self, shared: &Shared) -> Response {
        match self {
            Self::InvalidClient => respond::html_page(
                shared,
                StatusCode::BAD_REQUEST,
                "Invalid client",
                "The client_id or response_type of this authorization request is not valid.",
            ),
            Self::InvalidRedirectUri => respond::html_page(
                shared,
                StatusCode::BAD_REQUEST,
                "Invalid redirect_uri",
                "This integration is misconfigured. Contact the vendor for assistance.",
            ),
        }
    }
}

impl AuthRequest {
    /// Checks the parameters as the provider does. Problems with the client or the redirect
    /// URI are refused on the spot; others (a missing or unsupported PKCE challenge) are
    /// recorded to be sent back to the client.
    fn parse(shared: &Shared, params: &[(String, String)]) -> Result<Self, Rejection> {
        if param(params, shared.client_id_param()) != Some(shared.client_id.as_str())
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
        let wire = &shared.wire;
        let mut error = None;
        let challenge = match (
            param(params, "code_challenge"),
            param(params, "code_challenge_method"),
        ) {
            _ if !wire.checks_pkce() => None,
            (Some(challenge), method) => {
                let method = method.unwrap_or("plain");
                if method != "S256" && method != "plain" {
                    error = Some("invalid_request");
                }
                Some((challenge.to_owned(), method.to_owned()))
            }
            (None, _) => {
                if wire.requires_pkce() {
                    error = Some("invalid_request");
                }
                None
            }
        };
        let scopes = param(params, "scope")
            .map(|s| {
                s.split(wire.scope_separator)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            redirect,
            bound_redirect_uri,
            state: param(params, "state").map(str::to_owned),
            challenge,
            scopes,
            params: params.to_vec(),
            error,
        })
    }

    /// Issues a code for the current user and redirects back with it.
    fn approve(self, shared: &Shared, status: StatusCode) -> Response {
        let Ok(code) = random_alphanumeric(18) else {
            return respond::random_failed();
        };
        {
            let mut state = shared.lock();
            // A `login_hint` that names a known account logs that account in for this one
            // authorization, as a person typing their name at the provider would; otherwise
            // the current user.
            let user = param(&self.params, "login_hint")
                .and_then(|hint| state.users.iter().find(|u| u.is_named(hint)))
                .map_or_else(|| state.current_user.clone(), |u| u.uuid.clone());
            state.codes.insert(
                code.clone(),
                CodeGrant {
                    redirect_uri: self.bound_redirect_uri,
                    user,
                    challenge: self.challenge,
                    requested_scopes: self.scopes,
                    params: self.params.clone(),
                },
            );
        }
        let mut answer = vec![("code".to_owned(), code)];
        if let Some(state) = &self.state {
            answer.push(("state".to_owned(), state.clone()));
        }
        // A spec whose provider sends the user in the authorization response (Apple's `user`)
        // gets the fixture's member of that name there, as JSON text.
        if let Some(name) = shared.spec.and_then(|spec| spec.callback_user) {
            let fixture = shared.lock().fixtures.user.clone();
            if let Ok(serde_json::Value::Object(mut user)) = serde_json::from_str(&fixture)
                && let Some(member) = user.remove(name)
            {
                answer.push((name.to_owned(), member.to_string()));
            }
        }
        // The parameters the spec's provider adds to its authorization response (VK ID's
        // `device_id`; Zoho's `accounts-server`, which is the mock itself).
        for param in shared.spec.map_or(&[][..], |spec| spec.callback_params) {
            let value = match param.role {
                CallbackRole::AccountsServer { .. } => shared.base_url.clone(),
                _ => param.example.to_owned(),
            };
            if !answer.iter().any(|(name, _)| name == param.name) {
                answer.push((param.name.to_owned(), value));
            }
        }
        if !shared.extensions.is_empty() {
            let context = MockContext::of(shared);
            for extension in &shared.extensions {
                extension.authorization_response(&context, &self.params, &mut answer);
            }
        }
        if param(&self.params, "response_mode") == Some("form_post") {
            return form_post(&self.redirect, &answer);
        }
        let mut location = self.redirect;
        location.query_pairs_mut().extend_pairs(&answer);
        respond::redirect(status, location.as_str())
    }

    /// Redirects back with `error=access_denied` (RFC 6749 section 4.1.2.1).
    fn deny(self, status: StatusCode) -> Response {
        self.redirect_error(
            status,
            "access_denied",
            "The user denied access to the account.",
        )
    }

    /// Redirects back with an RFC 6749 section 4.1.2.1 error.
    fn redirect_error(self, status: StatusCode, error: &str, description: &str) -> Response {
        let mut location = self.redirect;
        {
            let mut query = location.query_pairs_mut();
            query
                .append_pair("error", error)
                .append_pair("error_description", description);
            if let Some(state) = &self.state {
                query.append_pair("state", state);
            }
        }
        respond::redirect(status, location.as_str())
    }

    /// Sends a recorded protocol error back, if there is one.
    fn into_checked(self, status: StatusCode) -> Result<Self, Response> {
        match self.error {
            Some(error) => Err(self.redirect_error(
                status,
                error,
                "PKCE is required: send a code_challenge with code_challenge_method=S256.",
            )),
            None => Ok(self),
        }
    }
}

/// The authorization endpoint, `GET /site/oauth2/authorize` on Bitbucket.
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, query: RawQuery) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: GET authorization endpoint");
    let params = parse_pairs(query.0.as_deref().unwrap_or("").as_bytes());
    shared.count(|c| {
        c.authorize += 1;
        c.last_authorize_params = params.iter().map(|(k, _)| k.clone()).collect();
    });
    let request = match AuthRequest::parse(&shared, &params) {
        Ok(request) => request,
        Err(rejection) => return rejection.respond(&shared),
    };
    let fault = shared.fault(Endpoint::Authorize);
    if let Some(response) = fault::respond(&shared, Endpoint::Authorize, fault.as_ref()).await {
        return response;
    }
    let request = match request.into_checked(StatusCode::FOUND) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let consent = shared.lock().consent;
    match consent {
        Consent::AutoDeny => request.deny(StatusCode::FOUND),
        Consent::Interactive => consent_page(&shared, &params),
        Consent::AutoApprove => request.approve(&shared, StatusCode::FOUND),
    }
}

/// `POST /site/oauth2/authorize/decision` on Bitbucket (the authorization endpoint's path and
/// `/decision`), the consent page's Allow and Deny buttons.
pub(crate) async fn decide(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: POST consent decision");
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
        Err(rejection) => return rejection.respond(&shared),
    };
    let request = match request.into_checked(StatusCode::SEE_OTHER) {
        Ok(request) => request,
        Err(response) => return response,
    };
    match decision.as_deref() {
        Some("allow") => request.approve(&shared, StatusCode::SEE_OTHER),
        Some("deny") => request.deny(StatusCode::SEE_OTHER),
        _ => respond::html_page(
            &shared,
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
        let name = match shared.wire.dialect {
            Dialect::Bitbucket => state
                .user(&state.current_user)
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            Dialect::Spec => crate::provider::display_name(shared, &state.fixtures.user),
        };
        let requested: Vec<String> = param(params, "scope")
            .map(|s| {
                s.split(shared.wire.scope_separator)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let scopes = if state.grant_requested_scopes && !requested.is_empty() {
            requested
        } else {
            state.scopes.clone()
        };
        (name, scopes)
    };
    let site = escape_html(&shared.wire.title);
    let client = escape_html(&shared.client_id);
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Authorize {client} | {site} (mock)</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;\
         color:#172b4d}}.mock{{background:#fffae6;border:1px solid #ffe380;border-radius:4px;\
         padding:.5rem .8rem;font-size:.9rem}}button{{font-size:1rem;padding:.5rem 1.2rem;\
         margin-right:.5rem;border-radius:4px;border:1px solid #0052cc;cursor:pointer}}\
         button[value=allow]{{background:#0052cc;color:#fff}}button[value=deny]{{background:#fff;\
         color:#0052cc}}</style></head>\n<body>\n\
         <p class=\"mock\">Mock {site} from oauth-kit-testkit: no real account is involved.</p>\n\
         <h1>Authorize {client}</h1>\n\
         <p>Signed in as <strong>{name}</strong>.</p>\n\
         <p><strong>{client}</strong> is requesting access to your {site} account. \
         It will be able to:</p>\n<ul>\n",
        name = escape_html(&display_name),
    );
    for scope in &scopes {
        let _ = writeln!(
            page,
            "<li><code>{}</code>: {}</li>",
            escape_html(scope),
            escape_html(scope_text(shared.wire.dialect, scope))
        );
    }
    let _ = writeln!(
        page,
        "</ul>\n<form method=\"post\" action=\"{}\">",
        escape_html(&shared.wire.decision_path())
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
