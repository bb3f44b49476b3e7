//! The integration tests of the Redis stores, one module per concern, built as one test binary.
//! Each test starts its own throw-away `redis-server` on 127.0.0.1 (and a mock Bitbucket where
//! a login is needed); what they share lives in `common`.

#![allow(clippy::unwrap_used)]

mod common;

mod actix_session;
mod faults;
mod instances;
mod shared_replay;
mod state_store;
mod tower_sessions;
