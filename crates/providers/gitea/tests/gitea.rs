//! Gitea's and Forgejo's own cases: the claims mapping (numeric `sub`, login name, verified
//! flag), the issuer `{base}/` with its trailing slash, PKCE S256 in the authorization URL,
//! and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, CsrfState, Error, HttpClient, OAuthProvider,
    PkceVerifier,
};
use oauth_kit_gitea::{GiteaProvider, SPEC};
use oauth_kit_testkit::{MockProvider, MockProviderConfig, env_lookup, fixture, map_fixture};
use serde_json::{Value, json};

#[test]
fn a_gitea_user_maps_with_the_numeric_sub_and_the_login_name() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "3142");
    assert_eq!(user.username.as_deref(), Some("mbauer"));
    assert_eq!(user.email.as_deref(), Some("mara.bauer@example.de"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Mara"));
    assert_eq!(user.last_name.as_deref(), Some("Bauer"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://git.example.de/avatars/6f1e2d3c4b5a")
    );
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://git.example.de/mbauer")
    );
}

#[test]
fn the_sub_is_the_rest_api_id_and_the_rest_user_is_not_taken_for_claims() {
    let rest: Value = serde_json::from_str(include_str!("fixtures/api_user.json")).unwrap();
    assert_eq!(
        fixture!("claims.json")["sub"],
        json!(rest["id"].to_string())
    );
    // `/api/v1/user` has no `sub`: pointed at it, the mapping refuses rather than guess.
    assert!(map_fixture(&SPEC, &rest).is_err());
}

#[test]
fn an_unverified_address_stays_unverified() {
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
    raw.as_object_mut().unwrap().remove("email_verified");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn the_issuer_is_the_base_url_with_a_trailing_slash() {
    for base in ["https://git.example.de", "https://git.example.de/"] {
        let provider = GiteaProvider::from_lookup(env_lookup([
            ("GITEA_BASE_URL", base),
            ("GITEA_CLIENT_ID", "0c9a4e7b-5d21-4f3e-9b8a-6e2d1c7f4a05"),
            ("GITEA_CLIENT_SECRET", "secret"),
        ]))
        .unwrap();
        assert_eq!(provider.issuer(), Some("https://git.example.de/"), "{base}");
    }
    let forgejo = GiteaProvider::builder("id", oauth_kit_core::ClientSecret::new("s"))
        .base_url("https://codeberg.example/forgejo")
        .name("forgejo")
        .build()
        .unwrap();
    assert_eq!(forgejo.issuer(), Some("https://codeberg.example/forgejo/"));
    assert_eq!(forgejo.name(), "forgejo");
}

#[test]
fn a_missing_base_url_names_the_variable() {
    let err = GiteaProvider::from_lookup(env_lookup([
        ("GITEA_CLIENT_ID", "id"),
        ("GITEA_CLIENT_SECRET", "secret"),
    ]))
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "GITEA_BASE_URL"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_login_sends_an_s256_challenge() {
    let mock = MockProvider::start(
        &SPEC,
        MockProviderConfig::new(include_str!("fixtures/claims.json")),
    )
    .await
    .unwrap();
    let provider = GiteaProvider::from_lookup(mock.env_lookup()).unwrap();
    assert!(provider.issuer().unwrap().ends_with('/'));
    let http = HttpClient::new().unwrap();
    provider.prepare(&http).await.unwrap();
    let state = CsrfState::new("state");
    let verifier = PkceVerifier::generate().unwrap();
    let challenge = verifier.challenge();
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new(
        "http://localhost:8000/auth/gitea/callback",
        &state,
        &options,
    )
    .with_pkce(&challenge);
    let url = provider.authorization_url(&request).unwrap();
    let method = url
        .query_pairs()
        .find(|(k, _)| k == "code_challenge_method")
        .map(|(_, v)| v.into_owned());
    assert_eq!(method.as_deref(), Some("S256"));
    let token = mock.log_in(&provider, &http).await.unwrap();
    let user = provider.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "3142");
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_gitea::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "3142"}"#,
    ),
}
