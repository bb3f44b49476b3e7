//! actix-session's Redis store as `RedisConfig::actix_session_store` builds it, against a real
//! Redis: prefixed keys, and a bounded wait when Redis is frozen.

use std::collections::HashMap;
use std::time::Duration;

use actix_session::storage::SessionStore;
use oauth_kit_redis::RedisConfig;
use oauth_kit_testkit::RedisServer;
use time::Duration as CookieDuration;

use crate::common::{TIMEOUT, keys};

fn config(redis: &RedisServer) -> RedisConfig {
    RedisConfig::new(redis.url())
        .with_key_prefix("t:")
        .with_timeout(TIMEOUT)
        .with_connect_timeout(TIMEOUT)
}

fn state() -> HashMap<String, String> {
    HashMap::from([("user".to_owned(), "\"mira\"".to_owned())])
}

#[tokio::test]
async fn sessions_are_shared_and_deleted_under_the_prefix() {
    let redis = RedisServer::start().unwrap();
    let a = config(&redis).actix_session_store().await.unwrap();
    let b = config(&redis).actix_session_store().await.unwrap();
    let key = a.save(state(), &CookieDuration::hours(1)).await.unwrap();
    assert_eq!(b.load(&key).await.unwrap(), Some(state()));
    let stored = keys(&redis, "t:");
    assert_eq!(stored.len(), 1);
    assert!(stored[0].starts_with("t:session:"), "{}", stored[0]);
    b.delete(&key).await.unwrap();
    assert_eq!(a.load(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_frozen_redis_fails_within_the_timeout_instead_of_hanging() {
    let redis = RedisServer::start().unwrap();
    let store = config(&redis).actix_session_store().await.unwrap();
    let key = store
        .save(state(), &CookieDuration::hours(1))
        .await
        .unwrap();
    redis.pause().unwrap();
    let loaded = tokio::time::timeout(Duration::from_secs(30), store.load(&key)).await;
    redis.resume().unwrap();
    assert!(matches!(loaded, Ok(Err(_))), "{loaded:?}");
    assert_eq!(store.load(&key).await.unwrap(), Some(state()));
}

#[tokio::test]
async fn a_redis_that_is_not_there_is_reported_at_start_up() {
    let mut redis = RedisServer::start().unwrap();
    let config = config(&redis);
    redis.stop().unwrap();
    let store = config.actix_session_store().await;
    assert!(
        matches!(&store, Err(oauth_kit_core::Error::StoreUnavailable { .. })),
        "{:?}",
        store.as_ref().map(|_| ())
    );
}
