//! The integration tests of the Bitbucket provider, one module per concern, built as one test
//! binary: wiremock-backed wire tests (whose shared helpers live in `common`), the testkit's
//! mock Bitbucket, and the provider conformance suite.

#![allow(clippy::unwrap_used)]

mod common;

mod api_errors;
mod authorization_url;
mod conformance;
mod emails;
mod engine_faults;
mod secrets;
mod token;
mod tokens_after_login;
mod user_info;
