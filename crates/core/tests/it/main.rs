//! The integration tests of the OAuth 2.0 engine and the login flow, one module per concern,
//! built as one test binary, against wiremock or the testkit's mock. The shared helpers are
//! modules too: `common` (the engine against wiremock), `flow_support` (the login-flow tests)
//! and `mock_idp` (a provider on the testkit's mock).

#![allow(clippy::unwrap_used)]

mod common;
mod flow_support;
mod mock_idp;

mod client_auth;
mod device_mock;
mod device_polling;
mod flow_config;
mod flow_hardening;
mod flow_load;
mod flow_race;
mod flow_return_path;
mod flow_secrets;
mod flow_state;
mod grants_wire;
mod log_forging;
mod oidc;
mod proxy;
mod redaction;
mod snapshots;
mod spec;
mod spec_callback;
mod spec_emails;
mod spec_grants;
mod token_faults;
mod tokens_mock;
mod user_info_http;
