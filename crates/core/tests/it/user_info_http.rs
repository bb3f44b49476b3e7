//! The shared HTTP client on user-info style GETs: the access token travels only in
//! `Authorization: Bearer`, 429 and 503 are retried within the budget, a long `Retry-After` is
//! not waited for, and the body cap applies.

use std::time::{Duration, Instant};

use oauth_kit_core::{AccessToken, Error, HttpConfig, ProviderContext, Stage};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

use crate::common::{
    ACCESS_TOKEN, PROVIDER, USER_PATH, assert_error_is_clean, header, http_with, user_url,
};

fn context() -> ProviderContext {
    ProviderContext::new(PROVIDER, Stage::UserInfo)
}

fn token() -> AccessToken {
    AccessToken::new(ACCESS_TOKEN)
}

fn config() -> HttpConfig {
    HttpConfig::default().timeout(Duration::from_secs(5))
}

fn user_json() -> Value {
    json!({"uuid": "{0b1c2d3e}", "username": "octo", "display_name": "Octo Cat"})
}

async fn mount_user(server: &MockServer, response: ResponseTemplate, times: u64) {
    Mock::given(matchers::method("GET"))
        .and(matchers::path(USER_PATH))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// Asserts that the token appears in no received request except as the exact Bearer header.
async fn assert_token_only_in_bearer_header(server: &MockServer) {
    let requests = server.received_requests().await.expect("recording is on");
    assert!(!requests.is_empty());
    for request in requests {
        assert_eq!(
            header(&request, "authorization"),
            Some(format!("Bearer {ACCESS_TOKEN}").as_str())
        );
        assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
        assert!(
            !request.url.as_str().contains(ACCESS_TOKEN),
            "{}",
            request.url
        );
        assert!(
            request.url.query_pairs().all(|(k, _)| k != "access_token"),
            "{}",
            request.url
        );
        assert!(request.body.is_empty(), "a GET carries no body");
        for (name, value) in &request.headers {
            if name != "authorization" {
                let value = String::from_utf8_lossy(value.as_bytes());
                assert!(
                    !value.contains(ACCESS_TOKEN),
                    "the token leaked into {name}"
                );
            }
        }
    }
}

#[tokio::test]
async fn get_bearer_sends_the_token_only_in_the_authorization_header() {
    let server = MockServer::start().await;
    mount_user(
        &server,
        ResponseTemplate::new(200).set_body_json(user_json()),
        1,
    )
    .await;
    let response = http_with(config())
        .get_bearer(&context(), &user_url(&server), &token())
        .await
        .expect("a response");
    assert_eq!(response.status, 200);
    assert!(response.is_success());
    server.verify().await;
    assert_token_only_in_bearer_header(&server).await;
}

#[tokio::test]
async fn get_json_sends_the_token_only_in_the_authorization_header_and_keeps_the_url_query() {
    #[derive(Debug, Deserialize)]
    struct User {
        uuid: String,
        username: String,
    }

    let server = MockServer::start().await;
    Mock::given(matchers::method("GET"))
        .and(matchers::path(USER_PATH))
        .and(matchers::query_param("fields", "uuid,username"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    let mut url = user_url(&server);
    url.set_query(Some("fields=uuid,username"));

    let user: User = http_with(config())
        .get_json(&context(), &url, &token())
        .await
        .expect("a user");
    assert_eq!(user.uuid, "{0b1c2d3e}");
    assert_eq!(user.username, "octo");
    server.verify().await;
    assert_token_only_in_bearer_header(&server).await;
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests[0].url.query(), Some("fields=uuid,username"));
    assert_eq!(header(&requests[0], "accept"), Some("application/json"));
}

#[tokio::test]
async fn status_429_with_retry_after_1_is_retried_and_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("GET"))
        .and(matchers::path(USER_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"type": "error", "error": {"message": "Rate limit"}})),
        )
        .up_to_n_times(1)
        .expect(1)
        .named("rate limited once")
        .mount(&server)
        .await;
    Mock::given(matchers::method("GET"))
        .and(matchers::path(USER_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(1)
        .named("then the user")
        .mount(&server)
        .await;

    let started = Instant::now();
    let user: Value = http_with(config())
        .get_json(&context(), &user_url(&server), &token())
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();
    assert_eq!(user["username"], "octo");
    // The client honoured the one-second `Retry-After` before asking again.
    assert!(
        elapsed >= Duration::from_secs(1),
        "retried after {elapsed:?}"
    );
    server.verify().await;
    assert_token_only_in_bearer_header(&server).await;
}

#[tokio::test]
async fn status_503_is_retried_at_most_max_retries_times() {
    let server = MockServer::start().await;
    // Without `Retry-After` the client backs off 200 ms, then 400 ms.
    mount_user(
        &server,
        ResponseTemplate::new(503).set_body_string("down"),
        3,
    )
    .await;
    let http = http_with(config().max_retries(2));

    let response = http
        .get_bearer(&context(), &user_url(&server), &token())
        .await
        .expect("the last response is returned");
    assert_eq!(response.status, 503);
    server.verify().await;
}

#[tokio::test]
async fn status_503_through_get_json_is_an_http_status_error_after_the_retries() {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(503)
        .insert_header("retry-after", "0")
        .set_body_string("down");
    mount_user(&server, response, 4).await;
    let http = http_with(config().max_retries(3));

    let err = http
        .get_json::<Value>(&context(), &user_url(&server), &token())
        .await
        .expect_err("still unavailable");
    assert!(
        matches!(err, Error::HttpStatus { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(err.stage(), Some(Stage::UserInfo));
    assert_error_is_clean(&err);
    server.verify().await;
}

#[tokio::test]
async fn status_503_with_no_retry_budget_is_requested_once() {
    let server = MockServer::start().await;
    mount_user(&server, ResponseTemplate::new(503), 1).await;
    let response = http_with(config().max_retries(0))
        .get_bearer(&context(), &user_url(&server), &token())
        .await
        .expect("a response");
    assert_eq!(response.status, 503);
    server.verify().await;
}

#[tokio::test]
async fn retry_after_longer_than_max_retry_after_is_not_waited_for() {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(429)
        .insert_header("retry-after", "120")
        .set_body_json(
            json!({"error": {"message": "Rate limit for this resource has been exceeded"}}),
        );
    mount_user(&server, response, 1).await;
    let http = http_with(config().max_retry_after(Duration::from_secs(2)));

    let started = Instant::now();
    let response = http
        .get_bearer(&context(), &user_url(&server), &token())
        .await
        .expect("the 429 is returned");
    let elapsed = started.elapsed();
    assert_eq!(response.status, 429);
    assert_eq!(
        response
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("120")
    );
    // A sanity bound: the client did not sleep before giving the answer back.
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
    server.verify().await;

    let err = response
        .json::<Value>(&context())
        .expect_err("a 429 is no user");
    assert!(
        matches!(err, Error::HttpStatus { status: 429, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn huge_user_info_body_is_body_too_large() {
    let server = MockServer::start().await;
    let huge = format!(
        r#"{{"username":"octo","bio":"{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    mount_user(
        &server,
        ResponseTemplate::new(200).set_body_raw(huge, "application/json"),
        1,
    )
    .await;
    let http = http_with(config().max_body_bytes(1024));

    let err = http
        .get_json::<Value>(&context(), &user_url(&server), &token())
        .await
        .expect_err("over the cap");
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert_eq!(err.stage(), Some(Stage::UserInfo));
    assert_eq!(err.provider(), Some(PROVIDER));
    assert_error_is_clean(&err);
    server.verify().await;
}

#[tokio::test]
async fn wrongly_typed_user_field_is_an_invalid_response_without_the_value() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Only the failure to deserialize matters.
    struct User {
        id: u64,
    }

    let server = MockServer::start().await;
    // A provider that puts a token-like string where a number is expected.
    let body = json!({"id": ACCESS_TOKEN});
    mount_user(&server, ResponseTemplate::new(200).set_body_json(body), 1).await;

    let err = http_with(config())
        .get_json::<User>(&context(), &user_url(&server), &token())
        .await
        .expect_err("wrong shape");
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("JSON")),
        "{err:?}"
    );
    // `InvalidResponse::reason` is documented as "without any value from the body".
    assert_error_is_clean(&err);
    server.verify().await;
}
