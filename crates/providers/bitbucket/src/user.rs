//! Bitbucket's user mapping, and the further step that reads `/2.0/user/emails`.

use oauth_kit_core::spec::{Profile, UserContext, UserStepFuture};
use oauth_kit_core::{Error, OAuthUserInfo, non_empty};
use serde_json::Value;
use url::Url;

/// How many pages of `/2.0/user/emails` are read at most. A list with a `next` link after
/// that many pages is an error rather than a silent cut.
pub const MAX_EMAIL_PAGES: usize = 20;

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
const EMAIL_HINTS: &[(u16, &str)] = &[USER_HINTS[1], USER_HINTS[2]];

/// One address of `/2.0/user/emails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Email {
    pub(crate) address: String,
    pub(crate) primary: bool,
    pub(crate) confirmed: bool,
}

/// One page of `/2.0/user/emails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmailPage {
    pub(crate) emails: Vec<Email>,
    pub(crate) next: Option<String>,
}

impl EmailPage {
    /// Reads a page; entries without an address are skipped, a missing `values` is an error.
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

/// The primary address, else the first confirmed one, else the first one.
pub(crate) fn choose_email(emails: &[Email]) -> Option<&Email> {
    emails
        .iter()
        .find(|e| e.primary)
        .or_else(|| emails.iter().find(|e| e.confirmed))
        .or_else(|| emails.first())
}

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

/// The further step: sets the chosen address from `/2.0/user/emails`.
pub(crate) fn add_email<'a>(ctx: &'a UserContext<'a>, user: OAuthUserInfo) -> UserStepFuture<'a> {
    Box::pin(async move {
        let mut user = user;
        if let Some(emails) = emails(ctx).await?
            && let Some(email) = choose_email(&emails)
        {
            user.email = Some(email.address.clone());
            user.email_verified = email.confirmed;
        }
        Ok(user)
    })
}

/// Every address, following `next` on the API's origin until the primary one is found; `None`
/// when Bitbucket refuses the list (403: the consumer lacks "Email: Read").
async fn emails(ctx: &UserContext<'_>) -> Result<Option<Vec<Email>>, Error> {
    let mut url = ctx.endpoint("emails")?.clone();
    let mut emails = Vec::new();
    for _ in 0..MAX_EMAIL_PAGES {
        let response = ctx.get(&url).await?;
        if response.status == 403 {
            let body = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
            let (granted, required) = scope_lists(&body);
            tracing::warn!(
                provider = ctx.name(),
                status = response.status,
                granted = granted.as_deref().unwrap_or("unknown"),
                required = required.as_deref().unwrap_or("unknown"),
                "Bitbucket refused /2.0/user/emails: give the OAuth consumer the \
                 \"Email: Read\" permission; the user is returned without an email address"
            );
            return Ok(None);
        }
        if !response.is_success() {
            return Err(ctx.status_error_with(&response, EMAIL_HINTS));
        }
        let body: Value = response.json(&ctx.context())?;
        let page = EmailPage::parse(&body).map_err(|reason| ctx.invalid(&response, reason))?;
        let found_primary = page.emails.iter().any(|e| e.primary);
        emails.extend(page.emails);
        match page.next {
            Some(next) if !found_primary => {
                url = next_page(ctx.api_url(), &url, &next)
                    .map_err(|reason| ctx.invalid(&response, reason))?;
            }
            _ => return Ok(Some(emails)),
        }
    }
    Err(Error::InvalidResponse {
        context: ctx.context(),
        status: 200,
        reason: format!("the email list still had a `next` link after {MAX_EMAIL_PAGES} pages"),
        excerpt: None,
    })
}

/// Resolves a `next` link; only links on the API base URL's origin are followed (the bearer
/// token never goes to another host).
pub(crate) fn next_page(api: &Url, current: &Url, next: &str) -> Result<Url, &'static str> {
    let url = current
        .join(next)
        .map_err(|_| "the email list's `next` link is not a URL")?;
    // The scheme is checked as well: `blob:https://api.bitbucket.org/...` has the API's origin
    // by the URL standard, but it is not a link on the API.
    if !matches!(url.scheme(), "http" | "https") || url.origin() != api.origin() {
        return Err(
            "the email list's `next` link points to another origin than the API base URL; it \
             is not followed",
        );
    }
    Ok(url)
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
    use serde_json::json;

    fn map(raw: Value) -> Result<OAuthUserInfo, String> {
        map_user(&Profile::new("bitbucket", &raw))
    }

    fn split_name(display_name: &str) -> (Option<String>, Option<String>) {
        let mut user = OAuthUserInfo::new("bitbucket", "u");
        Profile::split_name(&mut user, non_empty(Some(display_name)));
        (user.first_name, user.last_name)
    }

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

    #[test]
    fn next_links_are_followed_only_on_the_api_origin() {
        let api = Url::parse("https://api.bitbucket.org/2.0").expect("url");
        let current = Url::parse("https://api.bitbucket.org/2.0/user/emails").expect("url");
        let followed = next_page(&api, &current, "?page=2").expect("relative");
        assert_eq!(
            followed.as_str(),
            "https://api.bitbucket.org/2.0/user/emails?page=2"
        );
        assert!(
            next_page(
                &api,
                &current,
                "https://api.bitbucket.org/2.0/user/emails?page=3"
            )
            .is_ok()
        );
        for foreign in [
            "https://evil.example/2.0/user/emails?page=2",
            "http://api.bitbucket.org/2.0/user/emails?page=2",
            "https://api.bitbucket.org:8443/2.0/user/emails?page=2",
            "//evil.example/steal",
            "data:text/plain,x",
            // Found while writing the `bitbucket_emails` fuzz target's property: a blob URL has
            // the origin of the URL inside it, so the origin check alone accepted it.
            "blob:https://api.bitbucket.org/2.0/user/emails?page=2",
        ] {
            assert!(next_page(&api, &current, foreign).is_err(), "{foreign}");
        }
    }
}
