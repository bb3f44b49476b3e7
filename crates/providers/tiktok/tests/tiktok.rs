//! TikTok's own cases: `client_key` instead of `client_id` everywhere, comma-separated scopes,
//! the `error` object present on success, the per-application `open_id`, token errors with
//! HTTP 200, rotating refresh tokens and revocation.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_tiktok::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, OAuthProvider, Revocation,
};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{
    MockProviderConfig, RefreshTokens, fixture, map_fixture, parse_token, start_mock,
};
use oauth_kit_tiktok::{SPEC, TiktokProvider};
use serde_json::json;

#[test]
fn a_successful_answer_with_its_ok_error_object_maps() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "-000kq3X9f7Lm2Zr8TbV1yWc4NdPe6");
    assert_eq!(user.username.as_deref(), Some("maya.makes"));
    assert_eq!(user.full_name().as_deref(), Some("Maya Chen"));
    assert!(user.avatar_url.unwrap().contains("1080x1080"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://vm.tiktok.com/ZMh4k2Xq/")
    );
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn an_error_code_other_than_ok_is_refused() {
    assert!(map_fixture(&SPEC, &fixture!("error_401.json")).is_err());
    let mut raw = fixture!("user.json");
    raw["error"]["code"] = json!("scope_not_authorized");
    assert!(map_fixture(&SPEC, &raw).is_err());
}

#[test]
fn the_authorization_url_says_client_key_and_joins_scopes_with_commas() {
    let tiktok = TiktokProvider::new("aw8k2m9q4p1x7z3c", ClientSecret::new("secret")).unwrap();
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default().param("client_key", "injected");
    let request = AuthorizationRequest::new("https://app.example/cb", &state, &options);
    let url = tiktok.authorization_url(&request).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(param("client_key"), Some("aw8k2m9q4p1x7z3c"));
    assert_eq!(pairs.iter().filter(|(k, _)| k == "client_key").count(), 1);
    assert_eq!(param("client_id"), None);
    assert_eq!(param("scope"), Some("user.info.basic,user.info.profile"));
}

#[test]
fn a_token_error_with_http_200_is_an_oauth_error() {
    let body = serde_json::to_vec(&fixture!("token_error.json")).unwrap();
    let err = parse_token(&SPEC, &body).unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_grant")
    );
}

#[test]
fn the_credentials_travel_as_client_key_and_refresh_tokens_rotate() {
    run(async {
        let (mock, tiktok, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            TiktokProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&tiktok, &http).await.unwrap();
        let counters = mock.counters();
        assert!(counters.last_token_form.contains(&"client_key".to_owned()));
        assert!(!counters.last_token_form.contains(&"client_id".to_owned()));
        assert_eq!(counters.last_client_auth, Some("client_secret_post"));
        assert_eq!(
            tiktok.user_info(&http, &token).await.unwrap().oauth_id,
            "-000kq3X9f7Lm2Zr8TbV1yWc4NdPe6"
        );
        let old = token.refresh_token.clone().unwrap();
        let new = tiktok.refresh(&http, &old).await.unwrap();
        assert!(tiktok.refresh(&http, &old).await.is_err());
        assert_eq!(
            tiktok.revoke(&http, &new).await.unwrap(),
            Revocation::Revoked
        );
    });
}
