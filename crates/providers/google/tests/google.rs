//! Google's own cases: the claims mapping (`sub`, the verified flag, names, picture), the
//! issuer and endpoint variables, and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_core::spec::Profile;
use oauth_kit_core::{Error, OAuthProvider, OAuthUserInfo};
use oauth_kit_google::{GoogleProvider, SPEC};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn map(raw: &Value) -> Result<OAuthUserInfo, String> {
    (SPEC.map_user)(&Profile::new("google", raw))
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

#[test]
fn a_workspace_account_maps_with_its_verified_address_and_picture() {
    let user = map(&fixture("claims.json")).unwrap();
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
    let user = map(&fixture("claims_unverified.json")).unwrap();
    assert_eq!(user.email.as_deref(), Some("grace.hopper@example.org"));
    assert!(!user.email_verified);
}

#[test]
fn the_verified_flag_without_an_address_verifies_nothing() {
    let user = map(&json!({"sub": "1", "email_verified": true})).unwrap();
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn claims_without_sub_are_rejected() {
    for bad in [json!({"email": "a@example.com"}), json!({"sub": ""})] {
        assert!(map(&bad).is_err(), "{bad}");
    }
}

#[test]
fn the_issuer_and_endpoints_follow_the_environment() {
    let provider = GoogleProvider::from_lookup(lookup(&[
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
    let err = GoogleProvider::from_lookup(lookup(&[
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
