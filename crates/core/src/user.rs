//! The normalized user every provider returns.

use serde::{Deserialize, Serialize};

/// A user as reported by an identity provider, mapped onto common fields.
///
/// Absent values are `None`, never `""`. `email_verified` is `true` only when the provider
/// asserts that the address is verified. Each provider crate documents which of its JSON fields
/// becomes [`oauth_id`](Self::oauth_id) and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthUserInfo {
    /// The provider's registry name, for example `"bitbucket"`.
    pub provider: String,
    /// The provider's stable identifier of the user. Use it, with `provider`, as the account key.
    pub oauth_id: String,
    /// The chosen email address, if the provider disclosed one.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the provider asserts that `email` is verified.
    #[serde(default)]
    pub email_verified: bool,
    /// A handle or nickname; not guaranteed to be unique or stable.
    #[serde(default)]
    pub username: Option<String>,
    /// The given name, when the provider reports one.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The family name, when the provider reports one.
    #[serde(default)]
    pub last_name: Option<String>,
    /// A URL of the user's avatar image.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// A URL of the user's public profile page.
    #[serde(default)]
    pub profile_url: Option<String>,
    /// The provider's own JSON, unchanged.
    #[serde(default)]
    pub raw_data: serde_json::Value,
}

impl OAuthUserInfo {
    /// Creates a user with the two required fields; every optional field is empty.
    pub fn new(provider: impl Into<String>, oauth_id: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            oauth_id: oauth_id.into(),
            email: None,
            email_verified: false,
            username: None,
            first_name: None,
            last_name: None,
            avatar_url: None,
            profile_url: None,
            raw_data: serde_json::Value::Null,
        }
    }

    /// The first and last name joined by a space, or whichever of them exists.
    ///
    /// ```
    /// # use oauth_kit_core::OAuthUserInfo;
    /// let mut user = OAuthUserInfo::new("bitbucket", "42");
    /// assert_eq!(user.full_name(), None);
    /// user.first_name = Some("Mira".into());
    /// user.last_name = Some("Okonkwo-Lind".into());
    /// assert_eq!(user.full_name().as_deref(), Some("Mira Okonkwo-Lind"));
    /// ```
    pub fn full_name(&self) -> Option<String> {
        match (self.first_name.as_deref(), self.last_name.as_deref()) {
            (Some(first), Some(last)) => Some(format!("{first} {last}")),
            (Some(only), None) | (None, Some(only)) => Some(only.to_owned()),
            (None, None) => None,
        }
    }
}

/// Turns an empty or whitespace-only string into `None`, so that no field is ever `""`.
pub fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_round_trips_through_json() {
        let mut user = OAuthUserInfo::new("bitbucket", "abc");
        user.email = Some("a@example.com".into());
        user.email_verified = true;
        let json = serde_json::to_string(&user).expect("serializable");
        let back: OAuthUserInfo = serde_json::from_str(&json).expect("deserializable");
        assert_eq!(back, user);
    }

    #[test]
    fn missing_optional_fields_deserialize_as_none() {
        let user: OAuthUserInfo =
            serde_json::from_str(r#"{"provider":"x","oauth_id":"1"}"#).expect("valid");
        assert_eq!(user.email, None);
        assert!(!user.email_verified);
    }

    #[test]
    fn non_empty_maps_blank_to_none() {
        assert_eq!(non_empty(Some("  ")), None);
        assert_eq!(non_empty(None), None);
        assert_eq!(non_empty(Some(" a ")).as_deref(), Some("a"));
    }
}
