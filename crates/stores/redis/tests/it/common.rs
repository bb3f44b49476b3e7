//! What the Redis store tests share: a real Redis, a mock Bitbucket, and "instances" (login
//! services that share nothing but Redis and the cookie key).

#![allow(clippy::expect_used, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{
    BeginOptions, ClientSecret, CookieKey, CookieStore, FlowConfig, LoginService, ProviderRegistry,
    StateStore,
};
use oauth_kit_redis::{RedisConfig, RedisConnection};
use oauth_kit_testkit::{MockBitbucket, RedisServer};

pub const PROVIDER: &str = "bitbucket";
pub const COOKIE_KEY: &str = "redis-tests-cookie-key-0123456789abcdef0123456789";

/// A short command timeout, so fault tests fail fast.
pub const TIMEOUT: Duration = Duration::from_millis(300);

/// Which store an instance uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Flow records in Redis.
    State,
    /// Sealed cookie, replay set in Redis.
    SharedReplay,
}

/// A connection to `redis` of its own (as each instance of an application would have).
pub async fn connect(redis: &RedisServer, prefix: &str) -> RedisConnection {
    RedisConfig::new(redis.url())
        .with_key_prefix(prefix)
        .with_timeout(TIMEOUT)
        .with_connect_timeout(TIMEOUT)
        .connect()
        .await
        .expect("connect to the test redis-server")
}

pub fn config() -> FlowConfig {
    FlowConfig::builder("http://127.0.0.1:8000")
        .cookie_key(CookieKey::new(COOKIE_KEY).unwrap())
        .build()
        .unwrap()
}

/// One application instance: its own Redis connection, the shared cookie key.
pub async fn instance(mock: &MockBitbucket, redis: &RedisServer, mode: Mode) -> LoginService {
    instance_with(mock, redis, mode, config()).await
}

/// Like [`instance`], with another configuration.
pub async fn instance_with(
    mock: &MockBitbucket,
    redis: &RedisServer,
    mode: Mode,
    config: FlowConfig,
) -> LoginService {
    let connection = connect(redis, "test:").await;
    let store: Arc<dyn StateStore> = match mode {
        Mode::State => Arc::new(connection.state_store()),
        Mode::SharedReplay => {
            let cookies = CookieStore::new(config.cookie_key().unwrap(), config.cookie_name());
            Arc::new(connection.shared_replay(cookies))
        }
    };
    let provider =
        BitbucketProvider::builder(mock.client_id(), ClientSecret::new(mock.client_secret()))
            .authorize_url(mock.authorize_url())
            .token_url(mock.token_url())
            .api_url(mock.api_url())
            .build()
            .unwrap();
    let mut registry = ProviderRegistry::new();
    registry.register(provider).unwrap();
    LoginService::builder(registry, config)
        .store(store)
        .build()
        .unwrap()
}

/// A login begun on `service`: the flow cookie value and the callback query the mock sends
/// the browser back with.
pub struct Begun {
    pub cookie: String,
    pub query: String,
}

pub async fn begin(service: &LoginService, mock: &MockBitbucket) -> Begun {
    let begun = service
        .begin(PROVIDER, BeginOptions::default())
        .await
        .expect("begin");
    let _ = mock;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .get(begun.authorization_url.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 302, "the mock approves");
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let query = url::Url::parse(&location)
        .unwrap()
        .query()
        .unwrap_or_default()
        .to_owned();
    Begun {
        cookie: begun.cookie.value().to_owned(),
        query,
    }
}

/// Keys of the test Redis that start with `prefix`.
pub fn keys(redis: &RedisServer, prefix: &str) -> Vec<String> {
    match redis.command(&["KEYS", &format!("{prefix}*")]).unwrap() {
        redis::Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                redis::Value::BulkString(bytes) => String::from_utf8(bytes).unwrap(),
                other => panic!("unexpected key {other:?}"),
            })
            .collect(),
        other => panic!("unexpected KEYS answer {other:?}"),
    }
}

/// The remaining lifetime of `key` in milliseconds (`PTTL`).
pub fn pttl(redis: &RedisServer, key: &str) -> i64 {
    match redis.command(&["PTTL", key]).unwrap() {
        redis::Value::Int(ms) => ms,
        other => panic!("unexpected PTTL answer {other:?}"),
    }
}
