//! Dropbox's own cases: `account_id` as the id, `email_verified` as the email flag, the given
//! names rather than the suffixed display name, `token_access_type=offline`, the bodiless POST
//! for the account and revocation with the token itself.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_dropbox::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, OAuthProvider, Revocation,
};
use oauth_kit_dropbox::{DropboxProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_account_maps_with_given_names_not_the_suffixed_display_name() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "dbid:AAB3kq9ZrT0xWm2pL7vY4cN8sQe1uHfJ5dA");
    assert_eq!(user.email.as_deref(), Some("ines.navarro@example.com"));
    assert!(user.email_verified);
    assert_eq!(user.full_name().as_deref(), Some("Ines Navarro"));
    assert_eq!(user.username, None);
    assert!(
        user.avatar_url
            .unwrap()
            .starts_with("https://dl-web.dropbox.com/")
    );
}

#[test]
fn an_unverified_address_is_not_trusted() {
    let mut raw = fixture!("user.json");
    raw["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn an_account_without_account_id_is_rejected() {
    assert!(map_fixture(&SPEC, &json!({"email": "x@example.com"})).is_err());
}

#[test]
fn every_authorization_asks_for_an_offline_token() {
    let dropbox = DropboxProvider::new("k7q2m9x4p1w8z3c", ClientSecret::new("secret")).unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = dropbox.authorization_url(&request).unwrap();
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "token_access_type" && v == "offline")
    );
}

#[test]
fn the_account_is_posted_for_and_revocation_uses_the_token_itself() {
    run(async {
        let (mock, dropbox, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            DropboxProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&dropbox, &http).await.unwrap();
        assert_eq!(
            mock.counters().last_client_auth,
            Some("client_secret_basic")
        );
        let user = dropbox.user_info(&http, &token).await.unwrap();
        assert_eq!(user.provider, "dropbox");
        assert_eq!(
            dropbox.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        // The revoked token no longer reaches the account.
        assert!(dropbox.user_info(&http, &token).await.is_err());
        assert_eq!(mock.counters().revoke, 1);
    });
}
