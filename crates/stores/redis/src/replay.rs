//! The sealed flow cookie with its replay memory shared through Redis.

use std::time::Duration;

use async_trait::async_trait;
use oauth_kit_core::{CookieStore, Error, FlowRecord, StateStore};

use crate::connection::RedisConnection;
use crate::state::millis;

/// The default store of oauth-kit (the flow record sealed in the cookie, see
/// [`CookieStore`]) with its memory of completed flows moved to Redis, so a callback replayed
/// on another instance is refused too.
///
/// Starting a login needs no Redis at all. When a callback has passed every other check,
/// [`mark_used`](StateStore::mark_used) adds the flow's [`FlowRecord::replay_id`] (a digest of
/// its state, never the state) to Redis with `SET {prefix}used:{id} 1 NX PX {ttl}`: the first
/// instance to do so wins, every later attempt anywhere fails with [`Error::FlowReplayed`]
/// before the token request. The entry expires with the flow.
///
/// When Redis is down or slow, the callback fails with [`Error::StoreUnavailable`] (no token
/// request is made): single use is never given up silently.
///
/// ```no_run
/// use std::sync::Arc;
/// use oauth_kit_core::{CookieStore, FlowConfig, LoginService, ProviderRegistry};
/// use oauth_kit_redis::RedisConfig;
///
/// # async fn run(registry: ProviderRegistry) -> Result<(), oauth_kit_core::Error> {
/// let config = FlowConfig::from_env()?;
/// let key = config.cookie_key().ok_or_else(|| {
///     oauth_kit_core::Error::config("OAUTH_COOKIE_KEY", "every instance needs the same key")
/// })?;
/// let cookies = CookieStore::new(key, config.cookie_name());
/// let redis = RedisConfig::new("redis://127.0.0.1:6379").connect().await?;
/// let service = LoginService::builder(registry, config)
///     .store(Arc::new(redis.shared_replay(cookies)))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SharedReplayCookieStore {
    cookies: CookieStore,
    redis: RedisConnection,
}

impl SharedReplayCookieStore {
    /// Seals with `cookies` and records completed flows in `redis`.
    pub fn new(cookies: CookieStore, redis: RedisConnection) -> Self {
        Self { cookies, redis }
    }
}

#[async_trait]
impl StateStore for SharedReplayCookieStore {
    async fn save(&self, record: &FlowRecord, _ttl: Duration) -> Result<String, Error> {
        self.cookies.seal(record)
    }

    async fn take(&self, cookie_value: &str, _ttl: Duration) -> Result<FlowRecord, Error> {
        self.cookies.unseal(cookie_value)
    }

    async fn mark_used(&self, record: &FlowRecord, ttl: Duration) -> Result<(), Error> {
        let key = self.redis.key(&format!("used:{}", record.replay_id()));
        let first: Option<String> = self
            .redis
            .query(
                redis::cmd("SET")
                    .arg(key)
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl)),
            )
            .await?;
        match first {
            Some(_) => Ok(()),
            None => Err(Error::FlowReplayed),
        }
    }
}
