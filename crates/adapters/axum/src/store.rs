//! The default session store: in memory, bounded, with expired sessions deleted.

use std::sync::Arc;

use oauth_kit_core::flow::SESSION_USER_KEY;
use oauth_kit_core::session::{SessionLimits, SessionTable, owner_key_of};
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The session store of [`OAuth::session_layer`](crate::OAuth::session_layer): sessions in
/// the server's memory, at most [`SessionLimits::cap`] of them, at most
/// [`SessionLimits::per_user`] per provider account, deleted when idle for
/// [`SessionLimits::idle_timeout`] or older than [`SessionLimits::lifetime`]. When it is full
/// it ends sessions in the order that `oauth_kit_core::session` documents: a flood of scripted
/// logins never logs out a recently active user. Every operation is O(log n).
///
/// Cheap to clone; clones share the sessions.
#[derive(Debug, Clone)]
pub struct BoundedMemoryStore {
    table: Arc<SessionTable<Id, Record>>,
}

impl BoundedMemoryStore {
    /// An empty store with these limits.
    pub fn new(limits: SessionLimits) -> Self {
        Self {
            table: Arc::new(SessionTable::new(limits)),
        }
    }

    /// The number of sessions held.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Inserts `record` under its id and the provider account it belongs to, if any.
    fn put(&self, record: &Record) {
        let owner = record.data.get(SESSION_USER_KEY).and_then(owner_key_of);
        self.table
            .insert(record.id, owner.as_deref(), record.clone());
    }
}

impl Default for BoundedMemoryStore {
    fn default() -> Self {
        Self::new(SessionLimits::default())
    }
}

#[async_trait::async_trait]
impl SessionStore for BoundedMemoryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while self.table.contains(&record.id) {
            record.id = Id::default();
        }
        self.put(record);
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if !self.table.update(&record.id, record.clone()) {
            self.put(record);
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc();
        Ok(self.table.get(id).filter(|record| record.expiry_date > now))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.table.remove(id);
        Ok(())
    }
}
