//! What adapters keep in the session after a login, and the application's login hook.

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::rejection::Rejection;
use super::service::LoginSuccess;
use crate::user::OAuthUserInfo;

/// The session key under which adapters store the [`SessionUser`].
pub const SESSION_USER_KEY: &str = "oauth_kit.user";

/// The logged-in user as adapters keep it in the session.
///
/// It carries the normalized user without `raw_data` (unless the adapter is told to keep it)
/// and never a token: tokens stay out of sessions, so a cookie-backed session cannot leak
/// them. Use the [`LoginHook`] to store tokens server-side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionUser {
    /// The normalized user (`raw_data` is `null` unless kept on purpose). Stored under the
    /// name `user`, so sessions written before the field had this name still read.
    #[serde(rename = "user")]
    pub info: OAuthUserInfo,
    /// Application data returned by the login hook (for example your own account id).
    #[serde(default)]
    pub account: Option<serde_json::Value>,
    /// When the login completed, in seconds since the Unix epoch.
    pub logged_in_at: u64,
}

impl SessionUser {
    /// Builds the session form of a login.
    pub fn new(
        mut user: OAuthUserInfo,
        account: Option<serde_json::Value>,
        keep_raw_data: bool,
    ) -> Self {
        if !keep_raw_data {
            user.raw_data = serde_json::Value::Null;
        }
        let logged_in_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Self {
            info: user,
            account,
            logged_in_at,
        }
    }

    /// The provider the user logged in with.
    pub fn provider(&self) -> &str {
        &self.info.provider
    }

    /// Whether the login is at least `lifetime` old (the absolute session lifetime, checked
    /// by the adapters at every request whatever the session store).
    pub fn is_older_than(&self, lifetime: std::time::Duration) -> bool {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        now.saturating_sub(self.logged_in_at) >= lifetime.as_secs()
    }

    /// The key that groups a user's sessions for the per-user bound of the session table:
    /// the provider and the provider's user id.
    pub fn owner_key(&self) -> String {
        format!("{}\u{1f}{}", self.info.provider, self.info.oauth_id)
    }

    /// Whether the provider asserted a verified email address.
    pub fn has_verified_email(&self) -> bool {
        self.info.email_verified && self.info.email.is_some()
    }
}

/// A condition on the logged-in user: the rule behind the adapters' guards and extractors.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requirement {
    /// Any logged-in user.
    LoggedIn,
    /// A user logged in with this provider.
    Provider(String),
    /// A user whose provider asserted a verified email address.
    VerifiedEmail,
}

impl Requirement {
    /// Any logged-in user (401 otherwise).
    pub fn logged_in() -> Self {
        Requirement::LoggedIn
    }

    /// A user logged in with `provider` (401 when nobody is logged in, 403 `wrong_provider`).
    pub fn provider(provider: impl Into<String>) -> Self {
        Requirement::Provider(provider.into())
    }

    /// A user whose provider asserted a verified email (403 `email_not_verified`).
    pub fn verified_email() -> Self {
        Requirement::VerifiedEmail
    }

    /// Checks the session's user, if any, against the requirement: 401 `unauthenticated` when
    /// nobody is logged in, 403 `wrong_provider` or `email_not_verified` when the user does not
    /// qualify.
    ///
    /// ```
    /// use oauth_kit_core::flow::{Rejection, Requirement};
    /// assert_eq!(Requirement::LoggedIn.check(None), Err(Rejection::Unauthenticated));
    /// ```
    pub fn check(&self, user: Option<&SessionUser>) -> Result<(), Rejection> {
        let user = user.ok_or(Rejection::Unauthenticated)?;
        match self {
            Requirement::LoggedIn => Ok(()),
            Requirement::Provider(p) if user.provider() == p => Ok(()),
            Requirement::Provider(_) => Err(Rejection::Forbidden("wrong_provider")),
            Requirement::VerifiedEmail if user.has_verified_email() => Ok(()),
            Requirement::VerifiedEmail => Err(Rejection::Forbidden("email_not_verified")),
        }
    }

    /// The session's user when it meets the requirement: what the adapters' extractors
    /// answer.
    pub fn admit(&self, user: Option<SessionUser>) -> Result<SessionUser, Rejection> {
        self.check(user.as_ref())?;
        user.ok_or(Rejection::Unauthenticated)
    }
}

/// The application's answer to a completed login.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LoginDecision {
    /// Log the user in, optionally with application data kept in the session.
    Accept {
        /// Application data stored in [`SessionUser::account`].
        account: Option<serde_json::Value>,
    },
    /// Reject the login; the browser goes to the failure path with `error=<code>`.
    Reject {
        /// A machine-readable reason (`a-z`, `0-9`, `_`, `-`; anything else becomes
        /// `login_refused`).
        code: String,
    },
}

impl LoginDecision {
    /// Accepts the login with no application data.
    pub fn accept() -> Self {
        LoginDecision::Accept { account: None }
    }

    /// Accepts the login and keeps `account` in the session.
    pub fn accept_with(account: serde_json::Value) -> Self {
        LoginDecision::Accept {
            account: Some(account),
        }
    }

    /// Rejects the login with a machine-readable code.
    pub fn reject(code: impl Into<String>) -> Self {
        LoginDecision::Reject { code: code.into() }
    }
}

/// Called by adapters after every successful login, before the session is written: link or
/// create your own account record, store the token server-side, or reject the login.
///
/// Link accounts by `(provider, oauth_id)`. Never link to an existing account by email unless
/// `email_verified` is true: an unverified address proves nothing.
#[async_trait]
pub trait LoginHook: Send + Sync + 'static {
    /// Decides what happens with a completed login.
    async fn on_login(&self, login: &LoginSuccess) -> LoginDecision;
}

/// Runs the application's hook (if any) on a completed login and builds what the session
/// keeps. `Err` carries the failure code for the redirect: the hook's rejection code,
/// sanitized by [`rejection_code`].
pub async fn session_user_for(
    login: &LoginSuccess,
    hook: Option<&dyn LoginHook>,
    keep_raw_data: bool,
) -> Result<SessionUser, String> {
    let account = match hook {
        None => None,
        Some(hook) => match hook.on_login(login).await {
            LoginDecision::Accept { account } => account,
            LoginDecision::Reject { code } => {
                let code = rejection_code(&code);
                tracing::info!(provider = %login.user.provider, code, "login rejected by the application");
                return Err(code.to_owned());
            }
        },
    };
    Ok(SessionUser::new(login.user.clone(), account, keep_raw_data))
}

/// The code put in the failure redirect for a rejected login: the application's code when it is a
/// plain identifier of at most 64 characters, `login_refused` otherwise.
pub fn rejection_code(code: &str) -> &str {
    let plain = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if plain { code } else { "login_refused" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_codes_are_sanitized() {
        assert_eq!(rejection_code("not_allowed"), "not_allowed");
        assert_eq!(rejection_code("<b>x</b>"), "login_refused");
        assert_eq!(rejection_code(""), "login_refused");
    }

    #[test]
    fn session_user_drops_raw_data_by_default() {
        let mut user = OAuthUserInfo::new("p", "1");
        user.raw_data = serde_json::json!({"k": "v"});
        assert!(
            SessionUser::new(user.clone(), None, false)
                .info
                .raw_data
                .is_null()
        );
        assert!(!SessionUser::new(user, None, true).info.raw_data.is_null());
    }
}
