//! The token manager: a valid access token for a user, refreshed before it expires, with one
//! refresh per user at a time.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use super::set::{TokenKey, TokenSet};
use super::store::TokenStore;
use crate::error::{Error, LoginRequiredReason};
use crate::flow::LoginService;
use crate::http::HttpClient;
use crate::provider::{OAuthProvider, ProviderName, ProviderRegistry, Revocation};
use crate::secret::AccessToken;
use crate::token::OAuthToken;

/// How long before its expiry an access token is refreshed by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

type KeyLocks = Mutex<HashMap<TokenKey, Arc<AsyncMutex<()>>>>;

struct Inner {
    registry: ProviderRegistry,
    store: Arc<dyn TokenStore>,
    http: HttpClient,
    margin: Duration,
    revoke_on_logout: bool,
    locks: KeyLocks,
}

/// Hands out valid access tokens for users whose tokens are kept in a [`TokenStore`].
///
/// - [`access_token`](Self::access_token) returns the kept access token while it is valid
///   for longer than the refresh margin ([`DEFAULT_REFRESH_MARGIN`] unless set), and otherwise
///   refreshes it first.
/// - **One refresh at a time per user.** Concurrent callers that find the same token about to
///   expire wait for a single refresh request and all get its result. The refresh runs in its
///   own task, so a caller that gives up does not cut a refresh (and a rotated refresh token)
///   off half-way.
/// - The new set is stored, in one [`TokenStore::put`], before any caller gets the new access
///   token. A refresh token the provider does not send again is kept.
/// - When the provider refuses the refresh token (`invalid_grant`, or what
///   [`OAuthProvider::refresh_rejected`] recognises), the kept set is removed and the caller
///   gets [`Error::LoginRequired`]: send the user through the login again.
/// - When a refresh fails for another reason (the provider is down) while the kept access
///   token has not expired yet, that token is returned and the refresh is tried again on the
///   next call.
///
/// Cheap to clone; clones share the store, the HTTP client and the per-user locks.
#[derive(Clone)]
pub struct TokenManager {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field(
                "providers",
                &self.inner.registry.names().collect::<Vec<_>>(),
            )
            .field("store", &self.inner.store)
            .field("refresh_margin", &self.inner.margin)
            .field("revoke_on_logout", &self.inner.revoke_on_logout)
            .finish_non_exhaustive()
    }
}

/// Builder of [`TokenManager`].
#[derive(Debug)]
pub struct TokenManagerBuilder {
    registry: ProviderRegistry,
    store: Arc<dyn TokenStore>,
    http: Option<HttpClient>,
    margin: Duration,
    revoke_on_logout: bool,
}

impl TokenManagerBuilder {
    /// Uses `http` for refresh and revocation requests (by default a new
    /// [`HttpClient::new`]).
    pub fn http_client(mut self, http: HttpClient) -> Self {
        self.http = Some(http);
        self
    }

    /// Refreshes access tokens that expire within `margin` (default
    /// [`DEFAULT_REFRESH_MARGIN`]).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Revokes the kept tokens at the provider (RFC 7009) on
    /// [`logout`](TokenManager::logout), where the provider supports revocation. Off by
    /// default.
    pub fn revoke_on_logout(mut self, yes: bool) -> Self {
        self.revoke_on_logout = yes;
        self
    }

    /// Builds the manager.
    pub fn build(self) -> Result<TokenManager, Error> {
        let http = match self.http {
            Some(http) => http,
            None => HttpClient::new()?,
        };
        Ok(TokenManager {
            inner: Arc::new(Inner {
                registry: self.registry,
                store: self.store,
                http,
                margin: self.margin,
                revoke_on_logout: self.revoke_on_logout,
                locks: Mutex::new(HashMap::new()),
            }),
        })
    }
}

impl TokenManager {
    /// A builder for a manager of the tokens of `registry`'s providers, kept in `store`.
    pub fn builder(registry: ProviderRegistry, store: Arc<dyn TokenStore>) -> TokenManagerBuilder {
        TokenManagerBuilder {
            registry,
            store,
            http: None,
            margin: DEFAULT_REFRESH_MARGIN,
            revoke_on_logout: false,
        }
    }

    /// A builder sharing the login service's providers and HTTP client.
    pub fn for_service(service: &LoginService, store: Arc<dyn TokenStore>) -> TokenManagerBuilder {
        Self::builder(service.registry().clone(), store).http_client(service.http().clone())
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// The HTTP client (use it for API calls with the tokens).
    pub fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    /// The refresh margin.
    pub fn refresh_margin(&self) -> Duration {
        self.inner.margin
    }

    /// Keeps the token of a completed login for `key`, replacing any kept before.
    pub async fn keep(&self, key: &TokenKey, token: &OAuthToken) -> Result<(), Error> {
        let _flight = Flight::enter(&self.inner, key).await;
        self.inner.store.put(key, TokenSet::from_token(token)).await
    }

    /// A valid access token for `key`, refreshed first when it expires within the margin.
    ///
    /// Fails with [`Error::LoginRequired`] when nothing is kept for `key`, when the token
    /// expired and cannot be refreshed, or when the provider refused the refresh token.
    pub async fn access_token(&self, key: &TokenKey) -> Result<AccessToken, Error> {
        Ok(self.tokens(key).await?.access_token)
    }

    /// Like [`access_token`](Self::access_token), returning the whole kept set.
    pub async fn tokens(&self, key: &TokenKey) -> Result<TokenSet, Error> {
        let kept = self
            .inner
            .store
            .get(key)
            .await?
            .ok_or_else(|| login_required(key, LoginRequiredReason::NoStoredToken))?;
        if kept.is_fresh(self.inner.margin) {
            return Ok(kept);
        }
        let inner = Arc::clone(&self.inner);
        let key = key.clone();
        // The refresh runs in its own task so that a caller that stops waiting cannot
        // interrupt it between the provider's answer and the store's update.
        tokio::spawn(async move { inner.refresh_once(&key).await })
            .await
            .map_err(|_| Error::TokenStore {
                reason: "the token refresh task stopped unexpectedly".to_owned(),
            })?
    }

    /// Forgets the tokens kept for `key` and, when the manager was built with
    /// [`revoke_on_logout`](TokenManagerBuilder::revoke_on_logout), asks the provider to
    /// revoke them.
    ///
    /// The kept tokens are removed first, whatever the revocation's outcome. Returns the
    /// provider's answer, or `None` when no revocation was attempted (not enabled, or nothing
    /// was kept).
    pub async fn logout(&self, key: &TokenKey) -> Result<Option<Revocation>, Error> {
        let removed = {
            let _flight = Flight::enter(&self.inner, key).await;
            self.inner.store.remove(key).await?
        };
        let Some(removed) = removed else {
            return Ok(None);
        };
        if !self.inner.revoke_on_logout {
            return Ok(None);
        }
        let provider = self.inner.provider(key)?;
        let revocation = provider
            .revoke(&self.inner.http, &removed.to_token())
            .await?;
        tracing::debug!(
            provider = provider.name(),
            ?revocation,
            "tokens revoked on logout"
        );
        Ok(Some(revocation))
    }
}

impl Inner {
    /// Refreshes `key`'s tokens unless another caller did while this one waited for the lock.
    async fn refresh_once(&self, key: &TokenKey) -> Result<TokenSet, Error> {
        let _flight = Flight::enter(self, key).await;
        let kept = self
            .store
            .get(key)
            .await?
            .ok_or_else(|| login_required(key, LoginRequiredReason::NoStoredToken))?;
        if kept.is_fresh(self.margin) {
            return Ok(kept);
        }
        let provider = self.provider(key)?;
        let refresh_token = match &kept.refresh_token {
            Some(token) if provider.capabilities().refresh => token,
            _ if !kept.is_expired() => return Ok(kept),
            _ => return Err(login_required(key, LoginRequiredReason::NoRefreshToken)),
        };
        match provider.refresh(&self.http, refresh_token).await {
            Ok(token) => {
                let next = kept.refreshed_with(&token);
                self.store.put(key, next.clone()).await?;
                tracing::debug!(provider = provider.name(), "access token refreshed");
                Ok(next)
            }
            Err(error) if provider.refresh_rejected(&error) => {
                self.store.remove(key).await?;
                tracing::info!(
                    provider = provider.name(),
                    error = %error,
                    "refresh token refused; the kept tokens were removed and the user must log in again"
                );
                Err(login_required(key, LoginRequiredReason::RefreshRejected))
            }
            Err(error) if !kept.is_expired() => {
                tracing::warn!(
                    provider = provider.name(),
                    error = %error,
                    "token refresh failed; the current access token is still valid and is used"
                );
                Ok(kept)
            }
            Err(error) => Err(error),
        }
    }

    fn provider(&self, key: &TokenKey) -> Result<Arc<dyn OAuthProvider>, Error> {
        self.registry
            .get(key.provider())
            .cloned()
            .ok_or_else(|| Error::UnknownProvider {
                name: ProviderName::parse(key.provider())
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_else(|| "<invalid>".to_owned()),
            })
    }

    fn locks(&self) -> MutexGuard<'_, HashMap<TokenKey, Arc<AsyncMutex<()>>>> {
        // Each update is one map operation; a poisoned lock is taken over.
        self.locks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Holds the per-key lock; on drop (also when the wait for the lock is abandoned), releases
/// it and forgets the lock when nobody else holds or waits for it, so the map only has entries
/// for keys in use.
struct Flight<'a> {
    inner: &'a Inner,
    key: &'a TokenKey,
    lock: Option<Arc<AsyncMutex<()>>>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl<'a> Flight<'a> {
    async fn enter(inner: &'a Inner, key: &'a TokenKey) -> Flight<'a> {
        let lock = Arc::clone(inner.locks().entry(key.clone()).or_default());
        let mut flight = Flight {
            inner,
            key,
            lock: Some(Arc::clone(&lock)),
            guard: None,
        };
        flight.guard = Some(lock.lock_owned().await);
        flight
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        drop(self.lock.take());
        let mut locks = self.inner.locks();
        if locks
            .get(self.key)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            locks.remove(self.key);
        }
    }
}

fn login_required(key: &TokenKey, reason: LoginRequiredReason) -> Error {
    Error::LoginRequired {
        provider: key.provider().to_owned(),
        reason,
    }
}
