//! actix-session's Redis store with the connection's key prefix and a bound on every call,
//! for the Actix adapter's sessions.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use actix_session::storage::{
    LoadError, RedisSessionStore, SaveError, SessionKey, SessionStore, UpdateError,
};
use oauth_kit_core::Error;
use time::Duration as CookieDuration;

use crate::connection::{RedisConfig, classify};

/// actix-session's own Redis store (`actix_session::storage::RedisSessionStore`, feature
/// `actix-session`), so every instance sees every session and a purge (logout) deletes the
/// session everywhere; pair it with the Actix adapter's `server_side_sessions(true)`.
///
/// Two things are added around it: session keys start with the configured prefix
/// (`{prefix}session:{key}`), and every call is bounded by the configured timeout, because
/// actix-session's connection has no response timeout of its own and a frozen Redis would
/// otherwise hold requests forever. A call that fails or times out is an error of the session
/// middleware, which the Actix adapter answers with 503 `store_unavailable` (the failure
/// redirect with that code on the callback).
///
/// ```no_run
/// use oauth_kit_actix::OAuth;
/// use oauth_kit_redis::RedisConfig;
///
/// # async fn run(oauth: OAuth) -> Result<(), oauth_kit_core::Error> {
/// let store = RedisConfig::new("redis://127.0.0.1:6379").actix_session_store().await?;
/// let oauth = oauth.server_side_sessions(true);
/// let middleware = oauth.session_middleware_with(store.clone());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ActixRedisSessionStore {
    inner: RedisSessionStore,
    timeout: Duration,
}

impl fmt::Debug for ActixRedisSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActixRedisSessionStore")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisConfig {
    /// Opens actix-session's Redis store on this server, with this configuration's key prefix
    /// and timeouts (feature `actix-session`). Fails like [`connect`](Self::connect): with
    /// [`Error::Config`] for a URL that is not a Redis URL, with [`Error::StoreUnavailable`]
    /// when the server does not answer.
    pub async fn actix_session_store(&self) -> Result<ActixRedisSessionStore, Error> {
        self.check_url()?;
        let prefix = format!("{}session:", self.key_prefix());
        let building = RedisSessionStore::builder(self.url().to_owned())
            .cache_keygen(move |key| format!("{prefix}{key}"))
            .build();
        let inner = tokio::time::timeout(self.connect_timeout().saturating_mul(3), building)
            .await
            .map_err(|_| unavailable("redis did not answer in time"))?
            .map_err(|err| match err.downcast_ref::<redis::RedisError>() {
                Some(err) => classify(err),
                None => unavailable("the connection to redis failed"),
            })?;
        Ok(ActixRedisSessionStore {
            inner,
            timeout: self.timeout(),
        })
    }
}

fn unavailable(reason: &str) -> Error {
    Error::StoreUnavailable {
        reason: reason.to_owned(),
    }
}

impl ActixRedisSessionStore {
    async fn bounded<T, E>(
        &self,
        call: impl Future<Output = Result<T, E>>,
        timed_out: impl FnOnce(anyhow::Error) -> E,
    ) -> Result<T, E> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(timed_out(anyhow::Error::new(unavailable(
                "redis did not answer in time",
            )))),
        }
    }
}

impl SessionStore for ActixRedisSessionStore {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        self.bounded(self.inner.load(session_key), LoadError::Other)
            .await
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        self.bounded(self.inner.save(session_state, ttl), SaveError::Other)
            .await
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        self.bounded(
            self.inner.update(session_key, session_state, ttl),
            UpdateError::Other,
        )
        .await
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &CookieDuration,
    ) -> anyhow::Result<()> {
        self.bounded(self.inner.update_ttl(session_key, ttl), |e| e)
            .await
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        self.bounded(self.inner.delete(session_key), |e| e).await
    }
}
