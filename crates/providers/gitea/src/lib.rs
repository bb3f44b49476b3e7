//! "Log in with Gitea" (and Forgejo): the Gitea provider of oauth-kit for a self-hosted Gitea or
//! Forgejo instance, on OpenID Connect.
//!
//! Gitea is described as data ([`SPEC`]): the base URL is the instance's (`GITEA_BASE_URL`,
//! required), the issuer is that URL **with a trailing slash** (`{base}/`, Gitea's `ROOT_URL`),
//! and the endpoints (`/login/oauth/authorize`, `/login/oauth/access_token`,
//! `/login/oauth/userinfo`, the JWKS at `/login/oauth/keys`) come from the instance's discovery
//! document. Forgejo serves the same paths, so one crate covers both. [`GiteaProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_gitea::GiteaProvider;
//!
//! // In an application: GiteaProvider::from_env()?, reading GITEA_BASE_URL, GITEA_CLIENT_ID
//! // and GITEA_CLIENT_SECRET.
//! let gitea = GiteaProvider::builder("0c9a4e7b-5d21-4f3e-9b8a-6e2d1c7f4a05", ClientSecret::new("secret"))
//!     .base_url("https://git.example.de")
//!     .build()?;
//! assert_eq!(gitea.issuer(), Some("https://git.example.de/"));
//! assert_eq!(gitea.scopes(), ["openid", "profile", "email"]);
//! assert!(gitea.capabilities().pkce && gitea.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The issuer keeps its trailing slash: the discovery document's `issuer` and every ID
//!   token's `iss` are compared with it byte for byte.
//! - PKCE S256 is always sent: Gitea also accepts `plain`, and treats a challenge without a
//!   method as `plain`.
//! - The user is the validated ID token's claims merged with the user-info endpoint's answer;
//!   `oauth_id` is `sub`, the numeric user id as a string (the REST API's `id`), and
//!   `username` is `preferred_username` (the login name, which users can change).
//!   `email_verified` is the instance's claim. `groups` stays in `raw_data`.
//! - Refresh tokens are issued with every login; no revocation endpoint is known.

use oauth_kit_core::Capabilities;
use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};

/// Gitea and Forgejo as data: a self-hosted instance, its issuer with the trailing slash, and
/// the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "gitea",
    title: "Gitea",
    env_prefix: "GITEA",
    base_url: Some(""),
    scopes: &["openid", "profile", "email"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Gitea OAuth2 application",
        console: Some("Settings > Applications > Manage OAuth2 applications"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("{base}/"),
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "3142",
        email: Some("mara.bauer@example.de"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Gitea" (or Forgejo): the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `GITEA_BASE_URL` (required), `GITEA_CLIENT_ID`,
    /// `GITEA_CLIENT_SECRET`, `GITEA_SCOPE` (default `openid profile email`) and the overrides
    /// `GITEA_ISSUER` (default `{GITEA_BASE_URL}/`), `GITEA_AUTHORIZE_URL`, `GITEA_TOKEN_URL`
    /// and `GITEA_USERINFO_URL`.
    pub struct GiteaProvider(SPEC);
}

/// Builder of [`GiteaProvider`].
pub type GiteaProviderBuilder = ProviderBuilder<GiteaProvider>;

/// The Gitea and Forgejo guide, `docs/providers/gitea.md`, compiled so its examples cannot
/// drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/gitea.md")]
pub struct GiteaGuide;
