//! The engine's fault cases, run through the Bitbucket token endpoint: bad statuses and
//! bodies, the body cap, the timeout, redirects and an unreachable server.

use std::time::{Duration, Instant};

use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{
    AuthorizationCode, ClientSecret, Error, HttpClient, HttpConfig, OAuthProvider, OAuthToken,
    Stage,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn token_answers(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

async fn exchange_with(
    provider: &BitbucketProvider,
    http: &HttpClient,
) -> Result<OAuthToken, Error> {
    provider
        .exchange_code(http, &AuthorizationCode::new("c0de"), REDIRECT_URI, None)
        .await
}

async fn exchange(server: &MockServer) -> Error {
    exchange_with(&provider(server), &http()).await.unwrap_err()
}

fn invalid_reason(err: &Error) -> &str {
    match err {
        Error::InvalidResponse {
            context,
            status,
            reason,
            ..
        } => {
            assert_eq!(
                (context.provider.as_str(), context.stage),
                ("bitbucket", Stage::Token)
            );
            assert_eq!(*status, 200);
            reason
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn token_endpoint_500_html_page_is_an_http_status_error() {
    let server = MockServer::start().await;
    token_answers(
        &server,
        ResponseTemplate::new(500)
            .set_body_raw("<html><body>Bitbucket is down</body></html>", "text/html"),
    )
    .await;

    let err = exchange(&server).await;

    match &err {
        Error::HttpStatus {
            context,
            status,
            message,
            excerpt,
            ..
        } => {
            assert_eq!(context.stage, Stage::Token);
            assert_eq!(*status, 500);
            assert_eq!(*message, None);
            assert!(excerpt.as_deref().unwrap().contains("Bitbucket is down"));
        }
        other => panic!("expected Error::HttpStatus, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "bitbucket token exchange failed: the provider answered HTTP 500"
    );
}

#[tokio::test]
async fn token_endpoint_200_html_page_is_an_invalid_response() {
    let server = MockServer::start().await;
    token_answers(
        &server,
        ResponseTemplate::new(200)
            .set_body_raw("<html><body>Log in to Bitbucket</body></html>", "text/html"),
    )
    .await;

    let err = exchange(&server).await;

    assert_eq!(invalid_reason(&err), "expected JSON, got `text/html`");
}

#[tokio::test]
async fn token_endpoint_invalid_json_is_an_invalid_response() {
    let server = MockServer::start().await;
    token_answers(
        &server,
        ResponseTemplate::new(200).set_body_raw("{\"access_token\": ", "application/json"),
    )
    .await;

    let err = exchange(&server).await;

    assert_eq!(invalid_reason(&err), "the body is not a JSON object");
}

#[tokio::test]
async fn token_endpoint_wrong_field_types_are_an_invalid_response() {
    let server = MockServer::start().await;
    let mut body = fixture("token_success.json");
    body["expires_in"] = json!({"seconds": 7200});
    token_answers(&server, json(200, body)).await;

    let err = exchange(&server).await;

    assert_eq!(invalid_reason(&err), "`expires_in` is not a number");
}

#[tokio::test]
async fn token_endpoint_scopes_of_the_wrong_type_are_an_invalid_response() {
    let server = MockServer::start().await;
    let mut body = fixture("token_success.json");
    body["scopes"] = json!(["email", "account"]);
    token_answers(&server, json(200, body)).await;

    let err = exchange(&server).await;

    assert_eq!(invalid_reason(&err), "`scopes` is not a string");
}

#[tokio::test]
async fn token_endpoint_without_access_token_is_an_invalid_response() {
    let server = MockServer::start().await;
    let mut body = fixture("token_success.json");
    body.as_object_mut().unwrap().remove("access_token");
    token_answers(&server, json(200, body)).await;

    let err = exchange(&server).await;

    assert_eq!(invalid_reason(&err), "`access_token` is missing");
    assert!(
        !format!("{err:?}").contains(REFRESH_TOKEN),
        "the excerpt is redacted"
    );
}

#[tokio::test]
async fn token_endpoint_body_over_the_cap_is_body_too_large() {
    let server = MockServer::start().await;
    let padding = "a".repeat(4 * 1024);
    token_answers(
        &server,
        ResponseTemplate::new(200).set_body_raw(
            format!("{{\"access_token\":\"{padding}\"}}"),
            "application/json",
        ),
    )
    .await;
    let http = http_with(HttpConfig::default().max_body_bytes(1024));

    let err = exchange_with(&provider(&server), &http).await.unwrap_err();

    match err {
        Error::BodyTooLarge { context, limit } => {
            assert_eq!(context.stage, Stage::Token);
            assert_eq!(limit, 1024);
        }
        other => panic!("expected Error::BodyTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn token_endpoint_slower_than_the_timeout_is_a_timeout() {
    let server = MockServer::start().await;
    token_answers(
        &server,
        json(200, fixture("token_success.json")).set_delay(Duration::from_secs(2)),
    )
    .await;
    let http = http_with(HttpConfig::default().timeout(Duration::from_millis(200)));
    let started = Instant::now();

    let err = exchange_with(&provider(&server), &http).await.unwrap_err();

    match err {
        Error::Timeout { context, timeout } => {
            assert_eq!(context.stage, Stage::Token);
            assert_eq!(timeout, Duration::from_millis(200));
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn token_endpoint_redirect_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, fixture("token_success.json")))
        .expect(0)
        .mount(&elsewhere)
        .await;
    token_answers(
        &server,
        ResponseTemplate::new(302)
            .insert_header("location", format!("{}{TOKEN_PATH}", elsewhere.uri())),
    )
    .await;

    let err = exchange(&server).await;

    match err {
        Error::Redirect { context, status } => {
            assert_eq!(context.stage, Stage::Token);
            assert_eq!(status, 302);
        }
        other => panic!("expected Error::Redirect, got {other:?}"),
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn token_endpoint_refusing_connections_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let provider = BitbucketProvider::builder(CLIENT_ID, ClientSecret::new(CLIENT_SECRET))
        .token_url(format!("http://127.0.0.1:{port}{TOKEN_PATH}"))
        .build()
        .unwrap();

    let err = exchange_with(&provider, &http()).await.unwrap_err();

    match &err {
        Error::Connect { context, .. } => assert_eq!(context.stage, Stage::Token),
        other => panic!("expected Error::Connect, got {other:?}"),
    }
    assert_eq!(err.code(), "provider_unavailable");
    assert!(
        !err.to_string().contains(&port.to_string()),
        "no URL in the message"
    );
}
