//! Log in with Bitbucket without a web framework: prints the authorization URL, reads the
//! callback URL, exchanges its code and prints the user as JSON.
//!
//! ```text
//! export BITBUCKET_CLIENT_ID=your-consumer-key BITBUCKET_CLIENT_SECRET=your-consumer-secret
//! cargo run -p example-standalone                      # then paste the callback URL
//! cargo run -p example-standalone -- 'CALLBACK-URL'    # or pass it on the command line
//! ```
//!
//! The consumer's callback URL must be `{OAUTH_REDIRECT_BASE_URL}/auth/bitbucket/callback`
//! (`http://localhost:8000/auth/bitbucket/callback` by default). Nothing needs to listen
//! there: after approving, copy the address the browser was sent to; its `state` is checked
//! against this run's.
//!
//! Instructions go to stderr and the user's JSON to stdout, so the output can be piped, for
//! example into `jq`. The other variables of `BitbucketProvider::from_env` (scopes, endpoint
//! overrides) are honoured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{Error, OAuthUserInfo, PendingLogin, ProviderClient};
use tokio::io::AsyncBufReadExt;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let base = std::env::var("OAUTH_REDIRECT_BASE_URL")
        .unwrap_or_else(|_| "http://localhost:8000".to_owned());
    let redirect_uri = format!("{}/auth/bitbucket/callback", base.trim_end_matches('/'));
    let provider = BitbucketProvider::from_env().map_err(|e| describe(&e))?;
    let client = ProviderClient::new(provider, &redirect_uri).map_err(|e| describe(&e))?;

    let start = client.authorization_url().map_err(|e| describe(&e))?;
    eprintln!(
        "1. Open this URL in a browser and approve the access:\n\n   {}\n",
        start.url
    );
    eprintln!("2. Bitbucket then sends the browser to {redirect_uri}?code=...&state=...");
    eprintln!("   Paste that whole address and press Enter:");
    let callback = match std::env::args().nth(1) {
        Some(argument) => argument,
        None => read_line().await?,
    };
    let user = log_in(&client, &callback, &start.pending)
        .await
        .map_err(|e| describe(&e))?;
    let json = serde_json::to_string_pretty(&user).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}

async fn read_line() -> Result<String, String> {
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .map_err(|e| format!("cannot read the callback URL from stdin: {e}"))?;
    Ok(line)
}

/// Checks the callback, exchanges its code and fetches the user.
async fn log_in(
    client: &ProviderClient,
    callback: &str,
    pending: &PendingLogin,
) -> Result<OAuthUserInfo, Error> {
    let token = client.exchange_code(callback, pending).await?;
    client.get_user_info(&token.access_token).await
}

/// The error with whatever the provider said about it.
fn describe(error: &Error) -> String {
    match error {
        Error::OAuth { body, .. } => match &body.error_description {
            Some(description) => format!("{error}: {description}"),
            None => error.to_string(),
        },
        Error::HttpStatus {
            message: Some(message),
            ..
        } => format!("{error}: {message}"),
        Error::StateMismatch | Error::MissingState => format!(
            "{error}: open the URL printed above and paste the address it leads to, from this run"
        ),
        Error::Config { .. } => format!("{error}\nsee docs/providers/bitbucket.md"),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use oauth_kit_core::ClientSecret;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const CALLBACK: &str = "http://localhost:8000/auth/bitbucket/callback";

    async fn bitbucket() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/site/oauth2/access_token"))
            .and(header(
                "authorization",
                "Basic YmJDbGllbnRLZXkxMjM6YmJDbGllbnRTZWNyZXQ0NTY=",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "at-123", "scopes": "account email", "expires_in": 7200,
                "refresh_token": "rt-123", "token_type": "bearer", "state": "authorization_code"
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2.0/user"))
            .and(header("authorization", "Bearer at-123"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "uuid": "{3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73}", "display_name": "Mira Okonkwo-Lind",
                "nickname": "Mira O-L", "links": {"html": {"href": "https://bitbucket.org/x/"}}
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2.0/user/emails"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"values": [
                {"email": "mira@example.com", "is_primary": true, "is_confirmed": true}
            ]})))
            .mount(&server)
            .await;
        server
    }

    fn client(server: &MockServer) -> ProviderClient {
        let provider =
            BitbucketProvider::builder("bbClientKey123", ClientSecret::new("bbClientSecret456"))
                .token_url(format!("{}/site/oauth2/access_token", server.uri()))
                .api_url(format!("{}/2.0", server.uri()))
                .build()
                .expect("provider");
        ProviderClient::new(provider, CALLBACK).expect("client")
    }

    #[tokio::test]
    async fn log_in_checks_the_state_exchanges_the_code_and_returns_the_user() {
        let server = bitbucket().await;
        let client = client(&server);
        let start = client.authorization_url().expect("url");
        let state = start.pending.state().secret().to_owned();

        let callback = format!("{CALLBACK}?code=abc&state={state}");
        let user = log_in(&client, &callback, &start.pending)
            .await
            .expect("user");

        assert_eq!(user.oauth_id, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
        assert_eq!(user.email.as_deref(), Some("mira@example.com"));
        assert_eq!(user.username.as_deref(), Some("Mira O-L"));
    }

    #[tokio::test]
    async fn a_callback_of_another_run_or_without_a_code_never_reaches_bitbucket() {
        let server = bitbucket().await;
        let client = client(&server);
        let start = client.authorization_url().expect("url");
        let state = start.pending.state().secret().to_owned();
        for (callback, expected) in [
            (format!("{CALLBACK}?code=abc&state=other"), "StateMismatch"),
            (format!("{CALLBACK}?code=abc"), "MissingState"),
            (format!("?state={state}"), "MissingCode"),
            (
                format!("{CALLBACK}?error=access_denied&state={state}"),
                "AuthorizationDenied",
            ),
            ("   ".to_owned(), "MissingState"),
        ] {
            let err = log_in(&client, &callback, &start.pending)
                .await
                .expect_err(&callback);
            assert!(
                format!("{err:?}").starts_with(expected),
                "{callback}: {err:?}"
            );
        }
        assert!(
            server
                .received_requests()
                .await
                .expect("recorded")
                .is_empty()
        );
    }

    #[test]
    fn errors_are_described_with_the_provider_message() {
        let err = BitbucketProvider::from_lookup(|_| None).expect_err("no credentials");
        assert!(describe(&err).contains("BITBUCKET_CLIENT_ID"));
    }
}
