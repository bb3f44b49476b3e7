//! The server's shared state: configuration, issued grants, faults and counters.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use oauth_kit_core::spec::ProviderSpec;

use std::collections::HashSet;

use crate::config::{Consent, MockUser};
use crate::device::{DeviceGrant, MockDevice};
use crate::extension::MockExtension;
use crate::fault::{Endpoint, Fault};
use crate::grants::RefreshTokens;
use crate::wire::Wire;

/// A snapshot of what a mock has seen, from [`MockBitbucket::counters`](crate::MockBitbucket::counters)
/// or [`MockProvider::counters`](crate::MockProvider::counters).
///
/// Counts are of requests received, whatever their outcome, since the start or the last
/// `reset_counters`. The paths named are Bitbucket's; a [`MockProvider`](crate::MockProvider)
/// counts the same endpoints at its spec's paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// `GET /site/oauth2/authorize` requests.
    pub authorize: u64,
    /// `POST /site/oauth2/authorize/decision` requests (the interactive consent page's buttons).
    pub authorize_decision: u64,
    /// Every `POST /site/oauth2/access_token`.
    pub token: u64,
    /// Token requests whose form said `grant_type=authorization_code`.
    pub token_authorization_code: u64,
    /// Token requests whose form said `grant_type=refresh_token`.
    pub token_refresh: u64,
    /// Token requests whose form said `grant_type=client_credentials`.
    pub token_client_credentials: u64,
    /// Device token polls (`grant_type=urn:ietf:params:oauth:grant-type:device_code`).
    pub token_device_code: u64,
    /// Device authorization requests.
    pub device_authorization: u64,
    /// Device token polls that came sooner than the code's interval after the previous one
    /// (each was answered `slow_down`).
    pub device_polls_too_early: u64,
    /// `GET /2.0/user` requests (the user-info endpoint, GET or POST).
    pub user: u64,
    /// `GET /2.0/user/emails` requests (each page counts): the endpoint named `emails`.
    pub emails: u64,
    /// Requests to each named further endpoint of the spec (`emails` included), by name.
    pub extra: BTreeMap<String, u64>,
    /// Requests to the revocation endpoint.
    pub revoke: u64,
    /// Requests to paths the mock does not serve (answered 404).
    pub not_found: u64,
    /// The parameter names (never the values) of the last authorization request, in order.
    pub last_authorize_params: Vec<String>,
    /// The field names (never the values) of the last token request's form, in order; empty
    /// when its body was not a form.
    pub last_token_form: Vec<String>,
    /// How the last token request that passed client authentication authenticated:
    /// `client_secret_basic`, `client_secret_post`, `none` or `private_key_jwt` (the names of
    /// RFC 8414's `token_endpoint_auth_methods_supported`).
    pub last_client_auth: Option<&'static str>,
    /// Code exchanges whose PKCE `code_verifier` matched the challenge of the authorization
    /// request.
    pub pkce_verified: u64,
    /// Whether an `access_token` ever arrived in a query string (it is never accepted there).
    pub token_in_query: bool,
}

/// An authorization code waiting to be exchanged.
#[derive(Clone)]
pub(crate) struct CodeGrant {
    /// The redirect URI the code was issued for, which a token request may repeat.
    pub(crate) redirect_uri: String,
    /// The uuid of the user who approved.
    pub(crate) user: String,
    /// The PKCE challenge and its method, when the request carried one.
    pub(crate) challenge: Option<(String, String)>,
    /// The scopes the authorization request asked for.
    pub(crate) requested_scopes: Vec<String>,
    /// Every parameter of the authorization request (`nonce` included), for extensions.
    pub(crate) params: Vec<(String, String)>,
}

/// What an access or refresh token stands for.
#[derive(Debug, Clone)]
pub(crate) struct TokenGrant {
    /// The uuid of the user the token acts for.
    pub(crate) user: String,
    /// The scopes granted.
    pub(crate) scopes: Vec<String>,
    /// Whether the access token was expired with `expire_access_tokens`.
    pub(crate) expired: bool,
}

/// The API answers of a [`MockProvider`](crate::MockProvider), as the test gave them.
#[derive(Debug, Clone, Default)]
pub(crate) struct FixtureSet {
    /// The user-info body (also what goes into the token response for specs that put the
    /// user there).
    pub(crate) user: String,
    /// The body of each named further endpoint.
    pub(crate) endpoints: HashMap<String, String>,
    /// Error bodies by status, used instead of the generic error body.
    pub(crate) errors: HashMap<u16, String>,
    /// Response headers of successful answers, as `(endpoint, name, value)`; the endpoint is
    /// `user` or the name of a further endpoint.
    pub(crate) headers: Vec<(String, String, String)>,
}

/// Mutable state, behind the mutex in [`Shared`].
pub(crate) struct State {
    pub(crate) consent: Consent,
    pub(crate) users: Vec<MockUser>,
    /// The uuid of the user "logged in" at the browser.
    pub(crate) current_user: String,
    /// The scopes granted to tokens (unless `grant_requested_scopes`).
    pub(crate) scopes: Vec<String>,
    /// Grant what the authorization request asked for (falling back to `scopes` when it asked
    /// for nothing) instead of `scopes`.
    pub(crate) grant_requested_scopes: bool,
    pub(crate) fixtures: FixtureSet,
    pub(crate) faults: HashMap<Endpoint, Fault>,
    pub(crate) codes: HashMap<String, CodeGrant>,
    pub(crate) access_tokens: HashMap<String, TokenGrant>,
    pub(crate) refresh_tokens: HashMap<String, TokenGrant>,
    /// Refresh tokens replaced by rotation; using one again is answered `invalid_grant`.
    pub(crate) rotated_refresh_tokens: HashSet<String>,
    pub(crate) refresh_policy: RefreshTokens,
    pub(crate) device: MockDevice,
    /// Device codes waiting for a decision, by device code.
    pub(crate) devices: HashMap<String, DeviceGrant>,
    pub(crate) counters: Counters,
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) emails_page_len: usize,
    /// What the mock speaks and where.
    pub(crate) wire: Wire,
    /// The spec a [`MockProvider`](crate::MockProvider) stands in for.
    pub(crate) spec: Option<&'static ProviderSpec>,
    /// Behaviour added by the test.
    pub(crate) extensions: Vec<Arc<dyn MockExtension>>,
    state: Mutex<State>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Grants and the client secret stay out of Debug output on purpose.
        f.debug_struct("Shared")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What [`Shared::new`] is made from, whichever mock starts.
pub(crate) struct Setup {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) consent: Consent,
    pub(crate) scopes: Vec<String>,
    pub(crate) grant_requested_scopes: bool,
    pub(crate) users: Vec<MockUser>,
    pub(crate) current_user: String,
    pub(crate) emails_page_len: usize,
    pub(crate) fixtures: FixtureSet,
    pub(crate) spec: Option<&'static ProviderSpec>,
    pub(crate) extensions: Vec<Arc<dyn MockExtension>>,
    pub(crate) device: MockDevice,
}

impl Shared {
    /// Builds the shared state of a mock listening at `base_url`.
    pub(crate) fn new(setup: Setup, base_url: String, wire: Wire) -> Self {
        Self {
            base_url,
            client_id: setup.client_id,
            client_secret: setup.client_secret,
            callback_url: setup.callback_url,
            emails_page_len: setup.emails_page_len.clamp(1, 100),
            wire,
            spec: setup.spec,
            extensions: setup.extensions,
            state: Mutex::new(State {
                consent: setup.consent,
                users: setup.users,
                current_user: setup.current_user,
                scopes: setup.scopes,
                grant_requested_scopes: setup.grant_requested_scopes,
                fixtures: setup.fixtures,
                faults: HashMap::new(),
                codes: HashMap::new(),
                access_tokens: HashMap::new(),
                refresh_tokens: HashMap::new(),
                rotated_refresh_tokens: HashSet::new(),
                refresh_policy: RefreshTokens::default(),
                device: setup.device,
                devices: HashMap::new(),
                counters: Counters::default(),
            }),
        }
    }

    /// Locks the state. A handler that panicked cannot leave it half-updated in a way that
    /// matters to a mock, so a poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Updates the counters.
    pub(crate) fn count(&self, update: impl FnOnce(&mut Counters)) {
        update(&mut self.lock().counters);
    }

    /// The fault currently set for `endpoint`, if any.
    pub(crate) fn fault(&self, endpoint: Endpoint) -> Option<Fault> {
        self.lock().faults.get(&endpoint.normalized()).cloned()
    }

    /// The grant behind an `Authorization: Bearer` header.
    pub(crate) fn bearer_grant(
        &self,
        headers: &axum::http::HeaderMap,
    ) -> Result<TokenGrant, BearerRejection> {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(self.auth_scheme()))
            .map(|(_, token)| token.trim());
        self.token_grant(token)
    }

    /// The grant of an access token sent some other way (in a form body, in the URL's path).
    pub(crate) fn token_grant(&self, token: Option<&str>) -> Result<TokenGrant, BearerRejection> {
        let grant = token.and_then(|t| self.lock().access_tokens.get(t).cloned());
        let grant = grant.ok_or(BearerRejection::Invalid)?;
        if grant.expired {
            return Err(BearerRejection::Expired);
        }
        Ok(grant)
    }

    /// The scheme the API expects in `Authorization` (the spec's, else `Bearer`).
    pub(crate) fn auth_scheme(&self) -> &'static str {
        self.spec.map_or("Bearer", |spec| spec.user_auth_scheme)
    }

    /// The name of the client id parameter (the spec's, else `client_id`).
    pub(crate) fn client_id_param(&self) -> &'static str {
        self.spec.map_or("client_id", |spec| spec.client_id_param)
    }

    /// Records whether a query string carried an `access_token`.
    pub(crate) fn note_query_token(&self, query: Option<&str>) {
        let Some(query) = query else { return };
        if url::form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "access_token") {
            self.count(|c| c.token_in_query = true);
        }
    }
}

/// Why a bearer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BearerRejection {
    /// No bearer token, or one the mock never issued.
    Invalid,
    /// A token expired with `expire_access_tokens`.
    Expired,
}

impl State {
    /// The user with this uuid.
    pub(crate) fn user(&self, uuid: &str) -> Option<&MockUser> {
        self.users.iter().find(|u| u.uuid == uuid)
    }
}

const ALPHANUMERIC: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A random string of `len` letters and digits, like Bitbucket's codes and refresh tokens.
pub(crate) fn random_alphanumeric(len: usize) -> Result<String, getrandom::Error> {
    let mut out = String::with_capacity(len);
    let mut buf = [0_u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf)?;
        // Bytes of 248 and above are skipped so that every character is equally likely.
        for &b in buf.iter().filter(|&&b| b < 248) {
            out.push(char::from(ALPHANUMERIC[usize::from(b % 62)]));
            if out.len() == len {
                break;
            }
        }
    }
    Ok(out)
}

/// A random string of `len` URL-safe characters, like Bitbucket's access tokens.
pub(crate) fn random_url_safe(len: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0_u8; len];
    getrandom::fill(&mut buf)?;
    Ok(buf
        .iter()
        .map(|&b| char::from(URL_SAFE[usize::from(b & 63)]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_alphanumeric_has_the_requested_length_and_alphabet() {
        let s = random_alphanumeric(18).expect("the OS random source works in tests");
        assert_eq!(s.len(), 18);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn random_url_safe_has_the_requested_length_and_alphabet() {
        let s = random_url_safe(100).expect("the OS random source works in tests");
        assert_eq!(s.len(), 100);
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
}
