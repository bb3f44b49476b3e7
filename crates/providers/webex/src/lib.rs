//! "Log in with Webex": the Webex provider of oauth-kit.
//!
//! Webex is described as data ([`SPEC`]) plus a user mapping; [`WebexProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_webex::WebexProvider;
//!
//! // In an application: WebexProvider::from_env()?, reading WEBEX_CLIENT_ID and
//! // WEBEX_CLIENT_SECRET.
//! let webex = WebexProvider::new("C2a4f6e8b0d1c3e5", ClientSecret::new("secret"))?;
//! assert_eq!(webex.token_url().as_str(), "https://webexapis.com/v1/access_token");
//! assert!(webex.capabilities().refresh && !webex.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The scopes in the authorization URL are separated by **`%20`**, never `+`, which Webex
//!   does not read as a space.
//! - The client id and secret go in the form body. PKCE is not sent (UNCONFIRMED), and there
//!   is no revocation endpoint (UNCONFIRMED). The token response also says when the refresh
//!   token expires (`refresh_token_expires_in`, kept in the token's `raw`).
//! - Every endpoint is under the API base `https://webexapis.com/v1` (`WEBEX_API_URL`):
//!   `/authorize`, `/access_token` and `/people/me`.
//! - `oauth_id` is the person's opaque `id`. The email address is `emails[0]`, which Webex
//!   does not mark as verified: `email_verified` is always false. The organization (`orgId`)
//!   stays in `raw_data`.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// Webex as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "webex",
    title: "Webex",
    env_prefix: "WEBEX",
    authorization_url: "{api}/authorize",
    token_url: "{api}/access_token",
    api_url: "https://webexapis.com/v1",
    user_info_url: "{api}/people/me",
    scopes: &["spark:people_read", "spark:kms"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Webex integration",
        console: Some("developer.webex.com > My Webex Apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mN2E4YjljMC0xZDJlLTRmM2EtOGI0Yy01ZDZlN2Y4YTliMGM",
        email: Some("chiara.ricci@example.it"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Webex": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `WEBEX_CLIENT_ID`, `WEBEX_CLIENT_SECRET`,
    /// `WEBEX_SCOPE` (default `spark:people_read spark:kms`) and the overrides
    /// `WEBEX_API_URL`, `WEBEX_AUTHORIZE_URL`, `WEBEX_TOKEN_URL` and `WEBEX_USERINFO_URL`.
    pub struct WebexProvider(SPEC);
}

/// Builder of [`WebexProvider`].
pub type WebexProviderBuilder = ProviderBuilder<WebexProvider>;

/// Maps `/people/me`: `id`, `emails[0]` (never verified), `nickName`, `firstName` and
/// `lastName` (else `displayName` split) and `avatar`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.email = profile.str("/emails/0");
    user.username = profile.str("/nickName");
    user.first_name = profile.str("/firstName");
    user.last_name = profile.str("/lastName");
    Profile::split_name(&mut user, profile.str("/displayName"));
    user.avatar_url = profile.str("/avatar");
    Ok(user)
}

/// The Webex guide, `docs/providers/webex.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/webex.md")]
pub struct WebexGuide;
