//! The generic provider's configuration, its claims mapping on recorded-shape fixtures
//! (Keycloak, Okta, Auth0), a login against the testkit's mock issuer, and the conformance
//! suite against the spec's own mock.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::oidc::ProviderMetadata;
use oauth_kit_core::{
    BeginOptions, Error, FlowConfig, LoginService, OAuthProvider, ProviderRegistry,
};
use oauth_kit_oidc::{OidcProvider, SPEC};
use oauth_kit_testkit::{MockOidc, env_lookup, fixture, map_fixture};

#[test]
fn keycloak_claims_map_to_the_user() {
    let user = map_fixture(&SPEC, &fixture!("keycloak_claims.json")).unwrap();
    assert_eq!(user.oauth_id, "f3b1c9d2-7a4e-4b8f-9c61-2e5d8a0b7c13");
    assert_eq!(user.username.as_deref(), Some("ghopper"));
    assert_eq!(user.email.as_deref(), Some("grace@example.com"));
    assert!(!user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Grace"));
    assert_eq!(user.last_name.as_deref(), Some("Hopper"));
}

#[test]
fn auth0_sub_is_kept_whole_and_string_email_verified_counts() {
    let user = map_fixture(&SPEC, &fixture!("auth0_claims.json")).unwrap();
    assert_eq!(user.oauth_id, "auth0|6659a8b3c4d2e1f0a9b8c7d6");
    assert!(user.email_verified);
    assert_eq!(user.username.as_deref(), Some("linus"));
    assert!(
        user.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://s.gravatar.com/")
    );
}

#[test]
fn okta_claims_without_email_verified_are_unverified_and_split_the_name() {
    let user = map_fixture(&SPEC, &fixture!("okta_claims.json")).unwrap();
    assert_eq!(user.oauth_id, "00u1a2b3c4D5e6F7g8h9");
    assert!(!user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Margaret"));
    assert_eq!(user.last_name.as_deref(), Some("Hamilton"));
}

#[test]
fn keycloak_discovery_lists_basic_after_private_key_jwt_and_s256() {
    let metadata: ProviderMetadata =
        serde_json::from_value(fixture!("keycloak_discovery.json")).unwrap();
    let first = metadata
        .token_auth_methods()
        .into_iter()
        .find(|m| matches!(*m, "client_secret_basic" | "client_secret_post"));
    assert_eq!(first, Some("client_secret_basic"));
    assert!(metadata.supports_s256());
    assert!(metadata.authorization_response_iss_parameter_supported);
}

#[test]
fn missing_issuer_is_a_configuration_error_naming_the_variable() {
    let err = OidcProvider::from_lookup(env_lookup([
        ("OIDC_CLIENT_ID", "app"),
        ("OIDC_CLIENT_SECRET", "secret"),
    ]))
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "OIDC_ISSUER"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn http_issuer_is_accepted_on_loopback_only() {
    let vars = |issuer| {
        env_lookup([
            ("OIDC_ISSUER", issuer),
            ("OIDC_CLIENT_ID", "app"),
            ("OIDC_CLIENT_SECRET", "secret"),
        ])
    };
    assert!(OidcProvider::from_lookup(vars("http://127.0.0.1:8080/realms/a")).is_ok());
    assert!(OidcProvider::from_lookup(vars("http://localhost:8080/realms/a")).is_ok());
    match OidcProvider::from_lookup(vars("http://sso.example.com/realms/a")).unwrap_err() {
        Error::Config { setting, .. } => assert_eq!(setting, "OIDC_ISSUER"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn configured_scope_always_includes_openid() {
    let provider = OidcProvider::from_lookup(env_lookup([
        ("OIDC_ISSUER", "https://sso.example.com/realms/a"),
        ("OIDC_CLIENT_ID", "app"),
        ("OIDC_CLIENT_SECRET", "secret"),
        ("OIDC_SCOPE", "email groups"),
    ]))
    .unwrap();
    assert_eq!(provider.scopes(), ["openid", "email", "groups"]);
    assert!(provider.capabilities().pkce);
}

#[tokio::test]
async fn provider_from_the_environment_logs_in_at_the_mock_issuer() {
    let mock = MockOidc::start().await.unwrap();
    let (issuer, id, secret) = (mock.issuer(), mock.client_id(), mock.client_secret());
    let provider = OidcProvider::from_lookup(env_lookup([
        ("OIDC_ISSUER", &issuer),
        ("OIDC_CLIENT_ID", &id),
        ("OIDC_CLIENT_SECRET", &secret),
    ]))
    .unwrap();
    let config = FlowConfig::builder("http://localhost:8000")
        .build()
        .unwrap();
    let service =
        LoginService::new(ProviderRegistry::new().with(provider).unwrap(), config).unwrap();
    let begin = service
        .begin("oidc", BeginOptions::default())
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .get(begin.authorization_url.clone())
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let cookie = format!("{}={}", begin.cookie.name(), begin.cookie.value());
    let done = service
        .complete_with_cookie_headers("oidc", location.query().unwrap(), [cookie.as_str()])
        .await;
    let user = done.result.unwrap().user;
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("oidc", "248289761001")
    );
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_oidc::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/keycloak_claims.json"),
        r#"{"sub": "f3b1c9d2-7a4e-4b8f-9c61-2e5d8a0b7c13"}"#,
    ),
}
