//! Coinbase's own cases: the envelope, the UUID id, no verified email, comma-separated scopes
//! with `offline_access`, an explicit S256 PKCE method (Coinbase defaults to `plain`), the
//! credentials in the form body, single-use refresh tokens and the revocation endpoint.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_coinbase::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_coinbase::{CoinbaseProvider, SPEC};
use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, OAuthProvider, PkceVerifier,
};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_user_maps_from_the_data_envelope() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "9d2f6a1c-4b7e-5e3a-8c0d-1f2e3a4b5c6d");
    assert_eq!(user.username.as_deref(), Some("luciaf"));
    assert_eq!(user.full_name().as_deref(), Some("Lucía Fernández"));
    assert_eq!(user.email.as_deref(), Some("lucia.fernandez@example.com"));
    assert!(!user.email_verified);
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://coinbase.com/luciaf")
    );
    assert!(map_fixture(&SPEC, &json!({"id": "top-level-is-not-the-user"})).is_err());
}

#[test]
fn scopes_are_comma_separated_and_the_pkce_method_is_always_s256() {
    let coinbase = CoinbaseProvider::new("client", ClientSecret::new("secret")).unwrap();
    let state = CsrfState::new("a-state-of-at-least-8");
    let verifier = PkceVerifier::generate().unwrap();
    let challenge = verifier.challenge();
    let options = AuthorizeOptions::default();
    let request =
        AuthorizationRequest::new("https://app.example/cb", &state, &options).with_pkce(&challenge);
    let url = coinbase.authorization_url(&request).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        param("scope"),
        Some("wallet:user:read,wallet:user:email,offline_access")
    );
    assert_eq!(param("code_challenge_method"), Some("S256"));
    assert_eq!(
        coinbase.oauth2().revocation_url().map(|u| u.as_str()),
        Some("https://login.coinbase.com/oauth2/revoke")
    );
}

#[test]
fn a_single_use_refresh_token_is_replaced() {
    run(async {
        let (mock, coinbase, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            CoinbaseProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&coinbase, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert_eq!(mock.counters().pkce_verified, 1);
        assert!(token.scopes.contains(&"offline_access".to_owned()));
        let old = token.refresh_token.clone().unwrap();
        let new = coinbase.refresh(&http, &old).await.unwrap();
        assert!(coinbase.refresh(&http, &old).await.is_err());
        assert!(
            coinbase
                .refresh(&http, &new.refresh_token.unwrap())
                .await
                .is_ok()
        );
    });
}
