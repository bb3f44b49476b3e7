//! `GET /site/oauth2/authorize`: client checks, redirect URIs, state and automatic consent.

use oauth_kit_testkit::{Consent, MockBitbucket, MockConfig};
use reqwest::StatusCode;
use url::Url;

use crate::common::{REDIRECT_URI, authorize_url, client, location, query_param};

async fn get(url: &str) -> reqwest::Response {
    client().get(url).send().await.expect("the mock answers")
}

#[tokio::test]
async fn authorize_with_unknown_client_id_is_an_html_400() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let mut url = Url::parse(&mock.authorize_url()).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", "someoneElse")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI);
    let response = get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|v| v.starts_with("text/html"))
    );
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Invalid client")
    );
}

#[tokio::test]
async fn authorize_without_response_type_code_is_an_html_400() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    for response_type in [None, Some("token")] {
        let mut url = Url::parse(&mock.authorize_url()).expect("url");
        url.query_pairs_mut()
            .append_pair("client_id", &mock.client_id())
            .append_pair("redirect_uri", REDIRECT_URI);
        if let Some(rt) = response_type {
            url.query_pairs_mut().append_pair("response_type", rt);
        }
        let response = get(url.as_str()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(
            response
                .text()
                .await
                .expect("body")
                .contains("Invalid client")
        );
    }
}

#[tokio::test]
async fn authorize_appends_code_and_state_to_a_redirect_uri_without_query() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let response = get(authorize_url(&mock, "http://127.0.0.1:9/cb", "s p&a=ce").as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = location(&response);
    assert_eq!(back.path(), "/cb");
    assert_eq!(query_param(&back, "state").as_deref(), Some("s p&a=ce"));
    let code = query_param(&back, "code").expect("code");
    assert!(code.bytes().all(|b| b.is_ascii_alphanumeric()));
}

#[tokio::test]
async fn authorize_without_state_sends_no_state_back() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let mut url = Url::parse(&mock.authorize_url()).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", &mock.client_id())
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI);
    let back = location(&get(url.as_str()).await);
    assert!(query_param(&back, "code").is_some());
    assert_eq!(query_param(&back, "state"), None);
}

#[tokio::test]
async fn authorize_codes_are_different_each_time() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let a = crate::common::authorize_code(&mock, &client).await;
    let b = crate::common::authorize_code(&mock, &client).await;
    assert_ne!(a, b);
}

#[tokio::test]
async fn authorize_without_redirect_uri_and_without_callback_is_an_html_400() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let mut url = Url::parse(&mock.authorize_url()).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", &mock.client_id())
        .append_pair("response_type", "code");
    let response = get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Invalid redirect_uri")
    );
}

#[tokio::test]
async fn authorize_without_redirect_uri_goes_to_the_configured_callback() {
    let mock = MockBitbucket::start_with(MockConfig {
        callback_url: Some("http://localhost:8080/auth".to_owned()),
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let mut url = Url::parse(&mock.authorize_url()).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", &mock.client_id())
        .append_pair("response_type", "code")
        .append_pair("state", "abc");
    let response = get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = location(&response);
    assert_eq!(
        back.as_str().split('?').next(),
        Some("http://localhost:8080/auth")
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("abc"));
}

#[tokio::test]
async fn authorize_with_redirect_uri_outside_the_callback_prefix_is_an_html_400() {
    let mock = MockBitbucket::start_with(MockConfig {
        callback_url: Some("http://localhost:8080/auth".to_owned()),
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let inside =
        get(authorize_url(&mock, "http://localhost:8080/auth/bitbucket/callback", "s").as_str())
            .await;
    assert_eq!(inside.status(), StatusCode::FOUND);
    let outside = get(authorize_url(&mock, "http://evil.example/auth", "s").as_str()).await;
    assert_eq!(outside.status(), StatusCode::BAD_REQUEST);
    assert!(
        outside
            .text()
            .await
            .expect("body")
            .contains("Invalid redirect_uri")
    );
}

#[tokio::test]
async fn authorize_with_a_relative_redirect_uri_is_an_html_400() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let response = get(authorize_url(&mock, "/callback", "s").as_str()).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn auto_deny_redirects_with_access_denied_and_the_state() {
    let mock = MockBitbucket::start_with(MockConfig {
        consent: Consent::AutoDeny,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let response = get(authorize_url(&mock, REDIRECT_URI, "st").as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = location(&response);
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert!(query_param(&back, "error_description").is_some());
    assert_eq!(query_param(&back, "state").as_deref(), Some("st"));
    assert_eq!(query_param(&back, "from").as_deref(), Some("test"));
    assert_eq!(query_param(&back, "code"), None);
}

#[tokio::test]
async fn set_consent_switches_between_approve_and_deny() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.set_consent(Consent::AutoDeny);
    let denied = location(&get(authorize_url(&mock, REDIRECT_URI, "s").as_str()).await);
    assert_eq!(
        query_param(&denied, "error").as_deref(),
        Some("access_denied")
    );
    mock.set_consent(Consent::AutoApprove);
    let approved = location(&get(authorize_url(&mock, REDIRECT_URI, "s").as_str()).await);
    assert!(query_param(&approved, "code").is_some());
}
