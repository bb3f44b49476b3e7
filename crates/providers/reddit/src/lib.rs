//! "Log in with Reddit": the Reddit provider of oauth-kit.
//!
//! Reddit is described as data ([`SPEC`]) plus a user mapping; [`RedditProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_reddit::RedditProvider;
//!
//! // In an application: RedditProvider::from_env()?, reading REDDIT_CLIENT_ID and
//! // REDDIT_CLIENT_SECRET.
//! let reddit = RedditProvider::new("p-jcoLKBynTLew", ClientSecret::new("secret"))?;
//! assert_eq!(reddit.user_info_url().as_str(), "https://oauth.reddit.com/api/v1/me");
//! assert!(reddit.capabilities().refresh && reddit.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Every authorization asks for `duration=permanent`, so Reddit issues a refresh token
//!   (a per-request `duration` parameter overrides it). Refresh keeps the same refresh token.
//! - Client authentication is HTTP Basic. Reddit answers some token errors with HTTP 200 and
//!   an `error` member (`invalid_grant`): that quirk is switched on. Revocation is RFC 7009 at
//!   `https://www.reddit.com/api/v1/revoke_token`.
//! - No PKCE: whether Reddit supports it is UNCONFIRMED, so the login flow's browser-bound
//!   `state` is the CSRF defence.
//! - The API is on `oauth.reddit.com`, not `www.reddit.com`. Reddit asks for a descriptive
//!   `User-Agent`; oauth-kit sends `oauth-kit/<version>`.
//! - `oauth_id` is the account's base-36 `id` (without the `t2_` prefix). Reddit never gives an
//!   email address: `email` is `None` and `email_verified` false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo, TokenQuirks};

/// Reddit as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "reddit",
    title: "Reddit",
    env_prefix: "REDDIT",
    authorization_url: "https://www.reddit.com/api/v1/authorize",
    token_url: "https://www.reddit.com/api/v1/access_token",
    api_url: "https://oauth.reddit.com",
    user_info_url: "{api}/api/v1/me",
    revocation_url: Some("https://www.reddit.com/api/v1/revoke_token"),
    authorize_params: &[("duration", "permanent")],
    scopes: &["identity"],
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT.error_with_http_200(true),
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "client id (under the app's name)",
        client_secret: "secret",
        app: "Reddit app",
        console: Some("reddit.com/prefs/apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "14jblb",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Reddit": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `REDDIT_CLIENT_ID`, `REDDIT_CLIENT_SECRET`,
    /// `REDDIT_SCOPE` (default `identity`) and the overrides `REDDIT_AUTHORIZE_URL`,
    /// `REDDIT_TOKEN_URL`, `REDDIT_REVOCATION_URL` and `REDDIT_API_URL`.
    pub struct RedditProvider(SPEC);
}

/// Builder of [`RedditProvider`].
pub type RedditProviderBuilder = ProviderBuilder<RedditProvider>;

/// Maps `/api/v1/me`: `id`, `name` (the username, also in the profile URL) and `icon_img`
/// with its HTML-escaped ampersands restored. Reddit has no email and no real name.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/name");
    user.avatar_url = profile
        .str("/icon_img")
        .map(|url| url.replace("&amp;", "&"));
    user.profile_url = user
        .username
        .as_ref()
        .filter(|name| {
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
        })
        .map(|name| format!("https://www.reddit.com/user/{name}"));
    Ok(user)
}

/// The Reddit guide, `docs/providers/reddit.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/reddit.md")]
pub struct RedditGuide;
