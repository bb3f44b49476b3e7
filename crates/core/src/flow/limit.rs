//! The per-client limit on callbacks that reach the token endpoint.
//!
//! Anyone can start a login, take its state and flow cookie, and call the callback with a junk
//! code: every such callback passes the state checks and costs a token request made with the
//! application's client credentials, which counts against the client's quota at the provider.
//! The limiter bounds how many callbacks per minute one client address may send that far.

use std::time::{Duration, Instant};

use crate::session::{SessionLimits, SessionTable};

/// The default number of callbacks per minute that one client address may send to the token
/// endpoint (`OAUTH_CALLBACK_RATE_LIMIT`; 0 switches the limit off).
pub const DEFAULT_CALLBACK_RATE_LIMIT: u32 = 30;
/// How many client addresses the limiter tracks at most.
const MAX_CLIENTS: usize = 100_000;

/// A token bucket per client address: `per_minute` callbacks in a burst, refilled evenly over a
/// minute. A client unseen for a minute has a full bucket again and is forgotten.
pub(crate) struct CallbackLimiter {
    per_minute: u32,
    buckets: SessionTable<String, Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl CallbackLimiter {
    pub(crate) fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: SessionTable::new(
                SessionLimits::default()
                    .cap(MAX_CLIENTS)
                    .idle_timeout(Duration::from_secs(60))
                    .lifetime(Duration::MAX),
            ),
        }
    }

    /// Takes one callback from `client`'s bucket; `false` when it is empty.
    pub(crate) fn allow(&self, client: &str) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let capacity = f64::from(self.per_minute);
        let now = Instant::now();
        let key = client.to_owned();
        let tokens = match self.buckets.get(&key) {
            Some(bucket) => {
                let refill = now.duration_since(bucket.at).as_secs_f64() * capacity / 60.0;
                (bucket.tokens + refill).min(capacity)
            }
            None => capacity,
        };
        if tokens < 1.0 {
            return false;
        }
        let bucket = Bucket {
            tokens: tokens - 1.0,
            at: now,
        };
        if !self.buckets.update(&key, bucket) {
            self.buckets.insert(key, None, bucket);
        }
        true
    }
}

impl std::fmt::Debug for CallbackLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackLimiter")
            .field("per_minute", &self.per_minute)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_is_refused() {
        let limiter = CallbackLimiter::new(3);
        assert!((0..3).all(|_| limiter.allow("203.0.113.7")));
        assert!(!limiter.allow("203.0.113.7"));
        // Another client has its own bucket.
        assert!(limiter.allow("198.51.100.1"));
    }

    #[test]
    fn zero_switches_the_limit_off() {
        let limiter = CallbackLimiter::new(0);
        assert!((0..1000).all(|_| limiter.allow("203.0.113.7")));
    }
}
