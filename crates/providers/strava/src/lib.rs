//! "Log in with Strava": the Strava provider of oauth-kit.
//!
//! Strava is described as data ([`SPEC`]) plus a user mapping; [`StravaProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_strava::StravaProvider;
//!
//! // In an application: StravaProvider::from_env()?, reading STRAVA_CLIENT_ID and
//! // STRAVA_CLIENT_SECRET.
//! let strava = StravaProvider::new("48213", ClientSecret::new("secret"))?;
//! assert_eq!(strava.token_url().as_str(), "https://www.strava.com/oauth/token");
//! assert!(!strava.capabilities().pkce && strava.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Scopes are **comma-separated** (`read,activity:read`); users may untick some, and the
//!   callback's `scope` says what was granted (the token response does not).
//! - The client id and secret go in the form body; Strava has no PKCE.
//! - The token response carries the athlete (`athlete`): the user comes from there, with no
//!   further call, so `user_info` needs the token of the code exchange. It also carries the
//!   absolute expiry `expires_at` (seconds since the epoch), which sets the token's expiry.
//! - A refresh may return a new refresh token: always store the latest.
//! - Revocation is `POST /oauth/deauthorize` with the token as `access_token`.
//! - Every endpoint is under `https://www.strava.com` (`STRAVA_API_URL`): `/oauth/authorize`,
//!   `/oauth/token`, `/oauth/deauthorize`.
//! - `oauth_id` is the athlete's integer `id`, written out as a string. Strava never gives an
//!   email address: `email` is `None` and `email_verified` false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserSource,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, RevocationMethod, TokenQuirks};

/// Strava as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "strava",
    title: "Strava",
    env_prefix: "STRAVA",
    authorization_url: "{api}/oauth/authorize",
    token_url: "{api}/oauth/token",
    api_url: "https://www.strava.com",
    user_info_url: "",
    user_source: UserSource::TokenResponse("/athlete"),
    revocation_url: Some("{api}/oauth/deauthorize"),
    revocation_method: RevocationMethod::Form {
        member: "access_token",
    },
    authorize_params: &[("approval_prompt", "auto")],
    scopes: &["read"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT
        .scope_separator(',')
        .expires_at_field("expires_at"),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Strava API application",
        console: Some("strava.com/settings/api"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "84736291",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Strava": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `STRAVA_CLIENT_ID`, `STRAVA_CLIENT_SECRET`,
    /// `STRAVA_SCOPE` (default `read`) and the overrides `STRAVA_AUTHORIZE_URL`,
    /// `STRAVA_TOKEN_URL`, `STRAVA_API_URL` and `STRAVA_REVOCATION_URL`.
    pub struct StravaProvider(SPEC);
}

/// Builder of [`StravaProvider`].
pub type StravaProviderBuilder = ProviderBuilder<StravaProvider>;

/// Maps the token response's `athlete`: the integer `id`, `username`, `firstname` and
/// `lastname`, the large `profile` picture (else `profile_medium`) and the athlete page.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    user.first_name = profile.str("/firstname");
    user.last_name = profile.str("/lastname");
    user.avatar_url = profile.first_str(&["/profile", "/profile_medium"]);
    let numeric = user.oauth_id.bytes().all(|b| b.is_ascii_digit());
    user.profile_url =
        numeric.then(|| format!("https://www.strava.com/athletes/{}", user.oauth_id));
    Ok(user)
}

/// The Strava guide, `docs/providers/strava.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/strava.md")]
pub struct StravaGuide;
