//! "Log in with Salesforce": the Salesforce provider of oauth-kit, on OpenID Connect.
//!
//! Salesforce is described as data ([`SPEC`]): one base URL, `https://login.salesforce.com` by
//! default, `https://test.salesforce.com` for sandboxes or the org's My Domain
//! (`https://{name}.my.salesforce.com`) with `SALESFORCE_BASE_URL`; it is also the issuer, and
//! the endpoints are `{base}/services/oauth2/authorize`, `/token`, `/userinfo` and `/revoke`.
//! [`SalesforceProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over
//! that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_salesforce::SalesforceProvider;
//!
//! // In an application: SalesforceProvider::from_env()?, reading SALESFORCE_CLIENT_ID,
//! // SALESFORCE_CLIENT_SECRET and, for a sandbox or My Domain, SALESFORCE_BASE_URL.
//! let salesforce = SalesforceProvider::builder("3MVG9abc", ClientSecret::new("secret"))
//!     .base_url("https://acme.my.salesforce.com")
//!     .build()?;
//! assert_eq!(salesforce.issuer(), Some("https://acme.my.salesforce.com"));
//! assert_eq!(
//!     salesforce.user_info_url().as_str(),
//!     "https://acme.my.salesforce.com/services/oauth2/userinfo"
//! );
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - `oauth_id` is `user_id`, the 18-character `005…` id; `sub` is an identity URL that names
//!   the login host. The org is `organization_id` in `raw_data`.
//! - The token response has no `expires_in` (the lifetime is the org's session timeout) and
//!   `issued_at` in epoch milliseconds as a string: the token gets no expiry, and `issued_at`
//!   is not read as a time.
//! - `email_verified` is Salesforce's claim, true once the user verified the address.
//! - Refresh tokens come with the `refresh_token` scope and are not rotated. PKCE S256 is sent.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
    map_standard_claims,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo};

/// Salesforce as data: a base URL that is also the issuer, `user_id` as the id.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "salesforce",
    title: "Salesforce",
    env_prefix: "SALESFORCE",
    base_url: Some("https://login.salesforce.com"),
    authorization_url: "{base}/services/oauth2/authorize",
    token_url: "{base}/services/oauth2/token",
    user_info_url: "{base}/services/oauth2/userinfo",
    revocation_url: Some("{base}/services/oauth2/revoke"),
    scopes: &["openid", "profile", "email"],
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Consumer Key",
        client_secret: "Consumer Secret",
        app: "Salesforce connected app",
        console: Some("Setup > App Manager > your connected app > Manage Consumer Details"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("{base}"),
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "0055g00000AbCdEAAV",
        email: Some("priya.raman@acme.example"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Salesforce": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `SALESFORCE_CLIENT_ID`, `SALESFORCE_CLIENT_SECRET`,
    /// `SALESFORCE_BASE_URL` (default `https://login.salesforce.com`), `SALESFORCE_SCOPE`
    /// (default `openid profile email`) and the overrides `SALESFORCE_ISSUER`,
    /// `SALESFORCE_AUTHORIZE_URL`, `SALESFORCE_TOKEN_URL`, `SALESFORCE_USERINFO_URL` and
    /// `SALESFORCE_REVOCATION_URL`.
    pub struct SalesforceProvider(SPEC);
}

/// Builder of [`SalesforceProvider`].
pub type SalesforceProviderBuilder = ProviderBuilder<SalesforceProvider>;

/// The standard claims with `user_id` as the id (see the crate's decisions).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let user_id = profile.id("/user_id")?;
    let mut user = map_standard_claims(profile)?;
    user.oauth_id = user_id;
    Ok(user)
}

/// The Salesforce guide, `docs/providers/salesforce.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/salesforce.md")]
pub struct SalesforceGuide;
