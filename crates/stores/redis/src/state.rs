//! Flow records kept in Redis, taken back exactly once.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth_kit_core::{Error, FlowRecord, StateStore};
use sha2::{Digest, Sha256};

use crate::connection::RedisConnection;

/// How long a record outlives its TTL in Redis, so that a late callback is reported as
/// expired ([`Error::StateExpired`]) rather than unknown.
pub const EXPIRED_GRACE: Duration = Duration::from_secs(60);

/// Length of a flow cookie value: 32 random bytes, base64url without padding.
const HANDLE_LEN: usize = 43;

/// A [`StateStore`] that keeps each flow record in Redis, so any instance can complete a login
/// and a flow can be completed only once, whichever instances its callbacks reach.
///
/// - `save` writes the record under a fresh random handle with `SET … NX PX`, so the key
///   expires by itself (the state TTL plus [`EXPIRED_GRACE`]); the flow cookie carries only the
///   handle.
/// - The callback takes the record with one atomic script that compares the digest of the
///   callback's state with the stored one and deletes the record only when they match: of two
///   callbacks racing with the same cookie, exactly one gets the record, the other fails with
///   [`Error::InvalidFlowCookie`] before any token request; a callback with another state (a
///   junk link opened in the victim's browser) fails with [`Error::StateMismatch`] and leaves
///   the login in progress alone. A plain `take` is one `GETDEL` (Redis 6.2 or later).
/// - The Redis key is `{prefix}flow:{SHA-256 of the handle}`, so someone who can list the keys
///   still cannot forge the cookie that refers to one.
/// - When Redis is down or slow, both calls fail with [`Error::StoreUnavailable`] within the
///   connection's timeout, and succeed again once Redis is back.
///
/// ```no_run
/// use std::sync::Arc;
/// use oauth_kit_core::{FlowConfig, LoginService, ProviderRegistry};
/// use oauth_kit_redis::RedisConfig;
///
/// # async fn run(registry: ProviderRegistry) -> Result<(), oauth_kit_core::Error> {
/// let redis = RedisConfig::new("redis://127.0.0.1:6379").connect().await?;
/// let service = LoginService::builder(registry, FlowConfig::from_env()?)
///     .store(Arc::new(redis.state_store()))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RedisStateStore {
    redis: RedisConnection,
}

impl RedisStateStore {
    /// A store on `redis`.
    pub fn new(redis: RedisConnection) -> Self {
        Self { redis }
    }

    fn key(&self, handle: &str) -> String {
        let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(handle.as_bytes()));
        self.redis.key(&format!("flow:{digest}"))
    }
}

/// Takes the record when the stored state digest (the value's first 43 bytes) equals
/// `ARGV[1]`: the record on a match, `0` on a mismatch (the record stays), nil when there is
/// no record. Digests of the state are compared, never the state itself.
const TAKE_MATCHING: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then return false end
if string.sub(value, 1, 43) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return string.sub(value, 44)
";

/// The stored value: the digest of the state, then the record's JSON.
fn stored_value(record: &FlowRecord) -> Vec<u8> {
    let mut value = record.replay_id().into_bytes();
    value.extend_from_slice(&record.to_json());
    value
}

fn record_of(value: &[u8]) -> Option<FlowRecord> {
    value.get(DIGEST_LEN..).and_then(FlowRecord::from_json)
}

/// Length of [`FlowRecord::replay_id`]: a SHA-256 digest in base64url without padding.
const DIGEST_LEN: usize = 43;

#[async_trait]
impl StateStore for RedisStateStore {
    async fn save(&self, record: &FlowRecord, ttl: Duration) -> Result<String, Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
        let handle = URL_SAFE_NO_PAD.encode(bytes);
        let lifetime = millis(ttl.saturating_add(EXPIRED_GRACE));
        let written: Option<String> = self
            .redis
            .query(
                redis::cmd("SET")
                    .arg(self.key(&handle))
                    .arg(stored_value(record))
                    .arg("NX")
                    .arg("PX")
                    .arg(lifetime),
            )
            .await?;
        match written {
            Some(_) => Ok(handle),
            // 256 random bits collided with a live flow: the random source is broken.
            None => Err(Error::Store {
                reason: "a fresh flow handle was already in use".to_owned(),
            }),
        }
    }

    async fn take(&self, cookie_value: &str, _ttl: Duration) -> Result<FlowRecord, Error> {
        check_handle(cookie_value)?;
        let taken: Option<Vec<u8>> = self
            .redis
            .query(redis::cmd("GETDEL").arg(self.key(cookie_value)))
            .await?;
        taken
            .as_deref()
            .and_then(record_of)
            .ok_or(Error::InvalidFlowCookie)
    }

    async fn take_matching(
        &self,
        cookie_value: &str,
        state: &str,
        _ttl: Duration,
    ) -> Result<FlowRecord, Error> {
        check_handle(cookie_value)?;
        let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(state.as_bytes()));
        let script = redis::Script::new(TAKE_MATCHING);
        let mut invocation = script.key(self.key(cookie_value));
        invocation.arg(digest);
        let answer: redis::Value = self.redis.invoke(&invocation).await?;
        match answer {
            redis::Value::BulkString(json) => {
                FlowRecord::from_json(&json).ok_or(Error::InvalidFlowCookie)
            }
            redis::Value::Int(0) => Err(Error::StateMismatch),
            _ => Err(Error::InvalidFlowCookie),
        }
    }
}

/// Refuses, without a round trip to Redis, a value that cannot be a handle.
fn check_handle(cookie_value: &str) -> Result<(), Error> {
    let well_formed = cookie_value.len() == HANDLE_LEN
        && cookie_value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(Error::InvalidFlowCookie)
    }
}

/// A duration in whole milliseconds for `PX`, at least 1 (Redis refuses 0).
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
