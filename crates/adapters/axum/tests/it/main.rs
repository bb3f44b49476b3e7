//! The integration tests of the Axum adapter, one module per concern, built as one test binary.
//! Each test serves the adapter on a real loopback listener against a mock provider from the
//! testkit; the listener, the client and the cookie-keeping browser live in `common`.

#![allow(clippy::unwrap_used)]

mod common;

mod form_post;
mod hook_and_guards;
mod oidc_conformance;
mod store_failures;
