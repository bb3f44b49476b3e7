//! Patreon's own cases: the JSON:API document, the sparse fieldset in the user-info URL, the
//! email verified by `is_email_verified`, the vanity name and page, JSON:API errors and a
//! refresh that rotates the refresh token.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_patreon::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{ClientSecret, OAuthProvider};
use oauth_kit_patreon::{PatreonProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_identity_document_maps_every_attribute() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "58204731");
    assert_eq!(user.username.as_deref(), Some("oskarmakes"));
    assert_eq!(user.full_name().as_deref(), Some("Oskar Lund"));
    assert_eq!(user.email.as_deref(), Some("oskar.lund@example.com"));
    assert!(user.email_verified);
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://www.patreon.com/oskarmakes")
    );
    assert!(user.avatar_url.is_some());
}

#[test]
fn without_is_email_verified_the_address_is_not_trusted() {
    let mut raw = fixture!("user.json");
    raw["data"]["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("is_email_verified");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
    assert!(map_fixture(&SPEC, &json!({"data": {"type": "user"}})).is_err());
}

#[test]
fn the_user_info_url_lists_every_attribute_the_mapping_reads() {
    let patreon = PatreonProvider::new("client", ClientSecret::new("secret")).unwrap();
    let url = patreon.user_info_url();
    let fields = url
        .query_pairs()
        .find(|(k, _)| k == "fields[user]")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    for attribute in [
        "email",
        "first_name",
        "last_name",
        "full_name",
        "image_url",
        "vanity",
        "url",
        "is_email_verified",
    ] {
        assert!(fields.split(',').any(|f| f == attribute), "{attribute}");
    }
}

#[test]
fn a_refresh_returns_a_new_refresh_token_that_replaces_the_old_one() {
    run(async {
        let (mock, patreon, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            PatreonProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&patreon, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let old = token.refresh_token.clone().unwrap();
        let new = patreon.refresh(&http, &old).await.unwrap();
        assert_ne!(new.refresh_token.unwrap().secret(), old.secret());
        assert!(patreon.refresh(&http, &old).await.is_err());
    });
}
