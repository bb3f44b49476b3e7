//! Spotify's own cases: the user id as id and username, an email that is never verified, the
//! first image, the profile page, HTTP Basic with PKCE at the token endpoint, refresh that may
//! keep the refresh token, no revocation, and Spotify's error object.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{
    AccessToken, AuthorizationCode, HttpClient, OAuthProvider, OAuthToken, PkceVerifier,
    RefreshToken, Revocation,
};
use oauth_kit_spotify::{SPEC, SpotifyProvider};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "5f2c0b7e9a8d4c3b2a1f0e9d8c7b6a54";
const CLIENT_SECRET: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";
const BASIC: &str = "Basic NWYyYzBiN2U5YThkNGMzYjJhMWYwZTlkOGM3YjZhNTQ6OWU4ZDdjNmI1YTRmM2UyZDFjMGI5YThmN2U2ZDVjNGI=";
const REDIRECT_URI: &str = "http://127.0.0.1:8000/auth/spotify/callback";

/// The provider with its accounts and API hosts both on `server`.
fn provider(server: &MockServer) -> SpotifyProvider {
    let base = server.uri();
    SpotifyProvider::from_lookup(env_lookup([
        ("SPOTIFY_CLIENT_ID", CLIENT_ID.to_owned()),
        ("SPOTIFY_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("SPOTIFY_AUTHORIZE_URL", format!("{base}/authorize")),
        ("SPOTIFY_TOKEN_URL", format!("{base}/api/token")),
        ("SPOTIFY_API_URL", format!("{base}/v1")),
    ]))
    .unwrap()
}

#[test]
fn the_profile_maps_and_the_email_is_never_verified() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "linneaberg92");
    assert_eq!(user.username, None);
    assert_eq!(user.first_name.as_deref(), Some("Linnea"));
    assert_eq!(user.last_name.as_deref(), Some("Berg"));
    assert_eq!(user.email.as_deref(), Some("linnea.berg@example.se"));
    assert!(!user.email_verified);
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://i.scdn.co/image/ab67757000003b82c3f9a8e7d6b5c4a3b2c1d0e9")
    );
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://open.spotify.com/user/linneaberg92")
    );
}

#[test]
fn no_name_no_image_and_no_email_scope_give_none() {
    let user = map_fixture(&SPEC, &fixture!("user_without_profile.json")).unwrap();
    assert_eq!(user.oauth_id, "31xq7vkz2mbe4d5n6p7r8s9t0u");
    assert_eq!(
        (user.first_name, user.avatar_url, user.email),
        (None, None, None)
    );
    assert!(!user.email_verified);
    for bad in [json!({"display_name": "x"}), json!({"id": null})] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_login_uses_basic_auth_and_pkce() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let spotify = provider(&server);
    let http = HttpClient::new().unwrap();
    let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let token = spotify
        .exchange_code(
            &http,
            &AuthorizationCode::new("AQDcode"),
            REDIRECT_URI,
            Some(&verifier),
        )
        .await
        .unwrap();
    let user = spotify.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.email_verified),
        ("spotify", false)
    );
    let form =
        String::from_utf8(server.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(!form.contains("client_secret"), "{form}");
    server.verify().await;
}

#[tokio::test]
async fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture!("token_refresh_no_new_refresh_token.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let token = provider(&server)
        .refresh(&http, &RefreshToken::new("AQAold"))
        .await
        .unwrap();
    assert_eq!(
        token.refresh_token.as_ref().map(RefreshToken::secret),
        Some("AQAold")
    );
    server.verify().await;
}

#[tokio::test]
async fn revocation_is_unsupported_and_an_old_code_is_an_invalid_grant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture!("token_error_invalid_grant.json")),
        )
        .mount(&server)
        .await;
    let spotify = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("expired"));
    assert!(matches!(
        spotify.revoke(&http, &token).await.unwrap(),
        Revocation::Unsupported { .. }
    ));
    let err = spotify
        .exchange_code(&http, &AuthorizationCode::new("old"), REDIRECT_URI, None)
        .await
        .unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_grant")
    );
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_spotify::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"id": "linneaberg92", "images": []}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
