//! "Log in with Coinbase": the Coinbase provider of oauth-kit (Coinbase App OAuth2).
//!
//! Coinbase is described as data ([`SPEC`]) plus a user mapping; [`CoinbaseProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_coinbase::CoinbaseProvider;
//!
//! // In an application: CoinbaseProvider::from_env()?, reading COINBASE_CLIENT_ID and
//! // COINBASE_CLIENT_SECRET.
//! let coinbase = CoinbaseProvider::new("9d2f6a1c-4b7e-5e3a-8c0d-1f2e3a4b5c6d", ClientSecret::new("secret"))?;
//! assert_eq!(coinbase.user_info_url().as_str(), "https://api.coinbase.com/v2/user");
//! assert!(coinbase.capabilities().pkce && coinbase.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Scopes are **comma-separated**. `offline_access` is among the defaults: without it
//!   Coinbase issues no refresh token.
//! - PKCE is sent with `code_challenge_method=S256` every time: Coinbase takes a challenge
//!   without a method as `plain`.
//! - The client id and secret go in the form body. Refresh tokens are **single use** (a new
//!   pair comes back with every refresh); store the new one before using the new access token.
//!   Revocation is RFC 7009 at `login.coinbase.com/oauth2/revoke`.
//! - `oauth_id` is `data.id` (a UUID). Coinbase does not say whether `data.email` is verified:
//!   `email_verified` is always false.

use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, TokenQuirks};

/// Coinbase as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "coinbase",
    title: "Coinbase",
    env_prefix: "COINBASE",
    authorization_url: "https://login.coinbase.com/oauth2/auth",
    token_url: "https://login.coinbase.com/oauth2/token",
    api_url: "https://api.coinbase.com/v2",
    user_info_url: "{api}/user",
    revocation_url: Some("https://login.coinbase.com/oauth2/revoke"),
    scopes: &["wallet:user:read", "wallet:user:email", "offline_access"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    token_quirks: TokenQuirks::STRICT.scope_separator(','),
    error_message: &["/errors/0/message", "/error_description", "/message"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Coinbase OAuth2 client",
        console: Some("portal.cdp.coinbase.com > OAuth"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "9d2f6a1c-4b7e-5e3a-8c0d-1f2e3a4b5c6d",
        email: Some("lucia.fernandez@example.com"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Coinbase": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `COINBASE_CLIENT_ID`, `COINBASE_CLIENT_SECRET`,
    /// `COINBASE_SCOPE` (default `wallet:user:read,wallet:user:email,offline_access`) and the
    /// overrides `COINBASE_AUTHORIZE_URL`, `COINBASE_TOKEN_URL`, `COINBASE_API_URL` and
    /// `COINBASE_REVOCATION_URL`.
    pub struct CoinbaseProvider(SPEC);
}

/// Builder of [`CoinbaseProvider`].
pub type CoinbaseProviderBuilder = ProviderBuilder<CoinbaseProvider>;

/// Maps `/v2/user`: `data.id`, `data.username`, `data.name` split, `data.email` (never
/// verified), `data.avatar_url` and `data.profile_url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/data/id")?);
    user.username = profile.str("/data/username");
    Profile::split_name(&mut user, profile.str("/data/name"));
    user.email = profile.str("/data/email");
    user.avatar_url = profile.str("/data/avatar_url");
    user.profile_url = profile.str("/data/profile_url");
    Ok(user)
}

/// The Coinbase guide, `docs/providers/coinbase.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/coinbase.md")]
pub struct CoinbaseGuide;
