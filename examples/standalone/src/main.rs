//! Log in with Bitbucket without a web framework: prints the authorization URL, reads the code,
//! exchanges it and prints the user as JSON.
//!
//! ```text
//! export BITBUCKET_CLIENT_ID=your-consumer-key BITBUCKET_CLIENT_SECRET=your-consumer-secret
//! cargo run -p example-standalone              # then paste the callback URL or the code
//! cargo run -p example-standalone -- CODE      # or pass a code on the command line
//! ```
//!
//! The consumer's callback URL must be `{OAUTH_REDIRECT_BASE_URL}/auth/bitbucket/callback`
//! (`http://localhost:8000/auth/bitbucket/callback` by default). Nothing needs to listen
//! there: after approving, copy the address the browser was sent to. Pasting the whole callback
//! URL lets the program check its `state`; a bare code cannot be checked.
//!
//! Instructions go to stderr and the user's JSON to stdout, so the output can be piped, for
//! example into `jq`. The other variables of `BitbucketProvider::from_env` (scopes, endpoint
//! overrides) and `OAUTH_HTTP_TIMEOUT_SECS` are honoured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, CsrfState, Error, FlowConfig,
    HttpClient, HttpConfig, OAuthProvider, OAuthUserInfo, constant_time_eq,
};
use tokio::io::AsyncBufReadExt;
use url::Url;

/// The application base URL when `OAUTH_REDIRECT_BASE_URL` is not set.
const DEFAULT_BASE_URL: &str = "http://localhost:8000";

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
    let provider = BitbucketProvider::from_env().map_err(|e| describe(&e))?;
    let config = FlowConfig::from_lookup(|name| {
        std::env::var(name)
            .ok()
            .or_else(|| (name == "OAUTH_REDIRECT_BASE_URL").then(|| DEFAULT_BASE_URL.to_owned()))
    })
    .map_err(|e| describe(&e))?;
    let redirect_uri = config.redirect_uri(provider.name());
    let http = HttpClient::with_config(HttpConfig::default().timeout(config.http_timeout()))
        .map_err(|e| describe(&e))?;

    let state = CsrfState::generate().map_err(|e| describe(&e))?;
    let options = AuthorizeOptions::default();
    let url = provider
        .authorization_url(&AuthorizationRequest::new(&redirect_uri, &state, &options))
        .map_err(|e| describe(&e))?;
    eprintln!("1. Open this URL in a browser and approve the access:\n\n   {url}\n");
    eprintln!("2. Bitbucket then sends the browser to {redirect_uri}?code=...&state=...");
    eprintln!("   Paste that whole address (or only the code) and press Enter:");

    let input = match std::env::args().nth(1) {
        Some(argument) => argument,
        None => read_line().await?,
    };
    let code = parse_callback(&input, &state)?;
    let user = log_in(&provider, &http, &redirect_uri, &code)
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
        .map_err(|e| format!("cannot read the code from stdin: {e}"))?;
    Ok(line)
}

/// Reads the code from a pasted callback URL (checking its `state`), a query string, or a bare
/// code.
fn parse_callback(input: &str, state: &CsrfState) -> Result<AuthorizationCode, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("no code given".to_owned());
    }
    let query = match Url::parse(input) {
        Ok(url) => url.query().unwrap_or_default().to_owned(),
        Err(_) if input.contains('=') => input.trim_start_matches('?').to_owned(),
        Err(_) => return Ok(AuthorizationCode::new(input)),
    };
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if let Some(error) = param("error") {
        let description = param("error_description").unwrap_or_default();
        return Err(format!(
            "Bitbucket refused the authorization: {error} {description}"
        ));
    }
    let returned_state = param("state").ok_or("the callback has no state parameter")?;
    if !constant_time_eq(returned_state.as_bytes(), state.secret().as_bytes()) {
        return Err(
            "the callback's state is not this run's: open the URL printed above and \
                    paste the address it leads to"
                .to_owned(),
        );
    }
    let code = param("code")
        .filter(|c| !c.is_empty())
        .ok_or("the callback has no code")?;
    Ok(AuthorizationCode::new(code))
}

/// Exchanges the code and fetches the user.
async fn log_in(
    provider: &BitbucketProvider,
    http: &HttpClient,
    redirect_uri: &str,
    code: &AuthorizationCode,
) -> Result<OAuthUserInfo, Error> {
    let token = provider
        .exchange_code(http, code, redirect_uri, None)
        .await?;
    provider.user_info(http, &token).await
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

    #[test]
    fn a_bare_code_is_taken_as_is() {
        let state = CsrfState::new("s1");
        let code = parse_callback("  Xy9kQ2 \n", &state).expect("code");
        assert_eq!(code.secret(), "Xy9kQ2");
    }

    #[test]
    fn a_callback_url_is_accepted_only_with_this_runs_state() {
        let state = CsrfState::new("s1");
        let code = parse_callback(&format!("{CALLBACK}?code=abc&state=s1"), &state).expect("ok");
        assert_eq!(code.secret(), "abc");
        let code = parse_callback("?code=abc&state=s1", &state).expect("query");
        assert_eq!(code.secret(), "abc");
        for bad in [
            format!("{CALLBACK}?code=abc&state=other"),
            format!("{CALLBACK}?code=abc"),
            format!("{CALLBACK}?state=s1"),
            format!("{CALLBACK}?error=access_denied&state=s1"),
            "   ".to_owned(),
        ] {
            assert!(parse_callback(&bad, &state).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn log_in_exchanges_the_code_and_returns_the_user() {
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
            .expect(1)
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
        let provider =
            BitbucketProvider::builder("bbClientKey123", ClientSecret::new("bbClientSecret456"))
                .token_url(format!("{}/site/oauth2/access_token", server.uri()))
                .api_url(format!("{}/2.0", server.uri()))
                .build()
                .expect("provider");
        let http = HttpClient::new().expect("client");

        let user = log_in(&provider, &http, CALLBACK, &AuthorizationCode::new("abc"))
            .await
            .expect("user");

        assert_eq!(user.oauth_id, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
        assert_eq!(user.email.as_deref(), Some("mira@example.com"));
        assert_eq!(user.username.as_deref(), Some("Mira O-L"));
    }

    #[test]
    fn errors_are_described_with_the_provider_message() {
        let err = BitbucketProvider::from_lookup(|_| None).expect_err("no credentials");
        assert!(describe(&err).contains("BITBUCKET_CLIENT_ID"));
    }
}
