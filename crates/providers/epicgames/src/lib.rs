//! "Log in with Epic Games": the Epic Games provider of oauth-kit (Epic Account Services).
//!
//! Epic Games is described as data ([`SPEC`]) plus a user mapping; [`EpicGamesProvider`] is
//! the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_epicgames::EpicGamesProvider;
//!
//! // In an application: EpicGamesProvider::from_env()?, reading EPICGAMES_CLIENT_ID and
//! // EPICGAMES_CLIENT_SECRET.
//! let epic = EpicGamesProvider::new("xyza7891TydzdNolyGQJYa9b6n6rLMJl", ClientSecret::new("secret"))?;
//! assert_eq!(
//!     epic.user_info_url().as_str(),
//!     "https://api.epicgames.dev/epic/oauth/v2/userInfo"
//! );
//! assert!(!epic.capabilities().pkce && epic.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Token, refresh and revocation requests authenticate with **HTTP Basic**; the body
//!   carries `grant_type`, `code` and `redirect_uri`. PKCE is not sent: Epic does not document
//!   it (UNCONFIRMED).
//! - The user-info path is `/epic/oauth/v2/userInfo`, with a **capital I**.
//! - The token response names the refresh token's lifetime `refresh_expires` (seconds) and
//!   `refresh_expires_at`; `expires_at` (with `account_id`, UNCONFIRMED) is a date string, not
//!   seconds since the epoch. The access token's expiry comes from `expires_in`; the refresh
//!   token's stays in [`OAuthToken::raw`](oauth_kit_core::OAuthToken::raw).
//! - These are Epic Account Services tokens, not the game-services tokens of
//!   `/auth/v1/oauth/token` (client credentials with a `deployment_id`).
//! - `oauth_id` is `sub`, the 32-hex account id; `preferred_username` is the display name,
//!   which players change, so never key accounts on it. Epic rarely returns an email address
//!   and never says whether it is verified: `email_verified` is always false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// Epic Games as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "epicgames",
    title: "Epic Games",
    env_prefix: "EPICGAMES",
    authorization_url: "https://www.epicgames.com/id/authorize",
    token_url: "{api}/token",
    api_url: "https://api.epicgames.dev/epic/oauth/v2",
    user_info_url: "{api}/userInfo",
    revocation_url: Some("{api}/revoke"),
    scopes: &["basic_profile"],
    client_auth: ClientAuth::Basic,
    pkce: Pkce::Unsupported,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Epic Games product client",
        console: Some("dev.epicgames.com/portal > your product > Product Settings > Clients"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "8f3a1c9e2b7d4f6a0c5e1d3b9a7f2c4e",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Epic Games": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `EPICGAMES_CLIENT_ID`, `EPICGAMES_CLIENT_SECRET`,
    /// `EPICGAMES_SCOPE` (default `basic_profile`) and the overrides `EPICGAMES_AUTHORIZE_URL`,
    /// `EPICGAMES_TOKEN_URL`, `EPICGAMES_API_URL`, `EPICGAMES_USERINFO_URL` and
    /// `EPICGAMES_REVOCATION_URL`.
    pub struct EpicGamesProvider(SPEC);
}

/// Builder of [`EpicGamesProvider`].
pub type EpicGamesProviderBuilder = ProviderBuilder<EpicGamesProvider>;

/// Maps `userInfo`: `sub`, `preferred_username`, `name` split, and `email` when present
/// (never verified).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/sub")?);
    user.username = profile.str("/preferred_username");
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/email");
    Ok(user)
}

/// The Epic Games guide, `docs/providers/epicgames.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/epicgames.md")]
pub struct EpicGamesGuide;
