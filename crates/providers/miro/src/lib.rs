//! "Log in with Miro": the Miro provider of oauth-kit.
//!
//! Miro is described as data ([`SPEC`]) plus a user mapping; [`MiroProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_miro::MiroProvider;
//!
//! // In an application: MiroProvider::from_env()?, reading MIRO_CLIENT_ID and
//! // MIRO_CLIENT_SECRET.
//! let miro = MiroProvider::new("3458764517517852417", ClientSecret::new("secret"))?;
//! assert_eq!(miro.user_info_url().as_str(), "https://api.miro.com/v1/oauth-token");
//! assert!(!miro.capabilities().pkce && !miro.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The user installs the application into a **team**. The client id and secret go in the
//!   form body; PKCE is not sent (UNCONFIRMED).
//! - The token response's `team_id` is a JSON integer above 2^53: it is kept exactly (never
//!   read through a float) in the token's `raw`.
//! - An application's tokens either never expire or, for expiring applications, last an hour
//!   with a 60-day refresh token that **rotates** with the access token on every refresh.
//! - The user comes from the token context `GET /v1/oauth-token`. Revocation exists at Miro
//!   but its request is UNCONFIRMED: `revoke` answers `Revocation::Unsupported`.
//! - `oauth_id` is `user.id`; the team is `team.id` (in `raw_data`). The context has no email
//!   or avatar: `email` is `None` and `email_verified` false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// Miro as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "miro",
    title: "Miro",
    env_prefix: "MIRO",
    authorization_url: "https://miro.com/oauth/authorize",
    token_url: "{api}/oauth/token",
    api_url: "https://api.miro.com/v1",
    user_info_url: "{api}/oauth-token",
    manage_url: Some("https://miro.com/app/settings/user-profile/apps"),
    scopes: &["boards:read"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Miro app",
        console: Some("miro.com > Settings > Your apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "3458764517517819000",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Miro": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `MIRO_CLIENT_ID`, `MIRO_CLIENT_SECRET`, `MIRO_SCOPE`
    /// (default `boards:read`) and the overrides `MIRO_AUTHORIZE_URL`, `MIRO_TOKEN_URL` and
    /// `MIRO_API_URL`.
    pub struct MiroProvider(SPEC);
}

/// Builder of [`MiroProvider`].
pub type MiroProviderBuilder = ProviderBuilder<MiroProvider>;

/// Maps the token context: `user.id` and `user.name` split.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/user/id")?);
    Profile::split_name(&mut user, profile.str("/user/name"));
    Ok(user)
}

/// The Miro guide, `docs/providers/miro.md`, compiled so its examples cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/miro.md")]
pub struct MiroGuide;
