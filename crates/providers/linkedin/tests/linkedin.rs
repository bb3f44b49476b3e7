//! LinkedIn's own cases: the claims mapping (the verified flag as a boolean or the string
//! LinkedIn's ID token sends, the locale object), the pinned endpoints and their variables, and
//! the conformance suite against the testkit's mock issuer (body credentials, no PKCE, granted
//! scopes separated by commas).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_core::OAuthProvider;
use oauth_kit_linkedin::{LinkedInProvider, SPEC};
use oauth_kit_testkit::{fixture, map_fixture};
use serde_json::json;

#[test]
fn a_member_maps_with_names_picture_and_verified_address() {
    let user = map_fixture(&SPEC, &fixture!("userinfo.json")).unwrap();
    assert_eq!(user.oauth_id, "782bbtaQ");
    assert_eq!(user.email.as_deref(), Some("amara.okafor@example.com"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Amara"));
    assert_eq!(user.last_name.as_deref(), Some("Okafor"));
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://media.licdn.com/")
    );
    assert_eq!((user.username, user.profile_url), (None, None));
}

#[test]
fn the_id_token_string_flag_counts_and_false_does_not() {
    let mut raw = fixture!("userinfo.json");
    raw["email_verified"] = json!("true");
    assert!(map_fixture(&SPEC, &raw).unwrap().email_verified);
    raw["email_verified"] = json!("false");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
    raw.as_object_mut().unwrap().remove("email_verified");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn the_api_variable_moves_the_user_info_and_the_others_stay_pinned() {
    let vars: HashMap<&str, &str> = HashMap::from([
        ("LINKEDIN_CLIENT_ID", "86yk3zq4vr1abc"),
        ("LINKEDIN_CLIENT_SECRET", "secret"),
        ("LINKEDIN_API_URL", "http://127.0.0.1:8098/v2"),
        ("LINKEDIN_ISSUER", "http://127.0.0.1:8098/oauth"),
    ]);
    let provider =
        LinkedInProvider::from_lookup(move |name| vars.get(name).map(|v| (*v).to_owned())).unwrap();
    assert_eq!(
        provider.user_info_url().as_str(),
        "http://127.0.0.1:8098/v2/userinfo"
    );
    assert_eq!(
        provider.token_url().as_str(),
        "https://www.linkedin.com/oauth/v2/accessToken"
    );
    assert_eq!(provider.issuer(), Some("http://127.0.0.1:8098/oauth"));
    assert!(!provider.capabilities().pkce);
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_linkedin::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/userinfo.json"),
        r#"{"sub": "782bbtaQ"}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
