//! Target `provider_mapping`: every provider's mapping from its user JSON to the normalized
//! [`OAuthUserInfo`], and every provider's error hint.
//!
//! Input: a JSON document, run through the `map_user` of each spec of the catalog
//! ([`oauth_kit::catalog`]) and through core's standard-claims mapping, and through each spec's
//! `error_hint`. Checked: no panic; on success `oauth_id` is neither empty nor padded,
//! `provider` is the instance's name, absent values are `None` rather than `""`, and
//! `email_verified` implies an email; on failure the reason is one line of text; a hint is one
//! line of text.

use oauth_kit::spec::{MapUser, Profile, map_standard_claims};
use oauth_kit_core::OAuthUserInfo;
use serde_json::Value;

use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "provider_mapping",
    summary: "every provider's user mapping on arbitrary JSON: never panics, oauth_id never empty",
    run,
    seeds,
    dictionary: &[
        "\"uuid\"",
        "\"{}\"",
        "\"{ }\"",
        "\"username\"",
        "\"nickname\"",
        "\"display_name\"",
        "\"links\"",
        "\"avatar\"",
        "\"html\"",
        "\"href\"",
        "\"id\"",
        "\"email\"",
        "\"login\"",
        "\"name\"",
        "\"sub\"",
        "\"email_verified\"",
        "\"true\"",
        "\"given_name\"",
        "\"family_name\"",
        "\"preferred_username\"",
        "\"picture\"",
        "\"profile\"",
        "null",
        "true",
        "0",
        "\" \"",
        "\"\\t\"",
        "\"\\u00a0\"",
        "\"\\u3000\"",
        "{",
        "}",
        "[",
        "]",
    ],
};

/// The name the instances are registered under in this target.
const INSTANCE: &str = "fuzz-instance";

/// Every mapping: each catalog provider's, then core's standard claims (the default of a spec).
pub(crate) fn mappings() -> Vec<(&'static str, MapUser)> {
    let mut mappings: Vec<(&'static str, MapUser)> = oauth_kit::catalog()
        .into_iter()
        .map(|spec| (spec.id, spec.map_user))
        .collect();
    mappings.push(("standard claims", map_standard_claims));
    mappings
}

fn run(data: &[u8]) -> Outcome {
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        return Outcome::Rejected;
    };
    let mut outcome = Outcome::Rejected;
    for (name, mapping) in mappings() {
        match mapping(&Profile::new(INSTANCE, &json)) {
            Ok(user) => {
                check_user(name, &user);
                outcome = Outcome::Accepted;
            }
            Err(reason) => assert!(
                !reason.is_empty() && !reason.chars().any(char::is_control),
                "{name}: the failure reason {reason:?} is not one line of text"
            ),
        }
    }
    for spec in oauth_kit::catalog() {
        let Some(hint) = spec.error_hint else {
            continue;
        };
        for status in [400, 401, 403, 404, 429, 500] {
            if let Some(hint) = hint(status, &json) {
                assert!(
                    !hint.chars().any(char::is_control),
                    "{}: the {status} hint {hint:?} is not one line of text",
                    spec.id
                );
            }
        }
    }
    outcome
}

fn check_user(name: &str, user: &OAuthUserInfo) {
    assert!(
        !user.oauth_id.is_empty() && user.oauth_id.trim() == user.oauth_id,
        "{name}: oauth_id {:?} is empty or padded",
        user.oauth_id
    );
    assert_eq!(user.provider, INSTANCE, "{name}: not the instance's name");
    for (field, value) in [
        ("email", &user.email),
        ("username", &user.username),
        ("first_name", &user.first_name),
        ("last_name", &user.last_name),
        ("avatar_url", &user.avatar_url),
        ("profile_url", &user.profile_url),
    ] {
        if let Some(value) = value {
            assert!(
                !value.trim().is_empty(),
                "{name}: {field} is Some({value:?}) instead of None"
            );
        }
    }
    assert!(
        !user.email_verified || user.email.is_some(),
        "{name}: email_verified without an email"
    );
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = crate::provider_fixtures()
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect();
    seeds.extend(
        [
            r#"{"uuid":"{3c5e0f9a-7b21}"}"#,
            r#"{"uuid":"3c5e0f9a"}"#,
            r#"{"uuid":"{}"}"#,
            r#"{"uuid":" { } "}"#,
            r#"{"uuid":42}"#,
            r#"{}"#,
            r#"[1]"#,
            r#"{"uuid":"{u}","username":"","nickname":null,"display_name":"  ","links":{"avatar":{"href":null},"html":{"href":""}}}"#,
            r#"{"uuid":"{u}","display_name":"Ilka\tGuigova","nickname":"ilka"}"#,
            r#"{"sub":"248289761001","email":"jane@example.com","email_verified":"true","name":"Jane Doe","picture":"https://example.com/jane.png"}"#,
            r#"{"sub":" ","email":"","email_verified":true,"given_name":" ","family_name":"Doe"}"#,
            r#"{"sub":12345,"preferred_username":"jd","nickname":"j"}"#,
            r#"{"type":"error","error":{"message":"m","detail":{"granted":["a\nb"],"required":["email","account"]}}}"#,
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec()),
    );
    seeds
}
