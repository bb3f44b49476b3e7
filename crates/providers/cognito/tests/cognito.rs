//! Amazon Cognito's own cases: `sub` as the id (never `username`), `email_verified` as the
//! string `"true"`, the issuer on `cognito-idp` with the endpoints on the pool domain, `%20` in
//! the authorization URL, revocation with the refresh token, and the conformance suite against
//! the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_cognito::{CognitoProvider, SPEC};
use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, CsrfState, Error, OAuthProvider, Revocation,
};
use oauth_kit_testkit::{MockProviderConfig, env_lookup, fixture, map_fixture, start_mock};
use serde_json::{Value, json};

const POOL: &[(&str, &str)] = &[
    ("COGNITO_CLIENT_ID", "4p1kq8rj2m6t0c9v3d7b5n1a"),
    ("COGNITO_CLIENT_SECRET", "secret"),
    (
        "COGNITO_BASE_URL",
        "https://acme.auth.eu-west-1.amazoncognito.com",
    ),
    ("COGNITO_REGION", "eu-west-1"),
    ("COGNITO_USER_POOL_ID", "eu-west-1_Xk2pQ9rT4"),
];

#[test]
fn a_federated_user_maps_with_sub_never_the_username() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "7d2f8a61-3c9e-4b05-9a1d-6e4f2c8b0a35");
    assert_ne!(user.oauth_id, "google_109283746501928374650");
    assert_eq!(user.username, None);
    assert_eq!(user.email.as_deref(), Some("carlos.mendes@example.pt"));
    assert_eq!(user.first_name.as_deref(), Some("Carlos"));
    assert_eq!(user.last_name.as_deref(), Some("Mendes"));
    assert_eq!(user.avatar_url, None);
}

#[test]
fn email_verified_is_read_as_the_string_true_or_a_boolean() {
    assert!(
        map_fixture(&SPEC, &fixture!("claims.json"))
            .unwrap()
            .email_verified
    );
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(true);
    assert!(map_fixture(&SPEC, &raw).unwrap().email_verified);
    for unverified in [json!("false"), json!(false), Value::Null] {
        raw["email_verified"] = unverified.clone();
        assert!(
            !map_fixture(&SPEC, &raw).unwrap().email_verified,
            "{unverified}"
        );
    }
}

#[test]
fn claims_with_only_a_username_are_rejected() {
    for bad in [
        json!({"username": "google_109283746501928374650"}),
        json!({"sub": "", "username": "carlos"}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_issuer_is_on_cognito_idp_and_the_endpoints_on_the_pool_domain() {
    let provider = CognitoProvider::from_lookup(env_lookup(POOL.iter().copied())).unwrap();
    assert_eq!(
        provider.issuer(),
        Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Xk2pQ9rT4")
    );
    assert_eq!(
        provider.user_info_url().as_str(),
        "https://acme.auth.eu-west-1.amazoncognito.com/oauth2/userInfo"
    );
    assert_eq!(provider.scopes(), ["openid", "email", "profile"]);
    assert!(!provider.is_discovered());
}

#[test]
fn a_missing_pool_setting_names_the_variable() {
    for missing in ["COGNITO_BASE_URL", "COGNITO_REGION", "COGNITO_USER_POOL_ID"] {
        let vars: Vec<(&str, &str)> = POOL
            .iter()
            .copied()
            .filter(|(k, _)| *k != missing)
            .collect();
        match CognitoProvider::from_lookup(env_lookup(vars.iter().copied())).unwrap_err() {
            Error::Config { setting, .. } => assert_eq!(setting, missing),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn scopes_go_out_with_percent20_and_revocation_sends_the_refresh_token() {
    let (mock, provider, http) = start_mock(
        &SPEC,
        MockProviderConfig::new(include_str!("fixtures/claims.json")),
        CognitoProvider::from_lookup,
    )
    .await;
    provider.prepare(&http).await.unwrap();
    let state = CsrfState::new("state");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new(
        "http://localhost:8000/auth/cognito/callback",
        &state,
        &options,
    );
    let url = provider.authorization_url(&request).unwrap();
    let query = url.query().unwrap();
    assert!(query.contains("scope=openid%20email%20profile"), "{query}");
    assert!(!query.contains('+'), "{query}");

    let token = mock.log_in(&provider, &http).await.unwrap();
    let user = provider.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "7d2f8a61-3c9e-4b05-9a1d-6e4f2c8b0a35");
    assert!(user.email_verified);
    let refresh_token = token.refresh_token.clone().unwrap();
    assert_eq!(
        provider.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    // The refresh token was the one revoked: it no longer refreshes.
    let err = provider.refresh(&http, &refresh_token).await.unwrap_err();
    assert_eq!(
        err.oauth_error().map(|e| e.error.as_str()),
        Some("invalid_grant"),
        "{err:?}"
    );

    let mut without_refresh_token = token.clone();
    without_refresh_token.refresh_token = None;
    let err = provider
        .revoke(&http, &without_refresh_token)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_cognito::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "7d2f8a61-3c9e-4b05-9a1d-6e4f2c8b0a35"}"#,
    ),
}
