//! Linear's own cases: the GraphQL viewer fetched with a POSTed query, GraphQL errors with
//! HTTP 200, no verified email, comma-separated scopes, the credentials in the form body,
//! tokens with and without a refresh token, and revocation with the token itself.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_linear::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{OAuthProvider, Revocation};
use oauth_kit_linear::{LinearProvider, SPEC, VIEWER_QUERY};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use serde_json::{Value, json};

#[test]
fn the_viewer_maps_with_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "5c1e9a7b-3d2f-4e8a-b6c0-9f1d2e3a4b5c");
    assert_eq!(user.username.as_deref(), Some("noor"));
    assert_eq!(user.full_name().as_deref(), Some("Noor Haddad"));
    assert_eq!(user.email.as_deref(), Some("noor@haddad.example"));
    assert!(!user.email_verified);
    assert!(user.avatar_url.is_some() && user.profile_url.is_some());
}

#[test]
fn graphql_errors_are_refused_even_with_data() {
    assert!(map_fixture(&SPEC, &fixture!("error_401.json")).is_err());
    let mut raw = fixture!("user.json");
    raw["errors"] = json!([{"message": "Field 'x' does not exist"}]);
    assert!(map_fixture(&SPEC, &raw).is_err());
    raw["errors"] = json!([]);
    assert!(map_fixture(&SPEC, &raw).is_ok());
}

#[test]
fn the_viewer_query_asks_for_every_field_the_mapping_reads() {
    let query: Value = serde_json::from_str(VIEWER_QUERY).unwrap();
    let text = query["query"].as_str().unwrap();
    for field in [
        "viewer",
        "id",
        "name",
        "displayName",
        "email",
        "avatarUrl",
        "url",
    ] {
        assert!(
            text.split(|c: char| !c.is_alphanumeric())
                .any(|w| w == field),
            "{field}"
        );
    }
}

#[test]
fn a_long_lived_token_without_refresh_token_is_accepted() {
    let body = br#"{"access_token":"lin_oauth_8f2a6c1e4b7d","token_type":"Bearer","expires_in":315705599,"scope":"read,write"}"#;
    let token = parse_token(&SPEC, body).unwrap();
    assert!(token.refresh_token.is_none());
    assert_eq!(token.scopes, ["read", "write"]);
}

#[test]
fn the_viewer_is_posted_for_and_revocation_uses_the_token_itself() {
    run(async {
        let (mock, linear, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            LinearProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&linear, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let user = linear.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "5c1e9a7b-3d2f-4e8a-b6c0-9f1d2e3a4b5c");
        assert_eq!(
            linear.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        assert!(linear.user_info(&http, &token).await.is_err());
    });
}
