//! "Log in with FusionAuth": the FusionAuth provider of oauth-kit (self-hosted or FusionAuth
//! Cloud), on OpenID Connect.
//!
//! FusionAuth is described as data ([`SPEC`]): the issuer is the tenant's, configured with
//! `FUSIONAUTH_ISSUER`; the endpoints (`/oauth2/authorize`, `/oauth2/token`,
//! `/oauth2/userinfo`, the JWKS) come from the discovery document at
//! `{issuer}/.well-known/openid-configuration`. [`FusionAuthProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_fusionauth::FusionAuthProvider;
//!
//! // In an application: FusionAuthProvider::from_env()?, reading FUSIONAUTH_ISSUER,
//! // FUSIONAUTH_CLIENT_ID and FUSIONAUTH_CLIENT_SECRET.
//! let fusionauth =
//!     FusionAuthProvider::builder("85a03867-dccf-4882-adde-1a79aeec50df", ClientSecret::new("secret"))
//!         .issuer("https://auth.example.com")
//!         .build()?;
//! assert_eq!(fusionauth.issuer(), Some("https://auth.example.com"));
//! assert!(fusionauth.capabilities().pkce && fusionauth.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The issuer must be a URL equal to the one the discovery document names. FusionAuth's
//!   out-of-the-box tenant issuer is `acme.com`, not a URL, and discovery without a
//!   `tenantId` answers for the default tenant: set the tenant's issuer to the FusionAuth
//!   address, as the guide shows.
//! - The token response's `WWW-Authenticate` header, which FusionAuth sends even on success,
//!   is ignored: only the status and the body decide.
//! - The user is the validated ID token's claims merged with the user-info endpoint's answer;
//!   `oauth_id` is `sub` (a UUID); `email_verified` is FusionAuth's `email_verified` claim
//!   (the user's verified flag), which lambdas can rewrite.
//! - PKCE S256 is sent; the client authentication is the first of `client_secret_basic` and
//!   `client_secret_post` that discovery lists. Refresh tokens come with `offline_access`.

use oauth_kit_core::Capabilities;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};

/// FusionAuth as data: a tenant's issuer configured per instance and the standard claims
/// mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "fusionauth",
    title: "FusionAuth",
    env_prefix: "FUSIONAUTH",
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client Id",
        client_secret: "Client secret",
        app: "FusionAuth application",
        console: Some("FusionAuth admin UI > Applications > your application > OAuth"),
    },
    openid: Some(OpenIdSpec::DEFAULT),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "c4a1f7e2-6b3d-4e9a-8f0c-2d5b7e1a9c36",
        email: Some("li.wei@example.cn"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with FusionAuth": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `FUSIONAUTH_ISSUER` (required),
    /// `FUSIONAUTH_CLIENT_ID`, `FUSIONAUTH_CLIENT_SECRET`, `FUSIONAUTH_SCOPE` (default `openid
    /// email profile`) and the overrides `FUSIONAUTH_AUTHORIZE_URL`, `FUSIONAUTH_TOKEN_URL`
    /// and `FUSIONAUTH_USERINFO_URL`.
    pub struct FusionAuthProvider(SPEC);
}

/// Builder of [`FusionAuthProvider`].
pub type FusionAuthProviderBuilder = ProviderBuilder<FusionAuthProvider>;

/// The FusionAuth guide, `docs/providers/fusionauth.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/fusionauth.md")]
pub struct FusionAuthGuide;
