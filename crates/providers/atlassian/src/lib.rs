//! "Log in with Atlassian": the Atlassian provider of oauth-kit, on Atlassian Cloud's OAuth 2.0
//! (3LO) apps for Jira and Confluence.
//!
//! Atlassian is described as data ([`SPEC`]) plus a user mapping; [`AtlassianProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_atlassian::AtlassianProvider;
//!
//! // In an application: AtlassianProvider::from_env()?, reading ATLASSIAN_CLIENT_ID and
//! // ATLASSIAN_CLIENT_SECRET.
//! let atlassian = AtlassianProvider::new("Zq3vT9xBkR8mPw2LnYc7HsDfGj4Ka6Ue", ClientSecret::new("secret"))?;
//! assert_eq!(atlassian.user_info_url().as_str(), "https://api.atlassian.com/me");
//! assert!(atlassian.capabilities().refresh && !atlassian.capabilities().pkce);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Every authorization carries `audience=api.atlassian.com` and `prompt=consent`, as
//!   Atlassian requires (a per-request `prompt` replaces the latter).
//! - The token endpoint takes a **JSON** body with the client id and secret in it. Refresh
//!   needs the `offline_access` scope; Atlassian **rotates** refresh tokens (each refresh
//!   returns a new one and retires the old).
//! - PKCE and revocation: not documented by Atlassian for 3LO apps (UNCONFIRMED), so neither is
//!   used; users remove apps from their Atlassian account's connected apps.
//! - `oauth_id` is the Atlassian `account_id`, the same across Jira, Confluence and Bitbucket.
//!   `email_verified` is true only when `/me` says `email_verified: true`; whether it ever
//!   does is UNCONFIRMED, so expect it to be false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, TokenEncoding};

/// Atlassian Cloud (3LO) as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "atlassian",
    title: "Atlassian",
    env_prefix: "ATLASSIAN",
    authorization_url: "https://auth.atlassian.com/authorize",
    token_url: "https://auth.atlassian.com/oauth/token",
    api_url: "https://api.atlassian.com",
    user_info_url: "{api}/me",
    authorize_params: &[("audience", "api.atlassian.com"), ("prompt", "consent")],
    scopes: &["read:me"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_encoding: TokenEncoding::Json,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Secret",
        app: "Atlassian OAuth 2.0 (3LO) app",
        console: Some("developer.atlassian.com > Developer console > your app > Settings"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "5b10a2844c20165a70e96621",
        email: Some("ines.moreau@example.fr"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Atlassian": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `ATLASSIAN_CLIENT_ID`, `ATLASSIAN_CLIENT_SECRET`,
    /// `ATLASSIAN_SCOPE` (default `read:me`) and the overrides `ATLASSIAN_AUTHORIZE_URL`,
    /// `ATLASSIAN_TOKEN_URL` and `ATLASSIAN_API_URL`.
    pub struct AtlassianProvider(SPEC);
}

/// Builder of [`AtlassianProvider`].
pub type AtlassianProviderBuilder = ProviderBuilder<AtlassianProvider>;

/// Maps `/me`: `account_id`, `nickname`, `name` split, `email` (verified only when `/me`
/// says so) and `picture`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/account_id")?);
    user.username = profile.str("/nickname");
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/email_verified");
    user.avatar_url = profile.str("/picture");
    Ok(user)
}

/// The Atlassian guide, `docs/providers/atlassian.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/atlassian.md")]
pub struct AtlassianGuide;
