//! Tokens for the application itself: the client-credentials grant with a cached token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex as AsyncMutex;

use super::manager::DEFAULT_REFRESH_MARGIN;
use super::set::TokenSet;
use crate::error::Error;
use crate::http::HttpClient;
use crate::provider::OAuthProvider;
use crate::secret::AccessToken;

/// A token of the client-credentials grant (RFC 6749 section 4.4), requested when first
/// needed and cached until shortly before it expires.
///
/// The token acts for the application (on Bitbucket: for the consumer's owner), not for a
/// user. Concurrent callers share one token request. A token the provider gives no lifetime
/// is kept until [`invalidate`](Self::invalidate). Cheap to clone; clones share the cache.
///
/// ```no_run
/// use std::sync::Arc;
/// use oauth_kit_core::{ClientCredentials, HttpClient, OAuthProvider};
///
/// # async fn run(provider: Arc<dyn OAuthProvider>) -> Result<(), oauth_kit_core::Error> {
/// let service_token = ClientCredentials::new(provider, HttpClient::new()?);
/// let token = service_token.access_token().await?; // one token request
/// let again = service_token.access_token().await?; // from the cache
/// # let _ = (token, again);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientCredentials {
    provider: Arc<dyn OAuthProvider>,
    http: HttpClient,
    scopes: Vec<String>,
    margin: Duration,
    cached: Arc<AsyncMutex<Option<TokenSet>>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("provider", &self.provider.name())
            .field("scopes", &self.scopes)
            .field("refresh_margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Client-credentials tokens of `provider`, with no `scope` parameter and a renewal
    /// [`DEFAULT_REFRESH_MARGIN`] before expiry.
    pub fn new(provider: Arc<dyn OAuthProvider>, http: HttpClient) -> Self {
        Self {
            provider,
            http,
            scopes: Vec::new(),
            margin: DEFAULT_REFRESH_MARGIN,
            cached: Arc::new(AsyncMutex::new(None)),
        }
    }

    /// Requests these scopes.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Requests a new token when the cached one expires within `margin`.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// A valid access token, from the cache or from a new token request.
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        Ok(self.tokens().await?.access_token)
    }

    /// Like [`access_token`](Self::access_token), returning the whole set.
    pub async fn tokens(&self) -> Result<TokenSet, Error> {
        let mut cached = self.cached.lock().await;
        if let Some(tokens) = cached.as_ref().filter(|t| t.is_fresh(self.margin)) {
            return Ok(tokens.clone());
        }
        let token = self
            .provider
            .client_credentials(&self.http, &self.scopes)
            .await?;
        let tokens = TokenSet::from_token(&token);
        *cached = Some(tokens.clone());
        tracing::debug!(
            provider = self.provider.name(),
            "client credentials token obtained"
        );
        Ok(tokens)
    }

    /// Drops the cached token, for example after the API refused it; the next call requests
    /// a new one.
    pub async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }
}
