//! `/2.0/user` mapped onto the normalized user, and how the access token travels.

use oauth_kit_core::{Error, OAuthProvider, Stage};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn mount_emails(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(json(200, fixture_for(server, "emails_page1.json")))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(json(200, fixture_for(server, "emails_page2.json")))
        .mount(server)
        .await;
}

#[tokio::test]
async fn user_with_username_is_normalized() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    mount_emails(&server).await;

    let user = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap();

    assert_eq!(user.provider, "bitbucket");
    assert_eq!(user.oauth_id, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    assert_eq!(user.username.as_deref(), Some("mira-ol"));
    assert_eq!(user.first_name.as_deref(), Some("Mira"));
    assert_eq!(user.last_name.as_deref(), Some("Okonkwo-Lind"));
    assert_eq!(user.full_name().as_deref(), Some("Mira Okonkwo-Lind"));
    assert_eq!(user.email.as_deref(), Some("mira@example.com"));
    assert!(user.email_verified);
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://bitbucket.org/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D/")
    );
    assert_eq!(user.raw_data, fixture("user.json"));
    insta::assert_json_snapshot!(user);
}

#[tokio::test]
async fn user_without_username_falls_back_to_nickname() {
    let server = MockServer::start().await;
    mount_user(&server, "user_without_username.json").await;
    mount_emails(&server).await;

    let user = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap();

    assert_eq!(user.username.as_deref(), Some("Mira O L"));
    assert_eq!(user.oauth_id, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    assert_eq!(user.raw_data["has_2fa_enabled"], true);
}

#[tokio::test]
async fn access_token_travels_only_in_the_authorization_bearer_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(json(200, fixture("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    mount_emails(&server).await;

    provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3, "user, emails page 1, emails page 2");
    for request in requests {
        assert_eq!(request.method.as_str(), "GET");
        assert!(
            !request.url.as_str().contains(ACCESS_TOKEN),
            "{}",
            request.url
        );
        assert!(request.body.is_empty());
        for (name, value) in &request.headers {
            let value = value.to_str().unwrap_or_default();
            if name.as_str() == "authorization" {
                assert_eq!(value, format!("Bearer {ACCESS_TOKEN}"));
            } else {
                assert!(!value.contains(ACCESS_TOKEN), "token leaked in {name}");
            }
        }
    }
}

#[tokio::test]
async fn user_without_uuid_is_an_invalid_response() {
    let server = MockServer::start().await;
    let mut body = fixture("user.json");
    body.as_object_mut().unwrap().remove("uuid");
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(json(200, body))
        .mount(&server)
        .await;
    mount_emails(&server).await;

    let err = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap_err();

    match err {
        Error::InvalidResponse {
            context,
            status,
            reason,
            ..
        } => {
            assert_eq!(context.stage, Stage::UserInfo);
            assert_eq!(status, 200);
            assert_eq!(reason, "`uuid` is missing");
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn user_answered_with_an_html_page_is_an_invalid_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Log in</body></html>", "text/html"),
        )
        .mount(&server)
        .await;

    let err = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason == "expected JSON, got `text/html`"),
        "{err:?}"
    );
    assert!(
        requests_to(&server, EMAILS_PATH).await.is_empty(),
        "no email request after a failure"
    );
}

#[tokio::test]
async fn user_info_failure_spends_no_email_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(json(401, fixture("error_401_invalid.json")))
        .expect(1)
        .mount(&server)
        .await;

    let err = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap_err();

    assert_eq!(err.status(), Some(401));
    assert!(requests_to(&server, EMAILS_PATH).await.is_empty());
}

#[tokio::test]
async fn user_without_uuid_is_rejected_before_any_email_request() {
    let server = MockServer::start().await;
    let mut user = fixture("user.json");
    user.as_object_mut().unwrap().remove("uuid");
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(json(200, user))
        .mount(&server)
        .await;
    mount_emails(&server).await;

    let err = provider(&server)
        .user_info(&http(), &token())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::InvalidResponse { context, reason, .. }
            if context.stage == Stage::UserInfo && reason.contains("uuid")),
        "{err:?}"
    );
    assert!(requests_to(&server, EMAILS_PATH).await.is_empty());
}
