//! FusionAuth's own cases: the claims mapping (UUID `sub`, the verified flag, names,
//! picture), the tenant issuer from the environment (a URL, never FusionAuth's default
//! `acme.com`), and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{Error, OAuthProvider};
use oauth_kit_fusionauth::{FusionAuthProvider, SPEC};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;

#[test]
fn a_fusionauth_user_maps_with_the_uuid_sub_and_picture() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "c4a1f7e2-6b3d-4e9a-8f0c-2d5b7e1a9c36");
    assert_eq!(user.username.as_deref(), Some("liwei"));
    assert_eq!(user.email.as_deref(), Some("li.wei@example.cn"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Wei"));
    assert_eq!(user.last_name.as_deref(), Some("Li"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://auth.example.cn/avatars/liwei.png")
    );
}

#[test]
fn an_unverified_user_stays_unverified() {
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
fn the_tenant_issuer_comes_from_the_environment() {
    let provider = FusionAuthProvider::from_lookup(env_lookup([
        ("FUSIONAUTH_ISSUER", "https://auth.example.cn"),
        (
            "FUSIONAUTH_CLIENT_ID",
            "85a03867-dccf-4882-adde-1a79aeec50df",
        ),
        ("FUSIONAUTH_CLIENT_SECRET", "secret"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("https://auth.example.cn"));
    assert_eq!(provider.scopes(), ["openid", "email", "profile"]);
}

#[test]
fn the_default_tenant_issuer_acme_com_is_refused_with_the_variable() {
    for vars in [vec![("FUSIONAUTH_ISSUER", "acme.com")], vec![]] {
        let mut vars = vars;
        vars.extend([
            ("FUSIONAUTH_CLIENT_ID", "id"),
            ("FUSIONAUTH_CLIENT_SECRET", "secret"),
        ]);
        match FusionAuthProvider::from_lookup(env_lookup(vars.iter().copied())).unwrap_err() {
            Error::Config { setting, .. } => assert_eq!(setting, "FUSIONAUTH_ISSUER"),
            other => panic!("{other:?}"),
        }
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_fusionauth::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "c4a1f7e2-6b3d-4e9a-8f0c-2d5b7e1a9c36"}"#,
    ),
}
