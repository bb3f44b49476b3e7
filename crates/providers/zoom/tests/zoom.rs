//! Zoom's own cases: the user id, `verified` (an integer) as the email flag, names, the
//! picture, HTTP Basic at the token endpoint, single-use refresh tokens and revocation.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_zoom::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::OAuthProvider;
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use oauth_kit_zoom::{SPEC, ZoomProvider};
use serde_json::{Value, json};

#[test]
fn the_user_maps_with_names_and_picture() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "mB2xQ7rTS1eKp0ZyW9aLfg");
    assert_eq!(user.email.as_deref(), Some("kwame.asante@example.com"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Kwame"));
    assert_eq!(user.last_name.as_deref(), Some("Asante"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://us05web.zoom.us/p/v2/3f1c7d2a9b/avatar.jpg")
    );
    assert_eq!((user.username, user.profile_url), (None, None));
}

#[test]
fn only_an_integer_one_verifies_the_address() {
    for verified in [json!(0), json!(true), json!("1"), Value::Null] {
        let mut raw = fixture!("user.json");
        raw["verified"] = verified.clone();
        assert!(
            !map_fixture(&SPEC, &raw).unwrap().email_verified,
            "{verified}"
        );
    }
    let mut raw = fixture!("user.json");
    raw.as_object_mut().unwrap().remove("email");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn a_user_without_an_id_is_rejected() {
    assert!(map_fixture(&SPEC, &json!({"email": "x@example.com"})).is_err());
}

#[test]
fn a_refresh_replaces_the_single_use_refresh_token() {
    run(async {
        let (mock, zoom, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            ZoomProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&zoom, &http).await.unwrap();
        assert_eq!(
            mock.counters().last_client_auth,
            Some("client_secret_basic")
        );
        let first = token.refresh_token.clone().unwrap();
        let refreshed = zoom.refresh(&http, &first).await.unwrap();
        let second = refreshed.refresh_token.clone().unwrap();
        assert_ne!(first.secret(), second.secret());
        // The old one is dead; the new one works.
        assert!(zoom.refresh(&http, &first).await.is_err());
        assert!(zoom.refresh(&http, &second).await.is_ok());
    });
}
