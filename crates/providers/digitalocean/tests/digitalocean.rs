//! DigitalOcean's own cases: the account uuid, `email_verified`, the name from the token
//! response's `info`, the credentials in the form body and PKCE.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_digitalocean::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use std::sync::Arc;

use oauth_kit_core::OAuthProvider;
use oauth_kit_digitalocean::{DigitaloceanProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{
    IssuedGrant, MockContext, MockExtension, MockProviderConfig, fixture, map_fixture, start_mock,
};
use serde_json::{Map, Value, json};

/// DigitalOcean's `info` member of the token response.
#[derive(Debug)]
struct TokenInfo;

impl MockExtension for TokenInfo {
    fn token_response(
        &self,
        _: &MockContext,
        _: &IssuedGrant<'_>,
        response: &mut Map<String, Value>,
    ) {
        response.insert(
            "info".to_owned(),
            json!({"name": "Amira Saleh", "email": "amira.saleh@example.com", "uuid": "b6fr89dbf6d9156cace5f3c78dc9851d957381ef"}),
        );
    }
}

#[test]
fn the_account_maps_with_a_verified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "b6fr89dbf6d9156cace5f3c78dc9851d957381ef");
    assert_eq!(user.email.as_deref(), Some("amira.saleh@example.com"));
    assert!(user.email_verified);
    let mut raw = fixture!("user.json");
    raw["account"]["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
    assert!(map_fixture(&SPEC, &json!({"account": {"email": "x@example.com"}})).is_err());
}

#[test]
fn the_name_comes_from_the_token_response() {
    run(async {
        let (mock, digitalocean, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json"))
                .extension(Arc::new(TokenInfo)),
            DigitaloceanProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&digitalocean, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert_eq!(mock.counters().pkce_verified, 1);
        let user = digitalocean.user_info(&http, &token).await.unwrap();
        assert_eq!(user.full_name().as_deref(), Some("Amira Saleh"));
    });
}
