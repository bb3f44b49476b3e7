//! The integration tests of the Actix adapter, one module per concern, built as one test
//! binary. The fake provider, the test application and the cookie-keeping client live in
//! `common`.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

mod extractors;
mod form_post;
mod guards;
mod routes;
mod sessions;
mod store_failures;
