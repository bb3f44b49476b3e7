//! "Log in with GitHub": the GitHub provider of oauth-kit, for github.com and GitHub Enterprise
//! Server.
//!
//! GitHub is described as data ([`SPEC`], with its email list `/user/emails`) plus a user
//! mapping; [`GitHubProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_github::GitHubProvider;
//!
//! // In an application: GitHubProvider::from_env()?, reading GITHUB_CLIENT_ID and
//! // GITHUB_CLIENT_SECRET (and GITHUB_BASE_URL for GitHub Enterprise Server).
//! let github = GitHubProvider::new("Ov23liExampleClientId", ClientSecret::new("secret"))?;
//! assert_eq!(github.user_info_url().as_str(), "https://api.github.com/user");
//!
//! let ghes = GitHubProvider::builder("Ov23liExampleClientId", ClientSecret::new("secret"))
//!     .name("github-corp")
//!     .base_url("https://github.corp.example")
//!     .build()?;
//! assert_eq!(ghes.token_url().as_str(), "https://github.corp.example/login/oauth/access_token");
//! assert_eq!(ghes.user_info_url().as_str(), "https://github.corp.example/api/v3/user");
//! assert!(ghes.capabilities().pkce && ghes.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id and secret go in the token request's form body, as GitHub documents. GitHub
//!   answers token errors with HTTP 200 and an `error` member, lists granted scopes separated
//!   by commas, and answers in form encoding to clients that do not ask for JSON: the three
//!   quirks are switched on. PKCE (S256) is sent: github.com supports it since July 2025.
//! - Tokens of OAuth apps do not expire and come without a refresh token; user tokens of
//!   GitHub Apps last 8 hours and are refreshed at the token endpoint, which rotates the
//!   refresh token.
//! - Revocation is GitHub's REST call `DELETE {api}/applications/{client_id}/token` with HTTP
//!   Basic client authentication and the token in a JSON body.
//! - `oauth_id` is the numeric `id` written out as a string; `login` can be renamed.
//! - `email_verified` is true only for an address that `/user/emails` reports as verified.

use oauth_kit_core::spec::{
    CredentialHelp, EmailSource, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, RevocationMethod, TokenQuirks};

/// GitHub as data. With a base URL (`GITHUB_BASE_URL`), every endpoint moves to that
/// GitHub Enterprise Server instance and the API to `{base}/api/v3`.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "github",
    title: "GitHub",
    env_prefix: "GITHUB",
    base_url: Some("https://github.com"),
    authorization_url: "{base}/login/oauth/authorize",
    token_url: "{base}/login/oauth/access_token",
    api_url: "https://api.github.com",
    self_hosted_api_url: Some("{base}/api/v3"),
    user_info_url: "{api}/user",
    revocation_url: Some("{api}/applications/{client_id}/token"),
    revocation_method: RevocationMethod::DeleteJson {
        member: "access_token",
    },
    extra_endpoints: &[("emails", "{api}/user/emails?per_page=100")],
    scopes: &["read:user", "user:email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Supported,
    token_quirks: TokenQuirks::STRICT
        .form_encoded(true)
        .error_with_http_200(true)
        .scope_separator(','),
    capabilities: Capabilities::NONE.refresh(true),
    error_message: &["/message"],
    credentials: CredentialHelp {
        app: "GitHub OAuth app",
        console: Some("Settings > Developer settings > OAuth Apps"),
        ..ProviderSpec::DEFAULT.credentials
    },
    map_user,
    // The primary address of `/user/emails`, else the first verified one, else the first one,
    // with GitHub's `verified` flag. Without `user:email` GitHub answers 403 or 404: the public
    // address of `/user` stays, unverified.
    email_source: Some(EmailSource {
        refused: &[403, 404],
        permission: "user:email",
        ..EmailSource::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        endpoints: &[("emails", include_str!("../tests/fixtures/emails.json"))],
        oauth_id: "48213907",
        email: Some("mira@example.org"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with GitHub": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`,
    /// `GITHUB_SCOPE` (default `read:user user:email`), `GITHUB_BASE_URL` (GitHub Enterprise
    /// Server) and the overrides `GITHUB_AUTHORIZE_URL`, `GITHUB_TOKEN_URL` and
    /// `GITHUB_API_URL` (the base of `/user` and `/user/emails`).
    pub struct GitHubProvider(SPEC);
}

/// Builder of [`GitHubProvider`].
pub type GitHubProviderBuilder = ProviderBuilder<GitHubProvider>;

/// Maps `/user`: `id` written out, `login`, `name` split, avatar and profile page. The public
/// `email` is kept unverified until the email list has been read.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/login");
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/email");
    user.avatar_url = profile.str("/avatar_url");
    user.profile_url = profile.str("/html_url");
    Ok(user)
}

/// The GitHub guide, `docs/providers/github.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/github.md")]
pub struct GitHubGuide;
