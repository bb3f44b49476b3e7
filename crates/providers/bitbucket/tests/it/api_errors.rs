//! Bitbucket's error envelope on `/2.0/user`, mapped onto `Error::HttpStatus`.

use std::time::Duration;

use oauth_kit_core::{Error, HttpConfig, OAuthProvider, Stage};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

struct StatusError {
    status: u16,
    message: Option<String>,
    hint: Option<String>,
    detail: Option<Value>,
}

fn status_error(err: Error) -> StatusError {
    match err {
        Error::HttpStatus {
            context,
            status,
            message,
            hint,
            detail,
            ..
        } => {
            assert_eq!(context.provider, "bitbucket");
            assert_eq!(context.stage, Stage::UserInfo);
            StatusError {
                status,
                message,
                hint,
                detail,
            }
        }
        other => panic!("expected Error::HttpStatus, got {other:?}"),
    }
}

async fn user_answers(server: &MockServer, response: ResponseTemplate, expected: u64) {
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(response)
        .expect(expected)
        .mount(server)
        .await;
}

#[tokio::test]
async fn user_401_says_to_check_the_account_read_permission() {
    let server = MockServer::start().await;
    user_answers(&server, json(401, fixture("error_401_invalid.json")), 1).await;

    let err = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap_err();
    let display = err.to_string();
    let err = status_error(err);

    assert_eq!(err.status, 401);
    assert_eq!(
        err.message.as_deref(),
        Some("Token is invalid, expired, or not supported for this endpoint.")
    );
    assert_eq!(err.detail, None);
    assert!(err.hint.unwrap().contains("\"Account: Read\""));
    assert!(
        display.starts_with("bitbucket user info failed: the provider answered HTTP 401 ("),
        "{display}"
    );
}

#[tokio::test]
async fn user_401_for_an_expired_token_keeps_bitbucket_message() {
    let server = MockServer::start().await;
    user_answers(&server, json(401, fixture("error_401_expired.json")), 1).await;

    let err = status_error(
        provider(&server)
            .user_info(&http(), &token())
            .await
            .unwrap_err(),
    );

    assert_eq!(
        err.message.as_deref(),
        Some("Access token expired. Use your refresh token to obtain a new access token.")
    );
}

#[tokio::test]
async fn user_403_keeps_the_granted_and_required_scopes() {
    let server = MockServer::start().await;
    user_answers(&server, json(403, fixture("error_403_user_scope.json")), 1).await;

    let err = status_error(
        provider(&server)
            .user_info(&http(), &token())
            .await
            .unwrap_err(),
    );

    assert_eq!(err.status, 403);
    assert_eq!(
        err.message.as_deref(),
        Some("Your credentials lack one or more required privilege scopes.")
    );
    assert_eq!(
        err.detail,
        Some(json!({"granted": ["email"], "required": ["account"]}))
    );
    let hint = err.hint.unwrap();
    assert!(hint.contains("required: account; granted: email"), "{hint}");
}

#[tokio::test]
async fn user_429_is_retried_then_reported_as_rate_limited() {
    let server = MockServer::start().await;
    user_answers(&server, json(429, fixture("error_429.json")), 3).await;
    let http = http_with(HttpConfig::default().max_retries(2));

    let err = status_error(
        provider(&server)
            .user_info(&http, &token())
            .await
            .unwrap_err(),
    );

    assert_eq!(err.status, 429);
    assert_eq!(
        err.message.as_deref(),
        Some("Rate limit for this resource has been exceeded.")
    );
    assert_eq!(err.detail, None);
    assert!(err.hint.unwrap().contains("rate limited"));
}

#[tokio::test]
async fn user_429_followed_by_success_returns_the_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(json(429, fixture("error_429.json")).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_user(&server, "user.json").await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(json(200, fixture("emails_empty.json")))
        .mount(&server)
        .await;

    let user = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap();

    assert_eq!(user.oauth_id, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    assert_eq!(requests_to(&server, USER_PATH).await.len(), 2);
}

#[tokio::test]
async fn envelope_with_a_text_detail_keeps_it_as_a_json_string() {
    let server = MockServer::start().await;
    let body = json!({"type": "error", "error": {
        "message": "Bad request",
        "detail": "You must specify a valid source branch when creating a pull request.",
        "id": "d23a1cc5178f7637f3d9bf2d13824258"
    }});
    user_answers(&server, json(400, body), 1).await;

    let err = status_error(
        provider(&server)
            .user_info(&http(), &token())
            .await
            .unwrap_err(),
    );

    assert_eq!(err.status, 400);
    assert_eq!(err.message.as_deref(), Some("Bad request"));
    assert_eq!(
        err.detail,
        Some(Value::String(
            "You must specify a valid source branch when creating a pull request.".into()
        ))
    );
    assert_eq!(err.hint, None);
}

#[tokio::test]
async fn user_500_html_page_has_no_message_and_a_retry_hint() {
    let server = MockServer::start().await;
    let page = ResponseTemplate::new(500)
        .set_body_raw("<html><body>Bitbucket is down</body></html>", "text/html");
    user_answers(&server, page, 1).await;

    let err = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap_err();
    let excerpt = err.body_excerpt().map(str::to_owned);
    let err = status_error(err);

    assert_eq!(err.status, 500);
    assert_eq!(err.message, None);
    assert_eq!(err.detail, None);
    assert!(err.hint.unwrap().contains("retry later"));
    assert!(excerpt.unwrap().contains("Bitbucket is down"));
}

#[tokio::test]
async fn user_404_points_at_the_api_base_url() {
    let server = MockServer::start().await;
    let body = json!({"type": "error", "error": {"message": "Resource not found"}});
    user_answers(&server, json(404, body), 1).await;

    let err = status_error(
        provider(&server)
            .user_info(&http(), &token())
            .await
            .unwrap_err(),
    );

    assert_eq!(err.message.as_deref(), Some("Resource not found"));
    assert!(err.hint.unwrap().contains("BITBUCKET_API_URL"));
}

#[tokio::test]
async fn slow_user_endpoint_is_a_timeout() {
    let server = MockServer::start().await;
    user_answers(
        &server,
        json(200, fixture("user.json")).set_delay(Duration::from_secs(2)),
        1,
    )
    .await;
    let http = http_with(HttpConfig::default().timeout(Duration::from_millis(200)));

    let err = provider(&server)
        .user_info(&http, &token())
        .await
        .unwrap_err();

    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.stage(), Some(Stage::UserInfo));
}
