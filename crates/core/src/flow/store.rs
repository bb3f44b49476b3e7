//! State stores: where a flow record waits between `begin` and `complete`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, CookieJar, Key};

use super::config::CookieKey;
use super::record::FlowRecord;
use crate::error::Error;
use crate::pkce::constant_time_eq;

/// Keeps flow records between the two halves of a login.
///
/// `save` returns the value of the flow cookie; `take` gets the record back from that value.
/// Stores with server-side state remove the record atomically in `take`, so a value can be
/// taken once; a second `take` fails with [`Error::InvalidFlowCookie`] or
/// [`Error::FlowReplayed`].
#[async_trait]
pub trait StateStore: Send + Sync + fmt::Debug {
    /// Stores a record that lives for `ttl`; returns the flow cookie value that refers to it.
    async fn save(&self, record: &FlowRecord, ttl: Duration) -> Result<String, Error>;

    /// Takes back the record that `cookie_value` refers to.
    async fn take(&self, cookie_value: &str, ttl: Duration) -> Result<FlowRecord, Error>;

    /// Takes back the record only when its state equals `state` (compared in constant time);
    /// otherwise fails with [`Error::StateMismatch`]. A store with server-side state should
    /// keep the record when the state does not match, so that a junk callback opened in the
    /// victim's browser cannot cancel a login in progress; [`MemoryStore`] does. The default
    /// takes the record first and compares afterwards (right for stores whose `take` removes
    /// nothing, such as the sealed cookie).
    async fn take_matching(
        &self,
        cookie_value: &str,
        state: &str,
        ttl: Duration,
    ) -> Result<FlowRecord, Error> {
        let record = self.take(cookie_value, ttl).await?;
        if constant_time_eq(record.state_bytes(), state.as_bytes()) {
            Ok(record)
        } else {
            Err(Error::StateMismatch)
        }
    }

    /// Marks a flow as completed once the callback passed every check, for stores whose
    /// `take` cannot remove the record (the sealed cookie). Fails with
    /// [`Error::FlowReplayed`] when the flow was already marked. The default does nothing:
    /// stores with server-side state are single use through `take`. A store that wraps another
    /// store must forward this call, or the wrapped store loses its replay protection.
    async fn mark_used(&self, record: &FlowRecord, ttl: Duration) -> Result<(), Error> {
        let _ = (record, ttl);
        Ok(())
    }
}

/// The default store: the record travels in the flow cookie, sealed with AES-256-GCM (the
/// cookie name is authenticated too). No server memory per flow, and any instance that shares
/// the key can complete a login.
///
/// Single use: each instance also remembers the flows whose callback passed every check (a
/// SHA-256 digest of the state each) until they expire, so a replayed cookie is refused with
/// [`Error::FlowReplayed`] on that instance. Only verified callbacks are remembered, so forged
/// callbacks cannot fill this memory; it is bounded to [`DEFAULT_REPLAY_CAP`] entries, and past
/// that the oldest are forgotten first (their authorization codes were already redeemed, which
/// the provider refuses a second time). For single use across instances, use a server-side
/// store shared by all of them, or keep the sealed cookie and share the replay memory through
/// a store that forwards to [`seal`](Self::seal) and [`unseal`](Self::unseal) and records
/// [`FlowRecord::replay_id`] in a shared set (the `oauth-kit-redis` crate has one).
pub struct CookieStore {
    key: Key,
    cookie_name: String,
    used: Mutex<BoundedMap<()>>,
}

/// Default bound of the replay memory of a [`CookieStore`].
pub const DEFAULT_REPLAY_CAP: usize = 100_000;

impl CookieStore {
    /// A store sealing with a key derived (HKDF-SHA256) from `key`.
    pub fn new(key: &CookieKey, cookie_name: &str) -> Self {
        Self::with_key(Key::derive_from(key.material()), cookie_name)
    }

    /// A store with a random key: cookies do not survive a restart and are not accepted by
    /// other instances.
    pub fn random(cookie_name: &str) -> Self {
        Self::with_key(Key::generate(), cookie_name)
    }

    fn with_key(key: Key, cookie_name: &str) -> Self {
        Self {
            key,
            cookie_name: cookie_name.to_owned(),
            used: Mutex::new(BoundedMap::new(DEFAULT_REPLAY_CAP)),
        }
    }

    /// Sets how many completed flows are remembered for replay detection (default
    /// [`DEFAULT_REPLAY_CAP`], at least 1).
    pub fn replay_cap(self, cap: usize) -> Self {
        Self {
            used: Mutex::new(BoundedMap::new(cap.max(1))),
            ..self
        }
    }

    /// Seals a record into a cookie value.
    pub fn seal(&self, record: &FlowRecord) -> Result<String, Error> {
        let plain = String::from_utf8(record.to_json()).map_err(|_| Error::Store {
            reason: "record is not UTF-8".to_owned(),
        })?;
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key)
            .add(Cookie::new(self.cookie_name.clone(), plain));
        jar.get(&self.cookie_name)
            .map(|c| c.value().to_owned())
            .ok_or_else(|| Error::Store {
                reason: "sealing failed".to_owned(),
            })
    }

    /// Opens a sealed cookie value; any tampering, truncation or foreign key is
    /// [`Error::InvalidFlowCookie`].
    pub fn unseal(&self, value: &str) -> Result<FlowRecord, Error> {
        let jar = CookieJar::new();
        let opened = jar
            .private(&self.key)
            .decrypt(Cookie::new(self.cookie_name.clone(), value.to_owned()))
            .ok_or(Error::InvalidFlowCookie)?;
        FlowRecord::from_json(opened.value().as_bytes()).ok_or(Error::InvalidFlowCookie)
    }
}

impl fmt::Debug for CookieStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieStore")
            .field("key", &"[redacted]")
            .field("cookie_name", &self.cookie_name)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl StateStore for CookieStore {
    async fn save(&self, record: &FlowRecord, _ttl: Duration) -> Result<String, Error> {
        self.seal(record)
    }

    async fn take(&self, cookie_value: &str, _ttl: Duration) -> Result<FlowRecord, Error> {
        self.unseal(cookie_value)
    }

    async fn mark_used(&self, record: &FlowRecord, ttl: Duration) -> Result<(), Error> {
        let digest = record.replay_id();
        let mut used = self.used.lock().map_err(|_| poisoned())?;
        if used.contains(&digest) {
            return Err(Error::FlowReplayed);
        }
        used.insert(digest, (), ttl);
        Ok(())
    }
}

/// A bounded in-memory store: server-side single use with atomic `take`, a TTL, and a hard
/// cap on entries (the oldest entry is evicted when the cap is reached, so a flood of logins
/// cannot grow memory). Suitable for a single instance.
pub struct MemoryStore {
    entries: Mutex<BoundedMap<FlowRecord>>,
}

/// Default entry cap of a [`MemoryStore`].
pub const DEFAULT_MEMORY_CAP: usize = 10_000;

impl MemoryStore {
    /// A store holding at most `cap` flows (at least 1).
    pub fn new(cap: usize) -> Self {
        Self {
            entries: Mutex::new(BoundedMap::new(cap.max(1))),
        }
    }

    /// The number of flows held now (expired ones included until they are evicted).
    pub fn len(&self) -> usize {
        self.entries.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether no flow is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry cap.
    pub fn capacity(&self) -> usize {
        self.entries.lock().map(|m| m.cap).unwrap_or(0)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The keys are flow cookie values: only the size is shown. `try_lock` keeps printing
        // safe while the lock is held.
        let mut s = f.debug_struct("MemoryStore");
        if let Ok(entries) = self.entries.try_lock() {
            s.field("len", &entries.len()).field("cap", &entries.cap);
        }
        s.finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(DEFAULT_MEMORY_CAP)
    }
}

#[async_trait]
impl StateStore for MemoryStore {
    async fn save(&self, record: &FlowRecord, ttl: Duration) -> Result<String, Error> {
        let handle = URL_SAFE_NO_PAD.encode(crate::pkce::random_bytes::<32>()?);
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.insert(handle.clone(), record.clone(), ttl);
        Ok(handle)
    }

    async fn take(&self, cookie_value: &str, _ttl: Duration) -> Result<FlowRecord, Error> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        // An expired record is still handed back so the service reports `StateExpired`.
        entries.take(cookie_value).ok_or(Error::InvalidFlowCookie)
    }

    async fn take_matching(
        &self,
        cookie_value: &str,
        state: &str,
        _ttl: Duration,
    ) -> Result<FlowRecord, Error> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        let matches = entries
            .map
            .get(cookie_value)
            .map(|(record, _)| constant_time_eq(record.state_bytes(), state.as_bytes()))
            .ok_or(Error::InvalidFlowCookie)?;
        if !matches {
            return Err(Error::StateMismatch);
        }
        entries.take(cookie_value).ok_or(Error::InvalidFlowCookie)
    }
}

fn poisoned() -> Error {
    Error::Store {
        reason: "the store's lock was poisoned by a panic".to_owned(),
    }
}

/// A map with per-entry expiry and a hard cap; inserting at the cap evicts expired entries
/// first, then the oldest.
#[derive(Debug)]
struct BoundedMap<V> {
    cap: usize,
    map: HashMap<String, (V, Instant)>,
    order: VecDeque<String>,
}

impl<V> BoundedMap<V> {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn contains(&self, key: &str) -> bool {
        self.map
            .get(key)
            .is_some_and(|(_, expires)| Instant::now() < *expires)
    }

    fn insert(&mut self, key: String, value: V, ttl: Duration) {
        let now = Instant::now();
        // Entries are inserted in order of creation with the same TTL, so expired ones sit at
        // the front of `order`.
        while let Some(front) = self.order.front() {
            match self.map.get(front) {
                Some((_, expires)) if *expires > now && self.map.len() < self.cap => break,
                _ => {
                    if let Some(old) = self.order.pop_front() {
                        self.map.remove(&old);
                    }
                }
            }
        }
        if self.order.len() > self.cap.saturating_mul(2) {
            let map = &self.map;
            self.order.retain(|k| map.contains_key(k));
        }
        self.map.insert(key.clone(), (value, now + ttl));
        self.order.push_back(key);
    }

    /// Removes an entry and returns it, expired or not.
    fn take(&mut self, key: &str) -> Option<V> {
        self.map.remove(key).map(|(value, _)| value)
    }

    #[cfg(test)]
    fn remove(&mut self, key: &str) -> Option<V> {
        let (value, expires) = self.map.remove(key)?;
        (Instant::now() < expires).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_map_never_exceeds_its_cap() {
        let mut map = BoundedMap::new(3);
        for i in 0..10 {
            map.insert(i.to_string(), (), Duration::from_secs(60));
            assert!(map.len() <= 3);
        }
        assert!(!map.contains("0"));
        assert!(map.contains("9"));
    }

    #[test]
    fn bounded_map_drops_expired_entries() {
        let mut map = BoundedMap::new(10);
        map.insert("a".into(), 1, Duration::ZERO);
        assert_eq!(map.remove("a"), None);
        map.insert("b".into(), 2, Duration::ZERO);
        map.insert("c".into(), 3, Duration::from_secs(60));
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn bounded_map_order_stays_bounded_when_entries_are_taken() {
        let mut map = BoundedMap::new(2);
        for i in 0..100 {
            map.insert(i.to_string(), (), Duration::from_secs(60));
            map.remove(&i.to_string());
        }
        assert!(map.order.len() <= 5);
    }
}
