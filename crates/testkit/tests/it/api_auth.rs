//! The REST API's bearer authentication, scopes, expiry and unknown paths.

use oauth_kit_testkit::MockBitbucket;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{access_token, api_get, client, json, login, token_request};

fn invalid_token_body() -> Value {
    json!({"type": "error", "error": {"message": "Token is invalid, expired, or not supported for this endpoint."}})
}

fn expired_token_body() -> Value {
    json!({"type": "error", "error": {"message": "Access token expired. Use your refresh token to obtain a new access token."}})
}

#[tokio::test]
async fn api_without_bearer_is_401_with_bitbucket_envelope() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    for path in ["/user", "/user/emails"] {
        let response = client
            .get(format!("{}{path}", mock.api_url()))
            .send()
            .await
            .expect("answers");
        let (status, body) = json(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, invalid_token_body());
    }
}

#[tokio::test]
async fn api_with_unknown_or_basic_token_is_401() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let (status, body) =
        json(api_get(&client, &format!("{}/user", mock.api_url()), "made-up").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, invalid_token_body());

    let token = access_token(&mock, &client).await;
    let response = client
        .get(format!("{}/user", mock.api_url()))
        .basic_auth("x-token-auth", Some(token))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_in_query_string_is_refused_and_recorded() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    assert!(!mock.counters().token_in_query);

    let response = client
        .get(format!("{}/user", mock.api_url()))
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .expect("answers");
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, invalid_token_body());
    assert!(mock.counters().token_in_query);
}

#[tokio::test]
async fn token_in_query_is_recorded_even_alongside_a_bearer_header() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let url = format!("{}/user/emails?access_token={token}", mock.api_url());
    let response = api_get(&client, &url, &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(mock.counters().token_in_query);
}

#[tokio::test]
async fn expired_access_token_is_401_and_refresh_recovers() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let tokens = login(&mock, &client).await;
    let user_url = format!("{}/user", mock.api_url());
    mock.expire_access_tokens();

    let expired = tokens["access_token"].as_str().expect("access_token");
    let (status, body) = json(api_get(&client, &user_url, expired).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, expired_token_body());

    let refresh = tokens["refresh_token"].as_str().expect("refresh_token");
    let (status, refreshed) = json(
        token_request(
            &mock,
            &client,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let fresh = refreshed["access_token"].as_str().expect("access_token");
    assert_eq!(
        api_get(&client, &user_url, fresh).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn token_without_email_scope_gets_403_from_emails_only() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_scopes(["account"]);
    let client = client();
    let tokens = login(&mock, &client).await;
    assert_eq!(tokens["scopes"], "account");
    let token = tokens["access_token"].as_str().expect("access_token");

    assert_eq!(
        api_get(&client, &format!("{}/user", mock.api_url()), token)
            .await
            .status(),
        StatusCode::OK
    );
    let (status, body) =
        json(api_get(&client, &format!("{}/user/emails", mock.api_url()), token).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"type": "error", "error": {"message": "Your credentials lack one or more required privilege scopes.", "detail": {"granted": ["account"], "required": ["email"]}}})
    );
}

#[tokio::test]
async fn unknown_paths_are_404_with_bitbucket_envelope() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    for path in ["/2.0/repositories", "/site/oauth2/revoke", "/"] {
        let response = client
            .get(format!("{}{path}", mock.base_url()))
            .send()
            .await
            .expect("answers");
        let (status, body) = json(response).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            body,
            json!({"type": "error", "error": {"message": "Resource not found"}})
        );
    }
    assert_eq!(mock.counters().not_found, 3);
}

#[tokio::test]
async fn wrong_method_on_a_known_path_is_405_with_envelope() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let response = client()
        .get(mock.token_url())
        .send()
        .await
        .expect("answers");
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["type"], "error");
}
