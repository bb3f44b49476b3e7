//! Epic Games' own cases: `sub` as the id and the changeable display name, no verified email,
//! HTTP Basic at the token endpoint, the `userInfo` path with its capital I, and the token
//! response's refresh-expiry keys and date-string `expires_at`.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_epicgames::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use std::time::{Duration, SystemTime};

use oauth_kit_core::{OAuthProvider, Revocation};
use oauth_kit_epicgames::{EpicGamesProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use serde_json::json;

#[test]
fn the_account_id_is_sub_and_the_display_name_only_a_name() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "8f3a1c9e2b7d4f6a0c5e1d3b9a7f2c4e");
    assert_eq!(user.username.as_deref(), Some("NovaStrider"));
    assert_eq!(user.full_name().as_deref(), Some("NovaStrider"));
    assert_eq!((user.email, user.email_verified), (None, false));
    assert!(map_fixture(&SPEC, &json!({"preferred_username": "NovaStrider"})).is_err());
}

#[test]
fn an_email_address_is_never_verified() {
    let mut raw = fixture!("user.json");
    raw["email"] = json!("nova@example.com");
    raw["email_verified"] = json!(true);
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.email.as_deref(), Some("nova@example.com"));
    assert!(!user.email_verified);
}

#[test]
fn the_token_response_with_refresh_expiry_keys_and_a_date_expires_at_parses() {
    let body = serde_json::to_vec(&fixture!("token.json")).unwrap();
    let before = SystemTime::now();
    let token = parse_token(&SPEC, &body).unwrap();
    // The expiry comes from `expires_in`, not from the date string `expires_at`.
    assert_eq!(token.expires_in, Some(Duration::from_secs(7200)));
    let expires_at = token.expires_at.unwrap();
    assert!(expires_at >= before + Duration::from_secs(7200));
    assert!(token.refresh_token.is_some());
    assert_eq!(token.scopes, ["basic_profile"]);
    // The refresh token's lifetime stays readable under Epic's own names.
    assert_eq!(token.raw["refresh_expires"], 28800);
    assert_eq!(token.raw["refresh_expires_at"], "2026-01-01T08:00:00.000Z");
}

#[test]
fn the_user_info_path_has_a_capital_i() {
    let epic = EpicGamesProvider::new("xyza7891", oauth_kit_core::ClientSecret::new("s")).unwrap();
    assert!(
        epic.user_info_url()
            .path()
            .ends_with("/epic/oauth/v2/userInfo")
    );
    assert_eq!(
        epic.token_url().as_str(),
        "https://api.epicgames.dev/epic/oauth/v2/token"
    );
}

#[test]
fn a_login_authenticates_with_basic_and_revokes() {
    run(async {
        let (mock, epic, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            EpicGamesProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&epic, &http).await.unwrap();
        let counters = mock.counters();
        assert_eq!(counters.last_client_auth, Some("client_secret_basic"));
        assert_eq!(counters.pkce_verified, 0);
        assert!(mock.user_info_url().unwrap().ends_with("/userInfo"));
        assert_eq!(
            epic.user_info(&http, &token).await.unwrap().oauth_id,
            "8f3a1c9e2b7d4f6a0c5e1d3b9a7f2c4e"
        );
        assert_eq!(
            epic.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        assert_eq!(mock.counters().revoke, 1);
    });
}
