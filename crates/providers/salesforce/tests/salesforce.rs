//! Salesforce's own cases: `user_id` as the id (not the identity URL in `sub`), the verified
//! flag, the token response without `expires_in` and with `issued_at` in milliseconds, the base
//! URL (login, test or My Domain) as the issuer, and the conformance suite against the
//! testkit's mock issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{OAuthProvider, ProviderContext, Stage, TokenQuirks, parse_token_response};
use oauth_kit_salesforce::{SPEC, SalesforceProvider};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture, parse_token};
use serde_json::json;

#[test]
fn a_salesforce_user_maps_with_user_id_not_the_identity_url() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "0055g00000AbCdEAAV");
    assert!(!user.oauth_id.starts_with("https://"));
    assert_eq!(user.username.as_deref(), Some("priya.raman@acme.example"));
    assert_eq!(user.email.as_deref(), Some("priya.raman@acme.example"));
    assert!(user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Priya"));
    assert_eq!(user.last_name.as_deref(), Some("Raman"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://acme.file.force.com/profilephoto/7295g000000Xyz1/F")
    );
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://acme.my.salesforce.com/0055g00000AbCdEAAV")
    );
}

#[test]
fn an_unverified_address_stays_unverified() {
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(false);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn claims_without_user_id_are_rejected() {
    let mut raw = fixture!("claims.json");
    raw.as_object_mut().unwrap().remove("user_id");
    assert!(map_fixture(&SPEC, &raw).is_err());
    assert!(map_fixture(&SPEC, &json!({"user_id": "0055g00000AbCdEAAV"})).is_err());
}

#[test]
fn the_token_response_has_no_expiry_and_issued_at_in_milliseconds() {
    let body = include_bytes!("fixtures/token.json");
    let context = ProviderContext::new("salesforce", Stage::Token);
    let token = parse_token(&SPEC, body).unwrap();
    // No `expires_in` (the org's session timeout applies): no expiry is invented.
    assert_eq!(token.expires_in, None);
    assert_eq!(token.expires_at, None);
    assert!(token.refresh_token.is_some());
    assert_eq!(
        token.scopes,
        ["refresh_token", "openid", "profile", "email"]
    );
    assert_eq!(token.raw["issued_at"], json!("1767225600123"));
    assert_eq!(
        token.raw["instance_url"],
        json!("https://acme.my.salesforce.com")
    );
    // Read as seconds since the epoch, the millisecond string would refuse the response.
    let as_seconds = TokenQuirks::STRICT.issued_at_field("issued_at");
    assert!(
        parse_token_response(&context, 200, Some("application/json"), body, &as_seconds).is_err()
    );
}

#[test]
fn the_base_url_is_the_issuer_for_sandboxes_and_my_domain() {
    let login = SalesforceProvider::from_lookup(env_lookup([
        ("SALESFORCE_CLIENT_ID", "3MVG9abc"),
        ("SALESFORCE_CLIENT_SECRET", "secret"),
    ]))
    .unwrap();
    assert_eq!(login.issuer(), Some("https://login.salesforce.com"));
    for base in [
        "https://test.salesforce.com",
        "https://acme.my.salesforce.com",
    ] {
        let provider = SalesforceProvider::from_lookup(env_lookup([
            ("SALESFORCE_CLIENT_ID", "3MVG9abc"),
            ("SALESFORCE_CLIENT_SECRET", "secret"),
            ("SALESFORCE_BASE_URL", base),
        ]))
        .unwrap();
        assert_eq!(provider.issuer(), Some(base));
        assert_eq!(
            provider.user_info_url().as_str(),
            format!("{base}/services/oauth2/userinfo")
        );
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_salesforce::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "https://login.salesforce.com/id/00D5g000004XyZaEAK/0055g00000AbCdEAAV", "user_id": "0055g00000AbCdEAAV"}"#,
    ),
}
