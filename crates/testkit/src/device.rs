//! A generic RFC 8628 device authorization endpoint, its token grant and a verification page.
//!
//! Bitbucket Cloud has no device flow; these endpoints follow RFC 8628 itself, so that the
//! device flow of oauth-kit can be exercised end to end against the same mock users and API.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use tokio::time::Instant;

use crate::grants;
use crate::respond::{self, escape_html};
use crate::state::{Shared, random_alphanumeric, random_url_safe};
use crate::token::{authenticate_client, basic_credentials};
use crate::wire::Dialect;

/// What the mock answers to one device token poll, standing in for the user at the
/// verification page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeviceAnswer {
    /// `authorization_pending`: the user has not decided yet.
    Pending,
    /// `slow_down`: poll less often; the code's interval grows by five seconds.
    SlowDown,
    /// The user approved: a token for the current user.
    Approve,
    /// `access_denied`: the user refused.
    Deny,
    /// `expired_token`: the code expired.
    Expire,
}

/// How the device endpoints behave, in [`MockConfig::device`](crate::MockConfig::device) or
/// set later with [`MockBitbucket::set_device`](crate::MockBitbucket::set_device).
///
/// Each device code answers its polls from `answers` in order, repeating the last one when
/// the list runs out; the default `[Pending, Approve]` approves on the second poll, so a
/// command-line login completes without anyone at the verification page. Independently of
/// the list, a poll that comes sooner than the code's interval after the previous one is
/// answered `slow_down` (RFC 8628 section 3.5), and a poll after `expires_in` is answered
/// `expired_token`. Both use Tokio's clock, so tests may pause time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockDevice {
    /// The `interval` announced, and enforced, for new codes. Default 5 s.
    pub interval: Duration,
    /// The `expires_in` of new codes. Default 900 s.
    pub expires_in: Duration,
    /// The scripted answers of each code's polls.
    pub answers: Vec<DeviceAnswer>,
}

impl Default for MockDevice {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(5),
            expires_in: Duration::from_secs(900),
            answers: vec![DeviceAnswer::Pending, DeviceAnswer::Approve],
        }
    }
}

impl MockDevice {
    /// Sets the scripted answers.
    pub fn answers(mut self, answers: impl IntoIterator<Item = DeviceAnswer>) -> Self {
        self.answers = answers.into_iter().collect();
        self
    }

    /// Sets the announced interval.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Sets the codes' lifetime.
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = expires_in;
        self
    }
}

/// One issued device code.
pub(crate) struct DeviceGrant {
    user_code: String,
    answers: VecDeque<DeviceAnswer>,
    last_answer: DeviceAnswer,
    /// A decision taken on the verification page, which wins over the script.
    decision: Option<DeviceAnswer>,
    interval: Duration,
    last_poll: Option<Instant>,
    expires_at: Instant,
}

#[derive(Serialize)]
struct AuthorizationResponse<'a> {
    device_code: &'a str,
    user_code: &'a str,
    verification_uri: String,
    verification_uri_complete: String,
    expires_in: u64,
    interval: u64,
}

/// Whether the request comes from the client: as at the token endpoint for a spec; on
/// Bitbucket's layout HTTP Basic (checked with the secret) or, for a public client,
/// `client_id` in the form.
fn authenticated_client(shared: &Shared, headers: &HeaderMap, form: &[(String, String)]) -> bool {
    if shared.wire.dialect == Dialect::Spec {
        return authenticate_client(shared, headers, form).is_ok();
    }
    if headers.contains_key(AUTHORIZATION) {
        return basic_credentials(headers)
            .is_some_and(|(id, secret)| id == shared.client_id && secret == shared.client_secret);
    }
    form.iter()
        .any(|(k, v)| k == "client_id" && *v == shared.client_id)
}

fn invalid_client(shared: &Shared) -> Response {
    respond::token_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Unknown client or bad client credentials.",
    )
}

/// The device authorization endpoint (RFC 8628 section 3.1).
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: POST device authorization endpoint");
    shared.count(|c| c.device_authorization += 1);
    let form = grants::form(&body);
    if !authenticated_client(&shared, &headers, &form) {
        return invalid_client(&shared);
    }
    let (Ok(device_code), Ok(letters)) = (random_url_safe(40), random_alphanumeric(8)) else {
        return respond::random_failed();
    };
    let letters = letters.to_ascii_uppercase();
    let user_code = format!("{}-{}", &letters[..4], &letters[4..]);
    let settings = shared.lock().device.clone();
    let grant = DeviceGrant {
        user_code: user_code.clone(),
        answers: settings.answers.iter().copied().collect(),
        last_answer: DeviceAnswer::Pending,
        decision: None,
        interval: settings.interval,
        last_poll: None,
        expires_at: Instant::now() + settings.expires_in,
    };
    shared.lock().devices.insert(device_code.clone(), grant);
    let verification_uri = format!(
        "{}{}",
        shared.base_url,
        shared.wire.device_verification_path().unwrap_or_default()
    );
    respond::json(
        StatusCode::OK,
        &AuthorizationResponse {
            device_code: &device_code,
            user_code: &user_code,
            verification_uri_complete: format!("{verification_uri}?user_code={user_code}"),
            verification_uri,
            expires_in: settings.expires_in.as_secs(),
            interval: settings.interval.as_secs(),
        },
    )
}

/// The token endpoint's `urn:ietf:params:oauth:grant-type:device_code` grant (RFC 8628
/// section 3.4).
pub(crate) fn token(shared: &Shared, headers: &HeaderMap, form: &[(String, String)]) -> Response {
    shared.count(|c| c.token_device_code += 1);
    if !authenticated_client(shared, headers, form) {
        return invalid_client(shared);
    }
    let device_code = form
        .iter()
        .find(|(k, _)| k == "device_code")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let now = Instant::now();
    let answer = {
        let mut state = shared.lock();
        let Some(grant) = state.devices.get_mut(device_code) else {
            return respond::token_error(
                shared,
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The device code is not valid.",
            );
        };
        let too_early = grant
            .last_poll
            .is_some_and(|last| now.duration_since(last) < grant.interval);
        grant.last_poll = Some(now);
        let scripted = grant.answers.pop_front().unwrap_or(grant.last_answer);
        grant.last_answer = scripted;
        let answer = if now >= grant.expires_at {
            DeviceAnswer::Expire
        } else if too_early {
            DeviceAnswer::SlowDown
        } else {
            grant.decision.unwrap_or(scripted)
        };
        if answer == DeviceAnswer::SlowDown {
            grant.interval += Duration::from_secs(5);
        }
        if too_early {
            state.counters.device_polls_too_early += 1;
        }
        if matches!(
            answer,
            DeviceAnswer::Approve | DeviceAnswer::Deny | DeviceAnswer::Expire
        ) {
            // A decided code is spent: later polls get `invalid_grant`.
            state.devices.remove(device_code);
        }
        answer
    };
    let error = |code: &str, description: &str| {
        respond::token_error(shared, StatusCode::BAD_REQUEST, code, description)
    };
    match answer {
        DeviceAnswer::Pending => error(
            "authorization_pending",
            "The user has not yet entered the code.",
        ),
        DeviceAnswer::SlowDown => error("slow_down", "Polling too fast; wait longer."),
        DeviceAnswer::Deny => error("access_denied", "The user denied the request."),
        DeviceAnswer::Expire => error("expired_token", "The device code has expired."),
        DeviceAnswer::Approve => {
            let user = shared.lock().current_user.clone();
            grants::issue_new_grant(shared, user, "device_code")
        }
    }
}

/// The verification page, where the user enters the code, with Approve and Deny buttons.
pub(crate) async fn page(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let code = query
        .as_deref()
        .map(|q| grants::form(q.as_bytes()))
        .and_then(|form| {
            form.into_iter()
                .find(|(k, _)| k == "user_code")
                .map(|(_, v)| v)
        })
        .unwrap_or_default();
    let signed_in = {
        let state = shared.lock();
        state
            .user(&state.current_user)
            .map(|u| {
                format!(
                    "<p>Signed in as <strong>{}</strong>.</p>\n",
                    escape_html(&u.display_name)
                )
            })
            .unwrap_or_default()
    };
    respond::html(
        StatusCode::OK,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>Connect a device | {title} (mock)</title></head>\n<body>\n\
             <p>Mock device login from oauth-kit-testkit: no real account is involved. \
             Unless told otherwise, the mock approves device codes by itself.</p>\n\
             <h1>Connect a device</h1>\n{signed_in}<form method=\"post\">\n\
             <label>Code <input name=\"user_code\" value=\"{code}\" autocomplete=\"off\"></label>\n\
             <button name=\"decision\" value=\"approve\">Approve</button>\n\
             <button name=\"decision\" value=\"deny\">Deny</button>\n</form>\n</body>\n</html>\n",
            title = escape_html(&shared.wire.title),
            code = escape_html(&code),
        ),
    )
}

/// The verification page's form: records the decision for the code's next poll.
pub(crate) async fn decide(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = grants::form(&body);
    let field = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_ascii_uppercase())
    };
    let decision = match field("decision").as_deref() {
        Some("APPROVE") => DeviceAnswer::Approve,
        Some("DENY") => DeviceAnswer::Deny,
        _ => {
            return respond::html_page(
                &shared,
                StatusCode::BAD_REQUEST,
                "Invalid decision",
                "Submit the form with its Approve or Deny button.",
            );
        }
    };
    let user_code = field("user_code").unwrap_or_default();
    let found = {
        let mut state = shared.lock();
        match state
            .devices
            .values_mut()
            .find(|grant| grant.user_code == user_code)
        {
            Some(grant) => {
                grant.decision = Some(decision);
                true
            }
            None => false,
        }
    };
    if found {
        respond::html_page(
            &shared,
            StatusCode::OK,
            "Done",
            "You can go back to your device.",
        )
    } else {
        respond::html_page(
            &shared,
            StatusCode::NOT_FOUND,
            "Unknown code",
            "No device is waiting for this code, or it has expired.",
        )
    }
}
