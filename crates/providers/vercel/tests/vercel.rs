//! Vercel's own cases: the standard claims, `email_verified`, the username as the name's
//! fallback, required PKCE, rotating refresh tokens and revocation.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_vercel::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{OAuthProvider, Revocation};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use oauth_kit_vercel::{SPEC, VercelProvider};
use serde_json::json;

#[test]
fn the_claims_map_with_a_verified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "Vj3kQ9pXr2LtWm8ZbN4cYe1s");
    assert_eq!(user.username.as_deref(), Some("elenap"));
    assert_eq!(user.full_name().as_deref(), Some("Elena Petrova"));
    assert!(user.email_verified);
    assert!(user.avatar_url.is_some());
}

#[test]
fn the_username_names_a_user_without_a_name_and_unverified_is_untrusted() {
    let mut raw = fixture!("user.json");
    raw.as_object_mut().unwrap().remove("name");
    raw["email_verified"] = json!(false);
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.first_name.as_deref(), Some("elenap"));
    assert!(!user.email_verified);
    assert!(map_fixture(&SPEC, &json!({"email": "x@example.com"})).is_err());
}

#[test]
fn pkce_is_required_and_refresh_tokens_rotate() {
    run(async {
        let (mock, vercel, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            VercelProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&vercel, &http).await.unwrap();
        assert_eq!(mock.counters().pkce_verified, 1);
        let old = token.refresh_token.clone().unwrap();
        let new = vercel.refresh(&http, &old).await.unwrap();
        assert!(vercel.refresh(&http, &old).await.is_err());
        assert_eq!(
            vercel.revoke(&http, &new).await.unwrap(),
            Revocation::Revoked
        );
    });
}
