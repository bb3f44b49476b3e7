//! "Log in with authentik": the authentik provider of oauth-kit (self-hosted), on OpenID
//! Connect.
//!
//! authentik is described as data ([`SPEC`]): the issuer is the application's,
//! `https://{host}/application/o/{slug}/` **with its trailing slash**, configured with
//! `AUTHENTIK_ISSUER` and kept byte for byte; the endpoints (`/application/o/authorize/`,
//! `/application/o/token/`, `/application/o/userinfo/`, `/application/o/revoke/`, the JWKS)
//! come from the application's discovery document. [`AuthentikProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_authentik::AuthentikProvider;
//!
//! // In an application: AuthentikProvider::from_env()?, reading AUTHENTIK_ISSUER,
//! // AUTHENTIK_CLIENT_ID and AUTHENTIK_CLIENT_SECRET.
//! let authentik = AuthentikProvider::builder("Xk2pQ9rT4vW7", ClientSecret::new("secret"))
//!     .issuer("https://auth.example.com/application/o/my-app/")
//!     .build()?;
//! assert_eq!(authentik.issuer(), Some("https://auth.example.com/application/o/my-app/"));
//! assert!(authentik.capabilities().pkce && authentik.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - `email_verified` is always false: authentik's default `email` scope mapping said `true`
//!   for every address up to 2025.6 and says `false` from 2025.10, so the claim does not tell
//!   whether anyone verified the address. The claim stays in `raw_data`.
//! - The user is the validated ID token's claims merged with the user-info endpoint's answer;
//!   `oauth_id` is `sub`, whose form follows the provider's subject mode; `groups` stays in
//!   `raw_data`.
//! - PKCE S256 is sent; the client authentication is the first of `client_secret_basic` and
//!   `client_secret_post` that discovery lists. Refresh tokens come with `offline_access`.

use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
    map_standard_claims,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo};

/// authentik as data: an application's issuer configured per instance and the standard claims
/// with the email never verified.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "authentik",
    title: "authentik",
    env_prefix: "AUTHENTIK",
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "authentik OAuth2/OpenID provider",
        console: Some("authentik admin interface > Applications > Providers"),
    },
    openid: Some(OpenIdSpec::DEFAULT),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "4f0c2b7e9a1d6c3e8b5a2f7d1c9e4b6a0d3f8c2e5a7b1d9c4e6f0a2b8d3c5e7",
        email: Some("r.okafor@example.ng"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with authentik": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `AUTHENTIK_ISSUER` (required, with its trailing
    /// slash), `AUTHENTIK_CLIENT_ID`, `AUTHENTIK_CLIENT_SECRET`, `AUTHENTIK_SCOPE` (default
    /// `openid email profile`) and the overrides `AUTHENTIK_AUTHORIZE_URL`,
    /// `AUTHENTIK_TOKEN_URL` and `AUTHENTIK_USERINFO_URL`.
    pub struct AuthentikProvider(SPEC);
}

/// Builder of [`AuthentikProvider`].
pub type AuthentikProviderBuilder = ProviderBuilder<AuthentikProvider>;

/// The standard claims, with the email never verified (see the crate's decisions).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = map_standard_claims(profile)?;
    user.email_verified = false;
    Ok(user)
}

/// The authentik guide, `docs/providers/authentik.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/authentik.md")]
pub struct AuthentikGuide;
