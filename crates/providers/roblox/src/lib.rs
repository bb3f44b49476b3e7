//! "Log in with Roblox": the Roblox provider of oauth-kit (Open Cloud OAuth 2.0), on OpenID
//! Connect.
//!
//! Roblox is described as data ([`SPEC`]): its issuer, `https://apis.roblox.com/oauth/` **with
//! its trailing slash** (kept byte for byte: the ID tokens' `iss` must equal it exactly), ES256
//! ID tokens, revocation of the refresh token, and the standard claims mapping.
//! [`RobloxProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that
//! spec; the other endpoints (`/v1/authorize`, `/v1/token`, `/v1/userinfo`, the JWKS at
//! `/v1/certs`) come from the discovery document.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_roblox::RobloxProvider;
//!
//! // In an application: RobloxProvider::from_env()?, reading ROBLOX_CLIENT_ID and
//! // ROBLOX_CLIENT_SECRET.
//! let roblox = RobloxProvider::new("7290610391140855227", ClientSecret::new("secret"))?;
//! assert_eq!(roblox.issuer(), Some("https://apis.roblox.com/oauth/"));
//! assert_eq!(roblox.scopes(), ["openid", "profile"]);
//! assert!(roblox.capabilities().pkce && roblox.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - `oauth_id` is `sub`, the numeric user id as a string: Roblox usernames and display names
//!   change. `username` is `preferred_username`, the display name (`name`) becomes the first
//!   name, `picture` (which may be null) the avatar and `profile` the profile URL. Roblox
//!   gives no email address: `email_verified` is always false.
//! - ID tokens are ES256 only. The user is the ID token's claims merged with `/v1/userinfo`.
//! - Access tokens last 15 minutes; refresh tokens last 6 months and are **single use**: each
//!   refresh returns a new one, and the old one stops working, so store the new one before
//!   using the new access token (the `TokenManager` does). Revocation sends the **refresh
//!   token** to `/v1/token/revoke`, which ends the whole grant.
//! - PKCE S256 is sent; codes live one minute. The client authentication is the first of
//!   `client_secret_basic` and `client_secret_post` that discovery lists.

use oauth_kit_core::Capabilities;
use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, RevokedToken, SampleAccount,
};

/// Roblox as data: the issuer with its trailing slash, ES256, refresh-token revocation, and
/// the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "roblox",
    title: "Roblox",
    env_prefix: "ROBLOX",
    api_url: "https://apis.roblox.com/oauth",
    revocation_url: Some("{api}/v1/token/revoke"),
    revoked_token: RevokedToken::RefreshToken,
    scopes: &["openid", "profile"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Roblox OAuth 2.0 app",
        console: Some("Creator Dashboard > Credentials > OAuth 2.0 Apps"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://apis.roblox.com/oauth/"),
        algorithms: &[SigningAlgorithm::ES256],
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/userinfo.json"),
        oauth_id: "2847193650",
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Roblox": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `ROBLOX_CLIENT_ID`, `ROBLOX_CLIENT_SECRET`,
    /// `ROBLOX_SCOPE` (default `openid profile`) and the overrides `ROBLOX_ISSUER`,
    /// `ROBLOX_API_URL`, `ROBLOX_AUTHORIZE_URL`, `ROBLOX_TOKEN_URL`, `ROBLOX_USERINFO_URL` and
    /// `ROBLOX_REVOCATION_URL`.
    pub struct RobloxProvider(SPEC);
}

/// Builder of [`RobloxProvider`].
pub type RobloxProviderBuilder = ProviderBuilder<RobloxProvider>;

/// The Roblox guide, `docs/providers/roblox.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/roblox.md")]
pub struct RobloxGuide;
