//! "Log in with Slack": the Slack provider of oauth-kit (Sign in with Slack, on OpenID
//! Connect).
//!
//! Slack is described as data ([`SPEC`]) plus a user mapping; [`SlackProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_slack::SlackProvider;
//!
//! // In an application: SlackProvider::from_env()?, reading SLACK_CLIENT_ID and
//! // SLACK_CLIENT_SECRET.
//! let slack = SlackProvider::new("3336676.569200954261", ClientSecret::new("secret"))?;
//! assert_eq!(slack.issuer(), Some("https://slack.com"));
//! assert_eq!(
//!     slack.user_info_url().as_str(),
//!     "https://slack.com/api/openid.connect.userInfo"
//! );
//! assert!(!slack.capabilities().pkce);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The Web API answers errors with HTTP 200 and `{"ok": false, "error": "..."}`: token
//!   responses are read that way.
//! - The user is the validated ID token's claims merged with `POST
//!   /api/openid.connect.userInfo` (Slack's user info is a POST).
//! - `oauth_id` is `{team_id}:{user_id}` (`T0R7GR:U0R7JM`): Slack user ids are unique within a
//!   workspace, so the workspace scopes them. Both come from Slack's namespaced claims
//!   (`https://slack.com/team_id`, and `https://slack.com/user_id` or else `sub`).
//! - `email_verified` is Slack's `email_verified` claim.
//! - No PKCE (Slack's discovery lists none) and no refresh: Slack issues refresh tokens only to
//!   apps with token rotation, which is UNCONFIRMED for Sign in with Slack.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
    UserSource, map_standard_claims,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, TokenQuirks};

/// Slack as data: the Web API's endpoints, errors with HTTP 200, a POST user info.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "slack",
    title: "Slack",
    env_prefix: "SLACK",
    authorization_url: "https://slack.com/openid/connect/authorize",
    token_url: "{api}/openid.connect.token",
    api_url: "https://slack.com/api",
    user_info_url: "{api}/openid.connect.userInfo",
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT.error_with_http_200(true),
    capabilities: Capabilities::NONE,
    user_source: UserSource::Post,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Slack app",
        console: Some("api.slack.com/apps > Basic Information > App Credentials"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://slack.com"),
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/userinfo.json"),
        oauth_id: "T0R7GR:U0R7JM",
        email: Some("krane@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Slack": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`,
    /// `SLACK_SCOPE` (default `openid profile email`) and the overrides `SLACK_ISSUER`,
    /// `SLACK_AUTHORIZE_URL`, `SLACK_TOKEN_URL` and `SLACK_API_URL`.
    pub struct SlackProvider(SPEC);
}

/// Builder of [`SlackProvider`].
pub type SlackProviderBuilder = ProviderBuilder<SlackProvider>;

/// The standard claims, with the id scoped by the workspace.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = map_standard_claims(profile)?;
    let team = profile.id("/https:~1~1slack.com~1team_id")?;
    let member = profile
        .id("/https:~1~1slack.com~1user_id")
        .unwrap_or_else(|_| user.oauth_id.clone());
    user.oauth_id = format!("{team}:{member}");
    Ok(user)
}

/// The Slack guide, `docs/providers/slack.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/slack.md")]
pub struct SlackGuide;
