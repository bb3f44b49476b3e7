//! Local mock identity providers on 127.0.0.1 for oauth-kit's tests, examples and demo, and
//! the conformance suite every provider crate runs.
//!
//! - [`MockProvider`] speaks the wire format of any [`ProviderSpec`](oauth_kit_core::ProviderSpec):
//!   the spec's endpoints resolved on the mock's own address, its client authentication, PKCE,
//!   token-response format and user source, with the API answered from the fixtures a test
//!   gives. [`MockProvider::provider_builder`] and [`MockProvider::env_vars`] point a provider
//!   at it.
//! - [`MockBitbucket`] is the same server in Bitbucket Cloud's exact wire format: its
//!   authorization endpoint, token endpoint, `/2.0/user` and the paginated `/2.0/user/emails`,
//!   with the status codes, JSON shapes and quirks of the real service (`"scopes"` in the token
//!   response, refresh tokens that are not rotated, braces in user UUIDs, absolute `next`
//!   links), computed from configurable users.
//! - [`MockCatalog`] starts one of these for every spec of a catalog (for an OpenID Connect
//!   spec the mock is also its issuer: discovery, JWKS, signed ID tokens), each serving the spec's
//!   [`SampleAccount`](oauth_kit_core::spec::SampleAccount), so a demo or an end-to-end test
//!   logs in with every provider offline.
//! - [`provider_conformance!`] generates the suite of tests that every provider crate runs
//!   against its spec and fixtures; [`fixture!`], [`map_fixture`], [`parse_token`],
//!   [`env_lookup`], [`start_mock`] and [`expect_http_status`] serve the cases a provider crate
//!   adds next to it.
//!
//! oauth-kit's integration tests, its end-to-end suite and the demo app log in against these
//! mocks, so no test needs an account anywhere or talks to the internet.
//!
//! ```
//! use oauth_kit_testkit::{Endpoint, Fault, MockBitbucket};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let bitbucket = MockBitbucket::start().await?;
//!     assert!(bitbucket.base_url().starts_with("http://127.0.0.1:"));
//!     assert_eq!(
//!         bitbucket.token_url(),
//!         format!("{}/site/oauth2/access_token", bitbucket.base_url())
//!     );
//!
//!     // Point the provider under test at the mock instead of bitbucket.org:
//!     // authorize_url(), token_url() and api_url() with client_id() and client_secret().
//!
//!     // Make the next token requests fail the way Bitbucket can.
//!     bitbucket.set_fault(Endpoint::Token, Fault::Status(503));
//!     bitbucket.clear_faults();
//!
//!     assert_eq!(bitbucket.counters().token, 0);
//!     bitbucket.shutdown();
//!     Ok(())
//! }
//! ```
//!
//! # What it checks
//!
//! - The authorization request needs the client's `client_id` and `response_type=code`; the
//!   `redirect_uri` keeps its own query and gets `code` and the echoed `state` appended. How
//!   the "user" answers is set with [`Consent`]. Where the spec supports PKCE, a challenge is
//!   recorded with the code (and required for public clients and specs that require PKCE).
//! - The token request needs the provider's client authentication (Bitbucket: HTTP Basic) and
//!   a form body. Codes are single use and bound to their `redirect_uri` (and PKCE challenge).
//!   Errors use the provider's bodies, e.g. Bitbucket's
//!   `{"error_description": "The specified code is not valid.", "error": "invalid_grant"}`.
//! - The token endpoint also serves the client-credentials grant (Bitbucket's, and a spec's
//!   that declares it). What a refresh does with the refresh token is set with
//!   [`RefreshTokens`]: reused (Bitbucket's behaviour), rotated, or left out of the answer;
//!   `revoke_refresh_tokens` makes every refresh fail as after a user removed the app's
//!   access.
//! - An RFC 8628 device authorization endpoint with its token grant and a verification page:
//!   at the spec's `device_authorization_url` on a [`MockProvider`], and, although Bitbucket
//!   has no device flow, on [`MockBitbucket`] too. See [`MockDevice`] for its scripted answers
//!   (approval on the second poll by default) and its enforcement of the polling interval.
//! - The API needs `Authorization: Bearer`; a token in the query string is refused (and
//!   recorded in [`Counters::token_in_query`]).
//!
//! # Injecting failures
//!
//! `set_fault` makes one [`Endpoint`] misbehave with a [`Fault`]: an error status with the
//! matching body, a delay, malformed JSON, an HTML page, a huge streamed body, a redirect, an
//! OAuth error with status 200, endless pagination or a missing `username`.
//!
//! # Extending a mock
//!
//! A [`MockExtension`] adds routes (a discovery document, a JWKS) and token-response members
//! (a signed ID token) to a [`MockProvider`] without another server; see
//! [`MockProviderConfig::extension`].
//!
//! # Secrets
//!
//! The server logs with `tracing` at debug level only, and never a token, a code, a client
//! secret or an `Authorization` header. [`Counters`] records parameter names, not values.
//!
//! A server runs on the Tokio runtime that starts it; it stops when `shutdown` is called or the
//! last clone of its handle is dropped.
//!
//! # A real Redis
//!
//! [`RedisServer`] runs a throw-away `redis-server` on a free loopback port for the tests of
//! the Redis stores (it can be stopped, restarted and frozen to test faults).

mod api;
mod authorize;
mod avatar;
mod catalog;
mod config;
pub mod conformance;
mod device;
mod extension;
mod fault;
mod grants;
mod logs;
mod oidc;
mod provider;
mod redis_server;
mod respond;
mod server;
mod spec_api;
mod spec_openid;
mod state;
mod support;
mod token;
mod wire;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

/// The web framework the mocks are built with, for [`MockExtension`] routes.
pub use axum;

pub use crate::catalog::{CatalogEntry, CatalogMock, MockCatalog};
pub use crate::config::{
    Consent, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MockConfig, MockEmail, MockUser,
};
pub use crate::device::{DeviceAnswer, MockDevice};
pub use crate::extension::{IssuedGrant, MockContext, MockExtension};
pub use crate::fault::{Endpoint, Fault};
pub use crate::grants::RefreshTokens;
pub use crate::provider::{
    MOCK_CLIENT_ID, MOCK_CLIENT_SECRET, MockClientAssertion, MockProvider, MockProviderConfig,
    STANDARD_ACCOUNT, sample_account,
};
use crate::server::{Handle, Layout};
pub use crate::state::Counters;
use crate::state::{FixtureSet, Setup};
pub use logs::{CaptureGuard, LogCapture};
pub use oidc::{
    DEFAULT_OIDC_CLIENT_ID, DEFAULT_OIDC_CLIENT_SECRET, MockAlg, MockOidc, OidcConfig,
    OidcCounters, OidcFault,
};
pub use redis_server::RedisServer;
pub use support::{
    StatusError, env_lookup, expect_http_status, map_fixture, parse_fixture, parse_token,
    start_mock,
};

/// A running mock of Bitbucket Cloud: the mock identity provider in Bitbucket's exact wire
/// format, with users computed from [`MockUser`]s.
///
/// The handle is cheap to clone; all clones control the same server. The server stops when
/// [`shutdown`](Self::shutdown) is called or when the last clone is dropped.
#[derive(Clone)]
pub struct MockBitbucket {
    inner: Arc<Handle>,
}

impl fmt::Debug for MockBitbucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockBitbucket")
            .field("base_url", &self.inner.shared.base_url)
            .field("client_id", &self.inner.shared.client_id)
            .finish_non_exhaustive()
    }
}

impl MockBitbucket {
    /// Starts a mock with [`MockConfig::default`]: consent is given automatically, the user
    /// at the browser is [`MockUser::mira`] and the consumer is `bbClientKey123` /
    /// `bbClientSecret456`.
    ///
    /// Must be called within a Tokio runtime, which then runs the server.
    ///
    /// # Errors
    ///
    /// Fails if the listening socket cannot be bound.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a mock with the given configuration.
    ///
    /// Must be called within a Tokio runtime, which then runs the server.
    ///
    /// # Errors
    ///
    /// Fails with [`io::ErrorKind::InvalidInput`] if `config.users` is empty, and otherwise
    /// if the listening socket cannot be bound.
    pub async fn start_with(config: MockConfig) -> io::Result<Self> {
        let Some(first_user) = config.users.first() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "MockConfig::users is empty; the mock needs a user to log in",
            ));
        };
        let current_user = first_user.uuid.clone();
        let setup = Setup {
            client_id: config.client_id,
            client_secret: config.client_secret,
            callback_url: config.callback_url,
            consent: config.consent,
            scopes: config.scopes,
            grant_requested_scopes: false,
            users: config.users,
            current_user,
            emails_page_len: config.emails_page_len,
            fixtures: FixtureSet::default(),
            spec: None,
            extensions: Vec::new(),
            device: config.device,
        };
        let handle = server::start(config.addr, false, Layout::Bitbucket, setup).await?;
        Ok(Self {
            inner: Arc::new(handle),
        })
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.inner.base_url()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The authorization endpoint, `{base_url}/site/oauth2/authorize`.
    pub fn authorize_url(&self) -> String {
        format!("{}/site/oauth2/authorize", self.inner.shared.base_url)
    }

    /// The token endpoint, `{base_url}/site/oauth2/access_token`.
    pub fn token_url(&self) -> String {
        format!("{}/site/oauth2/access_token", self.inner.shared.base_url)
    }

    /// The REST API root, `{base_url}/2.0`.
    pub fn api_url(&self) -> String {
        format!("{}/2.0", self.inner.shared.base_url)
    }

    /// The RFC 8628 device authorization endpoint,
    /// `{base_url}/site/oauth2/device_authorization` (a mock addition: Bitbucket has no device
    /// flow).
    pub fn device_authorization_url(&self) -> String {
        format!("{}/site/oauth2/device_authorization", self.inner.base_url())
    }

    /// The page where users enter a device login's code, `{base_url}/site/oauth2/device`.
    pub fn device_verification_url(&self) -> String {
        format!("{}/site/oauth2/device", self.inner.base_url())
    }

    /// Changes how device codes issued from now on are answered.
    pub fn set_device(&self, device: MockDevice) {
        self.inner.set_device(device);
    }

    /// Changes what refresh requests do with refresh tokens (Bitbucket's
    /// [`RefreshTokens::Reuse`] by default).
    pub fn set_refresh_tokens(&self, behaviour: RefreshTokens) {
        self.inner.set_refresh_tokens(behaviour);
    }

    /// Revokes every refresh token issued so far, as a user removing the app's access would:
    /// refreshing with one is answered like Bitbucket answers an unknown refresh token
    /// (`invalid_request`, "Invalid refresh_token").
    pub fn revoke_refresh_tokens(&self) {
        self.inner.revoke_refresh_tokens();
    }

    /// The OAuth consumer's key.
    pub fn client_id(&self) -> String {
        self.inner.shared.client_id.clone()
    }

    /// The OAuth consumer's secret.
    pub fn client_secret(&self) -> String {
        self.inner.shared.client_secret.clone()
    }

    /// A snapshot of the request counters.
    pub fn counters(&self) -> Counters {
        self.inner.counters()
    }

    /// Sets all counters back to zero and forgets the recorded parameter names.
    pub fn reset_counters(&self) {
        self.inner.reset_counters();
    }

    /// Makes `endpoint` answer with `fault` until [`clear_faults`](Self::clear_faults); it
    /// replaces a fault already set on that endpoint.
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.inner.set_fault(endpoint, fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.inner.clear_faults();
    }

    /// Changes how authorization requests are answered.
    pub fn set_consent(&self, consent: Consent) {
        self.inner.set_consent(consent);
    }

    /// Adds an account, or replaces the one with the same `uuid`. It does not log it in; see
    /// [`set_current_user`](Self::set_current_user).
    pub fn add_user(&self, user: MockUser) {
        let mut state = self.inner.shared.lock();
        match state.users.iter_mut().find(|u| u.uuid == user.uuid) {
            Some(existing) => *existing = user,
            None => state.users.push(user),
        }
    }

    /// Logs in, at the browser, the account whose username, uuid, account id or nickname is
    /// `username`; codes issued from now on act for it. Returns `false`, changing nothing, if
    /// no account matches. An authorization request whose `login_hint` names an account acts
    /// for that account instead (for that one request), so concurrent tests can log in as
    /// different users.
    pub fn set_current_user(&self, username: &str) -> bool {
        let mut state = self.inner.shared.lock();
        let Some(uuid) = state
            .users
            .iter()
            .find(|u| u.is_named(username))
            .map(|u| u.uuid.clone())
        else {
            return false;
        };
        state.current_user = uuid;
        true
    }

    /// Sets the scopes of tokens issued from now on (the default is `account email`).
    /// Tokens without `account` get 403 from `/2.0/user`, without `email` from
    /// `/2.0/user/emails`.
    pub fn set_scopes<S: Into<String>>(&self, scopes: impl IntoIterator<Item = S>) {
        self.inner
            .set_scopes(scopes.into_iter().map(Into::into).collect());
    }

    /// Expires every access token issued so far: the API answers them 401 "Access token
    /// expired. Use your refresh token to obtain a new access token." Refresh tokens stay
    /// valid, as on Bitbucket.
    pub fn expire_access_tokens(&self) {
        self.inner.expire_access_tokens();
    }

    /// The URL of a generated avatar with up to two `initials`, served by this mock (for demos
    /// that should show a picture without reaching the internet).
    pub fn avatar_url(&self, initials: &str) -> String {
        let initials: String = initials
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(2)
            .collect();
        format!("{}/avatars/{initials}.svg", self.base_url())
    }

    /// Every access and refresh token issued so far, for tests that check that no secret
    /// reaches a log, a page or a cookie.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.inner.issued_tokens()
    }

    /// Stops accepting connections; requests in flight are finished. Every clone of the
    /// handle is affected. Calling it again does nothing.
    pub fn shutdown(&self) {
        self.inner.shutdown();
    }
}
