//! "Log in with Figma": the Figma provider of oauth-kit.
//!
//! Figma is described as data ([`SPEC`]) plus a user mapping; [`FigmaProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_figma::FigmaProvider;
//!
//! // In an application: FigmaProvider::from_env()?, reading FIGMA_CLIENT_ID and
//! // FIGMA_CLIENT_SECRET.
//! let figma = FigmaProvider::new("Xq7pL2mZ9vT4rW1yB8nC3d", ClientSecret::new("secret"))?;
//! assert_eq!(figma.token_url().as_str(), "https://api.figma.com/v1/oauth/token");
//! assert!(figma.capabilities().pkce && !figma.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic at `api.figma.com/v1/oauth/token` (older libraries
//!   use the legacy `www.figma.com/api/oauth/token`); PKCE (S256) is sent.
//! - Refresh goes to the same token endpoint with `grant_type=refresh_token` (UNCONFIRMED:
//!   some libraries use `/v1/oauth/refresh`; point `FIGMA_TOKEN_URL` elsewhere if Figma
//!   refuses). A refresh returns no new refresh token, so the one used is kept.
//! - Figma documents no revocation endpoint (UNCONFIRMED).
//! - `oauth_id` is the user `id` (a numeric string). `handle` is the username and the display
//!   name. Figma does not say whether `email` is verified: `email_verified` is always false.

use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};

/// Figma as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "figma",
    title: "Figma",
    env_prefix: "FIGMA",
    authorization_url: "https://www.figma.com/oauth",
    token_url: "{api}/oauth/token",
    api_url: "https://api.figma.com/v1",
    user_info_url: "{api}/me",
    scopes: &["current_user:read"],
    error_message: &["/err", "/message", "/error_description", "/error"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Figma OAuth app",
        console: Some("figma.com/developers/apps > your app > OAuth credentials"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "1298374650192837465",
        email: Some("tomasz.w@example.org"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Figma": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `FIGMA_CLIENT_ID`, `FIGMA_CLIENT_SECRET`,
    /// `FIGMA_SCOPE` (default `current_user:read`) and the overrides `FIGMA_AUTHORIZE_URL`,
    /// `FIGMA_TOKEN_URL` and `FIGMA_API_URL`.
    pub struct FigmaProvider(SPEC);
}

/// Builder of [`FigmaProvider`].
pub type FigmaProviderBuilder = ProviderBuilder<FigmaProvider>;

/// Maps `/v1/me`: `id`, `handle` as username and name, `email` (never verified) and `img_url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    let handle = profile.str("/handle");
    Profile::split_name(&mut user, handle.clone());
    user.username = handle;
    user.email = profile.str("/email");
    user.avatar_url = profile.str("/img_url");
    Ok(user)
}

/// The Figma guide, `docs/providers/figma.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/figma.md")]
pub struct FigmaGuide;
