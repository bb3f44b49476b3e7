//! Kick's own cases: the user inside the `data` array envelope, the integer `user_id` written
//! out, no verified email, PKCE required and the credentials in the form body.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_kick::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, OAuthProvider, PkceVerifier,
};
use oauth_kit_kick::{KickProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_user_is_the_first_entry_of_the_data_envelope() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "48120397");
    assert_eq!(user.username.as_deref(), Some("driftqueen"));
    assert_eq!(user.email.as_deref(), Some("drift.queen@example.com"));
    assert!(!user.email_verified);
    assert!(user.avatar_url.unwrap().ends_with("-fullsize.webp"));
    assert_eq!((user.first_name, user.last_name), (None, None));
}

#[test]
fn an_integer_user_id_is_written_out_exactly() {
    let raw = json!({"data": [{"user_id": 9_007_199_254_740_993_u64}], "message": "OK"});
    assert_eq!(
        map_fixture(&SPEC, &raw).unwrap().oauth_id,
        "9007199254740993"
    );
}

#[test]
fn an_empty_envelope_or_a_user_without_an_id_is_rejected() {
    assert!(map_fixture(&SPEC, &json!({"data": [], "message": "OK"})).is_err());
    assert!(
        map_fixture(
            &SPEC,
            &json!({"data": [{"name": "driftqueen"}], "message": "OK"})
        )
        .is_err()
    );
    // A bare user object is not Kick's answer.
    assert!(map_fixture(&SPEC, &json!({"user_id": 48120397})).is_err());
}

#[test]
fn every_authorization_sends_an_s256_challenge() {
    let kick = KickProvider::new("01JG7Q2M4R8T6W1Y3A5C7E9G0H", ClientSecret::new("s")).unwrap();
    let state = CsrfState::new("st");
    let verifier = PkceVerifier::generate().unwrap();
    let challenge = verifier.challenge();
    let options = AuthorizeOptions::default();
    let request =
        AuthorizationRequest::new("https://app.example/cb", &state, &options).with_pkce(&challenge);
    let url = kick.authorization_url(&request).unwrap();
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "code_challenge_method" && v == "S256")
    );
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "scope" && v == "user:read")
    );
    assert!(kick.capabilities().pkce);
}

#[test]
fn a_login_sends_the_verifier_and_the_credentials_in_the_form() {
    run(async {
        let (mock, kick, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            KickProvider::from_lookup,
        )
        .await;
        // The mock of a PKCE spec refuses an exchange without the verifier.
        let token = mock.log_in(&kick, &http).await.unwrap();
        let counters = mock.counters();
        assert_eq!(counters.last_client_auth, Some("client_secret_post"));
        assert_eq!(counters.pkce_verified, 1);
        assert_eq!(
            kick.user_info(&http, &token).await.unwrap().oauth_id,
            "48120397"
        );
    });
}
