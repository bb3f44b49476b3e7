//! Pinterest's own cases: the account id (never the changeable username), the profile page
//! built from the username, no email, comma-separated scopes and HTTP Basic.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_pinterest::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{HttpClient, OAuthProvider};
use oauth_kit_pinterest::{PinterestProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProvider, MockProviderConfig, fixture, map_fixture};
use serde_json::json;

#[test]
fn the_account_maps_with_the_id_not_the_username() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "1048576204857392018");
    assert_eq!(user.username.as_deref(), Some("anaceramics"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://www.pinterest.com/anaceramics/")
    );
    assert!(user.avatar_url.is_some());
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn an_account_without_an_id_is_refused_rather_than_keyed_on_its_username() {
    assert!(map_fixture(&SPEC, &json!({"username": "anaceramics"})).is_err());
    let user = map_fixture(&SPEC, &json!({"id": "1", "username": "../evil"})).unwrap();
    assert_eq!(user.profile_url, None);
}

#[test]
fn a_login_uses_basic_auth_and_comma_separated_scopes() {
    run(async {
        let mock = MockProvider::start(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
        )
        .await
        .unwrap();
        let pinterest = PinterestProvider::builder(
            mock.client_id(),
            oauth_kit_core::ClientSecret::new(mock.client_secret()),
        );
        let pinterest = mock.point(pinterest).scope("boards:read").build().unwrap();
        let http = HttpClient::new().unwrap();
        let token = mock.log_in(&pinterest, &http).await.unwrap();
        assert_eq!(
            mock.counters().last_client_auth,
            Some("client_secret_basic")
        );
        assert_eq!(token.scopes, ["user_accounts:read", "boards:read"]);
        assert_eq!(
            pinterest.user_info(&http, &token).await.unwrap().oauth_id,
            "1048576204857392018"
        );
    });
}
