//! What a mock server starts with: the OAuth consumer, the users and how consent is given.

use std::fmt;
use std::net::SocketAddr;

use crate::device::MockDevice;

/// The client id of the default OAuth consumer (the reference fixtures' value).
pub const DEFAULT_CLIENT_ID: &str = "bbClientKey123";

/// The client secret of the default OAuth consumer (the reference fixtures' value).
pub const DEFAULT_CLIENT_SECRET: &str = "bbClientSecret456";

/// How the mock answers an authorization request, standing in for the user at the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Consent {
    /// Redirect straight back to the client with a code, as if the user clicked "Grant access".
    #[default]
    AutoApprove,
    /// Redirect straight back with `error=access_denied`, as if the user clicked "Cancel".
    AutoDeny,
    /// Show an HTML consent page with Allow and Deny buttons; the button's form POST redirects.
    Interactive,
}

/// Configuration for [`MockBitbucket::start_with`](crate::MockBitbucket::start_with).
///
/// Build it from [`MockConfig::default`] and change what the test needs:
///
/// ```
/// use oauth_kit_testkit::{Consent, MockConfig};
///
/// let config = MockConfig {
///     consent: Consent::Interactive,
///     emails_page_len: 10,
///     ..MockConfig::default()
/// };
/// assert_eq!(config.client_id, "bbClientKey123");
/// ```
#[derive(Clone)]
pub struct MockConfig {
    /// The OAuth consumer's key; authorization and token requests must carry it.
    pub client_id: String,
    /// The OAuth consumer's secret; token requests must send it with HTTP Basic auth.
    pub client_secret: String,
    /// How authorization requests are answered; can be changed later with
    /// [`MockBitbucket::set_consent`](crate::MockBitbucket::set_consent).
    pub consent: Consent,
    /// The accounts the mock knows; the first one is the user "logged in" at the browser.
    /// Must not be empty.
    pub users: Vec<MockUser>,
    /// The default `pagelen` of `/2.0/user/emails` (clamped to 1..=100). The default is 2, so
    /// that [`MockUser::mira`]'s primary email lands on page 2, as in the reference fixtures.
    pub emails_page_len: usize,
    /// Where to listen; `None` means `127.0.0.1:0`, a free port chosen by the OS.
    pub addr: Option<SocketAddr>,
    /// The consumer's configured Callback URL. When set, a `redirect_uri` must start with it
    /// (Bitbucket's prefix rule), and an authorization request without `redirect_uri` is sent
    /// here. When `None`, any absolute `redirect_uri` is accepted and one is required.
    pub callback_url: Option<String>,
    /// The scopes granted to tokens, in the order the token response lists them. `/2.0/user`
    /// needs `account` and `/2.0/user/emails` needs `email`; without them they answer 403.
    pub scopes: Vec<String>,
    /// How the RFC 8628 device endpoints answer (Bitbucket itself has no device flow).
    pub device: MockDevice,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            consent: Consent::AutoApprove,
            users: vec![MockUser::mira(), MockUser::tomas()],
            emails_page_len: 2,
            addr: None,
            callback_url: None,
            scopes: vec!["account".to_owned(), "email".to_owned()],
            device: MockDevice::default(),
        }
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("consent", &self.consent)
            .field("users", &self.users)
            .field("emails_page_len", &self.emails_page_len)
            .field("addr", &self.addr)
            .field("callback_url", &self.callback_url)
            .field("scopes", &self.scopes)
            .field("device", &self.device)
            .finish()
    }
}

/// A Bitbucket account as `/2.0/user` and `/2.0/user/emails` report it.
///
/// Start from a fixture and change what the test needs:
///
/// ```
/// use oauth_kit_testkit::MockUser;
///
/// let anonymous = MockUser { username: None, ..MockUser::mira() };
/// assert_eq!(anonymous.display_name, "Mira Okonkwo-Lind");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockUser {
    /// The account's UUID, with curly braces, e.g. `{3c5e0f9a-...}`. Identifies the user.
    pub uuid: String,
    /// The Atlassian account id, an opaque string such as `712020:6b0f4c2e-...`.
    pub account_id: String,
    /// The deprecated `username` field; `None` leaves it out of `/2.0/user`.
    pub username: Option<String>,
    /// The `nickname`, which may contain spaces and is not unique.
    pub nickname: String,
    /// The `display_name`.
    pub display_name: String,
    /// `links.avatar.href`.
    pub avatar_url: String,
    /// `links.html.href`, the profile page.
    pub html_url: String,
    /// `has_2fa_enabled`, which real responses sometimes carry as `null` (`None`).
    pub has_2fa_enabled: Option<bool>,
    /// `created_on`, an RFC 3339 timestamp with microseconds.
    pub created_on: String,
    /// The addresses `/2.0/user/emails` lists, in this order.
    pub emails: Vec<MockEmail>,
}

/// One entry of `/2.0/user/emails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockEmail {
    /// The address.
    pub email: String,
    /// Whether this is the account's primary address.
    pub is_primary: bool,
    /// Whether the user confirmed the address.
    pub is_confirmed: bool,
}

impl MockEmail {
    /// An email entry.
    pub fn new(email: impl Into<String>, is_primary: bool, is_confirmed: bool) -> Self {
        Self {
            email: email.into(),
            is_primary,
            is_confirmed,
        }
    }
}

impl MockUser {
    /// The reference fixture user (section 8.4) with the three emails of sections 8.5 and 8.6:
    /// an unconfirmed old address, a confirmed secondary one and, last, the primary
    /// `mira@example.com`.
    pub fn mira() -> Self {
        Self {
            uuid: "{3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73}".to_owned(),
            account_id: "712020:6b0f4c2e-91d3-4a57-8e2b-0c9a5d7f1e34".to_owned(),
            username: Some("mira-ol".to_owned()),
            nickname: "Mira O-L".to_owned(),
            display_name: "Mira Okonkwo-Lind".to_owned(),
            avatar_url: "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/712020:6b0f4c2e-91d3-4a57-8e2b-0c9a5d7f1e34/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b/128".to_owned(),
            html_url: "https://bitbucket.org/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D/".to_owned(),
            has_2fa_enabled: None,
            created_on: "2021-03-14T09:26:53.589793+00:00".to_owned(),
            emails: vec![
                MockEmail::new("mira.old@example.org", false, false),
                MockEmail::new("m.okonkwo@example.net", false, true),
                MockEmail::new("mira@example.com", true, true),
            ],
        }
    }

    /// A second user in the shape of the reference's robustness variant: no `username`,
    /// `has_2fa_enabled: true`, a nickname with spaces and a non-ASCII display name. Its
    /// primary confirmed address `tomas@example.com` is on page 1.
    pub fn tomas() -> Self {
        Self {
            uuid: "{8d1b6c3e-2f4a-4b9d-a0c7-5e3f1d2b9a64}".to_owned(),
            account_id: "712020:2a9e7c1d-4b3f-4e8a-9d6c-1f0b8e2a7c35".to_owned(),
            username: None,
            nickname: "Tomás F Q".to_owned(),
            display_name: "Tomás Ferreira Quist".to_owned(),
            avatar_url: "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/712020:2a9e7c1d-4b3f-4e8a-9d6c-1f0b8e2a7c35/7c6b5a49-3d2e-4f10-9e8d-7c6b5a493d2e/128".to_owned(),
            html_url: "https://bitbucket.org/%7B8d1b6c3e-2f4a-4b9d-a0c7-5e3f1d2b9a64%7D/".to_owned(),
            has_2fa_enabled: Some(true),
            created_on: "2022-11-02T17:45:10.120934+00:00".to_owned(),
            emails: vec![
                MockEmail::new("tomas@example.com", true, true),
                MockEmail::new("tq@example.org", false, false),
            ],
        }
    }

    /// Whether `key` names this user: its username, uuid, account id or nickname.
    pub(crate) fn is_named(&self, key: &str) -> bool {
        self.username.as_deref() == Some(key)
            || self.uuid == key
            || self.account_id == key
            || self.nickname == key
    }
}
