//! "Log in with GitLab": the GitLab provider of oauth-kit, for gitlab.com and self-managed
//! instances.
//!
//! GitLab is described as data ([`SPEC`]) plus a user mapping; [`GitLabProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec. A self-managed
//! instance is one base URL away, and several instances can be registered side by side:
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_gitlab::GitLabProvider;
//!
//! let corp = GitLabProvider::builder("application-id", ClientSecret::new("secret"))
//!     .name("gitlab-corp")
//!     .base_url("https://gitlab.example.com")
//!     .build()?;
//! assert_eq!(corp.name(), "gitlab-corp");
//! assert_eq!(corp.authorization_endpoint().as_str(), "https://gitlab.example.com/oauth/authorize");
//! assert_eq!(corp.user_info_url().as_str(), "https://gitlab.example.com/api/v4/user");
//! assert!(corp.capabilities().pkce && corp.capabilities().refresh && corp.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The user comes from the REST API's `GET /api/v4/user` (scope `read_user`), not from
//!   GitLab's OpenID Connect user info, so that a self-managed instance without OpenID works too.
//! - The client id and secret go in the token request's form body, as GitLab documents. PKCE
//!   (S256) is sent. Access tokens last two hours; a refresh **rotates** both tokens (the old
//!   refresh token stops working). Revocation is RFC 7009 at `{base}/oauth/revoke`.
//! - `oauth_id` is the numeric `id` written out as a string; `username` can be renamed.
//! - `email_verified` is true when `/api/v4/user` has an `email` and a `confirmed_at` date:
//!   GitLab sets `confirmed_at` when the user confirms their primary address. It is a
//!   heuristic: the REST API has no per-address flag.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo};

/// GitLab as data: every endpoint under the instance's base URL (`GITLAB_BASE_URL`, default
/// `https://gitlab.com`), the API at `{base}/api/v4`.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "gitlab",
    title: "GitLab",
    env_prefix: "GITLAB",
    base_url: Some("https://gitlab.com"),
    authorization_url: "{base}/oauth/authorize",
    token_url: "{base}/oauth/token",
    api_url: "{base}/api/v4",
    user_info_url: "{api}/user",
    revocation_url: Some("{base}/oauth/revoke"),
    scopes: &["read_user"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Application ID",
        client_secret: "Secret",
        app: "GitLab application",
        console: Some("User settings > Applications"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "7301",
        email: Some("ada@quill.example"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with GitLab": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `GITLAB_CLIENT_ID` (the Application ID),
    /// `GITLAB_CLIENT_SECRET`, `GITLAB_SCOPE` (default `read_user`), `GITLAB_BASE_URL` (a
    /// self-managed instance) and the overrides `GITLAB_AUTHORIZE_URL`, `GITLAB_TOKEN_URL` and
    /// `GITLAB_API_URL`.
    pub struct GitLabProvider(SPEC);
}

/// Builder of [`GitLabProvider`].
pub type GitLabProviderBuilder = ProviderBuilder<GitLabProvider>;

/// Maps `/api/v4/user`: `id` written out, `username`, `name` split, `avatar_url`, `web_url`,
/// and `email`, verified when `confirmed_at` is set.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.str("/confirmed_at").is_some();
    user.avatar_url = profile.str("/avatar_url");
    user.profile_url = profile.str("/web_url");
    Ok(user)
}

/// The GitLab guide, `docs/providers/gitlab.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/gitlab.md")]
pub struct GitLabGuide;
