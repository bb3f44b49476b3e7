//! Hugging Face's own cases: the claims mapping (`sub`, the handle, the verified flag, names,
//! picture and profile), the organizations under either of their names, the issuer variable,
//! and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::OAuthProvider;
use oauth_kit_huggingface::{HuggingFaceProvider, SPEC, organizations};
use oauth_kit_testkit::{env_lookup, map_fixture};
use serde_json::{Value, json};

fn userinfo() -> Value {
    serde_json::from_str(include_str!("fixtures/userinfo.json")).unwrap()
}

#[test]
fn a_hugging_face_account_maps_with_its_handle_names_picture_and_profile() {
    let user = map_fixture(&SPEC, &userinfo()).unwrap();
    assert_eq!(user.oauth_id, "65f1c2a9b3d4e5f6a7b8c9d0");
    assert_eq!(user.username.as_deref(), Some("aisharahman"));
    assert_eq!(user.email.as_deref(), Some("aisha.rahman@example.org"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Aisha"));
    assert_eq!(user.last_name.as_deref(), Some("Rahman"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://huggingface.co/aisharahman")
    );
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://cdn-avatars.huggingface.co/")
    );
}

#[test]
fn an_unverified_or_absent_address_is_never_verified() {
    let mut raw = userinfo();
    raw["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
    // Without the `email` scope there is no address, whatever the flag says.
    let raw = json!({"sub": "65f1c2a9b3d4e5f6a7b8c9d0", "email_verified": true});
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn organizations_are_read_under_orgs_or_organizations() {
    let with_orgs = userinfo();
    let mut with_organizations = userinfo();
    let list = with_organizations
        .as_object_mut()
        .unwrap()
        .remove("orgs")
        .unwrap();
    with_organizations["organizations"] = list;
    for raw in [&with_orgs, &with_organizations] {
        let orgs = organizations(raw);
        assert_eq!(orgs.len(), 1, "{raw}");
        assert_eq!(orgs[0]["preferred_username"], "open-lab");
        assert_eq!(orgs[0]["sub"], "64a0b1c2d3e4f5a6b7c8d9e0");
        // The mapping does not depend on the name of the array.
        assert_eq!(
            map_fixture(&SPEC, raw).unwrap().oauth_id,
            "65f1c2a9b3d4e5f6a7b8c9d0"
        );
    }
    assert!(organizations(&json!({"sub": "1"})).is_empty());
    assert!(organizations(&json!({"sub": "1", "orgs": "not a list"})).is_empty());
}

#[test]
fn claims_without_sub_are_rejected() {
    for bad in [
        json!({"preferred_username": "aisharahman"}),
        json!({"sub": ""}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_issuer_follows_the_environment() {
    let provider = HuggingFaceProvider::from_lookup(env_lookup([
        (
            "HUGGINGFACE_CLIENT_ID",
            "0b1f6c0e-8d2a-4c5e-9f3b-2a7d1e6c4b90",
        ),
        ("HUGGINGFACE_CLIENT_SECRET", "secret"),
        ("HUGGINGFACE_ISSUER", "http://127.0.0.1:8099"),
        ("HUGGINGFACE_SCOPE", "profile read-repos"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("http://127.0.0.1:8099"));
    // `openid` is always asked for: without it there is no ID token.
    assert_eq!(provider.scopes(), ["openid", "profile", "read-repos"]);
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_huggingface::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/userinfo.json"),
        r#"{"sub": "65f1c2a9b3d4e5f6a7b8c9d0"}"#,
    ),
}
