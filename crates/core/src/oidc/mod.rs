//! OpenID Connect: discovery, the JWKS cache and ID-token validation.
//!
//! A [`ProviderSpec`](crate::ProviderSpec) with an [`OpenIdSpec`](crate::spec::OpenIdSpec) uses
//! these pieces through [`SpecProvider`](crate::SpecProvider): the issuer's discovery document
//! is fetched once (its `issuer` must equal the configured one), the JWKS is cached and
//! refetched at once for an unknown key id and at most once per interval after that, and every
//! ID token is checked per OpenID Connect Core §3.1.3.7 before its claims become the user.
//!
//! The pieces are public for providers that are not built on a spec:
//!
//! ```
//! use oauth_kit_core::oidc::{IdTokenError, SigningAlgorithm, discovery_url};
//!
//! // Exactly one `/` between the issuer and the well-known path, whatever the issuer ends with.
//! assert_eq!(
//!     discovery_url("https://tenant.auth0.com/"),
//!     "https://tenant.auth0.com/.well-known/openid-configuration"
//! );
//! assert_eq!(SigningAlgorithm::parse("none"), None);
//! assert_eq!(IdTokenError::NonceMismatch.code(), "nonce_mismatch");
//! ```

mod discovery;
mod id_token;
mod jwks;
mod signing;

pub(crate) use discovery::check_callback_issuer;
pub(crate) use discovery::rebase_onto_origin;
pub use discovery::{ProviderMetadata, callback_issuer_matches, discovery_url, fetch_metadata};
pub use id_token::{
    DEFAULT_CLOCK_LEEWAY, IdTokenChecks, IdTokenError, IdTokenHeader, SigningAlgorithm,
    ensure_crypto_provider, verify_id_token,
};
pub use jwks::{DEFAULT_JWKS_MAX_AGE, DEFAULT_JWKS_REFETCH_INTERVAL, JwksCache};
pub use signing::{DEFAULT_ASSERTION_LIFETIME, Es256Key, PrivateKeyJwt};
