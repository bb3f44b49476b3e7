//! "Log in with Spotify": the Spotify provider of oauth-kit.
//!
//! Spotify is described as data ([`SPEC`]) plus a user mapping; [`SpotifyProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_spotify::SpotifyProvider;
//!
//! // In an application: SpotifyProvider::from_env()?, reading SPOTIFY_CLIENT_ID and
//! // SPOTIFY_CLIENT_SECRET.
//! let spotify = SpotifyProvider::new("5f2c0b7e9a8d4c3b2a1f0e9d8c7b6a54", ClientSecret::new("secret"))?;
//! assert_eq!(spotify.user_info_url().as_str(), "https://api.spotify.com/v1/me");
//! assert!(spotify.capabilities().pkce && !spotify.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic; PKCE (S256) is sent as well.
//! - A refresh may or may not return a new refresh token (the one used is kept when none
//!   comes back); refresh tokens expire six months after the login whatever you do. There is no
//!   documented revocation endpoint.
//! - Since November 2025 Spotify accepts plain-http redirect URIs only on loopback **IP
//!   literals**: develop with `http://127.0.0.1:8000/...`, not `http://localhost:8000/...`.
//! - `oauth_id` is the Spotify user `id`; there is no separate username (`username` is
//!   `None`). `email_verified` is **always false**: Spotify states that the address is
//!   unverified.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo};

/// Spotify as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "spotify",
    title: "Spotify",
    env_prefix: "SPOTIFY",
    authorization_url: "https://accounts.spotify.com/authorize",
    token_url: "https://accounts.spotify.com/api/token",
    api_url: "https://api.spotify.com/v1",
    user_info_url: "{api}/me",
    scopes: &["user-read-email"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Spotify app",
        console: Some("developer.spotify.com > Dashboard > your app > Settings"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "linneaberg92",
        email: Some("linnea.berg@example.se"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Spotify": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `SPOTIFY_CLIENT_ID`, `SPOTIFY_CLIENT_SECRET`,
    /// `SPOTIFY_SCOPE` (default `user-read-email`) and the overrides `SPOTIFY_AUTHORIZE_URL`,
    /// `SPOTIFY_TOKEN_URL` and `SPOTIFY_API_URL`.
    pub struct SpotifyProvider(SPEC);
}

/// Builder of [`SpotifyProvider`].
pub type SpotifyProviderBuilder = ProviderBuilder<SpotifyProvider>;

/// Maps `/v1/me`: `id`, `display_name` split, `email` never verified, the first image and the
/// Spotify profile page. Spotify has no username apart from the id.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    Profile::split_name(&mut user, profile.str("/display_name"));
    user.email = profile.str("/email");
    user.avatar_url = profile.str("/images/0/url");
    user.profile_url = profile.str("/external_urls/spotify");
    Ok(user)
}

/// The Spotify guide, `docs/providers/spotify.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/spotify.md")]
pub struct SpotifyGuide;
