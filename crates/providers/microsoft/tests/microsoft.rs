//! Microsoft's own cases: the email never verified, names without an avatar, the tenant
//! parameter and the issuer it makes, and the conformance suite against the testkit's mock
//! issuer (the multi-tenant issuer template checked against the token's `tid`).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_core::{Error, OAuthProvider};
use oauth_kit_microsoft::{MicrosoftProvider, SPEC};
use oauth_kit_testkit::{fixture, map_fixture};
use serde_json::json;

fn from_vars(vars: &[(&str, &str)]) -> Result<MicrosoftProvider, Error> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    MicrosoftProvider::from_lookup(move |name| vars.get(name).cloned())
}

#[test]
fn a_work_account_maps_with_its_names_and_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("claims.json")).unwrap();
    assert_eq!(user.oauth_id, "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ");
    assert_eq!(user.email.as_deref(), Some("megan.bowen@contoso.example"));
    assert!(!user.email_verified);
    assert_eq!(user.username.as_deref(), Some("meganb@contoso.example"));
    assert_eq!(user.first_name.as_deref(), Some("Megan"));
    assert_eq!(user.last_name.as_deref(), Some("Bowen"));
    assert_eq!(
        user.avatar_url, None,
        "Graph's picture needs the access token"
    );
}

#[test]
fn an_email_verified_claim_is_not_believed() {
    let mut raw = fixture!("claims.json");
    raw["email_verified"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn the_tenant_parameter_makes_the_issuer() {
    let base = [
        (
            "MICROSOFT_CLIENT_ID",
            "6731de76-14a6-49ae-97bc-6eba6914391e",
        ),
        ("MICROSOFT_CLIENT_SECRET", "secret"),
    ];
    let common = from_vars(&base).unwrap();
    assert_eq!(
        common.issuer(),
        Some("https://login.microsoftonline.com/common/v2.0")
    );
    for tenant in [
        "consumers",
        "9122040d-6c67-4c5b-b112-36a304b66dad",
        "contoso.example",
    ] {
        let mut vars = base.to_vec();
        vars.push(("MICROSOFT_TENANT", tenant));
        let provider = from_vars(&vars).unwrap();
        assert_eq!(
            provider.issuer(),
            Some(format!("https://login.microsoftonline.com/{tenant}/v2.0").as_str())
        );
    }
}

#[test]
fn a_tenant_that_is_not_a_path_segment_names_the_variable() {
    let err = from_vars(&[
        ("MICROSOFT_CLIENT_ID", "id"),
        ("MICROSOFT_CLIENT_SECRET", "secret"),
        ("MICROSOFT_TENANT", "common/../evil"),
    ])
    .unwrap_err();
    match err {
        Error::Config { setting, .. } => assert_eq!(setting, "MICROSOFT_TENANT"),
        other => panic!("{other:?}"),
    }
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_microsoft::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/claims.json"),
        r#"{"sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "tid": "9122040d-6c67-4c5b-b112-36a304b66dad"}"#,
    )
    .error(401, r#"{"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired or is not yet valid."}}"#),
}
