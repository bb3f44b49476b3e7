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

use oauth_kit_core::{HttpClient, OAuthProvider, ProviderContext, Stage, parse_token_response};
use oauth_kit_miro::{MiroProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProvider, MockProviderConfig, RefreshTokens};
use oauth_kit_testkit::{fixture, map_fixture};
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
    let context = ProviderContext::new("miro", Stage::Token);
    let token = parse_token_response(
        &context,
        200,
        Some("application/json"),
        &body,
        &SPEC.token_quirks,
    )
    .unwrap();
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
        let mock = MockProvider::start(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
        )
        .await
        .unwrap();
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let miro = MiroProvider::from_lookup(mock.env_lookup()).unwrap();
        let http = HttpClient::new().unwrap();
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
