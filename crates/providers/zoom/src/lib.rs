//! "Log in with Zoom": the Zoom provider of oauth-kit.
//!
//! Zoom is described as data ([`SPEC`]) plus a user mapping; [`ZoomProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_zoom::ZoomProvider;
//!
//! // In an application: ZoomProvider::from_env()?, reading ZOOM_CLIENT_ID and
//! // ZOOM_CLIENT_SECRET.
//! let zoom = ZoomProvider::new("Qm8xT2rLSeyZp4WnV7cJ", ClientSecret::new("secret"))?;
//! assert_eq!(zoom.user_info_url().as_str(), "https://api.zoom.us/v2/users/me");
//! assert!(zoom.capabilities().pkce && zoom.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic at `zoom.us/oauth/token` and `zoom.us/oauth/revoke`
//!   (RFC 7009); PKCE (S256) is sent.
//! - Refresh tokens are **single use**: every refresh returns a new one and the one used dies,
//!   so store the new refresh token before using the new access token.
//! - `oauth_id` is the user `id`. `email_verified` is Zoom's `verified` flag (`1`), which says
//!   the account was verified; Zoom activates accounts through their email address, which is
//!   the only sense in which the address is verified.

use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};

/// Zoom as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "zoom",
    title: "Zoom",
    env_prefix: "ZOOM",
    authorization_url: "https://zoom.us/oauth/authorize",
    token_url: "https://zoom.us/oauth/token",
    api_url: "https://api.zoom.us/v2",
    user_info_url: "{api}/users/me",
    revocation_url: Some("https://zoom.us/oauth/revoke"),
    scopes: &["user:read"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Zoom OAuth app",
        console: Some("marketplace.zoom.us > Develop > Build App > App Credentials"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "mB2xQ7rTS1eKp0ZyW9aLfg",
        email: Some("kwame.asante@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Zoom": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`, `ZOOM_SCOPE`
    /// (default `user:read`) and the overrides `ZOOM_AUTHORIZE_URL`, `ZOOM_TOKEN_URL`,
    /// `ZOOM_API_URL` and `ZOOM_REVOCATION_URL`.
    pub struct ZoomProvider(SPEC);
}

/// Builder of [`ZoomProvider`].
pub type ZoomProviderBuilder = ProviderBuilder<ZoomProvider>;

/// Maps `/v2/users/me`: `id`, `email` verified by `verified: 1`, `first_name` and `last_name`
/// (else `display_name` split) and `pic_url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.email = profile.str("/email");
    let verified = profile.get("/verified").and_then(|v| v.as_i64()) == Some(1);
    user.email_verified = user.email.is_some() && verified;
    user.first_name = profile.str("/first_name");
    user.last_name = profile.str("/last_name");
    Profile::split_name(&mut user, profile.str("/display_name"));
    user.avatar_url = profile.str("/pic_url");
    Ok(user)
}

/// The Zoom guide, `docs/providers/zoom.md`, compiled so its examples cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/zoom.md")]
pub struct ZoomGuide;
