//! A `tower-sessions` store on Redis, for the Axum adapter's sessions.

use async_trait::async_trait;
use oauth_kit_core::Error;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store;

use crate::connection::RedisConnection;

/// A [`tower_sessions::SessionStore`] on Redis (feature `tower-sessions`), so every instance
/// sees every session and a logout ends the session everywhere.
///
/// It follows the published `tower-sessions-redis-store`, whose releases target older
/// `tower-sessions` versions than the 0.15 the Axum adapter uses: each session is one key
/// `{prefix}session:{id}` holding the record as JSON, with the session's expiry set at every
/// write (`EXAT`). A new session is written with `NX` (a fresh id on a collision), an update
/// with `XX`, so a session deleted by a logout on one instance is never written back by a
/// request still in flight on another.
///
/// Every command shares the connection's timeout: when Redis is down or slow, calls fail with
/// [`session_store::Error::Backend`], which the Axum adapter answers with 503
/// `store_unavailable` (and, on the callback, the failure redirect with that code).
///
/// ```no_run
/// use oauth_kit_axum::OAuth;
/// use oauth_kit_redis::{RedisConfig, RedisSessionStore};
///
/// # async fn run(oauth: OAuth) -> Result<(), oauth_kit_core::Error> {
/// let redis = RedisConfig::new("redis://127.0.0.1:6379").connect().await?;
/// let layer = oauth.session_layer_with(RedisSessionStore::new(redis));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RedisSessionStore {
    redis: RedisConnection,
}

impl RedisSessionStore {
    /// A session store on `redis`.
    pub fn new(redis: RedisConnection) -> Self {
        Self { redis }
    }

    fn key(&self, id: &Id) -> String {
        self.redis.key(&format!("session:{id}"))
    }

    /// Writes `record` with the condition `NX` or `XX`; whether it was written.
    async fn write(&self, record: &Record, condition: &str) -> session_store::Result<bool> {
        let json =
            serde_json::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let written: Option<String> = self
            .redis
            .query(
                redis::cmd("SET")
                    .arg(self.key(&record.id))
                    .arg(json)
                    .arg(condition)
                    .arg("EXAT")
                    .arg(record.expiry_date.unix_timestamp().max(1)),
            )
            .await
            .map_err(backend)?;
        Ok(written.is_some())
    }
}

fn backend(err: Error) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.write(record, "NX").await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, "XX").await.map(|_| ())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let stored: Option<Vec<u8>> = self
            .redis
            .query(redis::cmd("GET").arg(self.key(session_id)))
            .await
            .map_err(backend)?;
        stored
            .map(|bytes| {
                serde_json::from_slice(&bytes)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))
            })
            .transpose()
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let _: i64 = self
            .redis
            .query(redis::cmd("DEL").arg(self.key(session_id)))
            .await
            .map_err(backend)?;
        Ok(())
    }
}
