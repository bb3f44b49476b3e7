//! Atlassian's own cases: the account id, what `email_verified` needs, names and the avatar,
//! `audience` and `prompt` in the authorization URL, the token request as JSON, rotated refresh
//! tokens, and the lack of revocation.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_atlassian::{AtlassianProvider, SPEC};
use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientSecret,
    CsrfState, HttpClient, OAuthProvider, OAuthToken, RefreshToken, Revocation,
};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "Zq3vT9xBkR8mPw2LnYc7HsDfGj4Ka6Ue";
const CLIENT_SECRET: &str = "ATOA-k4V8N2R6TQ7QX2KD9PLMb3F5h8J1m0Q2s4U6w8Y0a2C4e6G8i0K2";
const REDIRECT_URI: &str = "http://localhost:8000/auth/atlassian/callback";

/// The provider with its token endpoint and API on `server`.
fn provider(server: &MockServer) -> AtlassianProvider {
    let base = server.uri();
    AtlassianProvider::from_lookup(env_lookup([
        ("ATLASSIAN_CLIENT_ID", CLIENT_ID.to_owned()),
        ("ATLASSIAN_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("ATLASSIAN_TOKEN_URL", format!("{base}/oauth/token")),
        ("ATLASSIAN_API_URL", base),
    ]))
    .unwrap()
}

#[test]
fn the_account_maps_and_an_email_is_not_verified_without_the_flag() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "5b10a2844c20165a70e96621");
    assert_eq!(user.username.as_deref(), Some("ines.moreau"));
    assert_eq!(user.first_name.as_deref(), Some("Inès"));
    assert_eq!(user.last_name.as_deref(), Some("Moreau"));
    assert_eq!(user.email.as_deref(), Some("ines.moreau@example.fr"));
    assert!(!user.email_verified);
    assert!(
        user.avatar_url
            .unwrap()
            .starts_with("https://avatar-management--avatars")
    );
    assert_eq!(user.profile_url, None);
    let mut raw = fixture!("user.json");
    raw["email_verified"] = json!(true);
    assert!(map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn a_hidden_email_is_none_and_the_id_is_required() {
    let mut raw = fixture!("user_private_email.json");
    raw["email_verified"] = json!(true);
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.oauth_id, "712020:9b1e8f4c-3a2d-4e5f-8a9b-0c1d2e3f4a5b");
    assert_eq!((user.email, user.email_verified), (None, false));
    assert!(map_fixture(&SPEC, &json!({"name": "x"})).is_err());
}

#[test]
fn every_authorization_names_the_audience_and_asks_for_consent() {
    let atlassian = AtlassianProvider::new(CLIENT_ID, ClientSecret::new(CLIENT_SECRET)).unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let url = atlassian
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();
    assert!(
        url.as_str()
            .starts_with("https://auth.atlassian.com/authorize?")
    );
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["audience"], "api.atlassian.com");
    assert_eq!(query["prompt"], "consent");
    assert_eq!(query["scope"], "read:me");
    assert!(!query.contains_key("code_challenge"));
}

#[tokio::test]
async fn the_code_is_exchanged_with_a_json_body() {
    let server = MockServer::start().await;
    let token = fixture!("token.json");
    let access = token["access_token"].as_str().unwrap().to_owned();
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": "the-code",
            "redirect_uri": REDIRECT_URI
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let atlassian = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = atlassian
        .exchange_code(
            &http,
            &AuthorizationCode::new("the-code"),
            REDIRECT_URI,
            None,
        )
        .await
        .unwrap();
    assert_eq!(token.scopes, ["read:me", "offline_access"]);
    let user = atlassian.user_info(&http, &token).await.unwrap();
    assert_eq!(user.provider, "atlassian");
    server.verify().await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_spent_one_is_an_oauth_error() {
    let server = MockServer::start().await;
    let first = fixture!("token.json")["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_json(json!({
            "grant_type": "refresh_token",
            "refresh_token": first,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token_refresh.json")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(fixture!("token_error_refresh.json")),
        )
        .mount(&server)
        .await;
    let atlassian = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = atlassian
        .refresh(&http, &RefreshToken::new(first.clone()))
        .await
        .unwrap();
    let second = token
        .refresh_token
        .as_ref()
        .map(RefreshToken::secret)
        .unwrap();
    assert_ne!(second, first);
    let err = atlassian
        .refresh(&http, &RefreshToken::new(first))
        .await
        .unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_grant")
    );
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn revocation_is_unsupported() {
    let server = MockServer::start().await;
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("expired"));
    assert!(matches!(
        provider(&server).revoke(&http, &token).await.unwrap(),
        Revocation::Unsupported { .. }
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_atlassian::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"account_id": "5b10a2844c20165a70e96621"}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
