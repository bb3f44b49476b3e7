//! X's own cases: the id inside `data` kept as a string, no email by default (and a confirmed
//! one when asked for), the profile URL built from the handle, PKCE and HTTP Basic at the token
//! endpoint, rotated refresh tokens, revocation, and X's error bodies.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{
    AuthorizationCode, HttpClient, OAuthProvider, PkceVerifier, RefreshToken, Revocation,
};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use oauth_kit_x::{SPEC, XProvider};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "Ums5WWNYQk1kVzFVWlhOMFEyeHA6MTpjaQ";
const CLIENT_SECRET: &str = "fx_Zk81mQp2Rt7Wv4Ls9Yc3Nh6Bd0GjEa5KuXo1TiVrSwHz";
/// `Basic base64(client_id:client_secret)`, from the reference fixtures.
const BASIC: &str = "Basic VW1zNVdXTllRazFrVnpGVldsaE9NRkV5ZUhBNk1UcGphUTpmeF9aazgxbVFwMlJ0N1d2NExzOVljM05oNkJkMEdqRWE1S3VYbzFUaVZyU3dIeg==";
const REDIRECT_URI: &str = "http://localhost:8000/auth/x/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// The provider with the API (and with it the token and revocation endpoints) on `server`.
fn provider(server: &MockServer) -> XProvider {
    XProvider::from_lookup(env_lookup([
        ("X_CLIENT_ID", CLIENT_ID.to_owned()),
        ("X_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("X_API_URL", format!("{}/2", server.uri())),
    ]))
    .unwrap()
}

fn token(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[test]
fn the_default_fields_map_without_an_email() {
    let user = map_fixture(&SPEC, &fixture!("user_minimal.json")).unwrap();
    assert_eq!(user.oauth_id, "1719384650237441024");
    assert_eq!(user.username.as_deref(), Some("priya_builds"));
    assert_eq!(user.first_name.as_deref(), Some("Priya"));
    assert_eq!(user.last_name.as_deref(), Some("Raman"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://x.com/priya_builds")
    );
    assert_eq!(
        (user.email, user.email_verified, user.avatar_url),
        (None, false, None)
    );
}

#[test]
fn a_confirmed_email_asked_for_is_verified() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.email.as_deref(), Some("priya.raman@example.com"));
    assert!(user.email_verified);
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://pbs.twimg.com/profile_images/1719385011223900160/Kq3vT9xB_normal.jpg")
    );
    // X's own `verified` is the blue check, not an email flag.
    let mut raw = fixture!("user_minimal.json");
    raw["data"]["verified"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn handles_outside_x_s_alphabet_get_no_profile_url_and_ids_stay_strings() {
    let mut raw = fixture!("user_minimal.json");
    raw["data"]["username"] = json!("../evil?x=1");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().profile_url, None);
    for bad in [
        json!({"data": {"name": "No id"}}),
        json!({"errors": [{"title": "Not Found Error"}]}),
        json!({"data": {"id": 1719384650237441024.5}}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_login_sends_the_verifier_with_basic_auth_and_reads_data() {
    let server = MockServer::start().await;
    let access = fixture!("token.json")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(
            format!("code_verifier={VERIFIER}").as_str(),
        ))
        .respond_with(token(fixture!("token.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .and(query_param("user.fields", "profile_image_url"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user_minimal.json")))
        .expect(1)
        .mount(&server)
        .await;
    let x = provider(&server);
    let http = HttpClient::new().unwrap();
    let verifier = PkceVerifier::new(VERIFIER).unwrap();
    let token = x
        .exchange_code(
            &http,
            &AuthorizationCode::new("Y1ZvOVJr"),
            REDIRECT_URI,
            Some(&verifier),
        )
        .await
        .unwrap();
    assert!(token.scopes.contains(&"offline.access".to_owned()));
    let user = x.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("x", "1719384650237441024")
    );
    server.verify().await;
}

#[tokio::test]
async fn token_errors_keep_x_s_descriptions() {
    for (status, body, error) in [
        (
            400,
            fixture!("token_error_invalid_code.json"),
            "invalid_request",
        ),
        (
            400,
            fixture!("token_error_verifier.json"),
            "invalid_request",
        ),
        (
            401,
            fixture!("token_error_missing_basic.json"),
            "unauthorized_client",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/2/oauth2/token"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let http = HttpClient::new().unwrap();
        let err = provider(&server)
            .exchange_code(&http, &AuthorizationCode::new("c"), REDIRECT_URI, None)
            .await
            .unwrap_err();
        let oauth = err.oauth_error().unwrap();
        assert_eq!(oauth.error, error);
        assert_eq!(
            oauth.error_description.as_deref(),
            body["error_description"].as_str()
        );
    }
}

#[tokio::test]
async fn a_refresh_replaces_the_refresh_token_and_revocation_uses_basic_auth() {
    let server = MockServer::start().await;
    let old = fixture!("token.json")["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(token(fixture!("token_refresh.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/revoke"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("token_type_hint=access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"revoked": true})))
        .expect(1)
        .mount(&server)
        .await;
    let x = provider(&server);
    let http = HttpClient::new().unwrap();
    let refreshed = x
        .refresh(&http, &RefreshToken::new(old.clone()))
        .await
        .unwrap();
    let new = refreshed
        .refresh_token
        .as_ref()
        .map(RefreshToken::secret)
        .unwrap();
    assert_ne!(new, old);
    assert_eq!(
        x.revoke(&http, &refreshed).await.unwrap(),
        Revocation::Revoked
    );
    server.verify().await;
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_x::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"data": {"id": "1719384650237441024"}}"#,
    )
    .error(401, include_str!("fixtures/error_401.json"))
    .error(429, include_str!("fixtures/error_429.json")),
}
