//! "Log in with X" (formerly Twitter): the X provider of oauth-kit, on X's OAuth 2.0
//! authorization code flow with PKCE.
//!
//! X is described as data ([`SPEC`]) plus a user mapping; [`XProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_x::XProvider;
//!
//! // In an application: XProvider::from_env()?, reading X_CLIENT_ID and X_CLIENT_SECRET (the
//! // app's OAuth 2.0 Client ID and Client Secret, not the API key and secret).
//! let x = XProvider::new("Ums5WWNYQk1kVzFVWlhOMFEyeHA6MTpjaQ", ClientSecret::new("secret"))?;
//! assert_eq!(x.user_info_url().as_str(), "https://api.x.com/2/users/me?user.fields=profile_image_url");
//! assert!(x.capabilities().pkce && x.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - PKCE is **required** by X: every login sends an S256 challenge. A confidential client
//!   (a web app) authenticates with HTTP Basic at the token and revocation endpoints.
//! - Access tokens last two hours. A refresh token comes only with the `offline.access` scope
//!   (in the defaults); X answers a refresh with a new refresh token, which replaces the old.
//!   Revocation is RFC 7009 at `{api}/oauth2/revoke`.
//! - `oauth_id` is `data.id`, a string of digits (beyond the precision of a float: never read
//!   it as a number). The profile URL is `https://x.com/{username}`, built from the handle.
//! - X has no email in the default user fields: `email` is `None` and `email_verified` false.
//!   An application that adds the `users.email` scope and `confirmed_email` to the user
//!   fields (`X_USERINFO_URL`) gets that address as verified: X only returns confirmed ones.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo};

/// X as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "x",
    title: "X",
    env_prefix: "X",
    authorization_url: "https://x.com/i/oauth2/authorize",
    token_url: "{api}/oauth2/token",
    api_url: "https://api.x.com/2",
    user_info_url: "{api}/users/me?user.fields=profile_image_url",
    revocation_url: Some("{api}/oauth2/revoke"),
    scopes: &["tweet.read", "users.read", "offline.access"],
    pkce: Pkce::Required,
    capabilities: Capabilities::NONE.refresh(true),
    error_message: &["/error_description", "/detail", "/title"],
    credentials: CredentialHelp {
        client_id: "OAuth 2.0 Client ID",
        client_secret: "OAuth 2.0 Client Secret",
        app: "X app",
        console: Some("the X developer portal: your app's Keys and tokens"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "1719384650237441024",
        email: Some("priya.raman@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with X": the generic provider over [`SPEC`]. [`from_env`](Self::from_env)
    /// reads `X_CLIENT_ID`, `X_CLIENT_SECRET`, `X_SCOPE` (default
    /// `tweet.read users.read offline.access`) and the overrides `X_AUTHORIZE_URL`,
    /// `X_TOKEN_URL`, `X_API_URL` and `X_USERINFO_URL`.
    pub struct XProvider(SPEC);
}

/// Builder of [`XProvider`].
pub type XProviderBuilder = ProviderBuilder<XProvider>;

/// Maps `/2/users/me`: `data.id`, `data.username`, `data.name` split, the profile image, the
/// profile page from the handle, and `data.confirmed_email` (verified) when it was asked for.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/data/id")?);
    user.username = profile.str("/data/username");
    Profile::split_name(&mut user, profile.str("/data/name"));
    user.avatar_url = profile.str("/data/profile_image_url");
    user.profile_url = user
        .username
        .as_ref()
        .filter(|name| name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .map(|name| format!("https://x.com/{name}"));
    user.email = profile.str("/data/confirmed_email");
    user.email_verified = user.email.is_some();
    Ok(user)
}

/// The X guide, `docs/providers/x.md`, compiled so its examples cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/x.md")]
pub struct XGuide;
