//! Box's own cases: the numeric-string id, `login` as the unverified address, the name and
//! avatar, the credentials in the form body, single-use refresh tokens and revocation.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_box_com::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_box_com::{BoxComProvider, SPEC};
use oauth_kit_core::{OAuthProvider, Revocation};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, RefreshTokens, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_user_maps_with_login_as_an_unverified_address() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "23918475602");
    assert_eq!(user.email.as_deref(), Some("hana.takeda@example.jp"));
    assert!(!user.email_verified);
    assert_eq!(user.full_name().as_deref(), Some("Hana Takeda"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://app.box.com/api/avatar/large/23918475602")
    );
    assert!(map_fixture(&SPEC, &json!({"type": "user"})).is_err());
}

#[test]
fn a_single_use_refresh_token_is_replaced_and_tokens_are_revoked() {
    run(async {
        let (mock, boxcom, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            BoxComProvider::from_lookup,
        )
        .await;
        mock.set_refresh_tokens(RefreshTokens::Rotate);
        let token = mock.log_in(&boxcom, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        let old = token.refresh_token.clone().unwrap();
        let new = boxcom.refresh(&http, &old).await.unwrap();
        assert!(boxcom.refresh(&http, &old).await.is_err());
        assert_eq!(
            boxcom.revoke(&http, &new).await.unwrap(),
            Revocation::Revoked
        );
        assert!(boxcom.user_info(&http, &new).await.is_err());
    });
}
