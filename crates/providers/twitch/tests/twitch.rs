//! Twitch's own cases: the user in `data[0]`, the Helix email as a verified one, the profile
//! URL from the login, the `Client-Id` header, granted scopes as a JSON array, Twitch's
//! non-RFC token errors, refresh and revocation, and every endpoint variable.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{AuthorizationCode, HttpClient, OAuthProvider, RefreshToken, Revocation};
use oauth_kit_testkit::{StatusError, env_lookup, expect_http_status, fixture, map_fixture};
use oauth_kit_twitch::{SPEC, TwitchProvider};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "hof5gwx0su6owfnys0nyan9c87zr6t";
const CLIENT_SECRET: &str = "41vpdji4e9gif29md0ouet6fktd2";
const REDIRECT_URI: &str = "http://localhost:8000/auth/twitch/callback";

/// The provider with every endpoint on `server`: Twitch's id and API hosts differ, so each
/// endpoint has its own variable.
fn provider(server: &MockServer) -> TwitchProvider {
    let base = server.uri();
    TwitchProvider::from_lookup(env_lookup([
        ("TWITCH_CLIENT_ID", CLIENT_ID.to_owned()),
        ("TWITCH_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("TWITCH_AUTHORIZE_URL", format!("{base}/oauth2/authorize")),
        ("TWITCH_TOKEN_URL", format!("{base}/oauth2/token")),
        ("TWITCH_REVOCATION_URL", format!("{base}/oauth2/revoke")),
        ("TWITCH_API_URL", format!("{base}/helix")),
    ]))
    .unwrap()
}

#[test]
fn the_first_user_maps_with_a_verified_email_and_a_channel_url() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "141981764");
    assert_eq!(user.username.as_deref(), Some("lumen_fox"));
    assert_eq!(user.first_name.as_deref(), Some("Lumen"));
    assert_eq!(user.last_name.as_deref(), Some("Fox"));
    assert_eq!(user.email.as_deref(), Some("lumen.fox@example.com"));
    assert!(user.email_verified);
    assert!(
        user.avatar_url
            .unwrap()
            .ends_with("-profile_image-300x300.png")
    );
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://www.twitch.tv/lumen_fox")
    );
}

#[test]
fn without_the_email_scope_nothing_is_verified_and_empty_images_are_none() {
    let user = map_fixture(&SPEC, &fixture!("user_without_email.json")).unwrap();
    assert_eq!((user.email, user.email_verified), (None, false));
    assert_eq!(user.avatar_url, None);
    assert_eq!(user.first_name.as_deref(), Some("quietviewer"));
}

#[test]
fn an_empty_data_list_or_an_odd_login_is_handled() {
    for bad in [
        json!({"data": []}),
        json!({"data": [{"login": "x"}]}),
        json!({}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
    let mut raw = fixture!("user.json");
    raw["data"][0]["login"] = json!("a/../b");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().profile_url, None);
}

#[tokio::test]
async fn a_login_posts_the_credentials_and_sends_the_client_id_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(body_string_contains(
            format!("client_id={CLIENT_ID}").as_str(),
        ))
        .and(body_string_contains(
            format!("client_secret={CLIENT_SECRET}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/helix/users"))
        .and(header("client-id", CLIENT_ID))
        .and(header(
            "authorization",
            "Bearer rfx2uswqe8l4g1mkagrvg5tv0ks3",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let twitch = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = twitch
        .exchange_code(
            &http,
            &AuthorizationCode::new("gulfwdmys5lsm6qyz4xiz9q32l10"),
            REDIRECT_URI,
            None,
        )
        .await
        .unwrap();
    assert_eq!(token.scopes, ["user:read:email"]);
    let user = twitch.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("twitch", "141981764")
    );
    server.verify().await;
}

#[tokio::test]
async fn a_bad_code_is_a_status_error_with_twitch_s_message_in_the_excerpt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture!("token_error_invalid_code.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .exchange_code(&http, &AuthorizationCode::new("used"), REDIRECT_URI, None)
        .await
        .unwrap_err();
    let StatusError {
        status, excerpt, ..
    } = expect_http_status(&err);
    assert_eq!(status, 400);
    assert!(excerpt.unwrap().contains("Invalid authorization code"));
}

#[tokio::test]
async fn refresh_keeps_the_new_refresh_token_and_revocation_posts_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token_refresh.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/revoke"))
        .and(body_string_contains(
            format!("client_id={CLIENT_ID}").as_str(),
        ))
        .and(body_string_contains("token=1ssjqsqfy6bads1ws7m03gras79zfr"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let twitch = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = twitch
        .refresh(
            &http,
            &RefreshToken::new("5b93chm6hdve3mycz05zfzatkfdenfspp1h1ar2xxdalen01"),
        )
        .await
        .unwrap();
    let rotated = token.refresh_token.as_ref().map(RefreshToken::secret);
    assert!(rotated.unwrap().starts_with("eyJfMzUt"));
    assert_eq!(
        twitch.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    server.verify().await;
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_twitch::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"data": [{"id": "141981764"}]}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
