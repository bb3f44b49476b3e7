//! Google's own cases: the claims mapping (`sub`, the verified flag, names, picture), the
//! issuer and endpoint variables, and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{Error, OAuthProvider};
use oauth_kit_google::{GoogleProvider, SPEC};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;

#[test]
fn a_workspace_account_maps_with_its_verified_address_and_picture() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "110248495921238986420");
    assert_eq!(user.email.as_deref(), Some("ada.lovelace@example.com"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://lh3.googleusercontent.com/")
    );
    assert_eq!((user.username, user.profile_url), (None, None));
}

#[test]
fn an_address_google_has_not_verified_stays_unverified() {
    let user = map_fixture(&SPEC, &fixture!("claims_unverified.json")).unwrap();
    assert_eq!(user.email.as_deref(), Some("grace.hopper@example.org"));
    assert!(!user.email_verified);
}

#[test]
fn the_verified_flag_without_an_address_verifies_nothing() {
    let user = map_fixture(&SPEC, &json!({"sub": "1", "email_verified": true})).unwrap();
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn claims_without_sub_are_rejected() {
    for bad in [json!({"email": "a@example.com"}), json!({"sub": ""})] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_issuer_and_endpoints_follow_the_environment() {
    let provider = GoogleProvider::from_lookup(env_lookup([
        (
            "GOOGLE_CLIENT_ID",
            "1234567890-abc.apps.googleusercontent.com",
        ),
        ("GOOGLE_CLIENT_SECRET", "GOCSPX-secret"),
        ("GOOGLE_ISSUER", "http://127.0.0.1:8099"),
        ("GOOGLE_SCOPE", "email profile"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("http://127.0.0.1:8099"));
    // `openid` is always asked for: without it there is no ID token.
    assert_eq!(provider.scopes(), ["openid", "email", "profile"]);
    assert!(!provider.is_discovered());
}

#[test]
fn an_http_issuer_off_loopback_names_the_variable() {
    let err = GoogleProvider::from_lookup(env_lookup([
        ("GOOGLE_CLIENT_ID", "id"),
        ("GOOGLE_CLIENT_SECRET", "secret"),
        ("GOOGLE_ISSUER", "http://accounts.google.com"),
    ]))
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "GOOGLE_ISSUER"),
        other => panic!("{other:?}"),
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_google::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "110248495921238986420"}"#,
    ),
}
