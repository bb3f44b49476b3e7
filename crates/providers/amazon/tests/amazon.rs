//! Amazon's own cases: the per-company `user_id`, the single name, no verified email, an
//! explicit S256 PKCE method (Amazon defaults to `plain`) and HTTP Basic at the token endpoint.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_amazon::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_amazon::{AmazonProvider, SPEC};
use oauth_kit_core::OAuthProvider;
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_profile_maps_with_the_per_company_id_and_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "amzn1.account.AFXK3QZ7P2LMW4RT9YBN5CVD6E");
    assert_eq!(user.full_name().as_deref(), Some("Olivia Brennan"));
    assert_eq!(user.email.as_deref(), Some("olivia.brennan@example.ie"));
    assert!(!user.email_verified);
    assert_eq!(
        (user.username, user.avatar_url, user.profile_url),
        (None, None, None)
    );
    assert!(map_fixture(&SPEC, &json!({"name": "x"})).is_err());
}

#[test]
fn a_login_sends_an_s256_challenge_and_basic_credentials() {
    run(async {
        let (mock, amazon, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            AmazonProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&amazon, &http).await.unwrap();
        let counters = mock.counters();
        assert_eq!(counters.last_client_auth, Some("client_secret_basic"));
        assert_eq!(counters.pkce_verified, 1);
        assert!(
            counters
                .last_authorize_params
                .contains(&"code_challenge_method".to_owned())
        );
        assert_eq!(
            amazon.user_info(&http, &token).await.unwrap().provider,
            "amazon"
        );
    });
}
