//! Redis stores for oauth-kit: login state that every instance behind a load balancer shares,
//! with single use that holds across instances.
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use oauth_kit_core::{FlowConfig, LoginService, ProviderRegistry};
//! use oauth_kit_redis::RedisConfig;
//!
//! # async fn run(registry: ProviderRegistry) -> Result<(), oauth_kit_core::Error> {
//! // OAUTH_REDIS_URL=redis://127.0.0.1:6379
//! let redis = match RedisConfig::from_env()? {
//!     Some(config) => config.connect().await?,
//!     None => RedisConfig::new("redis://127.0.0.1:6379").connect().await?,
//! };
//! let service = LoginService::builder(registry, FlowConfig::from_env()?)
//!     .store(Arc::new(redis.state_store()))
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! # Two stores
//!
//! - [`RedisStateStore`]: the flow record lives in Redis and the flow cookie carries only a
//!   random handle. The callback takes the record atomically, and only when its state
//!   matches, so a flow completes once across all instances and a junk callback cannot cancel
//!   a login in progress; the key expires with the flow.
//! - [`SharedReplayCookieStore`]: the flow record stays in the sealed cookie (oauth-kit's
//!   default), and only the set of completed flows is kept in Redis (`SET NX` with the flow's
//!   TTL), so a replayed callback is refused on every instance. Starting a login needs no Redis.
//!
//! Both fail closed: when Redis is down or slower than the timeout, the call fails with
//! [`Error::StoreUnavailable`](oauth_kit_core::Error::StoreUnavailable) (the adapters answer
//! 503 JSON, or redirect a callback to the failure path with `error=store_unavailable`) and
//! no token request is made. The connection re-opens by itself when Redis is back.
//!
//! # Connection
//!
//! [`RedisConfig::connect`] opens one multiplexed connection (redis-rs's `ConnectionManager`)
//! that every clone of [`RedisConnection`] and every store made from it shares: commands are
//! pipelined on it, and it reconnects in the background after a failure. Each command is
//! bounded by [`RedisConfig::with_timeout`] (default 2 s), including the wait for a
//! reconnection. Keys start with a prefix (default `oauth-kit:`). Redis 6.2 or later is needed
//! (`GETDEL`, `EXAT`).
//!
//! # Sessions
//!
//! - Feature `tower-sessions`: [`RedisSessionStore`], a tower-sessions store for the Axum
//!   adapter (`oauth.session_layer_with(RedisSessionStore::new(redis))`).
//! - Feature `actix-session`: `RedisConfig::actix_session_store`, actix-session's own Redis store
//!   with the key prefix and a bound on every call, for the Actix adapter
//!   (`oauth.server_side_sessions(true).session_middleware_with(store)`).
//!
//! With either, a session is seen by every instance and a logout ends it everywhere. When Redis
//! fails, the adapters answer 503 `store_unavailable` (the failure redirect on the callback).
//!
//! `docs/deployment.md` compares one instance, several instances with the sealed cookie, and
//! several instances with Redis.

#[cfg(feature = "actix-session")]
mod actix_sessions;
mod connection;
mod replay;
#[cfg(feature = "tower-sessions")]
mod sessions;
mod state;

pub use connection::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT, RedisConfig, RedisConnection,
};
pub use replay::SharedReplayCookieStore;
pub use state::{EXPIRED_GRACE, RedisStateStore};

#[cfg(feature = "actix-session")]
pub use actix_sessions::ActixRedisSessionStore;
#[cfg(feature = "tower-sessions")]
pub use sessions::RedisSessionStore;

/// The redis-rs client this crate is built on.
pub use redis;
