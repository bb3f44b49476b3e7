//! "Log in with WorkOS": single sign-on through WorkOS (SAML and OpenID Connect connections,
//! organizations, OAuth providers), the WorkOS provider of oauth-kit.
//!
//! WorkOS is described as data ([`SPEC`]) plus a profile mapping; [`WorkOsProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_workos::WorkOsProvider;
//!
//! // In an application: WorkOsProvider::from_env()?, reading WORKOS_CLIENT_ID,
//! // WORKOS_CLIENT_SECRET (the API key) and one of WORKOS_CONNECTION, WORKOS_ORGANIZATION
//! // or WORKOS_PROVIDER.
//! let workos = WorkOsProvider::builder("client_01HZ4Y5X", ClientSecret::new("sk_test_..."))
//!     .param("organization", "org_01HZ4Y6A1B3C5D7E9F0G2H4J6K")
//!     .build()?;
//! assert_eq!(workos.token_url().as_str(), "https://api.workos.com/sso/token");
//! assert!(!workos.capabilities().refresh);
//! // None of the three, or several, is a configuration error.
//! assert!(WorkOsProvider::new("client_01HZ4Y5X", ClientSecret::new("sk_test_...")).is_err());
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Every authorization URL carries **exactly one** of `connection` (`conn_...`),
//!   `organization` (`org_...`) or `provider` (`GoogleOAuth`, `MicrosoftOAuth`, ...): the
//!   instance's template parameter of that name (`WORKOS_CONNECTION`, ...). None or several
//!   is a configuration error naming the three variables. No scopes.
//! - The client secret is the environment's **API key** (`sk_...`), sent in the form body.
//! - The token response carries the **profile** (`profile`), so there is no user-info call:
//!   `user_info` needs the token of the code exchange. It may carry no `token_type`. There is
//!   no refresh token and no revocation.
//! - PKCE (S256) is sent; WorkOS accepts it as optional.
//! - `oauth_id` is the profile id (`prof_...`). The email address is whatever the identity
//!   provider asserted: `email_verified` is always false. The organization and connection ids
//!   stay in `raw_data` (`organization_id`, `connection_id`).

use oauth_kit_core::spec::{
    CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount, SpecParam, UserSource,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, TokenQuirks};

/// WorkOS as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "workos",
    title: "WorkOS",
    env_prefix: "WORKOS",
    authorization_url: "{api}/sso/authorize",
    token_url: "{api}/sso/token",
    api_url: "https://api.workos.com",
    user_info_url: "",
    user_source: UserSource::TokenResponse("/profile"),
    params: &[
        SpecParam {
            name: "connection",
            default: Some(""),
            help: "the id of a WorkOS connection (conn_...)",
        },
        SpecParam {
            name: "organization",
            default: Some(""),
            help: "the id of a WorkOS organization (org_...)",
        },
        SpecParam {
            name: "provider",
            default: Some(""),
            help: "an OAuth provider of WorkOS (GoogleOAuth, MicrosoftOAuth, ...)",
        },
    ],
    authorize_choice: &["connection", "organization", "provider"],
    scopes: &[],
    client_auth: ClientAuth::FormBody,
    token_quirks: TokenQuirks::STRICT.token_type_optional(true),
    capabilities: Capabilities::NONE,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "API key",
        app: "WorkOS environment",
        console: Some("dashboard.workos.com > API Keys"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "prof_01KF8Q2V9H3J5K7M1N4P6R8T0W",
        email: Some("m.kowalski@contoso.example"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with WorkOS": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `WORKOS_CLIENT_ID`, `WORKOS_CLIENT_SECRET` (the API
    /// key), exactly one of `WORKOS_CONNECTION`, `WORKOS_ORGANIZATION` and `WORKOS_PROVIDER`,
    /// and the overrides `WORKOS_API_URL`, `WORKOS_AUTHORIZE_URL` and `WORKOS_TOKEN_URL`.
    pub struct WorkOsProvider(SPEC);
}

/// Builder of [`WorkOsProvider`].
pub type WorkOsProviderBuilder = ProviderBuilder<WorkOsProvider>;

/// Maps the token response's `profile`: `id`, `email` (never verified), `first_name`,
/// `last_name` and the identity provider's `raw_attributes.picture`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.email = profile.str("/email");
    user.first_name = profile.str("/first_name");
    user.last_name = profile.str("/last_name");
    user.avatar_url = profile.str("/raw_attributes/picture");
    Ok(user)
}

/// The WorkOS guide, `docs/providers/workos.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/workos.md")]
pub struct WorkOsGuide;
