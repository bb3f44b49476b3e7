//! Tumblr's own cases: the primary blog's uuid as id (the user name only as a fallback), the
//! blog's title and page, no email, Tumblr's error envelope and HTTP Basic.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_tumblr::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::OAuthProvider;
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use oauth_kit_tumblr::{SPEC, TumblrProvider};
use serde_json::json;

#[test]
fn the_primary_blog_uuid_is_the_id() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "t:Qx7pL2mZ9vT4rW1yB8nC3d");
    assert_eq!(user.username.as_deref(), Some("quietharbor"));
    assert_eq!(user.full_name().as_deref(), Some("Quiet Harbor"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://quietharbor.tumblr.com/")
    );
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn only_the_primary_blog_counts_and_the_user_name_is_the_fallback() {
    let mut raw = fixture!("user.json");
    let blogs = raw["response"]["user"]["blogs"].as_array_mut().unwrap();
    blogs[0]["primary"] = json!(false);
    blogs.push(json!({"name": "side", "uuid": "t:Side", "primary": true, "title": "Side"}));
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().oauth_id, "t:Side");
    raw["response"]["user"]["blogs"] = json!([]);
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().oauth_id, "quietharbor");
    assert!(map_fixture(&SPEC, &json!({"response": {"user": {}}})).is_err());
}

#[test]
fn a_login_uses_basic_auth_and_asks_for_offline_access() {
    run(async {
        let (mock, tumblr, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            TumblrProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&tumblr, &http).await.unwrap();
        assert_eq!(
            mock.counters().last_client_auth,
            Some("client_secret_basic")
        );
        assert!(token.scopes.contains(&"offline_access".to_owned()));
        assert_eq!(
            tumblr.user_info(&http, &token).await.unwrap().oauth_id,
            "t:Qx7pL2mZ9vT4rW1yB8nC3d"
        );
    });
}
