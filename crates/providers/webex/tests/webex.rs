//! Webex's own cases: scopes joined with `%20` (never `+`) in the authorization URL, the
//! first address of `emails` never verified, names and the nickname, the credentials in the
//! form body and the token response's refresh-token lifetime.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_webex::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, OAuthProvider,
};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use oauth_kit_webex::{SPEC, WebexProvider};
use serde_json::json;

#[test]
fn the_authorization_url_joins_scopes_with_percent20_never_plus() {
    let webex = WebexProvider::new("C2a4f6e8b0d1c3e5", ClientSecret::new("secret")).unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = webex.authorization_url(&request).unwrap();
    let query = url.query().unwrap();
    assert!(
        query.contains("scope=spark%3Apeople_read%20spark%3Akms"),
        "{query}"
    );
    assert!(!query.contains('+'), "{query}");
    assert!(!query.contains("code_challenge"), "{query}");
}

#[test]
fn the_person_maps_with_the_first_address_never_verified() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert!(
        user.oauth_id
            .starts_with("Y2lzY29zcGFyazovL3VzL1BFT1BMRS9m")
    );
    assert_eq!(user.email.as_deref(), Some("chiara.ricci@example.it"));
    assert!(!user.email_verified);
    assert_eq!(user.username.as_deref(), Some("Chiara"));
    assert_eq!(user.full_name().as_deref(), Some("Chiara Ricci"));
    assert!(
        user.avatar_url
            .unwrap()
            .starts_with("https://avatar-prod-us-east-2.")
    );
    assert!(map_fixture(&SPEC, &json!({"emails": ["x@example.com"]})).is_err());
}

#[test]
fn the_display_name_fills_in_missing_names_and_no_address_is_none() {
    let mut raw = fixture!("user.json");
    let person = raw.as_object_mut().unwrap();
    person.remove("firstName");
    person.remove("lastName");
    person.insert("emails".to_owned(), json!([]));
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Chiara"));
    assert_eq!(user.last_name.as_deref(), Some("Ricci"));
    assert_eq!(user.email, None);
}

#[test]
fn the_refresh_token_lifetime_stays_in_the_token_response() {
    let body = br#"{"access_token":"ZDI3MGEyYzQtNmFlNS00NDNhLWFlNzAtZGVjNjE0MGU1OGZmZWNmZDEwN2ItYTU3","expires_in":1209599,"refresh_token":"MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3","refresh_token_expires_in":7775999,"token_type":"Bearer"}"#;
    let token = parse_token(&SPEC, body).unwrap();
    assert_eq!(token.expires_in.map(|d| d.as_secs()), Some(1_209_599));
    assert!(token.refresh_token.is_some());
    assert_eq!(token.raw["refresh_token_expires_in"], 7_775_999);
}

#[test]
fn a_login_sends_the_credentials_in_the_form_and_refreshes() {
    run(async {
        let (mock, webex, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            WebexProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&webex, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let user = webex.user_info(&http, &token).await.unwrap();
        assert_eq!(user.email.as_deref(), Some("chiara.ricci@example.it"));
        let refreshed = webex
            .refresh(&http, token.refresh_token.as_ref().unwrap())
            .await
            .unwrap();
        assert_ne!(refreshed.access_token.secret(), token.access_token.secret());
    });
}
