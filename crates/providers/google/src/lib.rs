//! "Log in with Google": the Google provider of oauth-kit, on OpenID Connect.
//!
//! Google is described as data ([`SPEC`]): its issuer, `https://accounts.google.com`, and the
//! standard claims mapping. [`GoogleProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec; the endpoints come from
//! Google's discovery document, and every ID token is validated (RS256 against Google's JWKS,
//! `iss`, `aud`, `exp`, `iat`, the login's nonce, `at_hash`).
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_google::GoogleProvider;
//!
//! // In an application: GoogleProvider::from_env()?, reading GOOGLE_CLIENT_ID and
//! // GOOGLE_CLIENT_SECRET.
//! let google = GoogleProvider::new(
//!     "1234567890-abc.apps.googleusercontent.com",
//!     ClientSecret::new("GOCSPX-secret"),
//! )?;
//! assert_eq!(google.issuer(), Some("https://accounts.google.com"));
//! assert_eq!(google.scopes(), ["openid", "email", "profile"]);
//! assert!(google.capabilities().pkce && google.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The user is read from the validated ID token alone: with `openid email profile` it
//!   carries every claim the mapping uses, so no user-info request is made.
//! - `oauth_id` is `sub`, Google's stable account id (a string of digits). `email_verified` is
//!   Google's `email_verified` claim; an address of a Google Workspace domain (`hd`, kept in
//!   `raw_data`) is verified by the domain's administrator.
//! - PKCE S256 is sent (Google's discovery lists `plain` and `S256`). The client secret goes
//!   in the form body, the first method Google's discovery lists.
//! - Refresh tokens are issued only when the authorization asks for offline access
//!   (`AuthorizeOptions::param("access_type", "offline")`); they are not rotated. Revocation
//!   is Google's `revocation_endpoint` from discovery.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, OpenIdUserInfo, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth};

/// Google as data: the issuer, the scopes, and the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "google",
    title: "Google",
    env_prefix: "GOOGLE",
    scopes: &["openid", "email", "profile"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Google OAuth client",
        console: Some("Google Cloud console > APIs & Services > Credentials"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://accounts.google.com"),
        algorithms: &[SigningAlgorithm::RS256],
        user_info: OpenIdUserInfo::IdToken,
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "110248495921238986420",
        email: Some("ada.lovelace@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Google": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`,
    /// `GOOGLE_SCOPE` (default `openid email profile`) and the overrides `GOOGLE_ISSUER`,
    /// `GOOGLE_AUTHORIZE_URL` and `GOOGLE_TOKEN_URL`.
    pub struct GoogleProvider(SPEC);
}

/// Builder of [`GoogleProvider`].
pub type GoogleProviderBuilder = ProviderBuilder<GoogleProvider>;

/// The Google guide, `docs/providers/google.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/google.md")]
pub struct GoogleGuide;
