//! Figma's own cases: the numeric-string id kept as a string, the handle as username and name,
//! no verified email, HTTP Basic at the token endpoint and a refresh that keeps the refresh
//! token.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_figma::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_403.json"))
    .error(403, include_str!("fixtures/error_403.json")),
}

use oauth_kit_core::OAuthProvider;
use oauth_kit_figma::{FigmaProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_user_maps_with_the_handle_and_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    // Above 2^53: kept exactly as the string Figma sends.
    assert_eq!(user.oauth_id, "1298374650192837465");
    assert_eq!(user.username.as_deref(), Some("Tomasz Wierzbicki"));
    assert_eq!(user.full_name().as_deref(), Some("Tomasz Wierzbicki"));
    assert_eq!(user.email.as_deref(), Some("tomasz.w@example.org"));
    assert!(!user.email_verified);
    assert!(
        user.avatar_url
            .unwrap()
            .starts_with("https://s3-alpha.figma.com/")
    );
}

#[test]
fn a_numeric_id_is_written_out_exactly() {
    let user = map_fixture(&SPEC, &json!({"id": 1298374650192837465u64})).unwrap();
    assert_eq!(user.oauth_id, "1298374650192837465");
    assert!(map_fixture(&SPEC, &json!({"handle": "x"})).is_err());
}

#[test]
fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    run(async {
        let (mock, figma, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            FigmaProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Omit);
        let token = mock.log_in(&figma, &http).await.unwrap();
        assert_eq!(
            mock.counters().last_client_auth,
            Some("client_secret_basic")
        );
        let old = token.refresh_token.clone().unwrap();
        let refreshed = figma.refresh(&http, &old).await.unwrap();
        assert_eq!(refreshed.refresh_token.unwrap().secret(), old.secret());
    });
}
