//! Heroku's own cases: the account UUID, `verified` never taken for the address, the name,
//! the Platform API's version header and the credentials in the form body.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_heroku::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{OAuthProvider, Revocation};
use oauth_kit_heroku::{HerokuProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_account_maps_and_its_verified_flag_is_not_about_the_address() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "01234567-89ab-4def-8123-456789abcdef");
    assert_eq!(user.email.as_deref(), Some("sven@example.no"));
    assert!(!user.email_verified);
    assert_eq!(user.full_name().as_deref(), Some("Sven Olsen"));
    assert_eq!(user.avatar_url, None);
    assert!(map_fixture(&SPEC, &json!({"email": "x@example.no"})).is_err());
}

#[test]
fn the_account_is_read_with_the_platform_api_version_header() {
    run(async {
        let (mock, heroku, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            HerokuProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&heroku, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        // The mock of this spec answers 400 without the Accept header of version 3.
        let user = heroku.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "01234567-89ab-4def-8123-456789abcdef");
        let revocation = heroku.revoke(&http, &token).await.unwrap();
        assert!(matches!(
            revocation,
            Revocation::Unsupported {
                manage_url: Some(_)
            }
        ));
    });
}
