//! The mock OpenID issuer on the wire: discovery, JWKS, codes, PKCE, client authentication and
//! the fault knobs.

use oauth_kit_testkit::{MockOidc, OidcConfig, OidcFault};
use serde_json::Value;

async fn get_json(url: &str) -> Value {
    let body = reqwest::get(url)
        .await
        .expect("the mock answers")
        .bytes()
        .await
        .expect("a body");
    serde_json::from_slice(&body).expect("JSON")
}

#[tokio::test]
async fn discovery_names_the_issuer_and_its_endpoints() {
    let mock = MockOidc::start().await.expect("starts");
    let doc = get_json(&format!(
        "{}/.well-known/openid-configuration",
        mock.issuer()
    ))
    .await;
    assert_eq!(doc["issuer"], mock.issuer().as_str());
    for member in [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
    ] {
        let url = doc[member].as_str().expect(member);
        assert!(url.starts_with(&mock.issuer()), "{member}: {url}");
    }
    assert_eq!(doc["code_challenge_methods_supported"][0], "S256");
    assert_eq!(mock.counters().discovery, 1);
}

#[tokio::test]
async fn jwks_publishes_rsa_ec_and_ed25519_keys_and_rotation_adds_one() {
    let mock = MockOidc::start().await.expect("starts");
    let doc = get_json(&format!(
        "{}/.well-known/openid-configuration",
        mock.issuer()
    ))
    .await;
    let jwks = get_json(doc["jwks_uri"].as_str().expect("jwks_uri")).await;
    let kinds: Vec<&str> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kty"].as_str())
        .collect();
    assert_eq!(kinds, ["RSA", "EC", "OKP"]);
    let kid = mock.rotate_keys().expect("rotates");
    let jwks = get_json(doc["jwks_uri"].as_str().expect("jwks_uri")).await;
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(4));
    assert!(
        jwks["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .any(|k| k["kid"] == kid.as_str())
    );
    assert_eq!(mock.counters().jwks, 2);
}

#[tokio::test]
async fn discovery_fault_names_another_issuer() {
    let mock = MockOidc::start_with(OidcConfig {
        trailing_slash: true,
        ..OidcConfig::default()
    })
    .await
    .expect("starts");
    assert!(mock.issuer().ends_with('/'));
    mock.set_fault(OidcFault::DiscoveryIssuer("https://evil.example".into()));
    let doc = get_json(&format!(
        "{}.well-known/openid-configuration",
        mock.issuer()
    ))
    .await;
    assert_eq!(doc["issuer"], "https://evil.example");
}

#[tokio::test]
async fn token_endpoint_refuses_unlisted_client_authentication() {
    let mock = MockOidc::start_with(OidcConfig {
        auth_methods: vec!["client_secret_post".into()],
        ..OidcConfig::default()
    })
    .await
    .expect("starts");
    let doc = get_json(&format!(
        "{}/.well-known/openid-configuration",
        mock.issuer()
    ))
    .await;
    let response = reqwest::Client::new()
        .post(doc["token_endpoint"].as_str().expect("token_endpoint"))
        .basic_auth(mock.client_id(), Some(mock.client_secret()))
        .form(&[("grant_type", "authorization_code"), ("code", "x")])
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 401);
    assert_eq!(
        mock.counters().last_client_auth.as_deref(),
        Some("client_secret_basic")
    );
}
