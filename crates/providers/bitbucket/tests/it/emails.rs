//! `/2.0/user/emails`: pagination, the choice of address, the missing "Email: Read"
//! permission, endless lists and `next` links to other hosts.

use oauth_kit_bitbucket::MAX_EMAIL_PAGES;
use oauth_kit_core::{Error, OAuthProvider, OAuthUserInfo, Stage};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::*;

/// Serves `body` as the first page of emails, `expected` times.
async fn first_page(server: &MockServer, body: Value, expected: u64) {
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, body))
        .expect(expected)
        .mount(server)
        .await;
}

async fn user_info(server: &MockServer) -> Result<OAuthUserInfo, Error> {
    provider(server).user_info(&http(), &token()).await
}

#[tokio::test]
async fn primary_email_on_the_second_page_is_found() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    let page1 = fixture_for(&server, "emails_page1.json");
    assert!(page1["next"].as_str().unwrap().starts_with(&server.uri()));
    first_page(&server, page1, 1).await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(query_param("page", "2"))
        .and(query_param("pagelen", "2"))
        .respond_with(json(200, fixture_for(&server, "emails_page2.json")))
        .expect(1)
        .mount(&server)
        .await;

    let user = user_info(&server).await.unwrap();

    assert_eq!(user.email.as_deref(), Some("mira@example.com"));
    assert!(user.email_verified);
}

#[tokio::test]
async fn primary_email_on_the_first_page_ends_the_pagination() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    first_page(
        &server,
        fixture_for(&server, "emails_primary_first.json"),
        1,
    )
    .await;

    let user = user_info(&server).await.unwrap();

    assert_eq!(user.email.as_deref(), Some("mira@example.com"));
    assert_eq!(
        requests_to(&server, EMAILS_PATH).await.len(),
        1,
        "page 2 is not needed"
    );
}

#[tokio::test]
async fn without_a_primary_the_first_confirmed_email_is_chosen() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    let mut page = fixture("emails_page1.json");
    page.as_object_mut().unwrap().remove("next");
    first_page(&server, page, 1).await;

    let user = user_info(&server).await.unwrap();

    assert_eq!(user.email.as_deref(), Some("m.okonkwo@example.net"));
    assert!(user.email_verified);
}

#[tokio::test]
async fn only_unconfirmed_emails_give_the_first_one_unverified() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    first_page(&server, fixture("emails_unconfirmed.json"), 1).await;

    let user = user_info(&server).await.unwrap();

    assert_eq!(user.email.as_deref(), Some("mira.old@example.org"));
    assert!(!user.email_verified);
}

#[tokio::test]
async fn no_emails_give_no_email() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    first_page(&server, fixture("emails_empty.json"), 1).await;

    let user = user_info(&server).await.unwrap();

    assert_eq!(user.email, None);
    assert!(!user.email_verified);
    assert_eq!(user.oauth_id, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
}

#[tokio::test]
async fn emails_403_returns_the_user_without_email_and_warns_about_email_read() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(json(403, fixture("error_403_emails_scope.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (logs, _guard) = Logs::capture();

    let user = user_info(&server).await.unwrap();

    assert_eq!(user.email, None);
    assert!(!user.email_verified);
    assert_eq!(user.username.as_deref(), Some("mira-ol"));
    let logs = logs.text();
    let warning = logs
        .lines()
        .find(|line| line.contains("WARN") && line.contains("/2.0/user/emails"))
        .unwrap_or_else(|| panic!("no warning in:\n{logs}"));
    assert!(warning.contains("\"Email: Read\""), "{warning}");
    assert!(warning.contains("required=\"email\""), "{warning}");
    assert!(warning.contains("granted=\"account\""), "{warning}");
    assert!(!logs.contains(ACCESS_TOKEN));
}

#[tokio::test]
async fn emails_401_is_an_error_with_a_refresh_hint() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(json(401, fixture("error_401_expired.json")))
        .mount(&server)
        .await;

    let err = user_info(&server).await.unwrap_err();

    match err {
        Error::HttpStatus {
            status,
            message,
            hint,
            ..
        } => {
            assert_eq!(status, 401);
            assert_eq!(
                message.as_deref(),
                Some("Access token expired. Use your refresh token to obtain a new access token.")
            );
            assert!(hint.unwrap().contains("refresh"));
        }
        other => panic!("expected Error::HttpStatus, got {other:?}"),
    }
}

/// Answers every page with one unconfirmed address and a `next` link to the following page.
struct EndlessPages {
    base: String,
}

impl Respond for EndlessPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        ResponseTemplate::new(200).set_body_json(json!({
            "pagelen": 1,
            "page": page,
            "values": [{
                "is_primary": false, "is_confirmed": false, "type": "email",
                "email": format!("p{page}@example.org")
            }],
            "next": format!("{}{EMAILS_PATH}?page={}", self.base, page + 1)
        }))
    }
}

#[tokio::test]
async fn pagination_that_never_ends_is_an_error_after_twenty_pages() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(EndlessPages { base: server.uri() })
        .expect(MAX_EMAIL_PAGES as u64)
        .mount(&server)
        .await;

    let err = user_info(&server).await.unwrap_err();

    assert_eq!(MAX_EMAIL_PAGES, 20);
    match err {
        Error::InvalidResponse {
            context, reason, ..
        } => {
            assert_eq!(context.stage, Stage::UserInfo);
            assert_eq!(
                reason,
                "the email list still had a `next` link after 20 pages"
            );
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn next_link_to_another_host_is_not_followed() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    mount_user(&server, "user.json").await;
    let mut page1 = fixture("emails_page1.json");
    page1["next"] = Value::String(format!("{}{EMAILS_PATH}?page=2&pagelen=2", foreign.uri()));
    first_page(&server, page1, 1).await;

    let err = user_info(&server).await.unwrap_err();

    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("another origin")),
        "{err:?}"
    );
    assert!(
        foreign.received_requests().await.unwrap().is_empty(),
        "the token went elsewhere"
    );
}

#[tokio::test]
async fn next_link_to_bitbucket_org_is_not_followed_from_a_configured_proxy() {
    let server = MockServer::start().await;
    mount_user(&server, "user.json").await;
    // The unchanged fixture's `next` points at https://api.bitbucket.org, another origin than
    // the configured API base URL.
    first_page(&server, fixture("emails_page1.json"), 1).await;

    let err = user_info(&server).await.unwrap_err();

    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}
