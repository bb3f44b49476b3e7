//! ZITADEL's own cases: the claims mapping (numeric `sub`, the verified flag, names, picture),
//! the issuer from the environment, and the conformance suite against the testkit's mock
//! issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{Error, OAuthProvider};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use oauth_kit_zitadel::{SPEC, ZitadelProvider};
use serde_json::json;

#[test]
fn a_zitadel_user_maps_with_the_numeric_sub_and_the_login_name() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "298304715623908451");
    assert_eq!(user.username.as_deref(), Some("yuki@acme.zitadel.cloud"));
    assert_eq!(user.email.as_deref(), Some("yuki.tanaka@acme.example"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Yuki"));
    assert_eq!(user.last_name.as_deref(), Some("Tanaka"));
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://acme.zitadel.cloud/assets/")
    );
}

#[test]
fn an_address_zitadel_has_not_verified_stays_unverified() {
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn claims_without_sub_are_rejected() {
    for bad in [json!({"email": "a@example.com"}), json!({"sub": ""})] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_instance_issuer_comes_from_the_environment() {
    let provider = ZitadelProvider::from_lookup(env_lookup([
        ("ZITADEL_ISSUER", "https://acme.zitadel.cloud"),
        ("ZITADEL_CLIENT_ID", "298301122840182371"),
        ("ZITADEL_CLIENT_SECRET", "secret"),
        ("ZITADEL_SCOPE", "email profile offline_access"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("https://acme.zitadel.cloud"));
    assert_eq!(
        provider.scopes(),
        ["openid", "email", "profile", "offline_access"]
    );
    assert!(!provider.is_discovered());
}

#[test]
fn a_missing_issuer_names_the_variable() {
    let err = ZitadelProvider::from_lookup(env_lookup([
        ("ZITADEL_CLIENT_ID", "id"),
        ("ZITADEL_CLIENT_SECRET", "secret"),
    ]))
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "ZITADEL_ISSUER"),
        other => panic!("{other:?}"),
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_zitadel::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "298304715623908451"}"#,
    ),
}
