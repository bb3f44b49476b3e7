//! "Log in with Twitch": the Twitch provider of oauth-kit.
//!
//! Twitch is described as data ([`SPEC`]) plus a user mapping; [`TwitchProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_twitch::TwitchProvider;
//!
//! // In an application: TwitchProvider::from_env()?, reading TWITCH_CLIENT_ID and
//! // TWITCH_CLIENT_SECRET.
//! let twitch = TwitchProvider::new("hof5gwx0su6owfnys0nyan9c87zr6t", ClientSecret::new("secret"))?;
//! assert_eq!(twitch.user_info_url().as_str(), "https://api.twitch.tv/helix/users");
//! assert_eq!(twitch.scopes(), ["user:read:email"]);
//! assert!(twitch.capabilities().refresh && twitch.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id and secret go in the token request's form body (Twitch advertises only
//!   `client_secret_post`). Twitch lists the granted scopes as a **JSON array**; its token
//!   errors are `{"status", "message"}` bodies, not RFC 6749 ones.
//! - No PKCE: whether Twitch supports it is UNCONFIRMED, so the login flow's browser-bound
//!   `state` is the CSRF defence.
//! - A refresh may return a new refresh token ("refresh tokens may change"): the new one is
//!   kept. Revocation is RFC 7009-style at `https://id.twitch.tv/oauth2/revoke`.
//! - The user comes from the Helix API, `GET /helix/users`, which needs the `Client-Id` header
//!   next to the token: the instance's client id is sent.
//! - `oauth_id` is `data[0].id` (a string of digits). The `email` Helix returns with
//!   `user:read:email` is, in Twitch's words, the user's verified address: `email_verified` is
//!   true whenever it is present.

use oauth_kit_core::spec::{
    CredentialHelp, HeaderSource, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, TokenQuirks};

/// Twitch as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "twitch",
    title: "Twitch",
    env_prefix: "TWITCH",
    authorization_url: "https://id.twitch.tv/oauth2/authorize",
    token_url: "https://id.twitch.tv/oauth2/token",
    api_url: "https://api.twitch.tv/helix",
    user_info_url: "{api}/users",
    revocation_url: Some("https://id.twitch.tv/oauth2/revoke"),
    scopes: &["user:read:email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT.scope_array(true),
    capabilities: Capabilities::NONE.refresh(true),
    user_headers: &[("Client-Id", HeaderSource::ClientId)],
    error_message: &["/message", "/error_description"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Twitch application",
        console: Some("dev.twitch.tv > Your Console > Applications"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "141981764",
        email: Some("lumen.fox@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Twitch": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `TWITCH_CLIENT_ID`, `TWITCH_CLIENT_SECRET`,
    /// `TWITCH_SCOPE` (default `user:read:email`) and the overrides `TWITCH_AUTHORIZE_URL`,
    /// `TWITCH_TOKEN_URL`, `TWITCH_REVOCATION_URL` and `TWITCH_API_URL`.
    pub struct TwitchProvider(SPEC);
}

/// Builder of [`TwitchProvider`].
pub type TwitchProviderBuilder = ProviderBuilder<TwitchProvider>;

/// Maps `/helix/users`: the first entry of `data`, with `id`, `login`, `display_name` split,
/// `email` (verified when present), the profile image and `https://www.twitch.tv/{login}`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/data/0/id")?);
    user.username = profile.str("/data/0/login");
    Profile::split_name(&mut user, profile.str("/data/0/display_name"));
    user.email = profile.str("/data/0/email");
    user.email_verified = user.email.is_some();
    user.avatar_url = profile.str("/data/0/profile_image_url");
    user.profile_url = user
        .username
        .as_ref()
        .filter(|login| {
            login
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .map(|login| format!("https://www.twitch.tv/{login}"));
    Ok(user)
}

/// The Twitch guide, `docs/providers/twitch.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/twitch.md")]
pub struct TwitchGuide;
