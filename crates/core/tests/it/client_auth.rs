//! What the engine puts on the wire at the token endpoint: client authentication (RFC 6749
//! section 2.3.1), the form of the code and refresh grants, the fixed headers, no retry of the
//! code exchange, and the token-response quirks.

use std::time::Duration;

use oauth_kit_core::{
    AuthorizationCode, ClientAuth, ClientSecret, Error, OAuth2Client, RefreshToken, TokenQuirks,
    USER_AGENT,
};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::common::{
    ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, CODE, REDIRECT_URI, REFRESH_TOKEN, TOKEN_PATH,
    VERIFIER, engine, exchange, form_pairs, header, http, mount_token_once, only_request, pairs,
    token_body,
};

#[tokio::test]
async fn basic_client_auth_form_encodes_id_and_secret() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    let engine = OAuth2Client::new(
        "kitprovider",
        "my client:id/é",
        ClientSecret::new("s3cr&t+%=/ :é\""),
        url::Url::parse("https://idp.example/authorize").expect("static URL parses"),
        crate::common::token_url(&server),
    );
    assert_eq!(engine.client_auth(), ClientAuth::Basic);
    engine
        .exchange_code(&http(), &AuthorizationCode::new(CODE), REDIRECT_URI, None)
        .await
        .expect("a token");

    let request = only_request(&server).await;
    // base64("my+client%3Aid%2F%C3%A9:s3cr%26t%2B%25%3D%2F+%3A%C3%A9%22"): each half is
    // application/x-www-form-urlencoded before the two are joined by the colon.
    assert_eq!(
        header(&request, "authorization"),
        Some("Basic bXkrY2xpZW50JTNBaWQlMkYlQzMlQTk6czNjciUyNnQlMkIlMjUlM0QlMkYrJTNBJUMzJUE5JTIy")
    );
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
    // With Basic authentication the credentials are not repeated in the body.
    let body = form_pairs(&request.body);
    assert!(
        body.iter()
            .all(|(k, _)| k != "client_id" && k != "client_secret"),
        "{body:?}"
    );
}

#[tokio::test]
async fn basic_client_auth_of_plain_credentials_is_the_standard_header() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    exchange(&engine(&server), &http()).await.expect("a token");
    let request = only_request(&server).await;
    // base64("kit-client-id:CS-s3ntinel-client-secret-0123456789")
    assert_eq!(
        header(&request, "authorization"),
        Some("Basic a2l0LWNsaWVudC1pZDpDUy1zM250aW5lbC1jbGllbnQtc2VjcmV0LTAxMjM0NTY3ODk=")
    );
}

#[tokio::test]
async fn form_body_client_auth_sends_credentials_in_the_body_and_no_authorization_header() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    let engine = engine(&server).with_client_auth(ClientAuth::FormBody);
    exchange(&engine, &http()).await.expect("a token");

    let request = only_request(&server).await;
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[
            ("grant_type", "authorization_code"),
            ("code", CODE),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
    );
}

#[tokio::test]
async fn code_exchange_is_a_form_post_with_grant_type_code_redirect_uri_and_verifier() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    exchange(&engine(&server), &http()).await.expect("a token");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), TOKEN_PATH);
    assert_eq!(
        request.url.query(),
        None,
        "nothing travels in the token URL"
    );
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[
            ("grant_type", "authorization_code"),
            ("code", CODE),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
    );
    // The redirect URI is percent-encoded in the body.
    let raw = String::from_utf8(request.body.clone()).expect("a form body is ASCII");
    assert!(
        raw.contains("redirect_uri=http%3A%2F%2Flocalhost%3A8000%2F"),
        "{raw}"
    );
}

#[tokio::test]
async fn code_exchange_without_a_verifier_sends_no_code_verifier() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    engine(&server)
        .exchange_code(&http(), &AuthorizationCode::new(CODE), REDIRECT_URI, None)
        .await
        .expect("a token");
    let request = only_request(&server).await;
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[
            ("grant_type", "authorization_code"),
            ("code", CODE),
            ("redirect_uri", REDIRECT_URI),
        ])
    );
}

#[tokio::test]
async fn token_requests_send_the_kit_user_agent_and_accept_json() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    exchange(&engine(&server), &http()).await.expect("a token");
    let request = only_request(&server).await;
    let expected_agent = concat!("oauth-kit/", env!("CARGO_PKG_VERSION"));
    assert_eq!(USER_AGENT, expected_agent);
    assert_eq!(header(&request, "user-agent"), Some(expected_agent));
    assert_eq!(header(&request, "accept"), Some("application/json"));
}

#[tokio::test]
async fn refresh_keeps_the_old_refresh_token_when_the_response_has_none() {
    let server = MockServer::start().await;
    let body = json!({"access_token": "AT-refreshed-0123456789abcdef", "token_type": "bearer", "expires_in": 60});
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;

    let token = engine(&server)
        .refresh(&http(), &RefreshToken::new(REFRESH_TOKEN))
        .await
        .expect("a refreshed token");
    assert_eq!(token.access_token.secret(), "AT-refreshed-0123456789abcdef");
    assert_eq!(
        token.refresh_token.as_ref().map(RefreshToken::secret),
        Some(REFRESH_TOKEN)
    );
    assert_eq!(token.expires_in, Some(Duration::from_secs(60)));

    let request = only_request(&server).await;
    assert_eq!(
        form_pairs(&request.body),
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", REFRESH_TOKEN)
        ])
    );
}

#[tokio::test]
async fn refresh_takes_the_new_refresh_token_when_the_response_rotates_it() {
    let server = MockServer::start().await;
    let body = json!({
        "access_token": "AT-refreshed-0123456789abcdef",
        "token_type": "Bearer",
        "refresh_token": "RT-rotated-0123456789abcdef",
    });
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let token = engine(&server)
        .refresh(&http(), &RefreshToken::new(REFRESH_TOKEN))
        .await
        .expect("a refreshed token");
    assert_eq!(
        token.refresh_token.as_ref().map(RefreshToken::secret),
        Some("RT-rotated-0123456789abcdef")
    );
    server.verify().await;
}

#[tokio::test]
async fn code_exchange_answered_503_is_not_retried() {
    let server = MockServer::start().await;
    // An invitation to retry right away, which a single-use code must not accept.
    let response = ResponseTemplate::new(503)
        .insert_header("retry-after", "0")
        .set_body_string("temporarily unavailable");
    mount_token_once(&server, response).await;

    let err = exchange(&engine(&server), &http())
        .await
        .expect_err("a 503");
    assert!(
        matches!(err, Error::HttpStatus { status: 503, .. }),
        "{err:?}"
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
}

#[tokio::test]
async fn scopes_field_with_a_comma_separator_is_read_with_the_quirk() {
    let server = MockServer::start().await;
    let body = json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "bearer",
        "scopes": "account,email, repository",
    });
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let engine = engine(&server).with_quirks(
        TokenQuirks::STRICT
            .scope_field("scopes")
            .scope_separator(','),
    );
    let token = exchange(&engine, &http()).await.expect("a token");
    assert_eq!(token.scopes, ["account", "email", "repository"]);
    server.verify().await;
}

#[tokio::test]
async fn expires_in_as_a_string_is_read_with_the_quirk() {
    let server = MockServer::start().await;
    let body = json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": "7200"});
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let engine = engine(&server).with_quirks(TokenQuirks::STRICT.expires_in_as_string(true));
    let token = exchange(&engine, &http()).await.expect("a token");
    assert_eq!(token.expires_in, Some(Duration::from_secs(7200)));
    assert!(token.expires_at.is_some());
    server.verify().await;
}

#[tokio::test]
async fn expires_in_as_a_string_is_an_invalid_response_when_strict() {
    let server = MockServer::start().await;
    let body = json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": "7200"});
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let err = exchange(&engine(&server), &http())
        .await
        .expect_err("strict");
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("expires_in")),
        "{err:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn missing_token_type_is_bearer_with_the_quirk() {
    let server = MockServer::start().await;
    let body = json!({"access_token": ACCESS_TOKEN});
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let engine = engine(&server).with_quirks(TokenQuirks::STRICT.token_type_optional(true));
    let token = exchange(&engine, &http()).await.expect("a token");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.access_token.secret(), ACCESS_TOKEN);
    server.verify().await;
}

#[tokio::test]
async fn missing_token_type_is_an_invalid_response_when_strict() {
    let server = MockServer::start().await;
    let body = json!({"access_token": ACCESS_TOKEN});
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let err = exchange(&engine(&server), &http())
        .await
        .expect_err("strict");
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("token_type")),
        "{err:?}"
    );
    server.verify().await;
}
