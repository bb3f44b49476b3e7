//! Every `Fault` variant, on the endpoints where tests use it.

use std::time::{Duration, Instant};

use oauth_kit_testkit::{Endpoint, Fault, MockBitbucket};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{
    REDIRECT_URI, access_token, api_get, authorize_code, authorize_url, client, json, token_request,
};

fn user_url(mock: &MockBitbucket) -> String {
    format!("{}/user", mock.api_url())
}

fn emails_url(mock: &MockBitbucket) -> String {
    format!("{}/user/emails", mock.api_url())
}

async fn exchange(mock: &MockBitbucket, client: &reqwest::Client, code: &str) -> reqwest::Response {
    token_request(
        mock,
        client,
        &[("grant_type", "authorization_code"), ("code", code)],
    )
    .await
}

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn status_401_on_user_answers_access_token_expired() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::User, Fault::Status(401));
    let (status, body) = json(api_get(&client, &user_url(&mock), &token).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"type": "error", "error": {"message": "Access token expired. Use your refresh token to obtain a new access token."}})
    );
}

#[tokio::test]
async fn status_403_on_emails_answers_missing_email_scope() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::Emails, Fault::Status(403));
    let (status, body) = json(api_get(&client, &emails_url(&mock), &token).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"type": "error", "error": {"message": "Your credentials lack one or more required privilege scopes.", "detail": {"granted": ["account"], "required": ["email"]}}})
    );
}

#[tokio::test]
async fn status_429_answers_rate_limit_body_with_retry_after() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::User, Fault::Status(429));
    mock.set_fault(Endpoint::Token, Fault::Status(429));
    let rate_limited = json!({"type": "error", "error": {"message": "Rate limit for this resource has been exceeded."}});

    let response = api_get(&client, &user_url(&mock), &token).await;
    assert_eq!(response.headers()["retry-after"], "1");
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body, rate_limited);

    let response = exchange(&mock, &client, "any").await;
    assert_eq!(response.headers()["retry-after"], "1");
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body, rate_limited);
}

#[tokio::test]
async fn status_5xx_on_token_answers_an_rfc6749_body_and_keeps_the_code() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    mock.set_fault(Endpoint::Token, Fault::Status(503));
    let (status, body) = json(exchange(&mock, &client, &code).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"], "temporarily_unavailable");

    mock.set_fault(Endpoint::Token, Fault::Status(500));
    let (status, body) = json(exchange(&mock, &client, &code).await).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["error"], "server_error");

    mock.clear_faults();
    assert_eq!(
        exchange(&mock, &client, &code).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn status_401_on_token_answers_invalid_client_with_basic_challenge() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_fault(Endpoint::Token, Fault::Status(401));
    let response = exchange(&mock, &client(), "any").await;
    assert!(response.headers().contains_key("www-authenticate"));
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn status_500_on_emails_answers_the_error_envelope() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::Emails, Fault::Status(500));
    let (status, body) = json(api_get(&client, &emails_url(&mock), &token).await).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["type"], "error");
    assert!(body["error"]["message"].is_string());
}

#[tokio::test]
async fn status_on_authorize_answers_an_html_page_after_the_client_check() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_fault(Endpoint::Authorize, Fault::Status(503));
    let client = client();
    let response = client
        .get(authorize_url(&mock, REDIRECT_URI, "s").as_str())
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(content_type(&response).starts_with("text/html"));

    let bad_client = client
        .get(format!(
            "{}?client_id=x&response_type=code",
            mock.authorize_url()
        ))
        .send()
        .await
        .expect("answers");
    assert_eq!(bad_client.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn faults_apply_after_the_bearer_check() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_fault(Endpoint::User, Fault::Status(500));
    let (status, body) = json(api_get(&client(), &user_url(&mock), "not-a-token").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["error"]["message"],
        "Token is invalid, expired, or not supported for this endpoint."
    );
}

#[tokio::test]
async fn delay_holds_the_answer_then_answers_normally() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    mock.set_fault(Endpoint::Token, Fault::Delay(Duration::from_millis(400)));

    let impatient = client
        .post(mock.token_url())
        .basic_auth(mock.client_id(), Some(mock.client_secret()))
        .form(&[("grant_type", "authorization_code"), ("code", "whatever")])
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(impatient.is_err_and(|e| e.is_timeout()));

    let started = Instant::now();
    let response = exchange(&mock, &client, &code).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_200_json_that_does_not_parse() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    for endpoint in [Endpoint::Token, Endpoint::User, Endpoint::Emails] {
        mock.set_fault(endpoint, Fault::MalformedJson);
    }
    let responses = [
        exchange(&mock, &client, "any").await,
        api_get(&client, &user_url(&mock), &token).await,
        api_get(&client, &emails_url(&mock), &token).await,
    ];
    for response in responses {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(content_type(&response), "application/json");
        let text = response.text().await.expect("body");
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_err(),
            "{text}"
        );
    }
}

#[tokio::test]
async fn html_fault_answers_an_html_page_with_the_status() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_fault(Endpoint::Token, Fault::Html(502));
    let response = exchange(&mock, &client(), "any").await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(content_type(&response).starts_with("text/html"));
    assert!(
        response
            .text()
            .await
            .expect("body")
            .starts_with("<!DOCTYPE html>")
    );

    mock.set_fault(Endpoint::Token, Fault::Html(200));
    let response = exchange(&mock, &client(), "any").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
}

#[tokio::test]
async fn huge_body_streams_exactly_the_requested_bytes_without_content_length() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let len = 5 * 1024 * 1024 + 3;
    mock.set_fault(Endpoint::User, Fault::HugeBody(len));
    let mut response = api_get(&client, &user_url(&mock), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("content-length").is_none());
    let mut received = 0;
    let mut head = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        if head.len() < 16 {
            head.extend_from_slice(&chunk);
        }
        received += chunk.len();
    }
    assert_eq!(received, len);
    assert!(head.starts_with(b"{\"pad\":\"aaa"));

    mock.set_fault(Endpoint::Token, Fault::HugeBody(4));
    let text = exchange(&mock, &client, "any")
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(text, "aaaa");
}

#[tokio::test]
async fn redirect_fault_answers_302_to_the_given_url() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_fault(
        Endpoint::Token,
        Fault::Redirect("https://bitbucket.org/account/signin/".to_owned()),
    );
    let response = exchange(&mock, &client(), "any").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()["location"],
        "https://bitbucket.org/account/signin/"
    );
}

#[tokio::test]
async fn oauth_error_with_200_answers_invalid_grant_with_status_200() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    mock.set_fault(Endpoint::Token, Fault::OAuthErrorWith200);
    let (status, body) = json(exchange(&mock, &client, &code).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["error"], "invalid_grant");
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn endless_pages_always_have_a_next_link() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::Emails, Fault::EndlessPages);
    let mut url = emails_url(&mock);
    for expected_page in 1..=25 {
        let (status, body) = json(api_get(&client, &url, &token).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["page"], expected_page);
        assert!(body["values"].as_array().is_some_and(|v| !v.is_empty()));
        assert!(
            body["values"]
                .as_array()
                .is_some_and(|v| v.iter().all(|e| e["is_primary"] == false))
        );
        url = body["next"]
            .as_str()
            .expect("a next link on every page")
            .to_owned();
    }
    assert_eq!(mock.counters().emails, 25);
}

#[tokio::test]
async fn no_username_drops_the_username_field_only() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::User, Fault::NoUsername);
    let (status, body) = json(api_get(&client, &user_url(&mock), &token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("username").is_none());
    assert_eq!(body["uuid"], "{3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73}");
    assert_eq!(body["nickname"], "Mira O-L");
}

#[tokio::test]
async fn set_fault_replaces_and_clear_faults_restores_normal_answers() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    mock.set_fault(Endpoint::User, Fault::Status(500));
    mock.set_fault(Endpoint::User, Fault::Status(502));
    assert_eq!(
        api_get(&client, &user_url(&mock), &token).await.status(),
        StatusCode::BAD_GATEWAY
    );
    // A fault on one endpoint leaves the others alone.
    assert_eq!(
        api_get(&client, &emails_url(&mock), &token).await.status(),
        StatusCode::OK
    );
    mock.clear_faults();
    assert_eq!(
        api_get(&client, &user_url(&mock), &token).await.status(),
        StatusCode::OK
    );
}
