//! The connection settings and the shared, self-healing connection.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use oauth_kit_core::Error;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, ErrorKind, FromRedisValue, RedisError};

use crate::replay::SharedReplayCookieStore;
use crate::state::RedisStateStore;

/// The default prefix of every key this crate writes.
pub const DEFAULT_KEY_PREFIX: &str = "oauth-kit:";

/// The default bound on one Redis command, including the wait for a reconnection.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The default bound on opening one connection to Redis.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Where Redis is and how long to wait for it.
///
/// `Debug` hides the password of the URL.
///
/// ```
/// use std::time::Duration;
/// use oauth_kit_redis::RedisConfig;
///
/// let config = RedisConfig::new("redis://:s3cret@127.0.0.1:6379/0")
///     .with_key_prefix("shop:")
///     .with_timeout(Duration::from_millis(500));
/// assert!(!format!("{config:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    url: String,
    key_prefix: String,
    timeout: Duration,
    connect_timeout: Duration,
}

impl RedisConfig {
    /// Settings for the Redis server at `url` (`redis://[:password@]host[:port][/db]`), with
    /// the key prefix [`DEFAULT_KEY_PREFIX`] and the timeouts [`DEFAULT_TIMEOUT`] and
    /// [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            key_prefix: DEFAULT_KEY_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// Reads `OAUTH_REDIS_URL`, `OAUTH_REDIS_KEY_PREFIX` and `OAUTH_REDIS_TIMEOUT_MS` from the
    /// process environment; `Ok(None)` when `OAUTH_REDIS_URL` is not set.
    pub fn from_env() -> Result<Option<Self>, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading the variables through `lookup`.
    ///
    /// ```
    /// use oauth_kit_redis::RedisConfig;
    /// let config = RedisConfig::from_lookup(|name| match name {
    ///     "OAUTH_REDIS_URL" => Some("redis://127.0.0.1:6379".to_owned()),
    ///     "OAUTH_REDIS_TIMEOUT_MS" => Some("250".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(config.map(|c| c.timeout().as_millis()), Some(250));
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let Some(url) = get("OAUTH_REDIS_URL") else {
            return Ok(None);
        };
        let mut config = Self::new(url.trim());
        config.check_url()?;
        if let Some(prefix) = get("OAUTH_REDIS_KEY_PREFIX") {
            config = config.with_key_prefix(prefix.trim());
        }
        if let Some(ms) = get("OAUTH_REDIS_TIMEOUT_MS") {
            let ms: u64 = ms.trim().parse().ok().filter(|ms| *ms > 0).ok_or_else(|| {
                Error::config(
                    "OAUTH_REDIS_TIMEOUT_MS",
                    format!("`{ms}` is not a positive number of milliseconds"),
                )
            })?;
            config = config.with_timeout(Duration::from_millis(ms));
        }
        Ok(Some(config))
    }

    /// Sets the prefix of every key (default [`DEFAULT_KEY_PREFIX`]), so several applications
    /// can share one Redis database.
    pub fn with_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// Sets the bound on one command, including the wait for a reconnection (default
    /// [`DEFAULT_TIMEOUT`]). A command that takes longer fails with
    /// [`Error::StoreUnavailable`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the bound on opening one connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The bound on one command.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The bound on opening one connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.key_prefix
    }

    /// The server's URL (it may contain a password: do not log it).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn check_url(&self) -> Result<redis::Client, Error> {
        redis::Client::open(self.url.as_str()).map_err(|_| {
            Error::config(
                "OAUTH_REDIS_URL",
                "not a Redis URL; use redis://host:port (TLS URLs need the redis crate's \
                 `tokio-rustls-comp` feature)",
            )
        })
    }

    /// Opens the connection and checks it with `PING`.
    ///
    /// Fails with [`Error::Config`] for a URL that is not a Redis URL, and with
    /// [`Error::StoreUnavailable`] when the server does not answer within the connect timeout.
    /// Once open, the connection reconnects by itself whenever Redis comes back.
    pub async fn connect(self) -> Result<RedisConnection, Error> {
        let client = self.check_url()?;
        // One quick retry: a server that is down at start-up is reported at once, and a
        // connection lost later is re-opened on the next command.
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.connect_timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(1)
            .set_factor(100)
            .set_max_delay(1_000);
        let bound = self.connect_timeout.saturating_mul(3);
        let manager = tokio::time::timeout(
            bound,
            ConnectionManager::new_with_config(client, manager_config),
        )
        .await
        .map_err(|_| timed_out())?
        .map_err(|err| classify(&err))?;
        let connection = RedisConnection {
            inner: Arc::new(Inner {
                manager,
                key_prefix: self.key_prefix,
                timeout: self.timeout,
            }),
        };
        connection.ping().await?;
        Ok(connection)
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConfig")
            .field("url", &redacted_url(&self.url))
            .field("key_prefix", &self.key_prefix)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// The URL with its password (and user name) replaced.
fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("[redacted]"));
            }
            if !parsed.username().is_empty() {
                let _ = parsed.set_username("[redacted]");
            }
            parsed.to_string()
        }
        Err(_) => "[unparsable]".to_owned(),
    }
}

/// One multiplexed connection to Redis, shared by every clone and every store made from it.
///
/// It is opened by [`RedisConfig::connect`]. When Redis goes away, commands fail with
/// [`Error::StoreUnavailable`] within the configured timeout, and the connection is re-opened
/// in the background; once Redis is back, commands succeed again without any action.
#[derive(Clone)]
pub struct RedisConnection {
    inner: Arc<Inner>,
}

struct Inner {
    manager: ConnectionManager,
    key_prefix: String,
    timeout: Duration,
}

impl fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConnection")
            .field("key_prefix", &self.inner.key_prefix)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisConnection {
    /// A state store that keeps flow records in Redis (see [`RedisStateStore`]).
    pub fn state_store(&self) -> RedisStateStore {
        RedisStateStore::new(self.clone())
    }

    /// The sealed-cookie store `cookies` with its replay memory moved to Redis (see
    /// [`SharedReplayCookieStore`]).
    pub fn shared_replay(&self, cookies: oauth_kit_core::CookieStore) -> SharedReplayCookieStore {
        SharedReplayCookieStore::new(cookies, self.clone())
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.inner.key_prefix
    }

    /// The bound on one command.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// `prefix` followed by `suffix`.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.inner.key_prefix)
    }

    /// The underlying connection manager, for your own commands (clone it; clones share the
    /// connection).
    pub fn manager(&self) -> ConnectionManager {
        self.inner.manager.clone()
    }

    /// Sends `PING`.
    pub async fn ping(&self) -> Result<(), Error> {
        let _: String = self.query(&redis::cmd("PING")).await?;
        Ok(())
    }

    /// Runs one command within the timeout. Transport failures and timeouts become
    /// [`Error::StoreUnavailable`]; an error answered by the server becomes [`Error::Store`].
    pub async fn query<T: FromRedisValue>(&self, cmd: &Cmd) -> Result<T, Error> {
        let mut manager = self.inner.manager.clone();
        tokio::time::timeout(self.inner.timeout, cmd.query_async(&mut manager))
            .await
            .map_err(|_| timed_out())?
            .map_err(|err| classify(&err))
    }

    /// Runs a script (`EVALSHA`, loading it on the first use) within the timeout, with the
    /// same error mapping as [`query`](Self::query).
    pub async fn invoke<T: FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, Error> {
        let mut manager = self.inner.manager.clone();
        tokio::time::timeout(self.inner.timeout, invocation.invoke_async(&mut manager))
            .await
            .map_err(|_| timed_out())?
            .map_err(|err| classify(&err))
    }
}

fn timed_out() -> Error {
    Error::StoreUnavailable {
        reason: "redis did not answer in time".to_owned(),
    }
}

/// Maps a client error to a core error whose text names the kind of failure only (never the
/// URL, a key or a value).
pub(crate) fn classify(err: &RedisError) -> Error {
    let transient = matches!(
        err.kind(),
        ErrorKind::IoError
            | ErrorKind::BusyLoadingError
            | ErrorKind::TryAgain
            | ErrorKind::MasterDown
            | ErrorKind::ClusterDown
            | ErrorKind::ReadOnly
    );
    if !transient {
        let code = err.code().unwrap_or("client error");
        return Error::Store {
            reason: format!("redis answered with an error ({code})"),
        };
    }
    let reason = if err.is_timeout() {
        "redis did not answer in time"
    } else if err.is_connection_refusal() {
        "redis refused the connection"
    } else if err.is_io_error() {
        "the connection to redis failed"
    } else {
        "redis is not ready"
    };
    Error::StoreUnavailable {
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password_and_user() {
        let config = RedisConfig::new("redis://admin:hunter2-s3cret@127.0.0.1:6379/0");
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("admin"), "{debug}");
        assert!(debug.contains("127.0.0.1:6379"), "{debug}");
    }

    #[test]
    fn environment_without_a_url_means_no_redis() {
        assert!(matches!(RedisConfig::from_lookup(|_| None), Ok(None)));
        let empty =
            RedisConfig::from_lookup(|name| (name == "OAUTH_REDIS_URL").then(|| "  ".to_owned()));
        assert!(matches!(empty, Ok(None)));
    }

    #[test]
    fn environment_with_a_bad_url_or_timeout_names_the_variable() {
        let bad_url = RedisConfig::from_lookup(|name| {
            (name == "OAUTH_REDIS_URL").then(|| "http://127.0.0.1:6379".to_owned())
        });
        assert!(
            matches!(&bad_url, Err(Error::Config { setting, .. }) if setting == "OAUTH_REDIS_URL"),
            "{bad_url:?}"
        );
        let bad_timeout = RedisConfig::from_lookup(|name| match name {
            "OAUTH_REDIS_URL" => Some("redis://127.0.0.1:6379".to_owned()),
            "OAUTH_REDIS_TIMEOUT_MS" => Some("soon".to_owned()),
            _ => None,
        });
        assert!(
            matches!(&bad_timeout, Err(Error::Config { setting, .. }) if setting == "OAUTH_REDIS_TIMEOUT_MS"),
            "{bad_timeout:?}"
        );
    }

    #[test]
    fn environment_sets_the_prefix() {
        let config = RedisConfig::from_lookup(|name| match name {
            "OAUTH_REDIS_URL" => Some("redis://127.0.0.1:6379".to_owned()),
            "OAUTH_REDIS_KEY_PREFIX" => Some("shop:".to_owned()),
            _ => None,
        });
        assert_eq!(
            config.ok().flatten().map(|c| c.key_prefix().to_owned()),
            Some("shop:".to_owned())
        );
    }

    #[test]
    fn transport_failures_are_unavailable_and_server_errors_are_not() {
        let refused = RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(classify(&refused).is_store_unavailable());
        let wrong_type = RedisError::from((ErrorKind::TypeError, "WRONGTYPE"));
        assert!(matches!(classify(&wrong_type), Error::Store { .. }));
    }
}
