//! `POST /site/oauth2/access_token`: client authentication, codes, refresh and error bodies.

use base64::Engine as _;
use oauth_kit_testkit::{MockBitbucket, MockConfig};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{REDIRECT_URI, api_get, authorize_code, client, json, login, token_request};

#[tokio::test]
async fn token_success_has_bitbucket_shape_and_key_order() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let response = token_request(
        &mock,
        &client,
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    assert!(text.starts_with("{\"access_token\":\""), "{text}");
    let keys: Vec<usize> = [
        "\"access_token\"",
        "\"scopes\"",
        "\"expires_in\"",
        "\"refresh_token\"",
        "\"token_type\"",
        "\"state\"",
    ]
    .iter()
    .map(|k| text.find(k).expect("key present"))
    .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "key order of fixture 8.1: {text}"
    );

    let body: serde_json::Value = serde_json::from_str(&text).expect("json");
    let access = body["access_token"].as_str().expect("access_token");
    assert_eq!(access.len(), 100);
    assert!(
        access
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let refresh = body["refresh_token"].as_str().expect("refresh_token");
    assert_eq!(refresh.len(), 18);
    assert!(refresh.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(body["scopes"], "account email");
    assert!(body.get("scope").is_none());
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["state"], "authorization_code");
}

#[tokio::test]
async fn code_is_single_use() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
    ];
    let first = token_request(&mock, &client, &form).await;
    assert_eq!(first.status(), StatusCode::OK);
    let (status, body) = json(token_request(&mock, &client, &form).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error_description": "The specified code is not valid.", "error": "invalid_grant"})
    );
}

#[tokio::test]
async fn concurrent_exchanges_of_one_code_succeed_once() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
    ];
    let (a, b, c) = tokio::join!(
        token_request(&mock, &client, &form),
        token_request(&mock, &client, &form),
        token_request(&mock, &client, &form),
    );
    let ok = [a.status(), b.status(), c.status()]
        .iter()
        .filter(|s| **s == StatusCode::OK)
        .count();
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn unknown_code_is_invalid_grant() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let (status, body) = json(
        token_request(
            &mock,
            &client(),
            &[("grant_type", "authorization_code"), ("code", "nope")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn redirect_uri_mismatch_is_invalid_grant_and_burns_the_code() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let (status, body) = json(
        token_request(
            &mock,
            &client,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                (
                    "redirect_uri",
                    "http://localhost:3000/auth/bitbucket/callback",
                ),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error_description": "The specified code is not valid.", "error": "invalid_grant"})
    );
    let retry = token_request(
        &mock,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(retry.status(), StatusCode::BAD_REQUEST);
}

const UNAUTHORIZED_CLIENT: &str = r#"{"error_description": "Requests must be authenticated using OAuth client credentials", "error": "unauthorized_client"}"#;

async fn assert_unauthorized_client(response: reqwest::Response) {
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let expected: serde_json::Value = serde_json::from_str(UNAUTHORIZED_CLIENT).expect("json");
    assert_eq!(body, expected);
}

#[tokio::test]
async fn token_without_basic_auth_is_unauthorized_client() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let response = client
        .post(mock.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .expect("answers");
    assert_unauthorized_client(response).await;
}

#[tokio::test]
async fn token_with_credentials_in_the_body_is_unauthorized_client() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let response = client
        .post(mock.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", &mock.client_id()),
            ("client_secret", &mock.client_secret()),
        ])
        .send()
        .await
        .expect("answers");
    assert_unauthorized_client(response).await;
}

#[tokio::test]
async fn token_with_wrong_secret_or_bearer_scheme_is_unauthorized_client() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let form = [("grant_type", "refresh_token"), ("refresh_token", "x")];
    let wrong_secret = client
        .post(mock.token_url())
        .basic_auth(mock.client_id(), Some("wrong"))
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_unauthorized_client(wrong_secret).await;
    let bearer = client
        .post(mock.token_url())
        .bearer_auth(mock.client_secret())
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_unauthorized_client(bearer).await;
}

#[tokio::test]
async fn basic_credentials_are_form_urlencoded_before_base64() {
    let mock = MockBitbucket::start_with(MockConfig {
        client_id: "key with:colon".to_owned(),
        client_secret: "s&cr+t%".to_owned(),
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let client = client();
    let code = {
        let mut url = url::Url::parse(&mock.authorize_url()).expect("url");
        url.query_pairs_mut()
            .append_pair("client_id", &mock.client_id())
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", REDIRECT_URI);
        let response = client.get(url.as_str()).send().await.expect("answers");
        crate::common::query_param(&crate::common::location(&response), "code").expect("code")
    };
    let encoded =
        base64::engine::general_purpose::STANDARD.encode("key+with%3Acolon:s%26cr%2Bt%25");
    let response = client
        .post(mock.token_url())
        .header("authorization", format!("Basic {encoded}"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn json_body_is_refused_as_unsupported_grant_type_none() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let response = client
        .post(mock.token_url())
        .basic_auth(mock.client_id(), Some(mock.client_secret()))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"grant_type":"authorization_code","code":"{code}"}}"#
        ))
        .send()
        .await
        .expect("answers");
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error_description": "Unsupported grant type: None", "error": "invalid_grant"})
    );
}

#[tokio::test]
async fn unsupported_grant_type_is_named_in_the_error() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let (status, body) =
        json(token_request(&mock, &client(), &[("grant_type", "password")]).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error_description": "Unsupported grant type: password", "error": "invalid_grant"})
    );
}

#[tokio::test]
async fn refresh_returns_a_new_access_token_and_the_same_refresh_token() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let first = login(&mock, &client).await;
    let refresh_token = first["refresh_token"].as_str().expect("refresh_token");

    let (status, refreshed) = json(
        token_request(
            &mock,
            &client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refreshed["refresh_token"], refresh_token);
    assert_eq!(refreshed["state"], "refresh_token");
    assert_eq!(refreshed["scopes"], "account email");
    assert_eq!(refreshed["expires_in"], 7200);
    assert_ne!(refreshed["access_token"], first["access_token"]);

    // Both access tokens stay valid: refreshing revokes nothing on Bitbucket.
    let user_url = format!("{}/user", mock.api_url());
    for token in [&first["access_token"], &refreshed["access_token"]] {
        let response = api_get(&client, &user_url, token.as_str().expect("token")).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    // The same refresh token works again.
    let again = token_request(
        &mock,
        &client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(mock.counters().token_refresh, 2);
}

#[tokio::test]
async fn invalid_refresh_token_is_invalid_request() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let (status, body) = json(
        token_request(
            &mock,
            &client(),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "Zq4PsB7mKd2VhX9nTc"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error_description": "Invalid refresh_token", "error": "invalid_request"})
    );
}
