//! authentik's own cases: the claims mapping (the email never verified), the
//! application issuer with its trailing slash, and the conformance suite against the
//! testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_authentik::{AuthentikProvider, SPEC};
use oauth_kit_core::{Error, OAuthProvider};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;

#[test]
fn an_authentik_user_maps_with_username_and_name() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(
        user.oauth_id,
        "4f0c2b7e9a1d6c3e8b5a2f7d1c9e4b6a0d3f8c2e5a7b1d9c4e6f0a2b8d3c5e7"
    );
    assert_eq!(user.username.as_deref(), Some("rokafor"));
    assert_eq!(user.email.as_deref(), Some("r.okafor@example.ng"));
    assert!(!user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Rita"));
    assert_eq!(user.last_name.as_deref(), Some("Okafor"));
}

#[test]
fn the_always_true_flag_of_older_authentik_verifies_nothing() {
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(true);
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.email.as_deref(), Some("r.okafor@example.ng"));
    assert!(!user.email_verified);
}

#[test]
fn claims_without_sub_are_rejected() {
    for bad in [json!({"email": "a@example.com"}), json!({"sub": ""})] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_application_issuer_keeps_its_trailing_slash() {
    let provider = AuthentikProvider::from_lookup(env_lookup([
        (
            "AUTHENTIK_ISSUER",
            "https://auth.example.com/application/o/my-app/",
        ),
        ("AUTHENTIK_CLIENT_ID", "Xk2pQ9rT4vW7"),
        ("AUTHENTIK_CLIENT_SECRET", "secret"),
    ]))
    .unwrap();
    assert_eq!(
        provider.issuer(),
        Some("https://auth.example.com/application/o/my-app/")
    );
    assert_eq!(provider.scopes(), ["openid", "email", "profile"]);
}

#[test]
fn a_missing_issuer_names_the_variable() {
    let err = AuthentikProvider::from_lookup(env_lookup([
        ("AUTHENTIK_CLIENT_ID", "id"),
        ("AUTHENTIK_CLIENT_SECRET", "secret"),
    ]))
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "AUTHENTIK_ISSUER"),
        other => panic!("{other:?}"),
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_authentik::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "4f0c2b7e9a1d6c3e8b5a2f7d1c9e4b6a0d3f8c2e5a7b1d9c4e6f0a2b8d3c5e7"}"#,
    ),
}
