//! Trakt's own cases: the uuid (never the slug) as id, no email, the issue time `created_at`
//! setting the expiry, JSON token and revocation requests with the credentials in the body,
//! and the two API headers.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_trakt::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use std::time::{Duration, UNIX_EPOCH};

use oauth_kit_core::{OAuthProvider, Revocation};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use oauth_kit_trakt::{SPEC, TraktProvider};
use serde_json::json;

#[test]
fn the_uuid_is_the_id_never_the_slug() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "e1c7a93f-2b5d-4e8a-9c0f-7d3b1a5e9c24");
    assert_eq!(user.username.as_deref(), Some("reelhound"));
    assert_eq!(user.full_name().as_deref(), Some("Ben Okafor"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://trakt.tv/users/reelhound")
    );
    assert!(user.avatar_url.is_some());
    assert_eq!((user.email, user.email_verified), (None, false));
    assert!(map_fixture(&SPEC, &json!({"user": {"ids": {"slug": "reelhound"}}})).is_err());
}

#[test]
fn the_expiry_counts_from_created_at() {
    let body = br#"{"access_token":"dbaf9757982a9e738f05d249b7b5b4a266b3a139049317c4909f2f263572c781","token_type":"bearer","expires_in":7776000,"refresh_token":"76ba4c5c75c96f6087f58a4de10be6c00b29ea1ddc3b2022ee2016d1363e3a7c","scope":"public","created_at":1767225600}"#;
    let token = parse_token(&SPEC, body).unwrap();
    assert_eq!(
        token.expires_at,
        Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 7_776_000))
    );
}

#[test]
fn json_token_requests_and_the_api_headers_reach_the_user() {
    run(async {
        let (mock, trakt, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            TraktProvider::from_lookup,
        )
        .await;
        // The mock of this spec refuses a form, and a user request without both headers.
        let token = mock.log_in(&trakt, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        assert!(token.expires_at.is_some());
        let user = trakt.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "e1c7a93f-2b5d-4e8a-9c0f-7d3b1a5e9c24");
        assert_eq!(
            trakt.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        assert!(trakt.user_info(&http, &token).await.is_err());
    });
}
