//! "Log in with Heroku": the Heroku provider of oauth-kit.
//!
//! Heroku is described as data ([`SPEC`]) plus a user mapping; [`HerokuProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_heroku::HerokuProvider;
//!
//! // In an application: HerokuProvider::from_env()?, reading HEROKU_CLIENT_ID and
//! // HEROKU_CLIENT_SECRET.
//! let heroku = HerokuProvider::new("01234567-89ab-4def-8123-456789abcdef", ClientSecret::new("secret"))?;
//! assert_eq!(heroku.user_info_url().as_str(), "https://api.heroku.com/account");
//! assert!(!heroku.capabilities().pkce && !heroku.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id and secret go in the form body; PKCE is not sent (UNCONFIRMED). The token
//!   response also says `user_id` (kept in the token's `raw`).
//! - The Platform API wants `Accept: application/vnd.heroku+json; version=3`, which the user
//!   request sends.
//! - No revocation endpoint is documented (UNCONFIRMED); users revoke authorizations in their
//!   account settings.
//! - `oauth_id` is the account `id` (a UUID). Heroku's `verified` is about the account (billing),
//!   not the address: `email_verified` is always false.

use oauth_kit_core::spec::{
    CredentialHelp, HeaderSource, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// Heroku as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "heroku",
    title: "Heroku",
    env_prefix: "HEROKU",
    authorization_url: "https://id.heroku.com/oauth/authorize",
    token_url: "https://id.heroku.com/oauth/token",
    api_url: "https://api.heroku.com",
    user_info_url: "{api}/account",
    user_headers: &[(
        "Accept",
        HeaderSource::Static("application/vnd.heroku+json; version=3"),
    )],
    manage_url: Some("https://dashboard.heroku.com/account/applications"),
    scopes: &["identity"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    credentials: CredentialHelp {
        client_id: "ID",
        client_secret: "Secret",
        app: "Heroku API client",
        console: Some("dashboard.heroku.com/account/applications > API Clients"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "01234567-89ab-4def-8123-456789abcdef",
        email: Some("sven@example.no"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Heroku": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `HEROKU_CLIENT_ID`, `HEROKU_CLIENT_SECRET`,
    /// `HEROKU_SCOPE` (default `identity`) and the overrides `HEROKU_AUTHORIZE_URL`,
    /// `HEROKU_TOKEN_URL` and `HEROKU_API_URL`.
    pub struct HerokuProvider(SPEC);
}

/// Builder of [`HerokuProvider`].
pub type HerokuProviderBuilder = ProviderBuilder<HerokuProvider>;

/// Maps `/account`: `id`, `email` (never verified) and `name` split. Heroku has no avatar.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.email = profile.str("/email");
    Profile::split_name(&mut user, profile.str("/name"));
    Ok(user)
}

/// The Heroku guide, `docs/providers/heroku.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/heroku.md")]
pub struct HerokuGuide;
