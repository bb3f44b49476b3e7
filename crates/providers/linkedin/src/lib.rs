//! "Log in with LinkedIn": the LinkedIn provider of oauth-kit (Sign In with LinkedIn using
//! OpenID Connect).
//!
//! LinkedIn is described as data ([`SPEC`]); [`LinkedInProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_linkedin::LinkedInProvider;
//!
//! // In an application: LinkedInProvider::from_env()?, reading LINKEDIN_CLIENT_ID and
//! // LINKEDIN_CLIENT_SECRET.
//! let linkedin = LinkedInProvider::new("86yk3zq4vr1abc", ClientSecret::new("secret"))?;
//! assert_eq!(linkedin.issuer(), Some("https://www.linkedin.com/oauth"));
//! assert_eq!(linkedin.user_info_url().as_str(), "https://api.linkedin.com/v2/userinfo");
//! assert!(!linkedin.capabilities().pkce && !linkedin.capabilities().refresh);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The issuer is `https://www.linkedin.com/oauth` (LinkedIn changed it in 2024 from
//!   `https://www.linkedin.com`; ID tokens are checked against it byte for byte).
//! - The client id and secret go in the token request's form body: LinkedIn answers
//!   `invalid_client` otherwise, although its discovery document does not say so.
//! - No PKCE: the web flow refuses a `code_verifier` with `invalid_client`.
//! - The token response lists the granted scopes separated by commas.
//! - No refresh: LinkedIn issues refresh tokens to approved partners only; access tokens last
//!   60 days. No revocation endpoint is documented.
//! - The user is the validated ID token's claims merged with `GET /v2/userinfo`. `oauth_id`
//!   is `sub`; `email_verified` is LinkedIn's `email_verified` (the ID token sends it as the
//!   string `"true"`). LinkedIn says that this sign-in does not verify identities: the name is
//!   what the member typed.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, TokenQuirks};

/// LinkedIn as data: pinned endpoints, body credentials, no PKCE, comma-separated granted
/// scopes, and the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "linkedin",
    title: "LinkedIn",
    env_prefix: "LINKEDIN",
    authorization_url: "https://www.linkedin.com/oauth/v2/authorization",
    token_url: "https://www.linkedin.com/oauth/v2/accessToken",
    api_url: "https://api.linkedin.com/v2",
    user_info_url: "{api}/userinfo",
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT.scope_separator(','),
    capabilities: Capabilities::NONE,
    hints: &[(
        401,
        "the access token expired (after 60 days) or lacks the `openid` scope: log in again",
    )],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Primary Client Secret",
        app: "LinkedIn app",
        console: Some("LinkedIn Developer Portal > My apps > Auth"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://www.linkedin.com/oauth"),
        algorithms: &[SigningAlgorithm::RS256],
        client_auth_from_discovery: false,
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/userinfo.json"),
        oauth_id: "782bbtaQ",
        email: Some("amara.okafor@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with LinkedIn": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `LINKEDIN_CLIENT_ID`, `LINKEDIN_CLIENT_SECRET`,
    /// `LINKEDIN_SCOPE` (default `openid profile email`) and the overrides `LINKEDIN_ISSUER`,
    /// `LINKEDIN_AUTHORIZE_URL`, `LINKEDIN_TOKEN_URL` and `LINKEDIN_API_URL`.
    pub struct LinkedInProvider(SPEC);
}

/// Builder of [`LinkedInProvider`].
pub type LinkedInProviderBuilder = ProviderBuilder<LinkedInProvider>;

/// The LinkedIn guide, `docs/providers/linkedin.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/linkedin.md")]
pub struct LinkedInGuide;
