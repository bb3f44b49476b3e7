//! What the engine puts on the wire for the client-credentials grant (RFC 6749 section 4.4),
//! the device authorization request and the device token poll (RFC 8628), including a public
//! client that sends only its `client_id`.

use oauth_kit_core::{ClientAuth, DEVICE_CODE_GRANT_TYPE, DeviceCode, Error, Stage};
use serde_json::json;
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

use crate::common::{
    CLIENT_ID, CLIENT_SECRET, TOKEN_PATH, engine, form_pairs, header, http, mount_token_once,
    only_request, pairs, token_body,
};

const DEVICE_PATH: &str = "/oauth/device";

fn device_url(server: &MockServer) -> Url {
    Url::parse(&format!("{}{DEVICE_PATH}", server.uri())).expect("the mock's URL parses")
}

#[tokio::test]
async fn client_credentials_sends_the_grant_and_scopes_with_client_authentication() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    let token = engine(&server)
        .client_credentials(&http(), &["repository".to_owned(), "account".to_owned()])
        .await
        .expect("a token");
    assert_eq!(token.scopes, ["account", "email"]);
    let request = only_request(&server).await;
    assert!(header(&request, "authorization").is_some_and(|v| v.starts_with("Basic ")));
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "repository account")
        ])
    );
}

#[tokio::test]
async fn client_credentials_without_scopes_sends_no_scope_and_names_its_stage_in_errors() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(400).set_body_json(json!({"error": "unauthorized_client"})),
    )
    .await;
    let err = engine(&server)
        .client_credentials(&http(), &[])
        .await
        .expect_err("refused");
    assert_eq!(err.stage(), Some(Stage::ClientCredentials));
    let request = only_request(&server).await;
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[("grant_type", "client_credentials")])
    );
}

#[tokio::test]
async fn a_public_client_sends_its_id_and_never_a_secret() {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path(DEVICE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "DC-s3ntinel-device-code-0123456789",
            "user_code": "WDJB-MJHT",
            "verification_uri": "https://idp.example/device",
            "expires_in": 900,
            "interval": 5
        })))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server)
        .with_client_auth(ClientAuth::None)
        .with_device_authorization_url(device_url(&server));
    let authorization = engine
        .device_authorization(&http(), &["openid".to_owned(), "email".to_owned()])
        .await
        .expect("started");
    assert_eq!(authorization.user_code, "WDJB-MJHT");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "authorization"), None);
    let form = form_pairs(&request.body);
    assert_eq!(
        form,
        pairs(&[("scope", "openid email"), ("client_id", CLIENT_ID)])
    );
    assert!(!String::from_utf8_lossy(&request.body).contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_device_poll_sends_the_device_code_grant() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(400).set_body_json(json!({"error": "authorization_pending"})),
    )
    .await;
    let err = engine(&server)
        .poll_device_token(&http(), &DeviceCode::new("the-device-code"))
        .await
        .expect_err("pending");
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("authorization_pending")
    );
    assert_eq!(err.stage(), Some(Stage::DeviceToken));
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), TOKEN_PATH);
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[
            ("grant_type", DEVICE_CODE_GRANT_TYPE),
            ("device_code", "the-device-code")
        ])
    );
}

#[tokio::test]
async fn device_authorization_without_an_endpoint_is_unsupported_without_a_request() {
    let server = MockServer::start().await;
    let err = engine(&server)
        .device_authorization(&http(), &[])
        .await
        .expect_err("no endpoint");
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert!(
        server
            .received_requests()
            .await
            .expect("recording is on")
            .is_empty()
    );
}
