//! "Log in with Yahoo": the Yahoo provider of oauth-kit, on OpenID Connect.
//!
//! Yahoo is described as data ([`SPEC`]): its issuer, `https://api.login.yahoo.com`, and the
//! standard claims mapping. [`YahooProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec; the endpoints
//! (`/oauth2/request_auth`, `/oauth2/get_token`, `/openid/v1/userinfo`, the JWKS at
//! `/openid/v1/certs`) come from Yahoo's discovery document.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_yahoo::YahooProvider;
//!
//! // In an application: YahooProvider::from_env()?, reading YAHOO_CLIENT_ID and
//! // YAHOO_CLIENT_SECRET.
//! let yahoo = YahooProvider::new("dj0yJmk9abc", ClientSecret::new("secret"))?;
//! assert_eq!(yahoo.issuer(), Some("https://api.login.yahoo.com"));
//! assert_eq!(yahoo.scopes(), ["openid", "profile", "email"]);
//! assert!(yahoo.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - ID tokens are accepted signed with ES256 or RS256, the two algorithms Yahoo's discovery
//!   lists, and are merged with the user-info endpoint's answer.
//! - `oauth_id` is `sub`, Yahoo's account GUID. `email_verified` is Yahoo's `email_verified`
//!   claim. `username` is `nickname`.
//! - PKCE is sent only if discovery lists S256 (Yahoo's does not). The client authentication
//!   is the first of `client_secret_basic` and `client_secret_post` that discovery lists.
//! - Refresh tokens do not expire and are not rotated. Yahoo publishes its revocation endpoint
//!   under the non-standard key `token_revocation_endpoint`, which is not read: no revocation.

use oauth_kit_core::Capabilities;
use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};

/// Yahoo as data: the issuer, the scopes, and the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "yahoo",
    title: "Yahoo",
    env_prefix: "YAHOO",
    scopes: &["openid", "profile", "email"],
    pkce: Pkce::FromDiscovery,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID (Consumer Key)",
        client_secret: "Client Secret (Consumer Secret)",
        app: "Yahoo app",
        console: Some("Yahoo Developer Network > My Apps"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://api.login.yahoo.com"),
        algorithms: &[SigningAlgorithm::ES256, SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "KJ4VXO3T7YQ2ZP5RNB6WMF3A2E",
        email: Some("grace.mwangi@yahoo.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Yahoo": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `YAHOO_CLIENT_ID`, `YAHOO_CLIENT_SECRET`,
    /// `YAHOO_SCOPE` (default `openid profile email`) and the overrides `YAHOO_ISSUER`,
    /// `YAHOO_AUTHORIZE_URL`, `YAHOO_TOKEN_URL` and `YAHOO_USERINFO_URL`.
    pub struct YahooProvider(SPEC);
}

/// Builder of [`YahooProvider`].
pub type YahooProviderBuilder = ProviderBuilder<YahooProvider>;

/// The Yahoo guide, `docs/providers/yahoo.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/yahoo.md")]
pub struct YahooGuide;
