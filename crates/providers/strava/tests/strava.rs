//! Strava's own cases: the athlete inside the token response, the integer id written out, no
//! email, comma-separated scopes, the absolute `expires_at`, the credentials in the form body
//! and revocation with `access_token`.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_strava::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .built_from_id("profile_url"),
}

use std::time::{Duration, UNIX_EPOCH};

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, HttpClient, OAuthProvider,
    Revocation,
};
use oauth_kit_strava::{SPEC, StravaProvider};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use serde_json::json;

#[test]
fn the_athlete_in_the_token_response_is_the_user() {
    let body = serde_json::to_vec(&fixture!("token.json")).unwrap();
    let token = parse_token(&SPEC, &body).unwrap();
    // The absolute expiry wins over the time the response arrived.
    assert_eq!(
        token.expires_at,
        Some(UNIX_EPOCH + Duration::from_secs(1_767_247_200))
    );
    let strava = StravaProvider::new("48213", ClientSecret::new("secret")).unwrap();
    let http = HttpClient::new().unwrap();
    let user = run(strava.user_info(&http, &token)).unwrap();
    assert_eq!(user.oauth_id, "84736291");
    assert_eq!(user.username.as_deref(), Some("rosa_ridges"));
    assert_eq!(user.full_name().as_deref(), Some("Rosa Delgado"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://www.strava.com/athletes/84736291")
    );
    assert!(user.avatar_url.unwrap().ends_with("/large.jpg"));
    assert_eq!((user.email, user.email_verified), (None, false));
    assert!(!user.raw_data.to_string().contains("3b9f7d1e"));
}

#[test]
fn the_medium_picture_is_the_fallback_and_an_id_is_required() {
    let mut raw = fixture!("user.json");
    raw.as_object_mut().unwrap().remove("profile");
    assert!(
        map_fixture(&SPEC, &raw)
            .unwrap()
            .avatar_url
            .unwrap()
            .ends_with("/medium.jpg")
    );
    assert!(map_fixture(&SPEC, &json!({"username": "x"})).is_err());
    assert!(map_fixture(&SPEC, &json!({"id": 1.5})).is_err());
}

#[test]
fn scopes_are_joined_with_commas() {
    let strava = StravaProvider::builder("48213", ClientSecret::new("secret"))
        .scope("activity:read")
        .build()
        .unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = strava.authorization_url(&request).unwrap();
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "scope" && v == "read,activity:read")
    );
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "approval_prompt" && v == "auto")
    );
    assert!(!url.query_pairs().any(|(k, _)| k == "code_challenge"));
}

#[test]
fn a_login_sends_credentials_in_the_form_and_deauthorizes_with_access_token() {
    run(async {
        let (mock, strava, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            StravaProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&strava, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert!(token.expires_at.is_some());
        assert_eq!(
            strava.user_info(&http, &token).await.unwrap().oauth_id,
            "84736291"
        );
        assert_eq!(
            strava.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        assert_eq!(mock.counters().revoke, 1);
    });
}
