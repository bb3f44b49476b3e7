//! Yahoo's own cases: the claims mapping (GUID `sub`, the verified flag, nickname, names,
//! picture), the issuer variable, and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::OAuthProvider;
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use oauth_kit_yahoo::{SPEC, YahooProvider};
use serde_json::json;

#[test]
fn a_yahoo_account_maps_with_the_guid_nickname_and_picture() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "KJ4VXO3T7YQ2ZP5RNB6WMF3A2E");
    assert_eq!(user.email.as_deref(), Some("grace.mwangi@yahoo.com"));
    assert!(user.email_verified);
    assert_eq!(user.username.as_deref(), Some("gmwangi"));
    assert_eq!(user.first_name.as_deref(), Some("Grace"));
    assert_eq!(user.last_name.as_deref(), Some("Mwangi"));
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://s.yimg.com/")
    );
}

#[test]
fn an_unverified_address_stays_unverified() {
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
fn the_issuer_follows_the_environment() {
    let provider = YahooProvider::from_lookup(env_lookup([
        ("YAHOO_CLIENT_ID", "dj0yJmk9abc"),
        ("YAHOO_CLIENT_SECRET", "secret"),
        ("YAHOO_ISSUER", "http://127.0.0.1:8099"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("http://127.0.0.1:8099"));
    assert_eq!(provider.scopes(), ["openid", "profile", "email"]);
    assert!(!provider.is_discovered());
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_yahoo::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "KJ4VXO3T7YQ2ZP5RNB6WMF3A2E"}"#,
    ),
}
