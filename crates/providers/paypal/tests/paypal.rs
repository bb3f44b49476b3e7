//! PayPal's own cases: the `schema=openid` claims mapping (pairwise `sub`, the verified flag,
//! names), `verified_account` kept apart from the address, the sandbox hosts from the
//! environment, HS256 ID tokens refused, and the conformance suite against the testkit's mock
//! issuer (HTTP Basic only, PayPal's error envelope).

#![allow(clippy::unwrap_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use oauth_kit_core::oidc::IdTokenError;
use oauth_kit_core::{ClientAuth, Error, HttpClient, IdToken, LoginContext, OAuthProvider};
use oauth_kit_paypal::{PayPalProvider, SPEC};
use oauth_kit_testkit::{MockProvider, MockProviderConfig, env_lookup, map_fixture};
use serde_json::{Value, json};

fn userinfo() -> Value {
    serde_json::from_str(include_str!("fixtures/userinfo.json")).unwrap()
}

#[test]
fn a_paypal_account_maps_with_its_pairwise_subject_and_verified_address() {
    let raw = userinfo();
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.oauth_id, "mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA");
    // `user_id` names the same pairwise id as a URL.
    assert!(
        raw["user_id"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/identity/user/{}", user.oauth_id))
    );
    assert_eq!(user.email.as_deref(), Some("daniel.cohen@example.com"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Daniel"));
    assert_eq!(user.last_name.as_deref(), Some("Cohen"));
    assert_eq!((user.username, user.avatar_url), (None, None));
}

#[test]
fn a_verified_account_does_not_verify_the_address() {
    let mut raw = userinfo();
    raw["email_verified"] = json!(false);
    raw["verified_account"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
    raw.as_object_mut().unwrap().remove("email_verified");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn claims_without_sub_are_rejected_even_with_a_user_id() {
    let bad = json!({"user_id": "https://www.paypal.com/webapps/auth/identity/user/mWq6"});
    assert!(map_fixture(&SPEC, &bad).is_err());
}

#[test]
fn only_http_basic_and_rs256_are_used() {
    assert_eq!(SPEC.client_auth, ClientAuth::Basic);
    let openid = SPEC.openid.unwrap();
    assert!(!openid.client_auth_from_discovery);
    assert_eq!(
        openid.algorithms,
        [oauth_kit_core::oidc::SigningAlgorithm::RS256]
    );
}

#[test]
fn the_sandbox_hosts_come_from_the_environment() {
    let provider = PayPalProvider::from_lookup(env_lookup([
        ("PAYPAL_CLIENT_ID", "AYSq3RDGsmBLJE-otTkBtM"),
        ("PAYPAL_CLIENT_SECRET", "secret"),
        ("PAYPAL_ISSUER", "https://www.sandbox.paypal.com"),
        ("PAYPAL_API_URL", "https://api-m.sandbox.paypal.com"),
    ]))
    .unwrap();
    assert_eq!(provider.issuer(), Some("https://www.sandbox.paypal.com"));
    assert_eq!(
        provider.user_info_url().as_str(),
        "https://api-m.sandbox.paypal.com/v1/identity/openidconnect/userinfo?schema=openid"
    );
    assert_eq!(
        provider.token_url().as_str(),
        "https://api-m.sandbox.paypal.com/v1/oauth2/token"
    );
}

#[tokio::test]
async fn an_hs256_id_token_is_refused_even_keyed_with_the_client_secret() {
    let mock = MockProvider::start(&SPEC, MockProviderConfig::sample(&SPEC))
        .await
        .unwrap();
    let provider = mock.provider_builder().build().unwrap();
    let http = HttpClient::new().unwrap();
    provider.prepare(&http).await.unwrap();
    let mut token = mock.log_in(&provider, &http).await.unwrap();
    let login = LoginContext::new();
    // The mock's RS256 token passes: the check below can fail.
    assert!(provider.login_user(&http, &token, &login).await.is_ok());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut claims = userinfo();
    claims["iss"] = json!(mock.issuer().unwrap());
    claims["aud"] = json!(mock.client_id());
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 600);
    oauth_kit_core::oidc::ensure_crypto_provider();
    let key = EncodingKey::from_secret(mock.client_secret().as_bytes()).unwrap();
    let forged = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
    token.id_token = Some(IdToken::new(forged));
    match provider.login_user(&http, &token, &login).await {
        Err(Error::IdToken { kind, .. }) => {
            assert!(
                matches!(kind, IdTokenError::AlgorithmNotAllowed { .. }),
                "{kind:?}"
            );
        }
        other => panic!("expected a refused algorithm, got {other:?}"),
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_paypal::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/userinfo.json"),
        r#"{"sub": "mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA"}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
