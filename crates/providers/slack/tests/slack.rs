//! Slack's own cases: the workspace-scoped id from Slack's namespaced claims, the verified
//! flag, names and picture, and the conformance suite against the testkit's mock issuer (a POST
//! user info, no PKCE, body credentials).

#![allow(clippy::unwrap_used)]

use oauth_kit_slack::SPEC;
use oauth_kit_testkit::{fixture, map_fixture};
use serde_json::json;

#[test]
fn the_id_is_the_user_scoped_by_its_workspace() {
    let user = map_fixture(&SPEC, &fixture!("userinfo.json")).unwrap();
    assert_eq!(user.oauth_id, "T0R7GR:U0R7JM");
    assert_eq!(user.email.as_deref(), Some("krane@example.com"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Bront"));
    assert_eq!(user.last_name.as_deref(), Some("Labradoodle"));
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://secure.gravatar.com/")
    );
    assert_eq!(user.username, None);
}

#[test]
fn sub_stands_in_for_a_missing_user_id_claim() {
    let user = map_fixture(
        &SPEC,
        &json!({"sub": "U02ABC", "https://slack.com/team_id": "T9XYZ"}),
    )
    .unwrap();
    assert_eq!(user.oauth_id, "T9XYZ:U02ABC");
}

#[test]
fn claims_without_a_workspace_or_a_subject_are_rejected() {
    for bad in [
        json!({"sub": "U0R7JM"}),
        json!({"https://slack.com/team_id": "T0R7GR"}),
        json!({"sub": "U0R7JM", "https://slack.com/team_id": ""}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn an_unverified_address_stays_unverified() {
    let mut raw = fixture!("userinfo.json");
    raw["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_slack::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/userinfo.json"),
        r#"{"sub": "U0R7JM", "https://slack.com/team_id": "T0R7GR"}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
