//! LINE's own cases: the claims mapping (`sub`, the unsplit display name, an email that is
//! never verified) and the `/v2/profile` shape, ID tokens HS256-signed with the channel secret
//! although discovery names ES256, and the conformance suite against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use oauth_kit_core::oidc::IdTokenError;
use oauth_kit_core::{Error, HttpClient, IdToken, LoginContext, OAuthProvider, SpecProvider};
use oauth_kit_line::SPEC;
use oauth_kit_testkit::{MockProvider, MockProviderConfig, fixture, map_fixture};
use serde_json::{Value, json};

#[test]
fn id_token_claims_map_with_the_unsplit_display_name_and_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "U4af4980629c3f1a2b5d8e7c6b9a0d1e2");
    // Family name first: the display name is kept whole.
    assert_eq!(user.first_name.as_deref(), Some("佐藤 花子"));
    assert_eq!(user.last_name, None);
    assert_eq!(user.email.as_deref(), Some("hanako.sato@example.jp"));
    assert!(!user.email_verified);
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://profile.line-scdn.net/")
    );
}

#[test]
fn an_email_verified_claim_is_not_trusted() {
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn the_profile_endpoint_shape_maps_to_the_same_user() {
    let profile = map_fixture(&SPEC, &fixture!("profile.json")).unwrap();
    let claims = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(profile.oauth_id, claims.oauth_id);
    assert_eq!(profile.first_name, claims.first_name);
    assert_eq!(profile.avatar_url, claims.avatar_url);
    assert_eq!(profile.email, None);
}

#[test]
fn claims_without_an_id_are_rejected() {
    for bad in [json!({"name": "佐藤 花子"}), json!({"sub": " "})] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

/// A mock of LINE and a provider pointed at it, with discovery done.
async fn line() -> (MockProvider, SpecProvider, HttpClient) {
    let mock = MockProvider::start(&SPEC, MockProviderConfig::sample(&SPEC))
        .await
        .unwrap();
    let provider = mock.provider_builder().build().unwrap();
    let http = HttpClient::new().unwrap();
    provider.prepare(&http).await.unwrap();
    (mock, provider, http)
}

/// The claims of a LINE ID token for `provider`, valid now.
fn claims(mock: &MockProvider) -> Value {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut claims = fixture!("claims.json");
    claims["iss"] = json!(mock.issuer().unwrap());
    claims["aud"] = json!(mock.client_id());
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 600);
    claims.as_object_mut().unwrap().remove("nonce");
    claims
}

fn hs256(claims: &Value, secret: &str) -> IdToken {
    oauth_kit_core::oidc::ensure_crypto_provider();
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    IdToken::new(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap())
}

#[tokio::test]
async fn hs256_id_tokens_keyed_with_the_channel_secret_log_in_although_discovery_says_es256() {
    let (mock, provider, http) = line().await;
    let metadata = provider.provider_metadata().unwrap();
    assert_eq!(metadata.id_token_signing_alg_values_supported, ["ES256"]);
    let token = mock.log_in(&provider, &http).await.unwrap();
    let user = provider
        .login_user(&http, &token, &LoginContext::new())
        .await
        .unwrap();
    assert_eq!(user.oauth_id, "U4af4980629c3f1a2b5d8e7c6b9a0d1e2");
    assert_eq!(user.email.as_deref(), Some("hanako.sato@example.jp"));
    assert!(!user.email_verified);
    // The claims are the user: no user-info request, and no JWKS.
    assert_eq!(mock.counters().user, 0);
    assert_eq!(provider.jwks_fetch_count(), 0);
}

#[tokio::test]
async fn an_id_token_keyed_with_another_channel_secret_is_refused() {
    let (mock, provider, http) = line().await;
    let mut token = mock.log_in(&provider, &http).await.unwrap();
    let claims = claims(&mock);
    // Re-signed with the channel secret, the token passes: the check below can fail.
    token.id_token = Some(hs256(&claims, &mock.client_secret()));
    let login = LoginContext::new();
    assert!(provider.login_user(&http, &token, &login).await.is_ok());
    token.id_token = Some(hs256(&claims, "another-channel-secret"));
    match provider.login_user(&http, &token, &login).await {
        Err(Error::IdToken { kind, .. }) => assert_eq!(kind, IdTokenError::InvalidSignature),
        other => panic!("expected an invalid signature, got {other:?}"),
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_line::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "U4af4980629c3f1a2b5d8e7c6b9a0d1e2"}"#,
    ),
}
