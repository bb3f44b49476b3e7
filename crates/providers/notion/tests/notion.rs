//! Notion's own cases: the person inside the token response (never the bot), no verified
//! email, a workspace-level token without a user, JSON token and revocation requests with
//! HTTP Basic, no scope parameter and `owner=user`.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_notion::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, Error, HttpClient,
    OAuthProvider, OAuthToken, Revocation, TokenQuirks, parse_token_response,
};
use oauth_kit_notion::{NotionProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, map_fixture, start_mock};
use serde_json::json;

fn token(name: &str) -> OAuthToken {
    let body = std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let context = oauth_kit_core::ProviderContext::new("notion", oauth_kit_core::Stage::Token);
    parse_token_response(
        &context,
        200,
        Some("application/json"),
        &body,
        &TokenQuirks::STRICT,
    )
    .unwrap()
}

#[test]
fn the_person_comes_from_the_token_response_not_the_bot() {
    let notion = NotionProvider::new("client", ClientSecret::new("secret")).unwrap();
    let token = token("token.json");
    // No expiry is documented: none is invented.
    assert_eq!(token.expires_in, None);
    let http = HttpClient::new().unwrap();
    let user = run(notion.user_info(&http, &token)).unwrap();
    assert_eq!(user.oauth_id, "8f2a6c1e-4b7d-4e3a-9c5f-0d8b2e6a1f74");
    assert_ne!(user.oauth_id, "2b6f1c9e-7a43-4d8e-b0c2-5f3a9e1d7c48");
    assert_eq!(user.email.as_deref(), Some("amara@lindqvist.example"));
    assert!(!user.email_verified);
    assert_eq!(user.full_name().as_deref(), Some("Amara Lindqvist"));
    assert_eq!(user.avatar_url, None);
    // The tokens never reach raw_data.
    assert!(!user.raw_data.to_string().contains("ntn_"));
}

#[test]
fn a_workspace_level_token_has_no_user() {
    let notion = NotionProvider::new("client", ClientSecret::new("secret")).unwrap();
    let http = HttpClient::new().unwrap();
    let err = run(notion.user_info(&http, &token("token_workspace_owner.json"))).unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}

#[test]
fn a_user_without_an_id_is_rejected() {
    assert!(map_fixture(&SPEC, &json!({"object": "user", "name": "x"})).is_err());
}

#[test]
fn the_authorization_has_no_scope_and_asks_for_the_user_as_owner() {
    let notion = NotionProvider::new("client", ClientSecret::new("secret")).unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = notion.authorization_url(&request).unwrap();
    assert_eq!(
        url.as_str().split('?').next(),
        Some("https://api.notion.com/v1/oauth/authorize")
    );
    assert!(url.query_pairs().any(|(k, v)| k == "owner" && v == "user"));
    assert!(!url.query_pairs().any(|(k, _)| k == "scope"));
}

#[test]
fn token_and_revocation_requests_are_json_with_basic_auth() {
    run(async {
        let (mock, notion, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            NotionProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&notion, &http).await.unwrap();
        // The mock of a JSON spec refuses a form: the exchange went out as a JSON object.
        let counters = mock.counters();
        assert_eq!(counters.last_client_auth, Some("client_secret_basic"));
        assert!(counters.last_token_form.contains(&"grant_type".to_owned()));
        assert_eq!(
            notion.user_info(&http, &token).await.unwrap().oauth_id,
            "8f2a6c1e-4b7d-4e3a-9c5f-0d8b2e6a1f74"
        );
        assert_eq!(
            notion.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        assert_eq!(mock.counters().revoke, 1);
    });
}
