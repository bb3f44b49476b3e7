//! "Log in with OpenID Connect": a provider for any OpenID Connect issuer (Keycloak, Okta,
//! Auth0, Zitadel, Authentik, Dex, ...), configured by its issuer URL alone.
//!
//! [`OidcProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over
//! [`SPEC`]: the endpoints, the client authentication and RFC 9207 support come from the
//! issuer's discovery document (`{issuer}/.well-known/openid-configuration`, whose `issuer`
//! must equal the configured one byte for byte); every login sends PKCE S256 and a nonce; the
//! ID token is validated per OpenID Connect Core §3.1.3.7 against the issuer's JWKS; and the
//! user is mapped from the standard claims (`sub`, `email`, `email_verified`,
//! `preferred_username`, `given_name`, `family_name`, `name`, `picture`, `profile`) of the ID
//! token merged with the user-info endpoint's answer whenever discovery lists one.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_oidc::OidcProvider;
//!
//! # fn main() -> Result<(), oauth_kit_core::Error> {
//! // In an application: OidcProvider::from_env()?, reading OIDC_ISSUER, OIDC_CLIENT_ID and
//! // OIDC_CLIENT_SECRET (and OIDC_SCOPE, default `openid email profile`).
//! let keycloak = OidcProvider::builder("my-app", ClientSecret::new("s3cr3t"))
//!     .issuer("https://sso.example.com/realms/main")
//!     .build()?;
//! assert_eq!(keycloak.name(), "oidc");
//! assert_eq!(keycloak.scopes(), ["openid", "email", "profile"]);
//! assert!(keycloak.capabilities().pkce && keycloak.capabilities().openid_connect);
//! // The endpoints are known after discovery: the login flow runs it; standalone code calls
//! // `keycloak.prepare(&http).await?` first.
//! assert!(!keycloak.is_discovered());
//! # Ok(()) }
//! ```
//!
//! Several issuers can be registered side by side under their own names:
//! `OidcProvider::builder(..).name("corp-sso")`, or
//! [`SpecProvider::from_prefixed_lookup`](oauth_kit_core::SpecProvider::from_prefixed_lookup)
//! with `CORP_SSO_ISSUER`, `CORP_SSO_NAME=corp-sso`, ...
//!
//! The guide (`docs/providers/oidc.md`) shows Keycloak, Okta and Auth0 as configurations and
//! lists every failure with what to check.
//!
//! # Decisions worth knowing
//!
//! - `oauth_id` is the `sub` claim, kept whole (Auth0's `auth0|...` included): the only
//!   identifier an issuer promises to be stable and unique for the client.
//! - `email_verified` is true only when the claim is `true` or the string `"true"` and there is
//!   an email.
//! - An `http://` issuer is accepted on loopback hosts only, like every endpoint.
//! - Token requests use the first of `client_secret_basic` and `client_secret_post` that
//!   discovery lists (the default of the specification, `client_secret_basic`, when it lists
//!   none).

use oauth_kit_core::spec::{CredentialHelp, OpenIdSpec, Pkce, ProviderSpec};

/// The generic OpenID Connect provider as data: everything else comes from discovery.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "oidc",
    title: "OpenID Connect",
    env_prefix: "OIDC",
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::Required,
    credentials: CredentialHelp {
        client_id: "client ID",
        client_secret: "client secret",
        app: "OpenID Connect client",
        console: None,
    },
    openid: Some(OpenIdSpec::DEFAULT),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with OpenID Connect" for the issuer configured with `OIDC_ISSUER` (or
    /// [`ProviderBuilder::issuer`](oauth_kit_core::spec::ProviderBuilder::issuer)).
    pub struct OidcProvider(SPEC);
}

/// The OpenID Connect guide, `docs/providers/oidc.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/oidc.md")]
pub struct OidcGuide;
