//! VK ID's own cases: the `device_id` and `state` of the callback sent back with the code (and
//! a callback without `device_id` refused before any token request), the user read with a form
//! POST, the string `user_id`, and no verified email.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_vk_id::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, CsrfState, Error, LoginContext,
    OAuthProvider, PkceVerifier,
};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use oauth_kit_vk_id::{SPEC, VkIdProvider};
use serde_json::json;

#[test]
fn the_user_object_maps_with_its_string_id_and_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "718204563");
    assert_eq!(user.first_name.as_deref(), Some("Дмитрий"));
    assert_eq!(user.last_name.as_deref(), Some("Орлов"));
    assert!(
        user.avatar_url
            .unwrap()
            .starts_with("https://sun9-12.userapi.com/")
    );
    assert_eq!(user.email.as_deref(), Some("d.orlov@example.ru"));
    // `verified` is about the account, not the address.
    let mut raw = fixture!("user.json");
    raw["user"]["verified"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn a_user_without_user_id_or_outside_the_user_object_is_refused() {
    assert!(map_fixture(&SPEC, &json!({"user": {"first_name": "x"}})).is_err());
    assert!(map_fixture(&SPEC, &json!({"user_id": "718204563"})).is_err());
}

#[test]
fn every_login_sends_an_s256_challenge() {
    let vk = VkIdProvider::new("51834972", oauth_kit_core::ClientSecret::new("s")).unwrap();
    let state = CsrfState::new("st");
    let verifier = PkceVerifier::generate().unwrap();
    let challenge = verifier.challenge();
    let options = AuthorizeOptions::default();
    let request =
        AuthorizationRequest::new("https://app.example/cb", &state, &options).with_pkce(&challenge);
    let url = vk.authorization_url(&request).unwrap();
    assert!(url.as_str().starts_with("https://id.vk.com/authorize?"));
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "code_challenge_method" && v == "S256")
    );
}

#[test]
fn the_callback_device_id_and_state_go_back_with_the_code_and_the_user_is_posted_for() {
    run(async {
        let (mock, vk, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            VkIdProvider::from_lookup,
        )
        .await;
        // The mock redirects back with a device_id and refuses a code exchange without it.
        let token = mock.log_in(&vk, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert_eq!(mock.counters().pkce_verified, 1);
        let user = vk.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "718204563");
        assert_eq!(user.provider, "vk-id");
    });
}

#[test]
fn a_callback_without_device_id_is_refused_before_any_token_request() {
    run(async {
        let (mock, vk, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            VkIdProvider::from_lookup,
        )
        .await;
        let state = CsrfState::new("st-1");
        for callback in [
            vec![],
            vec![("device_id".to_owned(), String::new())],
            vec![("ext_id".to_owned(), "x".to_owned())],
        ] {
            let login = LoginContext::new()
                .with_callback(&callback)
                .with_state(Some(&state));
            let result = vk
                .exchange_login_code(
                    &http,
                    &AuthorizationCode::new("code"),
                    "http://localhost:8000/auth/vk-id/callback",
                    None,
                    &login,
                )
                .await;
            match result {
                Err(error @ Error::MalformedCallback { .. }) => {
                    assert_eq!(error.code(), "invalid_callback");
                }
                other => panic!("expected a refused callback, got {other:?}"),
            }
        }
        assert_eq!(mock.counters().token, 0);
    });
}
