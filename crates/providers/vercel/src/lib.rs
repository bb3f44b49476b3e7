//! "Sign in with Vercel": the Vercel provider of oauth-kit.
//!
//! Vercel is described as data ([`SPEC`]) plus a user mapping; [`VercelProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_vercel::VercelProvider;
//!
//! // In an application: VercelProvider::from_env()?, reading VERCEL_CLIENT_ID and
//! // VERCEL_CLIENT_SECRET.
//! let vercel = VercelProvider::new("cl_Vj3kQ9pXr2LtWm8Z", ClientSecret::new("secret"))?;
//! assert_eq!(vercel.user_info_url().as_str(), "https://api.vercel.com/login/oauth/userinfo");
//! assert!(vercel.capabilities().pkce && vercel.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - PKCE (S256) is **required** by Vercel and always sent; client authentication is HTTP
//!   Basic (Vercel also takes the credentials in the body).
//! - Refresh tokens (with `offline_access`) live 30 days and **rotate on use**: store the new
//!   one before using the new access token. Revocation is RFC 7009 at
//!   `api.vercel.com/login/oauth/token/revoke`.
//! - The user comes from the user-info endpoint with the standard OpenID Connect claims. The
//!   ID token is not validated here, and the RFC 9207 `iss` that Vercel adds to the
//!   authorization response is not required: the login flow's browser-bound state and PKCE
//!   are the defences.
//! - `oauth_id` is `sub`; `email_verified` is Vercel's `email_verified` claim.

use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};

/// Vercel as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "vercel",
    title: "Vercel",
    env_prefix: "VERCEL",
    authorization_url: "https://vercel.com/oauth/authorize",
    token_url: "{api}/token",
    api_url: "https://api.vercel.com/login/oauth",
    user_info_url: "{api}/userinfo",
    revocation_url: Some("{api}/token/revoke"),
    scopes: &["openid", "email", "profile", "offline_access"],
    pkce: Pkce::Required,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Vercel app",
        console: Some("vercel.com > Team Settings > Apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "Vj3kQ9pXr2LtWm8ZbN4cYe1s",
        email: Some("elena@petrova.example"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Sign in with Vercel": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `VERCEL_CLIENT_ID`, `VERCEL_CLIENT_SECRET`,
    /// `VERCEL_SCOPE` (default `openid email profile offline_access`) and the overrides
    /// `VERCEL_AUTHORIZE_URL`, `VERCEL_TOKEN_URL`, `VERCEL_API_URL` and
    /// `VERCEL_REVOCATION_URL`.
    pub struct VercelProvider(SPEC);
}

/// Builder of [`VercelProvider`].
pub type VercelProviderBuilder = ProviderBuilder<VercelProvider>;

/// Maps the user-info claims: `sub`, `preferred_username`, `name` (else the username) split,
/// `email` verified by `email_verified`, and `picture`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/sub")?);
    user.username = profile.str("/preferred_username");
    Profile::split_name(
        &mut user,
        profile.first_str(&["/name", "/preferred_username"]),
    );
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/email_verified");
    user.avatar_url = profile.str("/picture");
    Ok(user)
}

/// The Vercel guide, `docs/providers/vercel.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/vercel.md")]
pub struct VercelGuide;
