//! Bitbucket's user mapping, its error hints, and what its error envelope says about scopes.

use oauth_kit_core::spec::{Profile, RefusalScopes};
use oauth_kit_core::{HttpResponse, OAuthUserInfo};
use serde_json::Value;

/// Hints for failures of `/2.0/user` (every other status gets core's generic hints).
pub(crate) const USER_HINTS: &[(u16, &str)] = &[
    (
        401,
        "check that the Bitbucket OAuth consumer has the \"Account: Read\" permission, and that \
         the access token is valid and not expired (refresh it)",
    ),
    (
        404,
        "check the API base URL (BITBUCKET_API_URL): it must end in /2.0",
    ),
    (
        429,
        "rate limited by Bitbucket: OAuth requests count against the consumer's hourly limit; \
         retry later",
    ),
];

/// Hints for failures of `/2.0/user/emails`: like the user's, with the generic 401 hint.
pub(crate) const EMAIL_HINTS: &[(u16, &str)] = &[USER_HINTS[1], USER_HINTS[2]];

/// Maps `/2.0/user`: `uuid` without braces, `username` else `nickname`, `display_name` split,
/// avatar and profile links.
pub(crate) fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let uuid = match profile.get("/uuid") {
        Some(Value::String(uuid)) => uuid.trim(),
        Some(_) => return Err("`uuid` is not a string".to_owned()),
        None => return Err("`uuid` is missing".to_owned()),
    };
    let oauth_id = uuid
        .strip_prefix('{')
        .and_then(|u| u.strip_suffix('}'))
        .unwrap_or(uuid)
        .trim();
    if oauth_id.is_empty() {
        return Err("`uuid` is empty".to_owned());
    }
    let mut user = profile.user(oauth_id);
    user.username = profile.first_str(&["/username", "/nickname"]);
    Profile::split_name(&mut user, profile.str("/display_name"));
    user.avatar_url = profile.str("/links/avatar/href");
    user.profile_url = profile.str("/links/html/href");
    Ok(user)
}

/// The granted and required scopes of a refused `/2.0/user/emails`, for the warning.
pub(crate) fn refusal_scopes(response: &HttpResponse) -> RefusalScopes {
    let body = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let (granted, required) = scope_lists(&body);
    RefusalScopes { granted, required }
}

/// The 403 hint, with the granted and required scopes of Bitbucket's error envelope.
pub(crate) fn scope_hint(status: u16, body: &Value) -> Option<String> {
    (status == 403).then(|| {
        let (granted, required) = scope_lists(body);
        format!(
            "the token lacks a required scope (required: {}; granted: {}): add the missing \
             permission to the Bitbucket OAuth consumer, then log in again for a new token",
            required.as_deref().unwrap_or("unknown"),
            granted.as_deref().unwrap_or("unknown"),
        )
    })
}

/// The `granted` and `required` lists of an error envelope's detail, as plain scope names
/// (provider-controlled text that is not a scope name is left out).
fn scope_lists(body: &Value) -> (Option<String>, Option<String>) {
    let list = |name: &str| {
        let items = body.pointer("/error/detail")?.get(name)?.as_array()?;
        let plain = |s: &&str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b":_-.".contains(&b))
        };
        let names: Vec<&str> = items
            .iter()
            .filter_map(Value::as_str)
            .filter(plain)
            .take(20)
            .collect();
        Some(if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        })
    };
    (list("granted"), list("required"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth_kit_core::non_empty;
    use serde_json::json;

    fn map(raw: Value) -> Result<OAuthUserInfo, String> {
        map_user(&Profile::new("bitbucket", &raw))
    }

    fn split_name(display_name: &str) -> (Option<String>, Option<String>) {
        let mut user = OAuthUserInfo::new("bitbucket", "u");
        Profile::split_name(&mut user, non_empty(Some(display_name)));
        (user.first_name, user.last_name)
    }

    #[test]
    fn display_name_splits_at_the_first_whitespace() {
        assert_eq!(
            split_name("Mira Okonkwo-Lind"),
            (Some("Mira".into()), Some("Okonkwo-Lind".into()))
        );
        assert_eq!(
            split_name("  Ada Quill  Lovelace "),
            (Some("Ada".into()), Some("Quill  Lovelace".into()))
        );
        assert_eq!(split_name("Cher"), (Some("Cher".into()), None));
        assert_eq!(
            split_name("Ilka\tGuigova"),
            (Some("Ilka".into()), Some("Guigova".into()))
        );
    }

    #[test]
    fn uuid_loses_its_braces_and_is_required() {
        let user = map(json!({"uuid": "{3c5e0f9a-7b21}"})).expect("valid");
        assert_eq!(user.oauth_id, "3c5e0f9a-7b21");
        assert_eq!(user.username, None);
        assert_eq!(user.first_name, None);
        let unbraced = map(json!({"uuid": "3c5e0f9a"})).expect("valid");
        assert_eq!(unbraced.oauth_id, "3c5e0f9a");
        for bad in [
            json!({}),
            json!({"uuid": 42}),
            json!({"uuid": "{}"}),
            json!([1]),
        ] {
            assert!(map(bad).is_err());
        }
    }

    #[test]
    fn blank_and_null_fields_become_none() {
        let raw = json!({
            "uuid": "{u}", "username": "", "nickname": null, "display_name": "  ",
            "links": {"avatar": {"href": null}, "html": {"href": ""}}
        });
        let user = map(raw).expect("valid");
        assert_eq!(
            (
                user.username,
                user.first_name,
                user.avatar_url,
                user.profile_url
            ),
            (None, None, None, None)
        );
        assert_eq!(user.email, None);
        assert!(!user.email_verified);
    }
}
