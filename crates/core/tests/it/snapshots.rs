//! Snapshots of outward-facing text: authorization URLs (random parts filtered) and the
//! `Display` of every error family.

use std::time::Duration;

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, Error, Nonce, OAuth2Client,
    OAuthErrorBody, PkceVerifier, ProviderContext, Stage,
};
use url::Url;

fn engine() -> OAuth2Client {
    OAuth2Client::new(
        "kitprovider",
        "kit-client-id",
        ClientSecret::new("CS-s3ntinel-client-secret-0123456789"),
        Url::parse("https://idp.example/oauth/authorize?tenant=acme").expect("static URL parses"),
        Url::parse("https://idp.example/oauth/token").expect("static URL parses"),
    )
}

/// Filters for the random 43-character base64url values.
fn random_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"state=[A-Za-z0-9_-]{43}", "state=[state]"),
        (
            r"code_challenge=[A-Za-z0-9_-]{43}",
            "code_challenge=[challenge]",
        ),
        (r"nonce=[A-Za-z0-9_-]{43}", "nonce=[nonce]"),
    ]
}

fn query_values(url: &Url, name: &str) -> Vec<String> {
    url.query_pairs()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[test]
fn plain_authorization_url() {
    let state = CsrfState::generate().expect("rng");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new(
        "http://localhost:8000/auth/kitprovider/callback",
        &state,
        &options,
    );
    let url = engine().authorization_url(&request, &["account".to_owned(), "email".to_owned()]);

    assert_eq!(query_values(&url, "state"), [state.secret()]);
    insta::with_settings!({filters => random_filters()}, {
        insta::assert_snapshot!(url.as_str());
    });
}

#[test]
fn authorization_url_with_pkce_nonce_prompt_login_hint_and_extra_params() {
    let state = CsrfState::generate().expect("rng");
    let verifier = PkceVerifier::generate().expect("rng");
    let challenge = verifier.challenge();
    let nonce = Nonce::generate().expect("rng");
    let options = AuthorizeOptions::default()
        .scope("repository")
        .scope("email")
        .prompt("consent")
        .login_hint("octo+cat@example.com")
        .param("access_type", "offline")
        .param("client_id", "attacker-client")
        .param("redirect_uri", "https://evil.example/cb")
        .param("ui", "dark mode&more");
    let request = AuthorizationRequest::new(
        "http://localhost:8000/auth/kitprovider/callback?from=test",
        &state,
        &options,
    )
    .with_pkce(&challenge)
    .with_nonce(&nonce);
    let url = engine().authorization_url(&request, &["account".to_owned(), "email".to_owned()]);

    // The attempted overrides are dropped, the verifier never travels in the URL.
    assert_eq!(query_values(&url, "client_id"), ["kit-client-id"]);
    assert_eq!(
        query_values(&url, "redirect_uri"),
        ["http://localhost:8000/auth/kitprovider/callback?from=test"]
    );
    assert_eq!(query_values(&url, "code_challenge"), [challenge.as_str()]);
    assert_eq!(query_values(&url, "nonce"), [nonce.secret()]);
    assert!(!url.as_str().contains(verifier.secret()));
    assert!(!url.as_str().contains("attacker-client"));
    assert!(!url.as_str().contains("evil.example"));
    insta::with_settings!({filters => random_filters()}, {
        insta::assert_snapshot!(url.as_str());
    });
}

/// A transport error to put in the `Connect` and `Transport` variants (a request that cannot
/// be built needs no network).
fn reqwest_error() -> reqwest::Error {
    reqwest::Client::new()
        .get("not a url")
        .build()
        .expect_err("a relative URL is refused")
}

fn one_error_of_every_family() -> Vec<Error> {
    let ctx = |stage| ProviderContext::new("kitprovider", stage);
    vec![
        Error::OAuth {
            context: ctx(Stage::Token),
            status: 400,
            body: OAuthErrorBody {
                error: "invalid_grant".to_owned(),
                error_description: Some("The code was already used".to_owned()),
                error_uri: None,
            },
        },
        Error::HttpStatus {
            context: ctx(Stage::UserInfo),
            status: 403,
            message: Some(
                "Your credentials lack one or more required privilege scopes.".to_owned(),
            ),
            hint: Some("add the `email` scope to the consumer".to_owned()),
            detail: None,
            excerpt: Some("{\"type\": \"error\"}".to_owned()),
        },
        Error::HttpStatus {
            context: ctx(Stage::Refresh),
            status: 500,
            message: None,
            hint: None,
            detail: None,
            excerpt: None,
        },
        Error::InvalidResponse {
            context: ctx(Stage::Token),
            status: 200,
            reason: "expected JSON, got `text/html`".to_owned(),
            excerpt: Some("<html>".to_owned()),
        },
        Error::BodyTooLarge {
            context: ctx(Stage::UserInfo),
            limit: 1024 * 1024,
        },
        Error::Timeout {
            context: ctx(Stage::Token),
            timeout: Duration::from_secs(10),
        },
        Error::Timeout {
            context: ctx(Stage::UserInfo),
            timeout: Duration::from_millis(200),
        },
        Error::Redirect {
            context: ctx(Stage::Token),
            status: 302,
        },
        Error::Connect {
            context: ctx(Stage::Token),
            source: reqwest_error(),
        },
        Error::Transport {
            context: ctx(Stage::Revoke),
            source: reqwest_error(),
        },
        Error::Unsupported {
            provider: "kitprovider".to_owned(),
            operation: "token revocation",
        },
        Error::config(
            "OAUTH_COOKIE_KEY",
            "the cookie key is 8 bytes long; use at least 32 random bytes",
        ),
        Error::UnknownProvider {
            name: "gitlab".to_owned(),
        },
        Error::MalformedCallback {
            reason: "the `state` parameter is repeated".to_owned(),
        },
        Error::MissingState,
        Error::MissingCode,
        Error::MissingFlowCookie,
        Error::InvalidFlowCookie,
        Error::FlowReplayed,
        Error::StateMismatch,
        Error::StateExpired,
        Error::ProviderMismatch,
        Error::IssuerMismatch,
        Error::AuthorizationDenied {
            error: "access_denied".to_owned(),
            description: Some("The user denied access".to_owned()),
        },
        Error::InvalidPkceVerifier {
            reason: "length must be between 43 and 128 characters",
        },
        Error::Random("entropy source unavailable".to_owned()),
        Error::Store {
            reason: "the store is full".to_owned(),
        },
        Error::StoreUnavailable {
            reason: "timed out".to_owned(),
        },
    ]
}

#[test]
fn display_of_one_error_of_every_family() {
    let errors = one_error_of_every_family();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for line in &lines {
        // House style: lowercase start, no trailing period, one line.
        assert!(
            !line.starts_with(|c: char| c.is_uppercase()),
            "not lowercase: {line}"
        );
        assert!(!line.ends_with('.'), "trailing period: {line}");
        assert!(!line.contains('\n'), "several lines: {line}");
        assert!(!line.contains("s3ntinel"), "a secret: {line}");
    }
    insta::assert_snapshot!(lines.join("\n"));
}
