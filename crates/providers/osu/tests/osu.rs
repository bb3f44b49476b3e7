//! osu!'s own cases: the integer id written out, the username and avatar, the profile page
//! built from the id, no email, the credentials in the form body and a rotating refresh token.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_osu::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .built_from_id("profile_url"),
}

use oauth_kit_core::OAuthProvider;
use oauth_kit_osu::{OsuProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_user_maps_with_a_profile_page_built_from_the_id() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "18293047");
    assert_eq!(user.username.as_deref(), Some("kasia_circles"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://osu.ppy.sh/users/18293047")
    );
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://a.ppy.sh/18293047?1735689600.jpeg")
    );
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn an_id_that_is_not_a_number_gets_no_profile_url() {
    assert_eq!(
        map_fixture(&SPEC, &json!({"id": "../x"}))
            .unwrap()
            .profile_url,
        None
    );
    assert!(map_fixture(&SPEC, &json!({"username": "x"})).is_err());
}

#[test]
fn a_refresh_rotates_the_refresh_token() {
    run(async {
        let (mock, osu, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            OsuProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&osu, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let old = token.refresh_token.clone().unwrap();
        let new = osu.refresh(&http, &old).await.unwrap();
        assert_ne!(new.refresh_token.unwrap().secret(), old.secret());
    });
}
