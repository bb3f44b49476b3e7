//! Naver's own cases: the envelope and its `resultcode`, the per-application id, the nickname
//! and name, no verified email, `expires_in` as a string, no scope and the credentials in the
//! form body.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_naver::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use std::time::Duration;

use oauth_kit_core::OAuthProvider;
use oauth_kit_naver::{NaverProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use serde_json::json;

#[test]
fn the_user_in_the_envelope_maps_with_name_and_nickname() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "Zk3pX9_qL2mT7vR1cW8yB4nD6fH0jK5sA");
    assert_eq!(user.username.as_deref(), Some("하늘바다"));
    assert_eq!(user.first_name.as_deref(), Some("이서연"));
    assert_eq!(user.email.as_deref(), Some("seoyeon.lee@example.com"));
    assert!(!user.email_verified);
    assert!(user.avatar_url.is_some());
}

#[test]
fn a_result_code_other_than_00_is_an_error_even_with_http_200() {
    assert!(map_fixture(&SPEC, &fixture!("error_401.json")).is_err());
    let mut raw = fixture!("user.json");
    raw["resultcode"] = json!("024");
    assert!(map_fixture(&SPEC, &raw).is_err());
}

#[test]
fn expires_in_arrives_as_a_string() {
    let body = br#"{"access_token":"AAAAQosjWDJieBiQZc3to9YQp6HDLvrmyKC","refresh_token":"c8ceMEJisO4Se7uGisHoX0f5JEii7JnipglQipkOn5Zp3tyP7dHQoP0zNKHUq2gY","token_type":"bearer","expires_in":"3600"}"#;
    let token = parse_token(&SPEC, body).unwrap();
    assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
    let error = br#"{"error":"invalid_request","error_description":"no valid data in session"}"#;
    let err = parse_token(&SPEC, error).unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_request")
    );
}

#[test]
fn a_login_sends_the_credentials_in_the_form() {
    run(async {
        let (mock, naver, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            NaverProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&naver, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert!(
            !mock
                .counters()
                .last_authorize_params
                .contains(&"scope".to_owned())
        );
        let user = naver.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "Zk3pX9_qL2mT7vR1cW8yB4nD6fH0jK5sA");
    });
}
