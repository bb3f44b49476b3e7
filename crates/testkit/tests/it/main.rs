//! The integration tests of the testkit, one module per concern, built as one test binary: the
//! mock identity providers over real HTTP and the provider conformance suite. The plain client
//! and the steps of a login live in `common`.

mod common;

mod api_auth;
mod authorize;
mod conformance;
mod consent;
mod counters;
mod emails_pagination;
mod faults;
mod lifecycle;
mod oidc_mock;
mod provider_mock;
mod round_trip;
mod token;
