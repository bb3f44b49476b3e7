//! "Log in with Microsoft": the Microsoft Entra ID (v2.0 endpoints) provider of oauth-kit, for
//! work, school and personal Microsoft accounts, on OpenID Connect.
//!
//! Microsoft is described as data ([`SPEC`]): the issuer of a tenant,
//! `https://login.microsoftonline.com/{tenant}/v2.0`, with the tenant a parameter
//! (`MICROSOFT_TENANT`: `common`, the default, `organizations`, `consumers`, a tenant id or a
//! verified domain). [`MicrosoftProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_microsoft::MicrosoftProvider;
//!
//! // In an application: MicrosoftProvider::from_env()?, reading MICROSOFT_CLIENT_ID,
//! // MICROSOFT_CLIENT_SECRET and MICROSOFT_TENANT.
//! let work_only = MicrosoftProvider::builder("6731de76-14a6-49ae-97bc-6eba6914391e", ClientSecret::new("secret"))
//!     .param("tenant", "organizations")
//!     .build()?;
//! assert_eq!(
//!     work_only.issuer(),
//!     Some("https://login.microsoftonline.com/organizations/v2.0")
//! );
//! assert!(work_only.capabilities().pkce && work_only.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The multi-tenant endpoints (`common`, `organizations`) publish the issuer template
//!   `https://login.microsoftonline.com/{tenantid}/v2.0`: each ID token's `iss` must equal it
//!   with `{tenantid}` replaced by the token's own `tid` claim. `consumers` publishes the
//!   personal-accounts tenant in its place; a tenant id publishes itself. The template follows
//!   the configured issuer's host, so a national cloud works with `MICROSOFT_ISSUER`.
//! - The user is the validated ID token's claims merged with Microsoft Graph's OpenID user
//!   info (`https://graph.microsoft.com/oidc/userinfo`, from discovery), whose `sub` must be
//!   the same; the access token must then be for Graph, as it is with the default scopes.
//! - `oauth_id` is `sub`: pairwise, stable for this application (the directory object id
//!   `oid` and the tenant `tid` stay in `raw_data`).
//! - `email_verified` is always false: Microsoft does not verify the `email` claim, which a
//!   tenant administrator or the user can set to any address.
//! - No avatar: Graph's `picture` is an API URL that needs the access token.
//! - The client secret goes in the form body (HTTP Basic is accepted too); PKCE S256 is sent.
//!   Refresh tokens come with the `offline_access` scope; Microsoft has no RFC 7009
//!   revocation endpoint.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
    SpecParam, map_standard_claims,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo};

/// Microsoft Entra ID as data: the tenant's issuer (endpoints from its discovery document) and
/// a mapping that never verifies the email.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "microsoft",
    title: "Microsoft",
    env_prefix: "MICROSOFT",
    params: &[SpecParam {
        name: "tenant",
        default: Some("common"),
        help: "the directory that may sign in: `common` (work, school and personal \
               accounts), `organizations`, `consumers`, a tenant id or a verified domain",
    }],
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Application (client) ID",
        client_secret: "client secret Value",
        app: "Microsoft Entra app registration",
        console: Some("Microsoft Entra admin center > App registrations"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://login.microsoftonline.com/{tenant}/v2.0"),
        tenant_issuer: Some("https://login.microsoftonline.com/{tenantid}/v2.0"),
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        email: Some("megan.bowen@contoso.example"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Microsoft": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `MICROSOFT_CLIENT_ID`, `MICROSOFT_CLIENT_SECRET`,
    /// `MICROSOFT_TENANT` (default `common`), `MICROSOFT_SCOPE` (default `openid profile
    /// email`) and the overrides `MICROSOFT_ISSUER`, `MICROSOFT_AUTHORIZE_URL`,
    /// `MICROSOFT_TOKEN_URL` and `MICROSOFT_USERINFO_URL`.
    pub struct MicrosoftProvider(SPEC);
}

/// Builder of [`MicrosoftProvider`].
pub type MicrosoftProviderBuilder = ProviderBuilder<MicrosoftProvider>;

/// The standard claims, with the email never verified and no avatar (Graph's `picture` needs
/// the access token).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = map_standard_claims(profile)?;
    user.email_verified = false;
    user.avatar_url = None;
    user.profile_url = None;
    Ok(user)
}

/// The Microsoft guide, `docs/providers/microsoft.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/microsoft.md")]
pub struct MicrosoftGuide;
