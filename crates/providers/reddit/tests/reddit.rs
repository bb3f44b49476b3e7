//! Reddit's own cases: the base-36 id and the username, no email ever, the unescaped icon,
//! `duration=permanent` in the authorization URL, HTTP Basic at the token endpoint, token
//! errors with HTTP 200, a refresh that keeps the refresh token, and revocation.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, CsrfState, HttpClient,
    OAuthProvider, RefreshToken, Revocation,
};
use oauth_kit_reddit::{RedditProvider, SPEC};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "p-jcoLKBynTLew";
const CLIENT_SECRET: &str = "gko_LXELoV07ZBNUXrvWZfzE3aI";
const BASIC: &str = "Basic cC1qY29MS0J5blRMZXc6Z2tvX0xYRUxvVjA3WkJOVVhydldaZnpFM2FJ";
const REDIRECT_URI: &str = "http://localhost:8000/auth/reddit/callback";

/// The provider with www.reddit.com's endpoints and the oauth.reddit.com API on `server`.
fn provider(server: &MockServer) -> RedditProvider {
    let base = server.uri();
    RedditProvider::from_lookup(env_lookup([
        ("REDDIT_CLIENT_ID", CLIENT_ID.to_owned()),
        ("REDDIT_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("REDDIT_TOKEN_URL", format!("{base}/api/v1/access_token")),
        (
            "REDDIT_REVOCATION_URL",
            format!("{base}/api/v1/revoke_token"),
        ),
        ("REDDIT_API_URL", base),
    ]))
    .unwrap()
}

#[test]
fn the_account_maps_without_an_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "14jblb");
    assert_eq!(user.username.as_deref(), Some("quiet_otter_42"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://www.reddit.com/user/quiet_otter_42")
    );
    assert_eq!(
        user.avatar_url.as_deref(),
        Some(
            "https://styles.redditmedia.com/t5_2b6r1k/styles/profileIcon_snoo8a1f2c3d.png?width=256&height=256&crop=256:256,smart&s=4f0a9c2e7b1d3e5f"
        )
    );
    // `has_verified_email` is true, but Reddit never says which address: nothing to verify.
    assert_eq!((user.email, user.email_verified), (None, false));
    assert_eq!((user.first_name, user.last_name), (None, None));
}

#[test]
fn a_missing_id_is_rejected_and_odd_names_get_no_profile_url() {
    assert!(map_fixture(&SPEC, &json!({"name": "x"})).is_err());
    let user = map_fixture(&SPEC, &json!({"id": "abc", "name": "../evil"})).unwrap();
    assert_eq!(user.profile_url, None);
}

#[test]
fn every_authorization_asks_for_a_permanent_grant() {
    let reddit =
        RedditProvider::new(CLIENT_ID, oauth_kit_core::ClientSecret::new(CLIENT_SECRET)).unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let url = reddit
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();
    assert!(
        url.as_str()
            .starts_with("https://www.reddit.com/api/v1/authorize?")
    );
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["duration"], "permanent");
    assert_eq!(query["scope"], "identity");
    let temporary = AuthorizeOptions::default().param("duration", "temporary");
    let url = reddit
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &temporary))
        .unwrap();
    let durations: Vec<String> = url
        .query_pairs()
        .filter(|(k, _)| k == "duration")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(durations, ["temporary"]);
}

#[tokio::test]
async fn a_login_uses_basic_auth_and_the_oauth_api_host() {
    let server = MockServer::start().await;
    let token = fixture!("token.json");
    let access = token["access_token"].as_str().unwrap().to_owned();
    Mock::given(method("POST"))
        .and(path("/api/v1/access_token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/me"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let reddit = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = reddit
        .exchange_code(
            &http,
            &AuthorizationCode::new("Xb3-code"),
            REDIRECT_URI,
            None,
        )
        .await
        .unwrap();
    assert!(token.refresh_token.is_some());
    let user = reddit.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("reddit", "14jblb")
    );
    server.verify().await;
}

#[tokio::test]
async fn an_invalid_grant_with_http_200_is_an_oauth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/access_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture!("token_error_invalid_grant.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .exchange_code(&http, &AuthorizationCode::new("used"), REDIRECT_URI, None)
        .await
        .unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_grant")
    );
}

#[tokio::test]
async fn refresh_keeps_the_refresh_token_and_revocation_answers_204() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/access_token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "eyJ-refreshed", "token_type": "bearer", "expires_in": 86400,
            "scope": "identity"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/revoke_token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("token=eyJ-refreshed"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let reddit = provider(&server);
    let http = HttpClient::new().unwrap();
    let refresh = RefreshToken::new("106239874510-Zq3vT9xBkR8mPw2LnYc7HsDf");
    let token = reddit.refresh(&http, &refresh).await.unwrap();
    assert_eq!(
        token.refresh_token.as_ref().map(RefreshToken::secret),
        Some(refresh.secret())
    );
    assert_eq!(
        reddit.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    server.verify().await;
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_reddit::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"id": "14jblb"}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
