//! Miro's own cases: the user of the token context, the team id above 2^53 kept exactly, no
//! email, the credentials in the form body and refresh tokens that rotate with the access
//! token.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_miro::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{OAuthProvider, ProviderContext, Stage};
use oauth_kit_miro::{MiroProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{
    MockProviderConfig, RefreshTokens, fixture, map_fixture, parse_token, start_mock,
};
use serde_json::json;

#[test]
fn the_token_context_maps_to_the_user_not_the_team() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "3458764517517819000");
    assert_eq!(user.full_name().as_deref(), Some("Jonas Weber"));
    assert_eq!(
        (user.email, user.email_verified, user.avatar_url),
        (None, false, None)
    );
    assert!(map_fixture(&SPEC, &json!({"team": {"id": "3458764517517852417"}})).is_err());
}

#[test]
fn the_team_id_above_two_to_the_53_is_kept_exactly() {
    let body = std::fs::read(format!(
        "{}/tests/fixtures/token.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let _context = ProviderContext::new("miro", Stage::Token);
    let token = parse_token(&SPEC, &body).unwrap();
    assert_eq!(
        token.raw["team_id"].as_u64(),
        Some(3_458_764_517_517_852_417)
    );
    assert_eq!(token.raw["team_id"].to_string(), "3458764517517852417");
    // Through a float it would have become another team.
    assert_ne!(
        3_458_764_517_517_852_417_u64 as f64 as u64,
        3_458_764_517_517_852_417
    );
}

#[test]
fn a_refresh_rotates_both_tokens() {
    run(async {
        let (mock, miro, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            MiroProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&miro, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let old = token.refresh_token.clone().unwrap();
        let new = miro.refresh(&http, &old).await.unwrap();
        assert_ne!(new.access_token.secret(), token.access_token.secret());
        assert!(miro.refresh(&http, &old).await.is_err());
        assert_eq!(
            miro.user_info(&http, &new).await.unwrap().oauth_id,
            "3458764517517819000"
        );
    });
}
