//! "Log in with Linear": the Linear provider of oauth-kit.
//!
//! Linear is described as data ([`SPEC`]) plus a user mapping; [`LinearProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_linear::LinearProvider;
//!
//! // In an application: LinearProvider::from_env()?, reading LINEAR_CLIENT_ID and
//! // LINEAR_CLIENT_SECRET.
//! let linear = LinearProvider::new("5c1e9a7b3d2f4e8ab6c09f1d2e3a4b5c", ClientSecret::new("secret"))?;
//! assert_eq!(linear.user_info_url().as_str(), "https://api.linear.app/graphql");
//! assert!(!linear.capabilities().pkce && linear.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Scopes are **comma-separated**; `read` is always granted.
//! - The client id and secret go in the form body; PKCE is not sent (UNCONFIRMED).
//! - Applications created since 2025-10-01 always get refresh tokens (older ones until
//!   2026-04-01 may get a long-lived token without one): both shapes are accepted.
//! - The user is the GraphQL `viewer`, fetched with a POST of a fixed query
//!   ([`VIEWER_QUERY`]); a GraphQL `errors` list is an error even with HTTP 200.
//! - Revocation is `POST /oauth/revoke` authenticated by the token itself (UNCONFIRMED).
//! - `oauth_id` is `viewer.id` (a UUID). Linear does not say whether `email` is verified:
//!   `email_verified` is always false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserSource,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, RevocationMethod, TokenQuirks};

/// The GraphQL request for the logged-in user.
pub const VIEWER_QUERY: &str =
    r#"{"query":"{ viewer { id name displayName email avatarUrl url } }"}"#;

/// Linear as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "linear",
    title: "Linear",
    env_prefix: "LINEAR",
    authorization_url: "https://linear.app/oauth/authorize",
    token_url: "{api}/oauth/token",
    api_url: "https://api.linear.app",
    user_info_url: "{api}/graphql",
    user_source: UserSource::PostJson(VIEWER_QUERY),
    revocation_url: Some("{api}/oauth/revoke"),
    revocation_method: RevocationMethod::Bearer,
    scopes: &["read"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT.scope_separator(','),
    error_message: &["/errors/0/message", "/error_description", "/message"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Linear OAuth application",
        console: Some("linear.app > Settings > API > OAuth Applications"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "5c1e9a7b-3d2f-4e8a-b6c0-9f1d2e3a4b5c",
        email: Some("noor@haddad.example"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Linear": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `LINEAR_CLIENT_ID`, `LINEAR_CLIENT_SECRET`,
    /// `LINEAR_SCOPE` (default `read`) and the overrides `LINEAR_AUTHORIZE_URL`,
    /// `LINEAR_TOKEN_URL`, `LINEAR_API_URL` and `LINEAR_REVOCATION_URL`.
    pub struct LinearProvider(SPEC);
}

/// Builder of [`LinearProvider`].
pub type LinearProviderBuilder = ProviderBuilder<LinearProvider>;

/// Maps the GraphQL answer: refuses one with `errors`, then `data.viewer`'s `id`,
/// `displayName` as username, `name` split, `email` (never verified), `avatarUrl` and `url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    if profile
        .get("/errors")
        .is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        return Err("the GraphQL answer carries `errors`".to_owned());
    }
    let mut user = profile.user(profile.id("/data/viewer/id")?);
    user.username = profile.str("/data/viewer/displayName");
    Profile::split_name(&mut user, profile.str("/data/viewer/name"));
    user.email = profile.str("/data/viewer/email");
    user.avatar_url = profile.str("/data/viewer/avatarUrl");
    user.profile_url = profile.str("/data/viewer/url");
    Ok(user)
}

/// The Linear guide, `docs/providers/linear.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/linear.md")]
pub struct LinearGuide;
