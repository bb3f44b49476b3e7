//! Yandex's own cases: the global id (not `psuid`), the email fallbacks (never verified), the
//! avatar built from its id, and the `OAuth` authorization scheme at the user endpoint.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_yandex::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::OAuthProvider;
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, start_mock};
use oauth_kit_yandex::{SPEC, YandexProvider};
use serde_json::json;

#[test]
fn the_user_maps_with_the_global_id_and_a_built_avatar() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "1130000051234567");
    assert_eq!(user.username.as_deref(), Some("irina.volkova"));
    assert_eq!(user.full_name().as_deref(), Some("Ирина Волкова"));
    assert_eq!(user.email.as_deref(), Some("irina.volkova@yandex.ru"));
    assert!(!user.email_verified);
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://avatars.yandex.net/get-yapic/27503/Xk2PqL9mZ0vT3rW8yB4nC6dE1-5/islands-200")
    );
}

#[test]
fn the_first_address_is_the_fallback_and_an_empty_avatar_is_none() {
    let mut raw = fixture!("user.json");
    let object = raw.as_object_mut().unwrap();
    object.remove("default_email");
    object.insert("emails".into(), json!(["second@yandex.ru"]));
    object.insert("is_avatar_empty".into(), json!(true));
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.email.as_deref(), Some("second@yandex.ru"));
    assert_eq!(user.avatar_url, None);
    let mut raw = fixture!("user.json");
    raw["default_avatar_id"] = json!("../../evil?x=1");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().avatar_url, None);
    assert!(map_fixture(&SPEC, &json!({"psuid": "1.AA"})).is_err());
}

#[test]
fn the_user_endpoint_gets_the_token_in_the_oauth_scheme() {
    run(async {
        let (mock, yandex, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            YandexProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&yandex, &http).await.unwrap();
        assert_eq!(mock.counters().pkce_verified, 1);
        // The mock of this spec accepts only `Authorization: OAuth <token>`.
        let user = yandex.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "1130000051234567");
        let bearer = http
            .get_bearer(
                &oauth_kit_core::ProviderContext::new("yandex", oauth_kit_core::Stage::UserInfo),
                yandex.user_info_url(),
                &token.access_token,
            )
            .await
            .unwrap();
        assert_eq!(bearer.status, 401);
    });
}
