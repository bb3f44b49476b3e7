//! Battle.net's own cases: `sub` as the id, the BattleTag under its user-info name
//! (`battletag`) and its ID-token name (`battle_tag`), no email, the China issuer from the
//! environment, and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_battlenet::{BattleNetProvider, SPEC};
use oauth_kit_core::OAuthProvider;
use oauth_kit_testkit::{env_lookup, map_fixture};
use serde_json::{Value, json};

fn userinfo() -> Value {
    serde_json::from_str(include_str!("fixtures/userinfo.json")).unwrap()
}

#[test]
fn the_user_info_battletag_becomes_the_username() {
    let user = map_fixture(&SPEC, &userinfo()).unwrap();
    assert_eq!(user.oauth_id, "412987356");
    assert_eq!(user.username.as_deref(), Some("Vexa#21987"));
    assert_eq!((user.email, user.email_verified), (None, false));
    assert_eq!((user.first_name, user.avatar_url), (None, None));
}

#[test]
fn the_id_token_battle_tag_becomes_the_username_too() {
    // The ID token alone: the same tag under its other name, no `id`.
    let claims = json!({"sub": "412987356", "battle_tag": "Vexa#21987"});
    let user = map_fixture(&SPEC, &claims).unwrap();
    assert_eq!(user.oauth_id, "412987356");
    assert_eq!(user.username.as_deref(), Some("Vexa#21987"));
    // Merged, the user-info name wins.
    let merged = json!({"sub": "412987356", "battle_tag": "Old#1111", "battletag": "Vexa#21987"});
    assert_eq!(
        map_fixture(&SPEC, &merged).unwrap().username.as_deref(),
        Some("Vexa#21987")
    );
}

#[test]
fn an_email_claim_is_never_taken() {
    let mut raw = userinfo();
    raw["email"] = json!("vexa@example.com");
    raw["email_verified"] = json!(true);
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn claims_without_sub_are_rejected_even_with_the_numeric_id() {
    for bad in [
        json!({"id": 412987356, "battletag": "Vexa#21987"}),
        json!({"sub": ""}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_china_issuer_comes_from_the_environment() {
    let provider = BattleNetProvider::from_lookup(env_lookup([
        ("BATTLENET_CLIENT_ID", "3f1c9d2e7b8a4c60"),
        ("BATTLENET_CLIENT_SECRET", "secret"),
        ("BATTLENET_ISSUER", "https://oauth.battlenet.com.cn"),
        ("BATTLENET_SCOPE", "openid wow.profile"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("https://oauth.battlenet.com.cn"));
    assert_eq!(provider.scopes(), ["openid", "wow.profile"]);
    assert!(!provider.is_discovered());
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_battlenet::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/userinfo.json"),
        r#"{"sub": "412987356"}"#,
    ),
}
