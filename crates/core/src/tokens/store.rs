//! Where kept tokens live: the [`TokenStore`] trait and the in-memory store.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::set::{TokenKey, TokenSet};
use crate::error::Error;

/// How many users' tokens a [`MemoryTokenStore`] keeps by default.
pub const DEFAULT_TOKEN_STORE_CAP: usize = 100_000;

/// Keeps token sets server-side, one per [`TokenKey`].
///
/// Each call must be atomic for its key: [`put`](Self::put) replaces the whole set (access
/// and refresh token together), so a reader never sees a new access token next to a refresh
/// token that was already rotated away. The [`TokenManager`](crate::TokenManager) serializes
/// the refreshes of one key within a process; a store shared by several instances may add its
/// own lock.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The set kept for `key`, if any.
    async fn get(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error>;

    /// Keeps `tokens` for `key`, replacing any previous set in one step.
    async fn put(&self, key: &TokenKey, tokens: TokenSet) -> Result<(), Error>;

    /// Forgets the set kept for `key`, returning it.
    async fn remove(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error>;
}

/// Keeps token sets in this process's memory, up to a cap on the number of users.
///
/// Tokens are lost on restart and not shared between instances: fine for one instance and
/// for command-line tools, otherwise use a shared store. `Debug` shows only the number of
/// sets kept.
pub struct MemoryTokenStore {
    cap: usize,
    sets: Mutex<HashMap<TokenKey, TokenSet>>,
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTokenStore")
            .field("cap", &self.cap)
            .field("len", &self.len())
            .finish()
    }
}

impl Default for MemoryTokenStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryTokenStore {
    /// A store for up to [`DEFAULT_TOKEN_STORE_CAP`] users.
    pub fn new() -> Self {
        Self::with_cap(DEFAULT_TOKEN_STORE_CAP)
    }

    /// A store for up to `cap` users; keeping tokens for one more fails with
    /// [`Error::TokenStore`].
    pub fn with_cap(cap: usize) -> Self {
        Self {
            cap,
            sets: Mutex::new(HashMap::new()),
        }
    }

    /// How many users' tokens are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no tokens are kept.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<TokenKey, TokenSet>> {
        // Every update is a single map operation, so a panic elsewhere cannot leave the map
        // half-updated: a poisoned lock is taken over.
        self.sets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl TokenStore for MemoryTokenStore {
    async fn get(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error> {
        Ok(self.lock().get(key).cloned())
    }

    async fn put(&self, key: &TokenKey, tokens: TokenSet) -> Result<(), Error> {
        let mut sets = self.lock();
        if sets.len() >= self.cap && !sets.contains_key(key) {
            return Err(Error::TokenStore {
                reason: format!("the memory token store is full ({} users)", self.cap),
            });
        }
        sets.insert(key.clone(), tokens);
        Ok(())
    }

    async fn remove(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error> {
        Ok(self.lock().remove(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::AccessToken;
    use crate::token::OAuthToken;

    fn set(access: &str) -> TokenSet {
        TokenSet::from_token(&OAuthToken::bearer(AccessToken::new(access)))
    }

    #[tokio::test]
    async fn put_replaces_and_remove_forgets() {
        let store = MemoryTokenStore::new();
        let key = TokenKey::new("p", "u");
        store.put(&key, set("a")).await.expect("kept");
        store.put(&key, set("b")).await.expect("replaced");
        let kept = store.get(&key).await.expect("read").expect("present");
        assert_eq!(kept.access_token.secret(), "b");
        assert!(store.remove(&key).await.expect("removed").is_some());
        assert!(store.get(&key).await.expect("read").is_none());
    }

    #[tokio::test]
    async fn a_full_store_refuses_new_users_but_updates_known_ones() {
        let store = MemoryTokenStore::with_cap(1);
        let first = TokenKey::new("p", "1");
        store.put(&first, set("a")).await.expect("kept");
        assert!(matches!(
            store.put(&TokenKey::new("p", "2"), set("b")).await,
            Err(Error::TokenStore { .. })
        ));
        store
            .put(&first, set("c"))
            .await
            .expect("update of a known user");
        assert_eq!(store.len(), 1);
        assert!(!format!("{store:?}").contains("\"c\""));
    }
}
