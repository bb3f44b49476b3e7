//! Zoho's own cases: the callback's `accounts-server` checked against Zoho's data centres (a
//! foreign one refused before any token request), comma-separated scopes with
//! `access_type=offline`, an HTTP 200 token error, capitalised keys and the integer `ZUID`.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_zoho::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, Error,
    LoginContext, OAuthProvider,
};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use oauth_kit_zoho::{ACCOUNTS_SERVERS, SPEC, ZohoProvider};
use serde_json::{Value, json};

#[test]
fn capitalised_keys_map_and_the_integer_zuid_is_written_out_exactly() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "60021839475");
    assert_eq!(user.email.as_deref(), Some("ravi.iyer@example.in"));
    assert!(!user.email_verified);
    assert_eq!(user.full_name().as_deref(), Some("Ravi Iyer"));
    let big: Value = serde_json::from_str(r#"{"ZUID": 9007199254740993}"#).unwrap();
    assert_eq!(
        map_fixture(&SPEC, &big).unwrap().oauth_id,
        "9007199254740993"
    );
    let display = map_fixture(&SPEC, &json!({"ZUID": 1, "Display_Name": "Asha Rao"})).unwrap();
    assert_eq!(
        (display.first_name.as_deref(), display.last_name.as_deref()),
        (Some("Asha"), Some("Rao"))
    );
    assert!(map_fixture(&SPEC, &json!({"zuid": 1, "Email": "x@example.com"})).is_err());
    assert!(map_fixture(&SPEC, &json!({"ZUID": 1.5})).is_err());
}

#[test]
fn scopes_are_joined_with_commas_and_every_login_asks_for_offline_access() {
    let zoho = ZohoProvider::builder("1000.7QX2", ClientSecret::new("s"))
        .scope("ZohoCRM.users.READ")
        .build()
        .unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = zoho.authorization_url(&request).unwrap();
    let has = |key: &str, value: &str| url.query_pairs().any(|(k, v)| k == key && v == value);
    assert!(
        has("scope", "AaaServer.profile.READ,ZohoCRM.users.READ"),
        "{url}"
    );
    assert!(
        has("access_type", "offline") && has("prompt", "consent"),
        "{url}"
    );
    assert!(!url.query_pairs().any(|(k, _)| k == "code_challenge"));
}

#[test]
fn a_token_error_with_http_200_is_an_oauth_error() {
    let body = br#"{"error":"invalid_code"}"#;
    let result = parse_token(&SPEC, body);
    match result {
        Err(Error::OAuth { body, .. }) => assert_eq!(body.error, "invalid_code"),
        other => panic!("expected an OAuth error, got {other:?}"),
    }
}

#[test]
fn every_data_centre_is_listed_once_in_lowercase() {
    for host in ["accounts.zoho.com", "accounts.zoho.eu", "accounts.zoho.in"] {
        assert!(ACCOUNTS_SERVERS.contains(&host));
    }
    for (i, host) in ACCOUNTS_SERVERS.iter().enumerate() {
        assert_eq!(host.to_ascii_lowercase(), *host);
        assert!(!ACCOUNTS_SERVERS[i + 1..].contains(host), "{host} twice");
    }
}

#[test]
fn a_login_is_exchanged_at_the_callback_accounts_server_and_a_foreign_one_is_refused() {
    run(async {
        let (mock, zoho, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            ZohoProvider::from_lookup,
        )
        .await;
        // The mock names itself as the accounts server, which is trusted as configured.
        let token = mock.log_in(&zoho, &http).await.unwrap();
        assert_eq!(
            token.raw["accounts-server"].as_str(),
            Some(mock.base_url().as_str())
        );
        assert_eq!(
            zoho.user_info(&http, &token).await.unwrap().oauth_id,
            "60021839475"
        );

        mock.reset_counters();
        for forged in [
            "https://accounts.zoho.evil.example",
            "https://accounts.zoho.eu.evil.example",
            "http://accounts.zoho.eu",
            "https://accounts.zoho.eu/oauth/v2/token",
            "https://attacker@accounts.zoho.eu",
            "https://accounts.zoho.eu:8443",
        ] {
            let callback = vec![
                ("location".to_owned(), "eu".to_owned()),
                ("accounts-server".to_owned(), forged.to_owned()),
            ];
            let login = LoginContext::new().with_callback(&callback);
            let result = zoho
                .exchange_login_code(
                    &http,
                    &AuthorizationCode::new("1000.code"),
                    "http://localhost:8000/auth/zoho/callback",
                    None,
                    &login,
                )
                .await;
            match result {
                Err(error @ Error::MalformedCallback { .. }) => {
                    assert_eq!(error.code(), "invalid_callback", "{forged}");
                    assert!(!error.to_string().contains(forged), "{error}");
                }
                other => panic!("{forged} was accepted: {other:?}"),
            }
        }
        assert_eq!(
            mock.counters().token,
            0,
            "no token request for a forged server"
        );
    });
}
