//! `cargo run -p oauth-kit-testkit`: the mock Bitbucket as its own process, for trying an
//! application or `examples/standalone` without an account.
//!
//! It listens on `MOCK_ADDR` (default `127.0.0.1:8011`), prints the variables that point a
//! Bitbucket provider at it, and serves until it is stopped (Ctrl-C). `MOCK_CONSENT=page`
//! shows the consent page instead of approving every authorization.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::SocketAddr;
use std::process::ExitCode;

use oauth_kit_testkit::{Consent, MockBitbucket, MockConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let addr: SocketAddr = match std::env::var("MOCK_ADDR") {
        Ok(addr) => match addr.trim().parse() {
            Ok(addr) => addr,
            Err(_) => {
                eprintln!("error: MOCK_ADDR `{addr}` is not an address such as 127.0.0.1:8011");
                return ExitCode::FAILURE;
            }
        },
        Err(_) => SocketAddr::from(([127, 0, 0, 1], 8011)),
    };
    let consent = match std::env::var("MOCK_CONSENT").as_deref() {
        Ok("page") => Consent::Interactive,
        _ => Consent::AutoApprove,
    };
    let config = MockConfig {
        addr: Some(addr),
        consent,
        ..MockConfig::default()
    };
    let mock = match MockBitbucket::start_with(config).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("mock Bitbucket listening on {}; export:", mock.base_url());
    println!("export BITBUCKET_CLIENT_ID={}", mock.client_id());
    println!("export BITBUCKET_CLIENT_SECRET={}", mock.client_secret());
    println!("export BITBUCKET_AUTHORIZE_URL={}", mock.authorize_url());
    println!("export BITBUCKET_TOKEN_URL={}", mock.token_url());
    println!("export BITBUCKET_API_URL={}", mock.api_url());
    eprintln!("Every authorization is answered as the user `mira`. Stop with Ctrl-C.");
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
