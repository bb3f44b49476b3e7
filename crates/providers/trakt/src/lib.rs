//! "Log in with Trakt": the Trakt provider of oauth-kit.
//!
//! Trakt is described as data ([`SPEC`]) plus a user mapping; [`TraktProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_trakt::TraktProvider;
//!
//! // In an application: TraktProvider::from_env()?, reading TRAKT_CLIENT_ID and
//! // TRAKT_CLIENT_SECRET.
//! let trakt = TraktProvider::new("9c1e2d7f5a3b4c6d8e0f1a2b3c4d5e6f", ClientSecret::new("secret"))?;
//! assert_eq!(trakt.user_info_url().as_str(), "https://api.trakt.tv/users/settings");
//! assert!(!trakt.capabilities().pkce && trakt.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Token, refresh and revocation requests are **JSON bodies** carrying the client id and
//!   secret. No scopes, no PKCE (UNCONFIRMED).
//! - The token response says when it was issued (`created_at`, seconds since the epoch): the
//!   expiry is `created_at + expires_in`, on Trakt's clock.
//! - Every API call needs `trakt-api-version: 2` and `trakt-api-key: {client_id}`, which the
//!   user request sends.
//! - `oauth_id` is `user.ids.uuid` from `/users/settings`, never `ids.slug`, which changes
//!   with the user name. Trakt gives no email address: `email` is `None` and
//!   `email_verified` false.

use oauth_kit_core::spec::{
    CredentialHelp, HeaderSource, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, TokenEncoding, TokenQuirks};

/// Trakt as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "trakt",
    title: "Trakt",
    env_prefix: "TRAKT",
    authorization_url: "https://trakt.tv/oauth/authorize",
    token_url: "{api}/oauth/token",
    api_url: "https://api.trakt.tv",
    user_info_url: "{api}/users/settings",
    revocation_url: Some("{api}/oauth/revoke"),
    user_headers: &[
        ("trakt-api-version", HeaderSource::Static("2")),
        ("trakt-api-key", HeaderSource::ClientId),
    ],
    scopes: &[],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_encoding: TokenEncoding::Json,
    token_quirks: TokenQuirks::STRICT.issued_at_field("created_at"),
    error_message: &["/error_description", "/error", "/message"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Trakt API application",
        console: Some("trakt.tv/oauth/applications"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "e1c7a93f-2b5d-4e8a-9c0f-7d3b1a5e9c24",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Trakt": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `TRAKT_CLIENT_ID`, `TRAKT_CLIENT_SECRET` and the
    /// overrides `TRAKT_AUTHORIZE_URL`, `TRAKT_TOKEN_URL`, `TRAKT_API_URL` and
    /// `TRAKT_REVOCATION_URL`.
    pub struct TraktProvider(SPEC);
}

/// Builder of [`TraktProvider`].
pub type TraktProviderBuilder = ProviderBuilder<TraktProvider>;

/// Maps `/users/settings`: `user.ids.uuid`, `user.username`, `user.name` split, the full
/// avatar and the profile page of `user.ids.slug`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/user/ids/uuid")?);
    user.username = profile.str("/user/username");
    Profile::split_name(&mut user, profile.str("/user/name"));
    user.avatar_url = profile.str("/user/images/avatar/full");
    let plain = |s: &String| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
    };
    user.profile_url = profile
        .str("/user/ids/slug")
        .filter(plain)
        .map(|slug| format!("https://trakt.tv/users/{slug}"));
    Ok(user)
}

/// The Trakt guide, `docs/providers/trakt.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/trakt.md")]
pub struct TraktGuide;
