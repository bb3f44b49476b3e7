//! Apple's own cases: the ES256 client secret (its header and claims, verified with the key's
//! public half, and sent as `client_secret` in the token request's body), the key variables,
//! the mapping (string booleans, names only from the first login's `user` field), a whole
//! form_post login through the flow, and the conformance suite against the testkit's mock.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth_kit_apple::{AppleClientSecret, AppleProvider, SPEC};
use oauth_kit_core::{
    AuthorizationCode, BeginOptions, ClientAssertion, ClientSecret, Error, FlowConfig, HttpClient,
    LoginService, OAuthProvider, ProviderRegistry,
};
use oauth_kit_testkit::{MockProvider, MockProviderConfig, fixture, map_fixture};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TEAM_ID: &str = "7QX2KD9PLM";
const KEY_ID: &str = "K4V8N2R6TQ";
const SERVICES_ID: &str = "com.example.web.signin";
const PRIVATE_KEY: &str = include_str!("fixtures/test_key.p8");

fn from_vars(vars: &[(&str, &str)]) -> Result<AppleProvider, Error> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    AppleProvider::from_lookup(move |name| vars.get(name).cloned())
}

/// The claims of a client secret, after its ES256 signature is verified with the public key.
fn verified_claims(jwt: &str) -> (jsonwebtoken::Header, Value) {
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&["https://appleid.apple.com"]);
    validation.set_issuer(&[TEAM_ID]);
    // The public half of the test key, as a JWK.
    let der: String = PRIVATE_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(der)
        .unwrap();
    let private = jsonwebtoken::EncodingKey::from_ec_der(&der);
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&private, Algorithm::ES256).unwrap();
    let key = DecodingKey::from_jwk(&jwk).unwrap();
    let data = jsonwebtoken::decode::<Value>(jwt, &key, &validation).unwrap();
    (data.header, data.claims)
}

#[test]
fn the_client_secret_is_an_es256_jwt_for_the_services_id() {
    let signer = AppleClientSecret::new(TEAM_ID, KEY_ID, PRIVATE_KEY).unwrap();
    let secret = signer
        .sign(SERVICES_ID, "https://appleid.apple.com/auth/token")
        .unwrap();
    let (header, claims) = verified_claims(secret.secret());
    assert_eq!(header.alg, Algorithm::ES256);
    assert_eq!(header.kid.as_deref(), Some(KEY_ID));
    assert_eq!(claims["sub"], SERVICES_ID);
    assert_eq!(claims["aud"], "https://appleid.apple.com");
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert!(
        exp > iat && exp - iat <= 15_777_000,
        "Apple's six-month limit"
    );
}

#[test]
fn ids_and_keys_apple_would_refuse_are_configuration_errors() {
    for (team, key, pem) in [
        ("7QX2KD9PL", KEY_ID, PRIVATE_KEY),
        (TEAM_ID, "K4V8N2R6T!", PRIVATE_KEY),
        (
            TEAM_ID,
            KEY_ID,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        ),
    ] {
        assert!(
            matches!(
                AppleClientSecret::new(team, key, pem),
                Err(Error::Config { .. })
            ),
            "{team} {key}"
        );
    }
}

#[test]
fn the_key_variables_stand_in_for_a_client_secret() {
    // A .p8 file pasted into one line with `\n` escapes, as environment files often hold it.
    let one_line = PRIVATE_KEY.trim().replace('\n', "\\n");
    let provider = from_vars(&[
        ("APPLE_CLIENT_ID", SERVICES_ID),
        ("APPLE_TEAM_ID", TEAM_ID),
        ("APPLE_KEY_ID", KEY_ID),
        ("APPLE_PRIVATE_KEY", &one_line),
    ])
    .unwrap();
    assert_eq!(provider.client_id(), SERVICES_ID);
    assert!(provider.capabilities().form_post);
}

#[test]
fn incomplete_key_variables_name_the_missing_one() {
    let err = from_vars(&[
        ("APPLE_CLIENT_ID", SERVICES_ID),
        ("APPLE_TEAM_ID", TEAM_ID),
        ("APPLE_PRIVATE_KEY", PRIVATE_KEY),
    ])
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "APPLE_KEY_ID"),
        other => panic!("{other:?}"),
    }
    let err = from_vars(&[("APPLE_CLIENT_ID", SERVICES_ID)]).unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "APPLE_CLIENT_SECRET"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_token_request_carries_a_fresh_signed_secret_in_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(|request: &Request| {
            let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect();
            let Some(secret) = form.get("client_secret") else {
                return false;
            };
            let (_, claims) = verified_claims(secret);
            request.headers.get("authorization").is_none()
                && form.get("client_id").map(String::as_str) == Some(SERVICES_ID)
                && claims["sub"] == SERVICES_ID
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "a5e0c7d2b9f14e6a8c3d2b1f0e9d8c7ba.0.rzwx.Vm9pZEF0dG9ybmV5",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "r91d3b6a0e2c47f8b5a4c3d2e1f0a9b8c.0.rzwx.Qm9yZWFsaXNMYWtl"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let provider = AppleProvider::builder(SERVICES_ID, ClientSecret::new(""))
        .client_assertion(Arc::new(
            AppleClientSecret::new(TEAM_ID, KEY_ID, PRIVATE_KEY).unwrap(),
        ))
        .issuer(server.uri())
        .token_url(format!("{}/auth/token", server.uri()))
        .authorize_url(format!("{}/auth/authorize", server.uri()))
        .build()
        .unwrap();
    // Discovery is not needed for a token request with pinned endpoints; it is served anyway.
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": server.uri(),
            "authorization_endpoint": format!("{}/auth/authorize", server.uri()),
            "token_endpoint": format!("{}/auth/token", server.uri()),
            "jwks_uri": format!("{}/auth/keys", server.uri()),
            "token_endpoint_auth_methods_supported": ["client_secret_post"]
        })))
        .mount(&server)
        .await;
    let token = provider
        .exchange_code(
            &HttpClient::new().unwrap(),
            &AuthorizationCode::new(
                "c8a41f0b2e7d94c6a5b3f1e0d9c8b7a6f.0.rzwx.Xk3pQ8mZ2vLr9TnWb4YcHs",
            ),
            "https://app.example.test/auth/apple/callback",
            None,
        )
        .await
        .unwrap();
    assert!(token.refresh_token.is_some());
}

#[test]
fn string_booleans_from_apple_are_read() {
    let user = map_fixture(&SPEC, &fixture!("claims_strings.json")).unwrap();
    assert_eq!(user.email.as_deref(), Some("amara.lindqvist@example.com"));
    assert!(user.email_verified);
    let mut raw = fixture!("claims_strings.json");
    raw["email_verified"] = json!("false");
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn names_come_only_from_the_first_login_user_field() {
    let first = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(first.first_name.as_deref(), Some("Amara"));
    assert_eq!(first.last_name.as_deref(), Some("Lindqvist"));
    let later = map_fixture(&SPEC, &fixture!("claims_strings.json")).unwrap();
    assert_eq!((later.first_name, later.last_name), (None, None));
    // The unsigned field never supplies the address.
    let mut raw = fixture!("claims.json");
    raw.as_object_mut().unwrap().remove("email");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().email, None);
}

#[tokio::test]
async fn a_form_post_login_through_the_flow_keeps_the_first_login_names() {
    let mock = MockProvider::start(
        &SPEC,
        MockProviderConfig::new(include_str!("fixtures/claims.json")),
    )
    .await
    .unwrap();
    let provider = mock.point(AppleProvider::builder(
        mock.client_id(),
        ClientSecret::new(mock.client_secret()),
    ));
    let config = FlowConfig::builder("https://app.example.test")
        .build()
        .unwrap();
    let registry = ProviderRegistry::new()
        .with(provider.build().unwrap())
        .unwrap();
    let service = LoginService::new(registry, config).unwrap();
    let begin = service
        .begin("apple", BeginOptions::default())
        .await
        .unwrap();
    assert!(
        begin
            .authorization_url
            .query_pairs()
            .any(|(k, v)| k == "response_mode" && v == "form_post")
    );
    // What the browser POSTs to the callback, as a form body.
    let callback = mock
        .authorize(begin.authorization_url.as_str())
        .await
        .unwrap();
    let cookie = format!("{}={}", begin.cookie.name(), begin.cookie.value());
    let done = service
        .complete_with_cookie_headers("apple", callback.query().unwrap(), [cookie.as_str()])
        .await;
    let user = done.result.unwrap().user;
    assert_eq!(
        user.oauth_id,
        "001473.8e1f9c2b7a4d4f0e9c3b5a6d7e8f9a0b.1642"
    );
    assert_eq!(user.first_name.as_deref(), Some("Amara"));
    assert!(user.email_verified);
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_apple::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "001473.8e1f9c2b7a4d4f0e9c3b5a6d7e8f9a0b.1642"}"#,
    ),
}
