//! "Log in with PayPal": the PayPal provider of oauth-kit, on OpenID Connect.
//!
//! PayPal is described as data ([`SPEC`]): its issuer, `https://www.paypal.com`, the REST API
//! host `https://api-m.paypal.com` for the token, user-info (`schema=openid`) and revocation
//! endpoints, and the standard claims mapping. [`PayPalProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec. The sandbox is two
//! variables away: `PAYPAL_ISSUER=https://www.sandbox.paypal.com` and
//! `PAYPAL_API_URL=https://api-m.sandbox.paypal.com`.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_paypal::PayPalProvider;
//!
//! // In an application: PayPalProvider::from_env()?, reading PAYPAL_CLIENT_ID and
//! // PAYPAL_CLIENT_SECRET.
//! let paypal = PayPalProvider::new("AYSq3RDGsmBLJE-otTkBtM", ClientSecret::new("secret"))?;
//! assert_eq!(paypal.issuer(), Some("https://www.paypal.com"));
//! assert_eq!(
//!     paypal.user_info_url().as_str(),
//!     "https://api-m.paypal.com/v1/identity/openidconnect/userinfo?schema=openid"
//! );
//! assert!(paypal.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client authenticates with HTTP Basic only (`client_secret_basic`, the one method
//!   PayPal advertises), whatever a discovery document says.
//! - ID tokens are accepted signed with RS256 against PayPal's JWKS only. PayPal's discovery
//!   also lists HS256, but nothing says which key such a token would use, so an HS256 token is
//!   refused (`id_token_algorithm`) rather than checked with a guessed key.
//! - The user is the ID token's claims merged with `GET
//!   /v1/identity/openidconnect/userinfo?schema=openid`. `oauth_id` is `sub`, a pairwise id:
//!   the same PayPal account has another id in another PayPal app. `user_id` carries it again
//!   as a URL; it stays in `raw_data`. `email_verified` is PayPal's `email_verified` claim;
//!   `verified_account` (the PayPal account's status) says nothing about the address.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth};

/// PayPal as data: the issuer, the REST API endpoints, HTTP Basic, and the standard claims
/// mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "paypal",
    title: "PayPal",
    env_prefix: "PAYPAL",
    api_url: "https://api-m.paypal.com",
    token_url: "{api}/v1/oauth2/token",
    user_info_url: "{api}/v1/identity/openidconnect/userinfo?schema=openid",
    revocation_url: Some("{api}/v1/oauth2/revoke"),
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::Basic,
    pkce: Pkce::FromDiscovery,
    capabilities: Capabilities::NONE.refresh(true),
    error_detail: &["/details"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Secret",
        app: "PayPal REST API app",
        console: Some("developer.paypal.com > Apps & Credentials"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://www.paypal.com"),
        algorithms: &[SigningAlgorithm::RS256],
        client_auth_from_discovery: false,
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/userinfo.json"),
        oauth_id: "mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA",
        email: Some("daniel.cohen@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with PayPal": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `PAYPAL_CLIENT_ID`, `PAYPAL_CLIENT_SECRET`,
    /// `PAYPAL_SCOPE` (default `openid profile email`) and the overrides `PAYPAL_ISSUER`,
    /// `PAYPAL_API_URL` (the sandbox: `https://www.sandbox.paypal.com` and
    /// `https://api-m.sandbox.paypal.com`), `PAYPAL_AUTHORIZE_URL`, `PAYPAL_TOKEN_URL`,
    /// `PAYPAL_USERINFO_URL` and `PAYPAL_REVOCATION_URL`.
    pub struct PayPalProvider(SPEC);
}

/// Builder of [`PayPalProvider`].
pub type PayPalProviderBuilder = ProviderBuilder<PayPalProvider>;

/// The PayPal guide, `docs/providers/paypal.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/paypal.md")]
pub struct PayPalGuide;
