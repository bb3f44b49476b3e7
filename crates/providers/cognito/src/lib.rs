//! "Log in with Amazon Cognito": the Amazon Cognito (user pools) provider of oauth-kit, on
//! OpenID Connect.
//!
//! Cognito is described as data ([`SPEC`]): the endpoints (`/oauth2/authorize`,
//! `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`) are on the user pool's domain, the
//! base URL (`COGNITO_BASE_URL`: `https://{prefix}.auth.{region}.amazoncognito.com` or a custom
//! domain), while the issuer is on another host,
//! `https://cognito-idp.{region}.amazonaws.com/{user_pool_id}` (`COGNITO_REGION`,
//! `COGNITO_USER_POOL_ID`), where the discovery document and the JWKS are.
//! [`CognitoProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that
//! spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_cognito::CognitoProvider;
//!
//! // In an application: CognitoProvider::from_env()?, reading COGNITO_BASE_URL,
//! // COGNITO_REGION, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID and COGNITO_CLIENT_SECRET.
//! let cognito = CognitoProvider::builder("4p1kq8rj2m6t0c9v3d7b5n1a", ClientSecret::new("secret"))
//!     .base_url("https://acme.auth.eu-west-1.amazoncognito.com")
//!     .param("region", "eu-west-1")
//!     .param("user_pool_id", "eu-west-1_Xk2pQ9rT4")
//!     .build()?;
//! assert_eq!(
//!     cognito.issuer(),
//!     Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Xk2pQ9rT4")
//! );
//! assert_eq!(
//!     cognito.user_info_url().as_str(),
//!     "https://acme.auth.eu-west-1.amazoncognito.com/oauth2/userInfo"
//! );
//! assert!(cognito.capabilities().pkce && cognito.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Spaces in the authorization URL are sent as `%20` (Cognito refuses `+`), as for every
//!   provider of oauth-kit.
//! - `oauth_id` is `sub`, the user's UUID in the pool, never `username`: a federated user's
//!   `username` is `Google_…`-style and the pool's sign-in names can change. `username` is
//!   `preferred_username` when the pool has one.
//! - `email_verified` is Cognito's claim, which the user-info endpoint may send as the string
//!   `"true"`: both forms are read.
//! - Revocation sends the **refresh token** (Cognito revokes nothing else); it also ends the
//!   tokens issued from it. Refresh returns a new ID and access token and keeps the refresh
//!   token.
//! - PKCE S256 is sent; the client authentication is the first of `client_secret_basic` and
//!   `client_secret_post` that discovery lists.

use oauth_kit_core::Capabilities;
use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, RevokedToken, SampleAccount,
    SpecParam,
};

/// Amazon Cognito as data: endpoints on the pool domain, the issuer on `cognito-idp`, the
/// refresh token revoked, and the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "cognito",
    title: "Amazon Cognito",
    env_prefix: "COGNITO",
    base_url: Some(""),
    authorization_url: "{base}/oauth2/authorize",
    token_url: "{base}/oauth2/token",
    user_info_url: "{base}/oauth2/userInfo",
    revocation_url: Some("{base}/oauth2/revoke"),
    revoked_token: RevokedToken::RefreshToken,
    params: &[
        SpecParam {
            name: "region",
            default: None,
            help: "use the AWS region of the user pool, such as eu-west-1",
        },
        SpecParam {
            name: "user_pool_id",
            default: None,
            help: "use the user pool id, such as eu-west-1_Xk2pQ9rT4",
        },
    ],
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Cognito app client",
        console: Some("Amazon Cognito console > User pools > your pool > App clients"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"),
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "7d2f8a61-3c9e-4b05-9a1d-6e4f2c8b0a35",
        email: Some("carlos.mendes@example.pt"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Amazon Cognito": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `COGNITO_BASE_URL` (the pool domain),
    /// `COGNITO_REGION` and `COGNITO_USER_POOL_ID` (all required), `COGNITO_CLIENT_ID`,
    /// `COGNITO_CLIENT_SECRET`, `COGNITO_SCOPE` (default `openid email profile`) and the
    /// overrides `COGNITO_ISSUER`, `COGNITO_AUTHORIZE_URL`, `COGNITO_TOKEN_URL`,
    /// `COGNITO_USERINFO_URL` and `COGNITO_REVOCATION_URL`.
    pub struct CognitoProvider(SPEC);
}

/// Builder of [`CognitoProvider`].
pub type CognitoProviderBuilder = ProviderBuilder<CognitoProvider>;

/// The Amazon Cognito guide, `docs/providers/cognito.md`, compiled so its examples cannot
/// drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/cognito.md")]
pub struct CognitoGuide;
