//! "Log in with osu!": the osu! provider of oauth-kit.
//!
//! osu! is described as data ([`SPEC`]) plus a user mapping; [`OsuProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_osu::OsuProvider;
//!
//! // In an application: OsuProvider::from_env()?, reading OSU_CLIENT_ID and
//! // OSU_CLIENT_SECRET.
//! let osu = OsuProvider::new("38291", ClientSecret::new("secret"))?;
//! assert_eq!(osu.user_info_url().as_str(), "https://osu.ppy.sh/api/v2/me");
//! assert!(!osu.capabilities().pkce && !osu.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id (a number) and secret go in the form body; PKCE is not sent (UNCONFIRMED).
//! - A refresh returns a new refresh token: store it in place of the old one.
//! - No revocation: osu!'s `DELETE /api/v2/oauth/tokens/current` is UNCONFIRMED.
//! - `oauth_id` is the integer user `id`, written out as a string; the profile URL is built
//!   from it. osu! gives no email address: `email` is `None` and `email_verified` false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// osu! as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "osu",
    title: "osu!",
    env_prefix: "OSU",
    authorization_url: "https://osu.ppy.sh/oauth/authorize",
    token_url: "https://osu.ppy.sh/oauth/token",
    api_url: "https://osu.ppy.sh/api/v2",
    user_info_url: "{api}/me",
    scopes: &["identify"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "osu! OAuth application",
        console: Some("osu.ppy.sh/home/account/edit > OAuth"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "18293047",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with osu!": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `OSU_CLIENT_ID`, `OSU_CLIENT_SECRET`, `OSU_SCOPE`
    /// (default `identify`) and the overrides `OSU_AUTHORIZE_URL`, `OSU_TOKEN_URL` and
    /// `OSU_API_URL`.
    pub struct OsuProvider(SPEC);
}

/// Builder of [`OsuProvider`].
pub type OsuProviderBuilder = ProviderBuilder<OsuProvider>;

/// Maps `/api/v2/me`: the integer `id`, `username`, `avatar_url` and the profile page built
/// from the id.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    user.avatar_url = profile.str("/avatar_url");
    let numeric = user.oauth_id.bytes().all(|b| b.is_ascii_digit());
    user.profile_url = numeric.then(|| format!("https://osu.ppy.sh/users/{}", user.oauth_id));
    Ok(user)
}

/// The osu! guide, `docs/providers/osu.md`, compiled so its examples cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/osu.md")]
pub struct OsuGuide;
