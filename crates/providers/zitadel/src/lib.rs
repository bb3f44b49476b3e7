//! "Log in with ZITADEL": the ZITADEL provider of oauth-kit (ZITADEL Cloud or a self-hosted
//! instance), on OpenID Connect.
//!
//! ZITADEL is described as data ([`SPEC`]): the issuer is the instance's domain
//! (`https://acme.zitadel.cloud` or a custom domain), configured per application with
//! `ZITADEL_ISSUER`; the endpoints (`/oauth/v2/authorize`, `/oauth/v2/token`,
//! `/oidc/v1/userinfo`, keys, revocation) come from the instance's discovery document.
//! [`ZitadelProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over
//! that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_zitadel::ZitadelProvider;
//!
//! // In an application: ZitadelProvider::from_env()?, reading ZITADEL_ISSUER,
//! // ZITADEL_CLIENT_ID and ZITADEL_CLIENT_SECRET.
//! let zitadel = ZitadelProvider::builder("298301122840182371", ClientSecret::new("secret"))
//!     .issuer("https://acme.zitadel.cloud")
//!     .build()?;
//! assert_eq!(zitadel.issuer(), Some("https://acme.zitadel.cloud"));
//! assert_eq!(zitadel.scopes(), ["openid", "email", "profile"]);
//! assert!(zitadel.capabilities().pkce && zitadel.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - ID tokens name the client id **and** the project id in `aud` by default; they are
//!   accepted because `azp` names the client, as OpenID Connect Core requires of a token with
//!   several audiences.
//! - The user is the validated ID token's claims merged with the user-info endpoint's answer
//!   (ZITADEL puts the profile claims in the ID token only when the application asks for it).
//! - `oauth_id` is `sub`, the user's numeric id as a string. `email_verified` is ZITADEL's
//!   `email_verified` claim: the address was verified by ZITADEL.
//! - PKCE S256 is sent; the client authentication is the first of `client_secret_basic` and
//!   `client_secret_post` that discovery lists. Refresh tokens come with `offline_access`.

use oauth_kit_core::Capabilities;
use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};

/// ZITADEL as data: an issuer configured per instance and the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "zitadel",
    title: "ZITADEL",
    env_prefix: "ZITADEL",
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "ZITADEL web application",
        console: Some("ZITADEL console > Projects > your project > Applications"),
    },
    openid: Some(OpenIdSpec {
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "298304715623908451",
        email: Some("yuki.tanaka@acme.example"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with ZITADEL": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `ZITADEL_ISSUER` (required), `ZITADEL_CLIENT_ID`,
    /// `ZITADEL_CLIENT_SECRET`, `ZITADEL_SCOPE` (default `openid email profile`) and the
    /// overrides `ZITADEL_AUTHORIZE_URL`, `ZITADEL_TOKEN_URL` and `ZITADEL_USERINFO_URL`.
    pub struct ZitadelProvider(SPEC);
}

/// Builder of [`ZitadelProvider`].
pub type ZitadelProviderBuilder = ProviderBuilder<ZitadelProvider>;

/// The ZITADEL guide, `docs/providers/zitadel.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/zitadel.md")]
pub struct ZitadelGuide;
