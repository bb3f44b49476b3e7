//! "Log in with Pinterest": the Pinterest provider of oauth-kit (API v5).
//!
//! Pinterest is described as data ([`SPEC`]) plus a user mapping; [`PinterestProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_pinterest::PinterestProvider;
//!
//! // In an application: PinterestProvider::from_env()?, reading PINTEREST_CLIENT_ID and
//! // PINTEREST_CLIENT_SECRET.
//! let pinterest = PinterestProvider::new("1487203", ClientSecret::new("secret"))?;
//! assert_eq!(pinterest.user_info_url().as_str(), "https://api.pinterest.com/v5/user_account");
//! assert!(pinterest.capabilities().pkce && !pinterest.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic; PKCE (S256) is sent (seen only in other libraries:
//!   UNCONFIRMED). Scopes are comma-separated (UNCONFIRMED for this flow).
//! - Refresh tokens live about a year and are refreshed continuously: a refresh may return a
//!   new one, which replaces the old one. No revocation endpoint is documented (UNCONFIRMED).
//! - `oauth_id` is the account `id`, never the `username`, which users can change. The profile
//!   URL is built from the username. Pinterest gives no email address: `email` is `None` and
//!   `email_verified` false.

use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};
use oauth_kit_core::{OAuthUserInfo, TokenQuirks};

/// Pinterest as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "pinterest",
    title: "Pinterest",
    env_prefix: "PINTEREST",
    authorization_url: "https://www.pinterest.com/oauth/",
    token_url: "{api}/oauth/token",
    api_url: "https://api.pinterest.com/v5",
    user_info_url: "{api}/user_account",
    scopes: &["user_accounts:read"],
    scope_separator: ',',
    token_quirks: TokenQuirks::STRICT.scope_separator(','),
    credentials: CredentialHelp {
        client_id: "App ID",
        client_secret: "App secret key",
        app: "Pinterest app",
        console: Some("developers.pinterest.com/apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "1048576204857392018",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Pinterest": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `PINTEREST_CLIENT_ID`, `PINTEREST_CLIENT_SECRET`,
    /// `PINTEREST_SCOPE` (default `user_accounts:read`) and the overrides
    /// `PINTEREST_AUTHORIZE_URL`, `PINTEREST_TOKEN_URL` and `PINTEREST_API_URL`.
    pub struct PinterestProvider(SPEC);
}

/// Builder of [`PinterestProvider`].
pub type PinterestProviderBuilder = ProviderBuilder<PinterestProvider>;

/// Maps `/v5/user_account`: `id`, `username`, `profile_image` and the profile page built
/// from the username (only one of letters, digits, `_`, `-` and `.`).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    user.avatar_url = profile.str("/profile_image");
    let plain = |s: &&String| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
    };
    user.profile_url = user
        .username
        .as_ref()
        .filter(plain)
        .map(|name| format!("https://www.pinterest.com/{name}/"));
    Ok(user)
}

/// The Pinterest guide, `docs/providers/pinterest.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/pinterest.md")]
pub struct PinterestGuide;
