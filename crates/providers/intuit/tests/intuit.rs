//! Intuit's own cases: the camelCase claims (`emailVerified`, `givenName`, `familyName`), the
//! company id `realmId` from the authorization response, the issuer and endpoints on different
//! hosts with the sandbox's user-info endpoint from the environment, and the conformance suite
//! against the testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{LoginContext, OAuthProvider};
use oauth_kit_intuit::{ISSUER, IntuitProvider, SPEC};
use oauth_kit_testkit::{MockProviderConfig, env_lookup, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn an_intuit_user_maps_with_the_camel_case_claims() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    assert_eq!(user.email.as_deref(), Some("thandiwe.nkosi@example.co.za"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Thandiwe"));
    assert_eq!(user.last_name.as_deref(), Some("Nkosi"));
    assert_eq!(user.username, None);
}

#[test]
fn the_snake_case_names_of_the_claims_are_not_read() {
    let raw = json!({
        "sub": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "email": "thandiwe.nkosi@example.co.za",
        "email_verified": true,
        "given_name": "Thandiwe",
        "family_name": "Nkosi"
    });
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert!(!user.email_verified);
    assert_eq!((user.first_name, user.last_name), (None, None));
    let mut unverified = fixture!("claims.json");
    unverified["emailVerified"] = json!(false);
    assert!(!map_fixture(&SPEC, &unverified).unwrap().email_verified);
}

#[test]
fn claims_without_sub_are_rejected() {
    assert!(map_fixture(&SPEC, &json!({"email": "thandiwe.nkosi@example.co.za"})).is_err());
}

#[test]
fn the_issuer_is_not_the_endpoints_host_and_the_sandbox_user_info_is_configurable() {
    let production = IntuitProvider::from_lookup(env_lookup([
        ("INTUIT_CLIENT_ID", "ABcd1234"),
        ("INTUIT_CLIENT_SECRET", "secret"),
    ]))
    .unwrap();
    assert_eq!(production.issuer(), Some(ISSUER));
    assert_eq!(
        production.user_info_url().host_str(),
        Some("accounts.platform.intuit.com")
    );
    let sandbox = IntuitProvider::from_lookup(env_lookup([
        ("INTUIT_CLIENT_ID", "ABcd1234"),
        ("INTUIT_CLIENT_SECRET", "secret"),
        (
            "INTUIT_USERINFO_URL",
            "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo",
        ),
    ]))
    .unwrap();
    assert_eq!(
        sandbox.user_info_url().host_str(),
        Some("sandbox-accounts.platform.intuit.com")
    );
    assert_eq!(sandbox.issuer(), Some(ISSUER));
}

#[tokio::test]
async fn the_realm_id_of_the_callback_reaches_raw_data() {
    let (mock, provider, http) = start_mock(
        &SPEC,
        MockProviderConfig::new(include_str!("fixtures/claims.json")),
        IntuitProvider::from_lookup,
    )
    .await;
    provider.prepare(&http).await.unwrap();
    let token = mock.log_in(&provider, &http).await.unwrap();
    // The callback was `?code=...&state=...&realmId=9341453172470652`.
    let callback = [("realmId".to_owned(), "9341453172470652".to_owned())];
    let login = LoginContext::new().with_callback(&callback);
    let user = provider.login_user(&http, &token, &login).await.unwrap();
    assert_eq!(user.oauth_id, "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    assert!(user.email_verified);
    assert_eq!(user.raw_data["realmId"], json!("9341453172470652"));
    // Without accounting scopes there is no realmId.
    let user = provider.user_info(&http, &token).await.unwrap();
    assert_eq!(user.raw_data.get("realmId"), None);
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_intuit::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}"#,
    ),
}
