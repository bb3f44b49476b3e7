//! `/2.0/user/emails` pagination: `page` and `pagelen`, `next` and `previous` links.

use oauth_kit_testkit::{MockBitbucket, MockConfig};
use reqwest::StatusCode;

use crate::common::{access_token, api_get, client, json};

async fn page(
    mock: &MockBitbucket,
    client: &reqwest::Client,
    token: &str,
    query: &str,
) -> (StatusCode, serde_json::Value) {
    json(
        api_get(
            client,
            &format!("{}/user/emails{query}", mock.api_url()),
            token,
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn pagelen_one_gives_three_pages_linked_by_next() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let mut url = format!("{}/user/emails?pagelen=1", mock.api_url());
    let mut emails = Vec::new();
    for expected_page in 1..=3 {
        let (status, body) = json(api_get(&client, &url, &token).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["page"], expected_page);
        assert_eq!(body["pagelen"], 1);
        assert_eq!(body["size"], 3);
        emails.push(
            body["values"][0]["email"]
                .as_str()
                .expect("email")
                .to_owned(),
        );
        match body.get("next").and_then(|n| n.as_str()) {
            Some(next) => {
                assert!(
                    next.starts_with(&mock.base_url()),
                    "next is absolute on the mock: {next}"
                );
                url = next.to_owned();
            }
            None => assert_eq!(expected_page, 3),
        }
    }
    assert_eq!(
        emails,
        [
            "mira.old@example.org",
            "m.okonkwo@example.net",
            "mira@example.com"
        ]
    );
}

#[tokio::test]
async fn pagelen_ten_fits_everything_on_one_page() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let (status, body) = page(&mock, &client, &token, "?pagelen=10").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["values"].as_array().map(Vec::len), Some(3));
    assert!(body.get("next").is_none());
    assert!(body.get("previous").is_none());
}

#[tokio::test]
async fn configured_page_length_is_the_default_pagelen() {
    let mock = MockBitbucket::start_with(MockConfig {
        emails_page_len: 10,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let (_, body) = page(&mock, &client, &token, "").await;
    assert_eq!(body["pagelen"], 10);
    assert!(body.get("next").is_none());
}

#[tokio::test]
async fn page_past_the_end_is_empty_without_next() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let (status, body) = page(&mock, &client, &token, "?page=7").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["values"], serde_json::json!([]));
    assert!(body.get("next").is_none());
}

#[tokio::test]
async fn invalid_page_parameter_is_400_with_envelope() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    for query in ["?page=0", "?page=two", "?pagelen=-3"] {
        let (status, body) = page(&mock, &client, &token, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["type"], "error");
    }
}
