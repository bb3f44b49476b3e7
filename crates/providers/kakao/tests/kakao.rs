//! Kakao's own cases: the 64-bit id written out, the email trusted only when valid and
//! verified, the nickname and image fallbacks, Kakao's error envelope with the missing consent
//! items, the credentials in the form body and a refresh that keeps the refresh token.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_kakao::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json"))
    .error(403, include_str!("fixtures/error_403.json")),
}

use oauth_kit_core::OAuthProvider;
use oauth_kit_kakao::{KakaoProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{
    Endpoint, Fault, MockProviderConfig, RefreshTokens, StatusError, expect_http_status, fixture,
    map_fixture, start_mock,
};
use serde_json::json;

#[test]
fn the_user_maps_with_the_integer_id_and_a_verified_address() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "3197845021");
    assert_eq!(user.first_name.as_deref(), Some("김민준"));
    assert_eq!(user.email.as_deref(), Some("minjun.kim@example.kr"));
    assert!(user.email_verified);
    assert!(user.avatar_url.unwrap().ends_with("img_640x640.jpg"));
}

#[test]
fn ids_above_two_to_the_53_are_exact() {
    let user = map_fixture(&SPEC, &json!({"id": 9_007_199_254_740_993u64})).unwrap();
    assert_eq!(user.oauth_id, "9007199254740993");
}

#[test]
fn an_address_is_trusted_only_when_valid_and_verified() {
    for (valid, verified) in [(true, false), (false, true), (false, false)] {
        let mut raw = fixture!("user.json");
        raw["kakao_account"]["is_email_valid"] = json!(valid);
        raw["kakao_account"]["is_email_verified"] = json!(verified);
        let user = map_fixture(&SPEC, &raw).unwrap();
        assert_eq!(user.email.as_deref(), Some("minjun.kim@example.kr"));
        assert!(!user.email_verified, "valid {valid}, verified {verified}");
    }
}

#[test]
fn the_properties_are_the_fallback_for_nickname_and_image() {
    let mut raw = fixture!("user.json");
    raw["kakao_account"]
        .as_object_mut()
        .unwrap()
        .remove("profile");
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.first_name.as_deref(), Some("김민준"));
    assert!(user.avatar_url.is_some());
}

#[test]
fn a_missing_consent_names_the_scopes_and_a_refresh_keeps_the_refresh_token() {
    run(async {
        let (mock, kakao, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json"))
                .error(403, include_str!("fixtures/error_403.json")),
            KakaoProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Omit);
        let token = mock.log_in(&kakao, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let old = token.refresh_token.clone().unwrap();
        let refreshed = kakao.refresh(&http, &old).await.unwrap();
        assert_eq!(refreshed.refresh_token.unwrap().secret(), old.secret());
        mock.set_fault(Endpoint::User, Fault::Status(403));
        let err = kakao.user_info(&http, &token).await.unwrap_err();
        let StatusError { message, hint, .. } = expect_http_status(&err);
        assert_eq!(message.as_deref(), Some("insufficient scopes."));
        assert!(hint.unwrap().contains("account_email"));
    });
}
