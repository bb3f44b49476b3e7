//! The in-memory registry of live logins that makes logout final with a cookie session store.
//!
//! A cookie-backed session cannot be taken back: after logout, a copy of the old cookie would
//! still decrypt. So every login gets a random id, kept both in the session and here; a session
//! counts as logged in only while its id is here. Logout removes the id, a new login in the same
//! browser replaces it, and an id unused for the idle timeout expires. The registry is bounded:
//! when it is full, the least recently active login ends (failing closed, never open).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Live login ids and when each was last used.
#[derive(Debug)]
pub(crate) struct LiveSessions {
    seen: Mutex<HashMap<String, Instant>>,
    idle: Duration,
    cap: usize,
}

impl LiveSessions {
    pub(crate) fn new(idle: Duration, cap: usize) -> Self {
        Self {
            seen: Mutex::new(HashMap::new()),
            idle,
            cap: cap.max(1),
        }
    }

    /// Registers a new login and returns its id, or `None` when no random bytes were available.
    pub(crate) fn start(&self) -> Option<String> {
        let id = random_id()?;
        let now = Instant::now();
        let mut seen = self.lock();
        if seen.len() >= self.cap {
            seen.retain(|_, last| now.duration_since(*last) < self.idle);
        }
        if seen.len() >= self.cap {
            let oldest = seen
                .iter()
                .min_by_key(|(_, last)| **last)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                seen.remove(&oldest);
                tracing::warn!(
                    cap = self.cap,
                    "the registry of live logins is full: the least recently active login was ended"
                );
            }
        }
        seen.insert(id.clone(), now);
        Some(id)
    }

    /// Whether `id` is a live login; a live one is marked as used now.
    pub(crate) fn touch(&self, id: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.lock();
        match seen.get_mut(id) {
            Some(last) if now.duration_since(*last) < self.idle => {
                *last = now;
                true
            }
            Some(_) => {
                seen.remove(id);
                false
            }
            None => false,
        }
    }

    /// Ends the login `id` (logout, or a new login in the same browser).
    pub(crate) fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// The number of registered logins (expired ones included until they are swept).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Instant>> {
        // The map is consistent after every statement, so a panic elsewhere cannot leave it
        // half-updated: recovering from poisoning is safe.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// 32 random bytes, hex-encoded.
fn random_id() -> Option<String> {
    let mut bytes = [0u8; 32];
    if let Err(err) = getrandom::fill(&mut bytes) {
        tracing::error!(error = %err, "no random bytes for a login id");
        return None;
    }
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ended_logins_are_not_live() {
        let live = LiveSessions::new(Duration::from_secs(60), 10);
        let id = live.start().expect("random");
        assert!(live.touch(&id));
        live.end(&id);
        assert!(!live.touch(&id));
        assert!(!live.touch("forged"));
    }

    #[test]
    fn ids_are_unique_and_long() {
        let live = LiveSessions::new(Duration::from_secs(60), 10);
        let (a, b) = (live.start().expect("random"), live.start().expect("random"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn idle_logins_expire() {
        let live = LiveSessions::new(Duration::ZERO, 10);
        let id = live.start().expect("random");
        assert!(!live.touch(&id));
        assert_eq!(live.len(), 0);
    }

    #[test]
    fn a_full_registry_ends_the_least_recently_active_login() {
        let live = LiveSessions::new(Duration::from_secs(60), 2);
        let first = live.start().expect("random");
        let second = live.start().expect("random");
        assert!(live.touch(&first));
        let third = live.start().expect("random");
        assert_eq!(live.len(), 2);
        assert!(live.touch(&first));
        assert!(!live.touch(&second));
        assert!(live.touch(&third));
    }
}
