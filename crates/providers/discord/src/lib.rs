//! "Log in with Discord": the Discord provider of oauth-kit.
//!
//! Discord is described as data ([`SPEC`]) plus a user mapping; [`DiscordProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_discord::DiscordProvider;
//!
//! // In an application: DiscordProvider::from_env()?, reading DISCORD_CLIENT_ID and
//! // DISCORD_CLIENT_SECRET.
//! let discord = DiscordProvider::new("1187432095561204321", ClientSecret::new("secret"))?;
//! assert_eq!(discord.user_info_url().as_str(), "https://discord.com/api/v10/users/@me");
//! assert_eq!(discord.scopes(), ["identify", "email"]);
//! assert!(discord.capabilities().revocation && !discord.capabilities().pkce);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic (Discord also accepts the credentials in the form
//!   body); token and revocation requests are forms, the only encoding Discord accepts.
//! - No PKCE: Discord documents it for public clients only (UNCONFIRMED for confidential ones),
//!   so the login flow's browser-bound `state` is the CSRF defence.
//! - Every endpoint but the authorization page is under the versioned API base
//!   (`https://discord.com/api/v10`): the token endpoint `{api}/oauth2/token` and the RFC 7009
//!   revocation endpoint `{api}/oauth2/token/revoke`. Access tokens last 7 days and are
//!   refreshed at the token endpoint.
//! - `oauth_id` is the user's snowflake `id`, a string. `email_verified` is Discord's `verified`
//!   flag, which is about the account's email address. The avatar URL is built from the id and
//!   the avatar hash on Discord's CDN; a user without an avatar gets none.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo};

/// Discord as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "discord",
    title: "Discord",
    env_prefix: "DISCORD",
    authorization_url: "https://discord.com/oauth2/authorize",
    token_url: "{api}/oauth2/token",
    api_url: "https://discord.com/api/v10",
    user_info_url: "{api}/users/@me",
    revocation_url: Some("{api}/oauth2/token/revoke"),
    scopes: &["identify", "email"],
    pkce: Pkce::Unsupported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Discord application",
        console: Some("Developer Portal > Applications > OAuth2"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "80351110224678912",
        email: Some("nelly@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Discord": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `DISCORD_CLIENT_ID`, `DISCORD_CLIENT_SECRET`,
    /// `DISCORD_SCOPE` (default `identify email`) and the overrides `DISCORD_AUTHORIZE_URL`,
    /// `DISCORD_TOKEN_URL` and `DISCORD_API_URL`.
    pub struct DiscordProvider(SPEC);
}

/// Builder of [`DiscordProvider`].
pub type DiscordProviderBuilder = ProviderBuilder<DiscordProvider>;

/// Maps `/users/@me`: the snowflake `id`, `username`, `global_name` (else `username`) split,
/// `email` verified by `verified`, and the avatar on Discord's CDN (only for a numeric id and
/// a hash of letters, digits and `_`).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    Profile::split_name(&mut user, profile.first_str(&["/global_name", "/username"]));
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/verified");
    // Both parts go into a URL path: only a snowflake and a hash (hex, `a_` for animated ones).
    let id = &user.oauth_id;
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    user.avatar_url = profile
        .str("/avatar")
        .filter(|hash| plain(hash) && id.bytes().all(|b| b.is_ascii_digit()))
        .map(|hash| format!("https://cdn.discordapp.com/avatars/{id}/{hash}.png"));
    Ok(user)
}

/// The Discord guide, `docs/providers/discord.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/discord.md")]
pub struct DiscordGuide;
