//! The token endpoint: code exchange, refresh, Bitbucket's token error bodies, client
//! authentication and revocation.

use std::time::Duration;

use oauth_kit_core::{
    AuthorizationCode, Error, OAuthProvider, PkceVerifier, RefreshToken, Revocation, Stage,
};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

async fn token_endpoint(server: &MockServer, status: u16, fixture_name: &str) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(json(status, fixture(fixture_name)))
        .expect(1)
        .mount(server)
        .await;
}

async fn exchange(server: &MockServer) -> Result<oauth_kit_core::OAuthToken, Error> {
    provider(server)
        .exchange_code(
            &http(),
            &AuthorizationCode::new("c0de-from-callback"),
            REDIRECT_URI,
            None,
        )
        .await
}

async fn refresh(server: &MockServer) -> Result<oauth_kit_core::OAuthToken, Error> {
    provider(server)
        .refresh(&http(), &RefreshToken::new(REFRESH_TOKEN))
        .await
}

fn assert_oauth_error(err: &Error, stage: Stage, code: &str, description: &str) {
    match err {
        Error::OAuth {
            context,
            status,
            body,
        } => {
            assert_eq!(context.provider, "bitbucket");
            assert_eq!(context.stage, stage);
            assert_eq!(*status, 400);
            assert_eq!(body.error, code);
            assert_eq!(body.error_description.as_deref(), Some(description));
        }
        other => panic!("expected Error::OAuth, got {other:?}"),
    }
}

#[tokio::test]
async fn code_exchange_parses_the_token_and_its_plural_scopes_member() {
    let server = MockServer::start().await;
    token_endpoint(&server, 200, "token_success.json").await;

    let token = exchange(&server).await.unwrap();

    assert_eq!(token.access_token.secret(), ACCESS_TOKEN);
    assert_eq!(
        token.refresh_token.as_ref().unwrap().secret(),
        REFRESH_TOKEN
    );
    assert_eq!(token.token_type, "bearer");
    assert_eq!(token.expires_in, Some(Duration::from_secs(7200)));
    assert!(token.expires_at.is_some() && !token.is_expired());
    assert_eq!(token.scopes, ["email", "account"]);
    assert!(token.id_token.is_none());
    // `state` in Bitbucket's token response is the grant type; it is kept only in `raw`.
    assert_eq!(token.raw["state"], "authorization_code");
}

#[tokio::test]
async fn code_exchange_is_a_form_post_with_the_exact_basic_auth_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", BASIC_AUTH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(json(200, fixture("token_success.json")))
        .expect(1)
        .mount(&server)
        .await;

    exchange(&server).await.unwrap();

    let requests = requests_to(&server, TOKEN_PATH).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        form(&requests[0]),
        [
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), "c0de-from-callback".to_owned()),
            ("redirect_uri".to_owned(), REDIRECT_URI.to_owned()),
        ],
        "the secret travels only in the Basic header, never in the body"
    );
    assert!(requests[0].url.query().is_none());
}

#[tokio::test]
async fn code_exchange_never_sends_a_pkce_verifier() {
    let server = MockServer::start().await;
    token_endpoint(&server, 200, "token_success.json").await;
    let verifier = PkceVerifier::generate().unwrap();

    provider(&server)
        .exchange_code(
            &http(),
            &AuthorizationCode::new("c"),
            REDIRECT_URI,
            Some(&verifier),
        )
        .await
        .unwrap();

    let requests = requests_to(&server, TOKEN_PATH).await;
    assert!(form(&requests[0]).iter().all(|(k, _)| k != "code_verifier"));
}

#[tokio::test]
async fn refresh_keeps_the_same_refresh_token_and_reads_scopes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", BASIC_AUTH))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(json(200, fixture("token_refresh.json")))
        .expect(1)
        .mount(&server)
        .await;

    let token = refresh(&server).await.unwrap();

    assert!(token.access_token.secret().starts_with("Wd3Hs9Lk1Fn7"));
    assert_eq!(
        token.refresh_token.as_ref().unwrap().secret(),
        REFRESH_TOKEN
    );
    assert_eq!(token.scopes, ["account", "email"]);
    assert_eq!(token.expires_in, Some(Duration::from_secs(7200)));
    let requests = requests_to(&server, TOKEN_PATH).await;
    assert_eq!(
        form(&requests[0]),
        [
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), REFRESH_TOKEN.to_owned()),
        ]
    );
}

#[tokio::test]
async fn refresh_answer_without_a_refresh_token_keeps_the_one_used() {
    let server = MockServer::start().await;
    let mut body = fixture("token_refresh.json");
    body.as_object_mut().unwrap().remove("refresh_token");
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(json(200, body))
        .mount(&server)
        .await;

    let token = refresh(&server).await.unwrap();

    assert_eq!(
        token.refresh_token.as_ref().unwrap().secret(),
        REFRESH_TOKEN
    );
}

#[tokio::test]
async fn invalid_code_is_an_oauth_invalid_grant_error() {
    let server = MockServer::start().await;
    token_endpoint(&server, 400, "token_error_invalid_code.json").await;

    let err = exchange(&server).await.unwrap_err();

    assert_oauth_error(
        &err,
        Stage::Token,
        "invalid_grant",
        "The specified code is not valid.",
    );
    assert_eq!(err.code(), "token_error");
}

#[tokio::test]
async fn wrong_client_credentials_are_an_oauth_unauthorized_client_error() {
    let server = MockServer::start().await;
    token_endpoint(&server, 400, "token_error_client_credentials.json").await;

    let err = exchange(&server).await.unwrap_err();

    assert_oauth_error(
        &err,
        Stage::Token,
        "unauthorized_client",
        "Requests must be authenticated using OAuth client credentials",
    );
}

#[tokio::test]
async fn non_form_body_answer_is_an_oauth_invalid_grant_error() {
    let server = MockServer::start().await;
    token_endpoint(&server, 400, "token_error_not_form.json").await;

    let err = exchange(&server).await.unwrap_err();

    assert_oauth_error(
        &err,
        Stage::Token,
        "invalid_grant",
        "Unsupported grant type: None",
    );
}

#[tokio::test]
async fn invalid_refresh_token_is_an_oauth_invalid_request_error_at_the_refresh_stage() {
    let server = MockServer::start().await;
    token_endpoint(&server, 400, "token_error_invalid_refresh.json").await;

    let err = refresh(&server).await.unwrap_err();

    assert_oauth_error(
        &err,
        Stage::Refresh,
        "invalid_request",
        "Invalid refresh_token",
    );
}

#[tokio::test]
async fn revocation_is_unsupported_and_points_to_the_app_authorizations_page() {
    let server = MockServer::start().await;
    let provider = provider(&server);

    let answer = provider.revoke(&http(), &token()).await.unwrap();

    assert_eq!(
        answer,
        Revocation::Unsupported {
            manage_url: Some("https://bitbucket.org/account/settings/app-authorizations/".into())
        }
    );
    assert!(!provider.capabilities().revocation);
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request is sent"
    );
}
