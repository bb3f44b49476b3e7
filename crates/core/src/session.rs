//! Bounded in-memory sessions, shared by the adapters: the limits of a logged-in session and
//! the table that enforces them in O(log n) per operation.
//!
//! A login creates a session; anyone with one real account can script logins. So the table
//! that keeps sessions in memory (the Axum adapter's default session store, the Actix
//! adapter's registry of live logins) is bounded, deletes what expired, and chooses what to
//! end when it is full so that a flood cannot log out the people who actually use the site.
//!
//! # Eviction order
//!
//! 1. **Expired sessions**, whenever the table is written: a session unused for the idle
//!    timeout, or older than the absolute lifetime, is deleted (and never handed out again).
//! 2. **The same user's least recently active session**, when one user (one provider account)
//!    already holds [`SessionLimits::per_user`] sessions. A flood scripted with one account
//!    (or a few) therefore only ever ends its own sessions.
//! 3. **At the cap, the oldest session never used since its login**, then, only if there is
//!    none, **the least recently active session**. A scripted login that never comes back
//!    (the cheap flood) is in the first group; a person's session joins the second group at
//!    their first request after the login (the redirect that follows it), and is ended only
//!    when every session of the first group is gone and it is the one idle the longest.
//!
//! The order is chosen so that a recently active user is never logged out in favour of a
//! flood: to push a person's session out, an attacker needs more accounts than the cap
//! divided by the per-user limit, each of which keeps making requests more often than that
//! person does.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The default bound on sessions held in memory.
pub const DEFAULT_SESSION_CAP: usize = 100_000;
/// The default bound on sessions of one user (one provider account).
pub const DEFAULT_SESSIONS_PER_USER: usize = 16;
/// The default idle timeout: a session unused this long ends.
pub const DEFAULT_SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);
/// The default absolute lifetime: a session ends this long after its login, used or not.
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// How often, at most, a full table logs a warning.
const WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// The bounds of a session table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionLimits {
    /// How many sessions the table holds at most (at least 1).
    pub cap: usize,
    /// How many sessions one user holds at most (at least 1).
    pub per_user: usize,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after it was created, however active.
    pub lifetime: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            cap: DEFAULT_SESSION_CAP,
            per_user: DEFAULT_SESSIONS_PER_USER,
            idle_timeout: DEFAULT_SESSION_IDLE_TIMEOUT,
            lifetime: DEFAULT_SESSION_LIFETIME,
        }
    }
}

impl SessionLimits {
    /// Sets the cap (at least 1).
    pub fn cap(mut self, cap: usize) -> Self {
        self.cap = cap.max(1);
        self
    }

    /// Sets the bound per user (at least 1).
    pub fn per_user(mut self, per_user: usize) -> Self {
        self.per_user = per_user.max(1);
        self
    }

    /// Sets the idle timeout.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// Sets the absolute lifetime.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }
}

/// The owner key ([`SessionUser::owner_key`](crate::SessionUser::owner_key)) of a session
/// stored as JSON, read from the [`SessionUser`](crate::SessionUser) under `key` without
/// deserializing all of it.
pub fn owner_key_of(session_user: &serde_json::Value) -> Option<String> {
    let user = session_user.get("user")?;
    let provider = user.get("provider")?.as_str()?;
    let id = user.get("oauth_id")?.as_str()?;
    Some(format!("{provider}\u{1f}{id}"))
}

/// A bounded map of sessions with the eviction order of the [module](self): expired first,
/// then the same user's least recently active, then never-used-since-login, then least
/// recently active. Every operation is O(log n) (plus the expired entries it deletes).
///
/// ```
/// use oauth_kit_core::session::{SessionLimits, SessionTable};
///
/// let table = SessionTable::new(SessionLimits::default().cap(2));
/// table.insert("a", Some("bitbucket:1"), 1);
/// table.insert("b", Some("bitbucket:2"), 2);
/// assert_eq!(table.get(&"a"), Some(1)); // "a" is now in use
/// table.insert("c", Some("bitbucket:3"), 3); // full: "b" was never used again
/// assert_eq!(table.get(&"b"), None);
/// assert_eq!(table.len(), 2);
/// ```
pub struct SessionTable<K, V> {
    limits: SessionLimits,
    inner: Mutex<Table<K, V>>,
}

struct Entry<V> {
    value: V,
    owner: Option<Arc<str>>,
    created_at: Instant,
    created_tick: u64,
    last_used: Instant,
    last_tick: u64,
    used: bool,
}

struct Table<K, V> {
    entries: HashMap<K, Entry<V>>,
    /// Sessions not used since their creation, by the tick of their creation.
    fresh: BTreeMap<u64, K>,
    /// Sessions used at least once after their creation, by the tick of their last use.
    used: BTreeMap<u64, K>,
    /// Every session by the tick of its creation, for the absolute lifetime.
    created: BTreeMap<u64, K>,
    /// Each user's sessions by the tick of their last use.
    owners: HashMap<Arc<str>, BTreeMap<u64, K>>,
    tick: u64,
    evicted: u64,
    last_warning: Option<Instant>,
}

impl<K: Hash + Eq + Clone, V: Clone> SessionTable<K, V> {
    /// An empty table with these limits.
    pub fn new(limits: SessionLimits) -> Self {
        let limits = limits.cap(limits.cap).per_user(limits.per_user);
        Self {
            limits,
            inner: Mutex::new(Table {
                entries: HashMap::new(),
                fresh: BTreeMap::new(),
                used: BTreeMap::new(),
                created: BTreeMap::new(),
                owners: HashMap::new(),
                tick: 0,
                evicted: 0,
                last_warning: None,
            }),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> SessionLimits {
        self.limits
    }

    /// Adds a session (replacing one with the same key), owned by `owner` (a stable user key,
    /// such as the provider and the user's id), making room first as the eviction order says.
    pub fn insert(&self, key: K, owner: Option<&str>, value: V) {
        let now = Instant::now();
        let mut table = self.lock();
        table.remove(&key);
        table.sweep(&self.limits, now);
        let owner: Option<Arc<str>> = owner.map(Arc::from);
        if let Some(owner) = &owner {
            while table
                .owners
                .get(owner)
                .is_some_and(|keys| keys.len() >= self.limits.per_user)
            {
                let oldest = table
                    .owners
                    .get(owner)
                    .and_then(|keys| keys.values().next().cloned());
                match oldest {
                    Some(oldest) => {
                        table.remove(&oldest);
                    }
                    None => break,
                }
            }
        }
        while table.entries.len() >= self.limits.cap {
            let victim = table
                .fresh
                .values()
                .next()
                .or_else(|| table.used.values().next())
                .cloned();
            let Some(victim) = victim else { break };
            table.remove(&victim);
            table.evicted += 1;
            if table
                .last_warning
                .is_none_or(|at| now.duration_since(at) >= WARNING_INTERVAL)
            {
                table.last_warning = Some(now);
                tracing::warn!(
                    cap = self.limits.cap,
                    evicted_so_far = table.evicted,
                    "the session table is full: sessions never used since their login end first, \
                     then the least recently active ones"
                );
            }
        }
        table.tick += 1;
        let tick = table.tick;
        if let Some(owner) = &owner {
            table
                .owners
                .entry(owner.clone())
                .or_default()
                .insert(tick, key.clone());
        }
        table.fresh.insert(tick, key.clone());
        table.created.insert(tick, key.clone());
        table.entries.insert(
            key,
            Entry {
                value,
                owner,
                created_at: now,
                created_tick: tick,
                last_used: now,
                last_tick: tick,
                used: false,
            },
        );
    }

    /// The session's value, marking it as used now; `None` when it does not exist or expired
    /// (an expired session is deleted).
    pub fn get(&self, key: &K) -> Option<V> {
        let now = Instant::now();
        let mut table = self.lock();
        let expired = {
            let entry = table.entries.get(key)?;
            self.is_expired(entry, now)
        };
        if expired {
            table.remove(key);
            return None;
        }
        table.tick += 1;
        let tick = table.tick;
        let Table {
            entries,
            fresh,
            used,
            owners,
            ..
        } = &mut *table;
        let entry = entries.get_mut(key)?;
        if entry.used {
            used.remove(&entry.last_tick);
        } else {
            fresh.remove(&entry.created_tick);
            entry.used = true;
        }
        used.insert(tick, key.clone());
        if let Some(keys) = entry.owner.as_ref().and_then(|o| owners.get_mut(o)) {
            keys.remove(&entry.last_tick);
            keys.insert(tick, key.clone());
        }
        entry.last_tick = tick;
        entry.last_used = now;
        Some(entry.value.clone())
    }

    /// Whether a session with this key is held (expired or not), without marking it as used.
    pub fn contains(&self, key: &K) -> bool {
        self.lock().entries.contains_key(key)
    }

    /// Replaces the value of an existing, unexpired session without changing its place in the
    /// eviction order; returns whether it existed.
    pub fn update(&self, key: &K, value: V) -> bool {
        let now = Instant::now();
        let mut table = self.lock();
        match table.entries.get(key) {
            Some(entry) if !self.is_expired(entry, now) => {}
            Some(_) => {
                table.remove(key);
                return false;
            }
            None => return false,
        }
        match table.entries.get_mut(key) {
            Some(entry) => {
                entry.value = value;
                true
            }
            None => false,
        }
    }

    /// Removes a session; returns its value.
    pub fn remove(&self, key: &K) -> Option<V> {
        self.lock().remove(key)
    }

    /// Deletes every expired session now (the table also does so whenever it is written).
    pub fn remove_expired(&self) {
        let now = Instant::now();
        self.lock().sweep(&self.limits, now);
    }

    /// The number of sessions held (expired ones included until they are deleted).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn is_expired(&self, entry: &Entry<V>, now: Instant) -> bool {
        now.duration_since(entry.last_used) >= self.limits.idle_timeout
            || now.duration_since(entry.created_at) >= self.limits.lifetime
    }

    fn lock(&self) -> MutexGuard<'_, Table<K, V>> {
        // Every method leaves the maps consistent before it can panic (there is nothing that
        // panics between two related updates), so recovering from poisoning is safe.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Hash + Eq + Clone, V> Table<K, V> {
    fn remove(&mut self, key: &K) -> Option<V> {
        let entry = self.entries.remove(key)?;
        if entry.used {
            self.used.remove(&entry.last_tick);
        } else {
            self.fresh.remove(&entry.created_tick);
        }
        self.created.remove(&entry.created_tick);
        if let Some(owner) = &entry.owner
            && let Some(keys) = self.owners.get_mut(owner)
        {
            keys.remove(&entry.last_tick);
            if keys.is_empty() {
                self.owners.remove(owner);
            }
        }
        Some(entry.value)
    }

    /// Deletes expired sessions: the least recently used ones sit at the front of `fresh` and
    /// `used`, the oldest at the front of `created`.
    fn sweep(&mut self, limits: &SessionLimits, now: Instant) {
        loop {
            let idle = |key: Option<&K>| {
                key.and_then(|k| self.entries.get(k))
                    .is_some_and(|e| now.duration_since(e.last_used) >= limits.idle_timeout)
            };
            let victim = if idle(self.fresh.values().next()) {
                self.fresh.values().next().cloned()
            } else if idle(self.used.values().next()) {
                self.used.values().next().cloned()
            } else {
                self.created.values().next().cloned().filter(|k| {
                    self.entries
                        .get(k)
                        .is_some_and(|e| now.duration_since(e.created_at) >= limits.lifetime)
                })
            };
            match victim {
                Some(key) => {
                    self.remove(&key);
                }
                None => return,
            }
        }
    }
}

impl<K, V> fmt::Debug for SessionTable<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The keys are session ids: only the size is shown.
        let mut s = f.debug_struct("SessionTable");
        s.field("limits", &self.limits);
        if let Ok(table) = self.inner.try_lock() {
            s.field("len", &table.entries.len());
        }
        s.finish_non_exhaustive()
    }
}

/// The registry of live logins that makes logout final with a cookie-backed session (the
/// Actix adapter's default).
///
/// A cookie-backed session cannot be taken back: after logout, a copy of the old cookie would
/// still decrypt. So every login gets a random id, kept both in the session and here; a session
/// counts as logged in only while its id is here. Logout removes the id, a new login in the
/// same browser replaces it, and an id expires when unused for the idle timeout or older than
/// the absolute lifetime. The registry is a [`SessionTable`]: bounded, O(log n) per login and
/// per request, ending logins in the order of the [module](self) when it is full, so a flood
/// of scripted logins never logs out a recently active user. It fails closed: a lost entry
/// means a new login, never an accepted dead cookie.
///
/// ```
/// use oauth_kit_core::session::{LiveLogins, SessionLimits};
///
/// let live = LiveLogins::new(SessionLimits::default());
/// let id = live.start("bitbucket\u{1f}123").expect("random bytes");
/// assert!(live.touch(&id));
/// live.end(&id);
/// assert!(!live.touch(&id));
/// ```
#[derive(Debug)]
pub struct LiveLogins {
    table: SessionTable<String, ()>,
}

impl LiveLogins {
    /// An empty registry with these limits.
    pub fn new(limits: SessionLimits) -> Self {
        Self {
            table: SessionTable::new(limits),
        }
    }

    /// Registers a new login of `owner` (see [`SessionUser::owner_key`]) and returns its id
    /// (64 hex digits), or `None` when no random bytes were available.
    ///
    /// [`SessionUser::owner_key`]: crate::SessionUser::owner_key
    pub fn start(&self, owner: &str) -> Option<String> {
        let mut bytes = [0u8; 32];
        if let Err(err) = getrandom::fill(&mut bytes) {
            tracing::error!(error = %err, "no random bytes for a login id");
            return None;
        }
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.table.insert(id.clone(), Some(owner), ());
        Some(id)
    }

    /// Whether `id` is a live login; a live one is marked as used now.
    pub fn touch(&self, id: &str) -> bool {
        self.table.get(&id.to_owned()).is_some()
    }

    /// Ends the login `id` (logout, or a new login in the same browser).
    pub fn end(&self, id: &str) {
        self.table.remove(&id.to_owned());
    }

    /// The number of registered logins (expired ones included until they are deleted).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no login is registered.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cap: usize, per_user: usize) -> SessionTable<u32, ()> {
        SessionTable::new(SessionLimits::default().cap(cap).per_user(per_user))
    }

    #[test]
    fn the_table_never_exceeds_its_cap() {
        let t = table(100, 1000);
        for i in 0..10_000 {
            t.insert(i, None, ());
            assert!(t.len() <= 100);
        }
        let inner = t.lock();
        assert_eq!(inner.fresh.len() + inner.used.len(), 100);
        assert_eq!(inner.created.len(), 100);
    }

    #[test]
    fn a_flood_of_unused_logins_never_ends_an_active_session() {
        let t = table(10, 1000);
        t.insert(0, Some("person"), ());
        assert!(t.get(&0).is_some());
        for i in 1..10_000 {
            t.insert(i, Some(&format!("flood-{i}")), ());
        }
        assert!(
            t.get(&0).is_some(),
            "the person was logged out by the flood"
        );
        assert_eq!(t.len(), 10);
    }

    #[test]
    fn one_account_flooding_ends_only_its_own_sessions() {
        let t = table(100, 4);
        for person in 0..50 {
            t.insert(person, Some(&format!("person-{person}")), ());
            assert!(t.get(&person).is_some());
        }
        // The flood comes back to each of its sessions, so they count as used.
        for i in 1000..20_000 {
            t.insert(i, Some("attacker"), ());
            assert!(t.get(&i).is_some());
        }
        for person in 0..50 {
            assert!(t.get(&person).is_some(), "person {person} was logged out");
        }
        assert_eq!(t.lock().owners.get("attacker").map(BTreeMap::len), Some(4));
    }

    #[test]
    fn at_the_cap_the_least_recently_active_used_session_ends_when_none_is_fresh() {
        let t = table(2, 10);
        t.insert(1, None, ());
        t.insert(2, None, ());
        assert!(t.get(&1).is_some());
        assert!(t.get(&2).is_some());
        assert!(t.get(&1).is_some());
        t.insert(3, None, ());
        assert!(t.get(&2).is_none());
        assert!(t.get(&1).is_some());
        assert!(t.get(&3).is_some());
    }

    #[test]
    fn idle_and_old_sessions_expire_and_are_deleted() {
        let idle: SessionTable<u32, ()> =
            SessionTable::new(SessionLimits::default().idle_timeout(Duration::ZERO));
        idle.insert(1, Some("a"), ());
        assert!(idle.get(&1).is_none());
        assert!(idle.is_empty());
        let old: SessionTable<u32, ()> =
            SessionTable::new(SessionLimits::default().lifetime(Duration::ZERO));
        old.insert(1, None, ());
        old.insert(2, None, ());
        // Inserting sweeps what expired.
        assert_eq!(old.len(), 1);
        old.remove_expired();
        assert!(old.is_empty());
    }

    #[test]
    fn removing_and_replacing_keeps_every_index_consistent() {
        let t: SessionTable<u32, u32> = SessionTable::new(SessionLimits::default().cap(3));
        t.insert(1, Some("a"), 10);
        t.insert(1, Some("b"), 11);
        assert_eq!(t.len(), 1);
        assert!(t.update(&1, 12));
        assert_eq!(t.get(&1), Some(12));
        assert_eq!(t.remove(&1), Some(12));
        assert!(!t.update(&1, 13));
        let inner = t.lock();
        assert!(inner.fresh.is_empty() && inner.used.is_empty() && inner.created.is_empty());
        assert!(inner.owners.is_empty());
    }

    #[test]
    fn live_login_ids_are_unique_and_long() {
        let live = LiveLogins::new(SessionLimits::default());
        let (a, b) = (
            live.start("o").expect("random"),
            live.start("o").expect("random"),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(!live.touch("forged"));
    }

    #[test]
    fn idle_live_logins_expire() {
        let live = LiveLogins::new(SessionLimits::default().idle_timeout(Duration::ZERO));
        let id = live.start("o").expect("random");
        assert!(!live.touch(&id));
        assert!(live.is_empty());
    }

    #[test]
    fn a_full_live_login_registry_ends_a_login_never_used_before_an_active_one() {
        let live = LiveLogins::new(SessionLimits::default().cap(2));
        let first = live.start("a").expect("random");
        let second = live.start("b").expect("random");
        assert!(live.touch(&first));
        let third = live.start("c").expect("random");
        assert_eq!(live.len(), 2);
        assert!(live.touch(&first));
        assert!(!live.touch(&second));
        assert!(live.touch(&third));
    }
}
