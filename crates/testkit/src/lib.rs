//! A mock Bitbucket Cloud on 127.0.0.1 that speaks its OAuth 2.0 and user API wire format.
//!
//! [`MockBitbucket`] is a real HTTP server on a random local port. It serves Bitbucket's
//! authorization endpoint, token endpoint, `/2.0/user` and the paginated `/2.0/user/emails`,
//! with the status codes, JSON shapes and quirks of the real service (`"scopes"` in the token
//! response, refresh tokens that are not rotated, braces in user UUIDs, absolute `next` links).
//! oauth-kit's integration tests, its end-to-end suite and the demo app log in against it, so
//! no test needs an account anywhere or talks to the internet.
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
//! - The authorization request needs the consumer's `client_id` and `response_type=code`; the
//!   `redirect_uri` keeps its own query and gets `code` and the echoed `state` appended. How
//!   the "user" answers is set with [`Consent`].
//! - The token request needs HTTP Basic client authentication and a form body. Codes are single
//!   use and bound to their `redirect_uri`. Errors use Bitbucket's bodies, e.g.
//!   `{"error_description": "The specified code is not valid.", "error": "invalid_grant"}`.
//! - The API needs `Authorization: Bearer`; a token in the query string is refused (and
//!   recorded in [`Counters::token_in_query`]).
//!
//! # Injecting failures
//!
//! [`MockBitbucket::set_fault`] makes one [`Endpoint`] misbehave with a [`Fault`]: an error
//! status with the matching body, a delay, malformed JSON, an HTML page, a huge streamed body,
//! a redirect, an OAuth error with status 200, endless pagination or a missing `username`.
//!
//! # Secrets
//!
//! The server logs with `tracing` at debug level only, and never a token, a code, a client
//! secret or an `Authorization` header. [`Counters`] records parameter names, not values.
//!
//! The server runs on the Tokio runtime that [`MockBitbucket::start`] is called on; it stops
//! when [`MockBitbucket::shutdown`] is called or the last clone of the handle is dropped.

mod api;
mod authorize;
mod avatar;
mod config;
mod fault;
mod logs;
mod respond;
mod state;
mod token;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use crate::config::{
    Consent, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MockConfig, MockEmail, MockUser,
};
pub use crate::fault::{Endpoint, Fault};
pub use crate::state::Counters;
use crate::state::Shared;
pub use logs::LogCapture;

/// A running mock of Bitbucket Cloud.
///
/// The handle is cheap to clone; all clones control the same server. The server stops when
/// [`shutdown`](Self::shutdown) is called or when the last clone is dropped.
#[derive(Clone)]
pub struct MockBitbucket {
    inner: Arc<Handle>,
}

/// What the handle owns. Dropping it drops the shutdown sender, which stops the server.
struct Handle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<()>,
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
        let listener = TcpListener::bind(
            config
                .addr
                .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
        )
        .await?;
        let mut addr = listener.local_addr()?;
        if addr.ip().is_unspecified() {
            // A client cannot connect to 0.0.0.0; advertise loopback instead.
            addr.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        let shared = Arc::new(Shared::new(config, format!("http://{addr}"), current_user));
        let router = Router::new()
            .route("/site/oauth2/authorize", get(authorize::authorize))
            .route(authorize::DECISION_PATH, post(authorize::decide))
            .route("/site/oauth2/access_token", post(token::token))
            .route("/2.0/user", get(api::user))
            .route("/2.0/user/emails", get(api::emails))
            .route("/avatars/{file}", get(avatar::avatar))
            .fallback(api::not_found)
            .method_not_allowed_fallback(api::method_not_allowed)
            .with_state(Arc::clone(&shared));

        let (shutdown, mut stopped) = watch::channel(());
        tokio::spawn(async move {
            let signal = async move {
                // Resolves on `shutdown()` and when the last handle drops the sender.
                let _ = stopped.changed().await;
            };
            if let Err(error) = axum::serve(listener, router)
                .with_graceful_shutdown(signal)
                .await
            {
                tracing::debug!(%error, "mock bitbucket: server stopped with an error");
            }
        });
        tracing::debug!(%addr, "mock bitbucket: listening");
        Ok(Self {
            inner: Arc::new(Handle {
                shared,
                addr,
                shutdown,
            }),
        })
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.inner.shared.base_url.clone()
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
        self.inner.shared.lock().counters.clone()
    }

    /// Sets all counters back to zero and forgets the recorded parameter names.
    pub fn reset_counters(&self) {
        self.inner.shared.lock().counters = Counters::default();
    }

    /// Makes `endpoint` answer with `fault` until [`clear_faults`](Self::clear_faults); it
    /// replaces a fault already set on that endpoint.
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.inner.shared.lock().faults.insert(endpoint, fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.inner.shared.lock().faults.clear();
    }

    /// Changes how authorization requests are answered.
    pub fn set_consent(&self, consent: Consent) {
        self.inner.shared.lock().consent = consent;
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
    /// no account matches.
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
        self.inner.shared.lock().scopes = scopes.into_iter().map(Into::into).collect();
    }

    /// Expires every access token issued so far: the API answers them 401 "Access token
    /// expired. Use your refresh token to obtain a new access token." Refresh tokens stay
    /// valid, as on Bitbucket.
    pub fn expire_access_tokens(&self) {
        for grant in self.inner.shared.lock().access_tokens.values_mut() {
            grant.expired = true;
        }
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
        let state = self.inner.shared.lock();
        state
            .access_tokens
            .keys()
            .chain(state.refresh_tokens.keys())
            .cloned()
            .collect()
    }

    /// Stops accepting connections; requests in flight are finished. Every clone of the
    /// handle is affected. Calling it again does nothing.
    pub fn shutdown(&self) {
        self.inner.shutdown.send_replace(());
    }
}
