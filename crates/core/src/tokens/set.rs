//! What is kept of a token response, and under which key.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::flow::SessionUser;
use crate::secret::{AccessToken, IdToken, RefreshToken};
use crate::token::OAuthToken;
use crate::user::OAuthUserInfo;

/// Whose tokens: a provider's registry name and the user's stable id at that provider
/// ([`OAuthUserInfo::oauth_id`]), the same pair accounts are linked by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenKey {
    provider: String,
    subject: String,
}

impl TokenKey {
    /// The key of `subject`'s tokens at `provider`.
    pub fn new(provider: impl Into<String>, subject: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            subject: subject.into(),
        }
    }

    /// The key of a logged-in user's tokens.
    pub fn for_user(user: &OAuthUserInfo) -> Self {
        Self::new(&user.provider, &user.oauth_id)
    }

    /// The key of the tokens of the user kept in a session.
    pub fn for_session_user(user: &SessionUser) -> Self {
        Self::for_user(&user.info)
    }

    /// The provider's registry name.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The user's stable id at the provider.
    pub fn subject(&self) -> &str {
        &self.subject
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.subject)
    }
}

/// The tokens kept for one user: access token, refresh token, expiry, scopes and ID token.
///
/// The expiry is the absolute time computed when the response arrived, never recomputed from
/// `expires_in`. `Debug` redacts every token; there is no `Display` and no `PartialEq`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token, if the provider issued one.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires (`None`: the provider gave no lifetime).
    pub expires_at: Option<SystemTime>,
    /// The granted scopes, as the provider reported them.
    pub scopes: Vec<String>,
    /// The OpenID Connect ID token, if any.
    pub id_token: Option<IdToken>,
}

impl TokenSet {
    /// The set kept of a token response.
    pub fn from_token(token: &OAuthToken) -> Self {
        Self {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at: token.expires_at,
            scopes: token.scopes.clone(),
            id_token: token.id_token.clone(),
        }
    }

    /// Whether the access token is still valid `margin` from now (always true without an
    /// expiry time).
    pub fn is_fresh(&self, margin: Duration) -> bool {
        match self.expires_at {
            None => true,
            Some(at) => SystemTime::now()
                .checked_add(margin)
                .is_some_and(|soon| soon < at),
        }
    }

    /// Whether the access token has expired.
    pub fn is_expired(&self) -> bool {
        !self.is_fresh(Duration::ZERO)
    }

    /// The set after a refresh answered with `token`: a refresh token, scopes or ID token that
    /// the answer omits are kept from this set (providers such as Bitbucket send no new
    /// refresh token, and RFC 6749 section 5.1 lets a provider omit unchanged scopes).
    pub fn refreshed_with(&self, token: &OAuthToken) -> Self {
        let fresh = Self::from_token(token);
        Self {
            refresh_token: fresh.refresh_token.or_else(|| self.refresh_token.clone()),
            scopes: if fresh.scopes.is_empty() {
                self.scopes.clone()
            } else {
                fresh.scopes
            },
            id_token: fresh.id_token.or_else(|| self.id_token.clone()),
            ..fresh
        }
    }

    /// The set as an [`OAuthToken`] (for calls such as
    /// [`OAuthProvider::user_info`](crate::OAuthProvider::user_info) and
    /// [`revoke`](crate::OAuthProvider::revoke)); its `raw` is `null`.
    pub fn to_token(&self) -> OAuthToken {
        let mut token = OAuthToken::bearer(self.access_token.clone());
        token.expires_in = self
            .expires_at
            .and_then(|at| at.duration_since(SystemTime::now()).ok());
        token.expires_at = self.expires_at;
        token.refresh_token = self.refresh_token.clone();
        token.scopes = self.scopes.clone();
        token.id_token = self.id_token.clone();
        token
    }

    /// The set as JSON, for stores that keep bytes (Redis, a database). The JSON carries the
    /// tokens in clear: keep it server-side, never in a cookie or a log.
    pub fn to_json(&self) -> String {
        let stored = Stored {
            access_token: self.access_token.secret(),
            refresh_token: self.refresh_token.as_ref().map(RefreshToken::secret),
            expires_at: self.expires_at.map(|at| {
                at.duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            }),
            scopes: self.scopes.iter().map(String::as_str).collect(),
            id_token: self.id_token.as_ref().map(IdToken::secret),
        };
        // Serializing strings, numbers and lists into a String cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads a set written by [`to_json`](Self::to_json).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let stored: StoredOwned = serde_json::from_str(json).map_err(|_| Error::TokenStore {
            reason: "a kept token set is not valid JSON of the expected shape".to_owned(),
        })?;
        Ok(Self {
            access_token: AccessToken::new(stored.access_token),
            refresh_token: stored.refresh_token.map(RefreshToken::new),
            expires_at: stored
                .expires_at
                .map(|secs| UNIX_EPOCH + Duration::from_secs(secs)),
            scopes: stored.scopes,
            id_token: stored.id_token.map(IdToken::new),
        })
    }
}

impl From<&OAuthToken> for TokenSet {
    fn from(token: &OAuthToken) -> Self {
        Self::from_token(token)
    }
}

#[derive(Serialize)]
struct Stored<'a> {
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
    scopes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<&'a str>,
}

#[derive(Deserialize)]
struct StoredOwned {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_at: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    id_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(access: &str, refresh: Option<&str>, scopes: &[&str]) -> OAuthToken {
        let mut token = OAuthToken::bearer(AccessToken::new(access));
        token.refresh_token = refresh.map(RefreshToken::new);
        token.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        token.expires_at = SystemTime::now().checked_add(Duration::from_secs(3600));
        token
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
        let kept = TokenSet::from_token(&token("at1", Some("rt1"), &["a"]));
        let next = kept.refreshed_with(&token("at2", None, &[]));
        assert_eq!(next.access_token.secret(), "at2");
        assert_eq!(
            next.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt1")
        );
        assert_eq!(next.scopes, ["a"]);
    }

    #[test]
    fn a_rotated_refresh_token_replaces_the_old_one() {
        let kept = TokenSet::from_token(&token("at1", Some("rt1"), &["a"]));
        let next = kept.refreshed_with(&token("at2", Some("rt2"), &["a", "b"]));
        assert_eq!(
            next.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt2")
        );
        assert_eq!(next.scopes, ["a", "b"]);
    }

    #[test]
    fn freshness_honours_the_margin() {
        let mut set = TokenSet::from_token(&token("at", None, &[]));
        set.expires_at = SystemTime::now().checked_add(Duration::from_secs(30));
        assert!(set.is_fresh(Duration::from_secs(10)));
        assert!(!set.is_fresh(Duration::from_secs(60)));
        set.expires_at = None;
        assert!(set.is_fresh(Duration::from_secs(3600)));
    }

    #[test]
    fn json_round_trip_keeps_everything_but_sub_second_expiry() {
        let set = TokenSet::from_token(&token("at", Some("rt"), &["x", "y"]));
        let back = TokenSet::from_json(&set.to_json()).expect("round trip");
        assert_eq!(back.access_token.secret(), "at");
        assert_eq!(
            back.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt")
        );
        assert_eq!(back.scopes, ["x", "y"]);
        let (a, b) = (set.expires_at.expect("set"), back.expires_at.expect("kept"));
        assert!(a.duration_since(b).unwrap_or_default() < Duration::from_secs(1));
        assert!(matches!(
            TokenSet::from_json("{\"nope\":1}"),
            Err(Error::TokenStore { .. })
        ));
    }

    #[test]
    fn debug_of_a_token_set_is_redacted() {
        let set = TokenSet::from_token(&token("AT-s3ntinel", Some("RT-s3ntinel"), &[]));
        let printed = format!("{set:?}");
        assert!(!printed.contains("s3ntinel"), "{printed}");
    }
}
