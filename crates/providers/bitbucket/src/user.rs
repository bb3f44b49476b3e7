//! Bitbucket's user and email JSON, mapped onto the normalized [`OAuthUserInfo`].
//!
//! Everything here is pure: the HTTP side lives in `api.rs`. Reasons returned on failure name
//! the field and never quote a value from the body.

use oauth_kit_core::{OAuthUserInfo, non_empty};
use serde_json::Value;

use crate::PROVIDER_NAME;

/// One entry of `/2.0/user/emails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Email {
    pub(crate) address: String,
    pub(crate) primary: bool,
    pub(crate) confirmed: bool,
}

/// One page of `/2.0/user/emails`: its entries and the raw `next` link, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmailPage {
    pub(crate) emails: Vec<Email>,
    pub(crate) next: Option<String>,
}

impl EmailPage {
    /// Reads a page. `values` is required (Bitbucket guarantees only `values` and `next`);
    /// entries without an address are skipped; a flag that is not `true` counts as false.
    pub(crate) fn parse(body: &Value) -> Result<Self, String> {
        let values = match body.get("values") {
            Some(Value::Array(values)) => values,
            Some(_) => return Err("`values` is not an array".to_owned()),
            None => return Err("`values` is missing".to_owned()),
        };
        let emails = values
            .iter()
            .filter_map(|entry| {
                let address = non_empty(entry.get("email").and_then(Value::as_str))?;
                let flag = |name: &str| entry.get(name).and_then(Value::as_bool) == Some(true);
                Some(Email {
                    address,
                    primary: flag("is_primary"),
                    confirmed: flag("is_confirmed"),
                })
            })
            .collect();
        let next = match body.get("next") {
            None | Some(Value::Null) => None,
            Some(Value::String(next)) => non_empty(Some(next)),
            Some(_) => return Err("`next` is not a string".to_owned()),
        };
        Ok(Self { emails, next })
    }
}

/// The address to report: the primary one, else the first confirmed one, else the first.
pub(crate) fn choose_email(emails: &[Email]) -> Option<&Email> {
    emails
        .iter()
        .find(|e| e.primary)
        .or_else(|| emails.iter().find(|e| e.confirmed))
        .or_else(|| emails.first())
}

/// Maps the `/2.0/user` JSON and the chosen email onto the normalized user.
///
/// `uuid` is the only required field: it is Bitbucket's stable id, present in every user
/// object, while `username` was removed from most responses in 2019 and `nickname` is not
/// unique.
pub(crate) fn map_user(raw: Value) -> Result<OAuthUserInfo, String> {
    if !raw.is_object() {
        return Err("the body is not a JSON object".to_owned());
    }
    let text = |pointer: &str| non_empty(raw.pointer(pointer).and_then(Value::as_str));
    let uuid = match raw.get("uuid") {
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

    let mut user = OAuthUserInfo::new(PROVIDER_NAME, oauth_id);
    user.username = text("/username").or_else(|| text("/nickname"));
    if let Some(display_name) = text("/display_name") {
        let (first, last) = split_name(&display_name);
        user.first_name = first;
        user.last_name = last;
    }
    user.avatar_url = text("/links/avatar/href");
    user.profile_url = text("/links/html/href");
    user.raw_data = raw;
    Ok(user)
}

/// Sets the chosen address on the user; `email_verified` is that address's `is_confirmed`.
pub(crate) fn set_email(user: &mut OAuthUserInfo, email: &Email) {
    user.email = Some(email.address.clone());
    user.email_verified = email.confirmed;
}

/// Splits a display name at its first whitespace: "Mira Okonkwo-Lind" gives "Mira" and
/// "Okonkwo-Lind"; a single word is a first name only.
fn split_name(display_name: &str) -> (Option<String>, Option<String>) {
    let display_name = display_name.trim();
    match display_name.split_once(char::is_whitespace) {
        Some((first, last)) => (non_empty(Some(first)), non_empty(Some(last))),
        None => (non_empty(Some(display_name)), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn email(address: &str, primary: bool, confirmed: bool) -> Email {
        Email {
            address: address.to_owned(),
            primary,
            confirmed,
        }
    }

    #[test]
    fn email_priority_is_primary_then_first_confirmed_then_first() {
        let a = email("a@x", false, false);
        let b = email("b@x", false, true);
        let c = email("c@x", true, false);
        let d = email("d@x", false, true);
        assert_eq!(
            choose_email(&[a.clone(), b.clone(), c.clone(), d.clone()]),
            Some(&c)
        );
        assert_eq!(choose_email(&[a.clone(), b.clone(), d]), Some(&b));
        assert_eq!(choose_email(std::slice::from_ref(&a)), Some(&a));
        assert_eq!(choose_email(&[]), None);
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
        let user = map_user(json!({"uuid": "{3c5e0f9a-7b21}"})).expect("valid");
        assert_eq!(user.oauth_id, "3c5e0f9a-7b21");
        assert_eq!(user.username, None);
        assert_eq!(user.first_name, None);
        let unbraced = map_user(json!({"uuid": "3c5e0f9a"})).expect("valid");
        assert_eq!(unbraced.oauth_id, "3c5e0f9a");
        for bad in [
            json!({}),
            json!({"uuid": 42}),
            json!({"uuid": "{}"}),
            json!([1]),
        ] {
            assert!(map_user(bad).is_err());
        }
    }

    #[test]
    fn blank_and_null_fields_become_none() {
        let raw = json!({
            "uuid": "{u}", "username": "", "nickname": null, "display_name": "  ",
            "links": {"avatar": {"href": null}, "html": {"href": ""}}
        });
        let user = map_user(raw).expect("valid");
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

    #[test]
    fn email_page_requires_values_and_skips_entries_without_address() {
        let page = EmailPage::parse(&json!({
            "values": [
                {"email": "a@x", "is_primary": true, "is_confirmed": "yes"},
                {"email": ""},
                {"is_primary": true}
            ],
            "next": null
        }))
        .expect("valid");
        assert_eq!(page.emails, [email("a@x", true, false)]);
        assert_eq!(page.next, None);
        assert!(EmailPage::parse(&json!({"size": 0})).is_err());
        assert!(EmailPage::parse(&json!({"values": {}})).is_err());
        assert!(EmailPage::parse(&json!({"values": [], "next": 2})).is_err());
    }
}
