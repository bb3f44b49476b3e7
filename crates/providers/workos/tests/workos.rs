//! WorkOS's own cases: exactly one of `connection`, `organization` and `provider` on every
//! authorization URL (none or several is a configuration error), the profile inside the
//! token response, the API key in the form body, no refresh and no verified email.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_workos::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .param("connection", "conn_01HZ4Y7B2C5D8E1F3G6H9J0K2L"),
}

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, Error, HttpClient,
    OAuthProvider,
};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{
    MockProviderConfig, env_lookup, fixture, map_fixture, parse_token, start_mock,
};
use oauth_kit_workos::{SPEC, WorkOsProvider};
use serde_json::json;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let credentials = [
        ("WORKOS_CLIENT_ID", "client_01HZ4Y5X"),
        ("WORKOS_CLIENT_SECRET", "sk_test_4f8c2e"),
    ];
    env_lookup(credentials.into_iter().chain(vars.iter().copied()))
}

fn authorization_url(workos: &WorkOsProvider) -> Vec<(String, String)> {
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = workos.authorization_url(&request).unwrap();
    assert_eq!(
        url.as_str().split('?').next(),
        Some("https://api.workos.com/sso/authorize")
    );
    url.query_pairs().into_owned().collect()
}

#[test]
fn each_choice_from_the_environment_goes_on_the_authorization_url_alone() {
    for (var, name, value) in [
        (
            "WORKOS_CONNECTION",
            "connection",
            "conn_01HZ4Y7B2C5D8E1F3G6H9J0K2L",
        ),
        (
            "WORKOS_ORGANIZATION",
            "organization",
            "org_01HZ4Y6A1B3C5D7E9F0G2H4J6K",
        ),
        ("WORKOS_PROVIDER", "provider", "GoogleOAuth"),
    ] {
        let workos = WorkOsProvider::from_lookup(env(&[(var, value)])).unwrap();
        let pairs = authorization_url(&workos);
        assert!(
            pairs.contains(&(name.to_owned(), value.to_owned())),
            "{pairs:?}"
        );
        let choices = ["connection", "organization", "provider"];
        let sent = pairs.iter().filter(|(k, _)| choices.contains(&k.as_str()));
        assert_eq!(sent.count(), 1, "{pairs:?}");
        assert!(!pairs.iter().any(|(k, _)| k == "scope"));
    }
}

#[test]
fn no_choice_or_several_is_a_configuration_error_naming_the_variables() {
    let none = WorkOsProvider::from_lookup(env(&[])).unwrap_err();
    let several = WorkOsProvider::from_lookup(env(&[
        ("WORKOS_CONNECTION", "conn_01HZ4Y7B2C5D8E1F3G6H9J0K2L"),
        ("WORKOS_PROVIDER", "GoogleOAuth"),
    ]))
    .unwrap_err();
    for error in [none, several] {
        let Error::Config { setting, .. } = &error else {
            panic!("{error:?}");
        };
        for var in [
            "WORKOS_CONNECTION",
            "WORKOS_ORGANIZATION",
            "WORKOS_PROVIDER",
        ] {
            assert!(setting.contains(var), "{error}");
        }
    }
    let built = WorkOsProvider::builder("client_01HZ4Y5X", ClientSecret::new("sk_test_4f8c2e"))
        .param("organization", "org_01HZ4Y6A1B3C5D7E9F0G2H4J6K")
        .param("provider", "GoogleOAuth")
        .build();
    assert!(matches!(built, Err(Error::Config { .. })));
}

#[test]
fn the_profile_comes_from_the_token_response_without_a_token_type() {
    let body = serde_json::to_vec(&fixture!("token.json")).unwrap();
    let token = parse_token(&SPEC, &body).unwrap();
    assert!(token.refresh_token.is_none() && token.expires_at.is_none());
    let workos = WorkOsProvider::from_lookup(env(&[("WORKOS_PROVIDER", "GoogleOAuth")])).unwrap();
    let http = HttpClient::new().unwrap();
    let user = run(workos.user_info(&http, &token)).unwrap();
    assert_eq!(user.oauth_id, "prof_01KF8Q2V9H3J5K7M1N4P6R8T0W");
    assert_eq!(user.email.as_deref(), Some("m.kowalski@contoso.example"));
    assert!(!user.email_verified);
    assert_eq!(user.full_name().as_deref(), Some("Marta Kowalski"));
    assert_eq!(user.avatar_url, None);
    assert_eq!(
        user.raw_data["organization_id"],
        "org_01HZ4Y6A1B3C5D7E9F0G2H4J6K"
    );
    assert!(
        !user
            .raw_data
            .to_string()
            .contains("01KF8Q3Z7T4M2R6X9W1B5N8C0D")
    );
}

#[test]
fn the_identity_providers_picture_is_the_avatar_and_an_id_is_required() {
    let mut raw = fixture!("user.json");
    raw["raw_attributes"]["picture"] = json!("https://idp.example/p/marta.png");
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://idp.example/p/marta.png")
    );
    assert!(
        map_fixture(
            &SPEC,
            &json!({"object": "profile", "email": "x@example.com"})
        )
        .is_err()
    );
}

#[test]
fn a_login_sends_the_api_key_in_the_form_and_cannot_refresh() {
    run(async {
        let (mock, workos, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json"))
                .param("organization", "org_01HZ4Y6A1B3C5D7E9F0G2H4J6K"),
            WorkOsProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&workos, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert_eq!(
            workos.user_info(&http, &token).await.unwrap().oauth_id,
            "prof_01KF8Q2V9H3J5K7M1N4P6R8T0W"
        );
        let refresh = oauth_kit_core::RefreshToken::new("none");
        let refused = workos.refresh(&http, &refresh).await;
        assert!(
            matches!(refused, Err(Error::Unsupported { .. })),
            "{refused:?}"
        );
    });
}
