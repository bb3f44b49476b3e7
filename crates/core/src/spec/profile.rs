//! Reading a provider's user JSON: the helpers a mapping function uses, and the standard
//! OpenID Connect claims mapping.

use serde_json::Value;

use crate::user::OAuthUserInfo;

/// A provider's user JSON, as given to a [`MapUser`](super::MapUser) function, with helpers
/// that read it the way every mapping should: blank strings are `None`, ids may be strings or
/// integers (never read through a float), booleans may be `true` or `"true"`.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    provider: &'a str,
    raw: &'a Value,
}

impl<'a> Profile<'a> {
    /// The JSON `raw` of the instance named `provider`.
    pub fn new(provider: &'a str, raw: &'a Value) -> Self {
        Self { provider, raw }
    }

    /// The instance name.
    pub fn provider(&self) -> &'a str {
        self.provider
    }

    /// The whole JSON.
    pub fn raw(&self) -> &'a Value {
        self.raw
    }

    /// The value at a JSON pointer (`/links/avatar/href`).
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.raw.pointer(pointer)
    }

    /// A trimmed, non-empty string at `pointer`.
    pub fn str(&self, pointer: &str) -> Option<String> {
        crate::user::non_empty(self.get(pointer).and_then(Value::as_str))
    }

    /// The first non-empty string among `pointers`.
    pub fn first_str(&self, pointers: &[&str]) -> Option<String> {
        pointers.iter().find_map(|p| self.str(p))
    }

    /// A stable id at `pointer`: a non-empty string, or an integer written out exactly.
    /// Anything else is an `Err` naming the member.
    pub fn id(&self, pointer: &str) -> Result<String, String> {
        let member = pointer.trim_start_matches('/');
        match self.get(pointer) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            Some(Value::String(_)) => Err(format!("`{member}` is empty")),
            Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
            Some(Value::Null) | None => Err(format!("`{member}` is missing")),
            Some(_) => Err(format!("`{member}` is not a string or an integer")),
        }
    }

    /// Whether the value at `pointer` is `true` or the string `"true"` (Apple and some Azure
    /// tenants send booleans as strings).
    pub fn bool(&self, pointer: &str) -> bool {
        match self.get(pointer) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    /// A new user of this instance with the given id; set the other fields on it.
    pub fn user(&self, oauth_id: impl Into<String>) -> OAuthUserInfo {
        OAuthUserInfo::new(self.provider, oauth_id)
    }

    /// Sets `first_name` and `last_name` from a display name split at the first whitespace,
    /// unless both are already set.
    pub fn split_name(user: &mut OAuthUserInfo, display_name: Option<String>) {
        if user.first_name.is_some() || user.last_name.is_some() {
            return;
        }
        let Some(name) = display_name else {
            return;
        };
        match name.split_once(char::is_whitespace) {
            Some((first, last)) => {
                user.first_name = crate::user::non_empty(Some(first));
                user.last_name = crate::user::non_empty(Some(last));
            }
            None => user.first_name = Some(name),
        }
    }
}

/// The standard OpenID Connect claims mapping: `sub` → `oauth_id`, `email`,
/// `email_verified` (bool or `"true"`), `preferred_username` (else `nickname`), `given_name` and
/// `family_name` (else `name` split), `picture`, `profile`.
///
/// ```
/// use oauth_kit_core::spec::{Profile, map_standard_claims};
///
/// let claims = serde_json::json!({
///     "sub": "248289761001", "email": "jane@example.com", "email_verified": "true",
///     "name": "Jane Doe", "picture": "https://example.com/jane.png"
/// });
/// let user = map_standard_claims(&Profile::new("oidc", &claims)).unwrap();
/// assert_eq!(user.oauth_id, "248289761001");
/// assert!(user.email_verified);
/// assert_eq!(user.last_name.as_deref(), Some("Doe"));
/// ```
pub fn map_standard_claims(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/sub")?);
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/email_verified");
    user.username = profile.first_str(&["/preferred_username", "/nickname"]);
    user.first_name = profile.str("/given_name");
    user.last_name = profile.str("/family_name");
    Profile::split_name(&mut user, profile.str("/name"));
    user.avatar_url = profile.str("/picture");
    user.profile_url = profile.str("/profile");
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_strings_or_exact_integers() {
        let raw = json!({"a": "  x ", "b": 18446744073709551615u64, "c": -3, "d": 1.5, "e": "", "f": null});
        let p = Profile::new("t", &raw);
        assert_eq!(p.id("/a").as_deref(), Ok("x"));
        assert_eq!(p.id("/b").as_deref(), Ok("18446744073709551615"));
        assert_eq!(p.id("/c").as_deref(), Ok("-3"));
        assert!(p.id("/d").is_err());
        assert!(p.id("/e").is_err());
        assert!(p.id("/f").is_err());
        assert!(p.id("/missing").is_err());
    }

    #[test]
    fn booleans_may_be_strings() {
        let raw = json!({"a": true, "b": "true", "c": "false", "d": 1, "e": "TRUE"});
        let p = Profile::new("t", &raw);
        assert!(p.bool("/a") && p.bool("/b") && p.bool("/e"));
        assert!(!p.bool("/c") && !p.bool("/d") && !p.bool("/x"));
    }

    #[test]
    fn standard_claims_need_sub_and_verify_only_present_emails() {
        assert!(map_standard_claims(&Profile::new("t", &json!({"email": "a@b"}))).is_err());
        let raw = json!({"sub": "1", "email_verified": true, "name": "Solo"});
        let user = map_standard_claims(&Profile::new("t", &raw)).expect("valid");
        assert!(!user.email_verified);
        assert_eq!(user.first_name.as_deref(), Some("Solo"));
        assert_eq!(user.last_name, None);
        assert_eq!(user.provider, "t");
    }
}
