//! The in-memory registry of live logins that makes logout final with a cookie session store.
//!
//! A cookie-backed session cannot be taken back: after logout, a copy of the old cookie would
//! still decrypt. So every login gets a random id, kept both in the session and here; a session
//! counts as logged in only while its id is here. Logout removes the id, a new login in the same
//! browser replaces it, and an id expires when unused for the idle timeout or older than the
//! absolute lifetime. The registry is a [`SessionTable`]: bounded, O(log n) per login and per
//! request, and when it is full it ends logins in the order documented in
//! `oauth_kit_core::session` (expired first, then the same account's least recently active
//! login, then logins never used since they were made, then the least recently active), so a
//! flood of scripted logins never logs out a recently active user. It fails closed: a lost
//! entry means a new login, never an accepted dead cookie.

use oauth_kit_core::session::{SessionLimits, SessionTable};

/// Live login ids.
#[derive(Debug)]
pub(crate) struct LiveSessions {
    table: SessionTable<String, ()>,
}

impl LiveSessions {
    pub(crate) fn new(limits: SessionLimits) -> Self {
        Self {
            table: SessionTable::new(limits),
        }
    }

    /// Registers a new login of `owner` and returns its id, or `None` when no random bytes
    /// were available.
    pub(crate) fn start(&self, owner: &str) -> Option<String> {
        let id = random_id()?;
        self.table.insert(id.clone(), Some(owner), ());
        Some(id)
    }

    /// Whether `id` is a live login; a live one is marked as used now.
    pub(crate) fn touch(&self, id: &str) -> bool {
        self.table.get(&id.to_owned()).is_some()
    }

    /// Ends the login `id` (logout, or a new login in the same browser).
    pub(crate) fn end(&self, id: &str) {
        self.table.remove(&id.to_owned());
    }

    /// The number of registered logins (expired ones included until they are swept).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.table.len()
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
    use std::time::Duration;

    use super::*;

    #[test]
    fn ended_logins_are_not_live() {
        let live = LiveSessions::new(SessionLimits::default());
        let id = live.start("p\u{1f}1").expect("random");
        assert!(live.touch(&id));
        live.end(&id);
        assert!(!live.touch(&id));
        assert!(!live.touch("forged"));
    }

    #[test]
    fn ids_are_unique_and_long() {
        let live = LiveSessions::new(SessionLimits::default());
        let (a, b) = (
            live.start("o").expect("random"),
            live.start("o").expect("random"),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn idle_logins_expire() {
        let live = LiveSessions::new(SessionLimits::default().idle_timeout(Duration::ZERO));
        let id = live.start("o").expect("random");
        assert!(!live.touch(&id));
        assert_eq!(live.len(), 0);
    }

    #[test]
    fn a_full_registry_ends_a_login_never_used_before_an_active_one() {
        let live = LiveSessions::new(SessionLimits::default().cap(2));
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
