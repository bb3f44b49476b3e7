//! "Log in with Kick": the Kick provider of oauth-kit.
//!
//! Kick is described as data ([`SPEC`]) plus a user mapping; [`KickProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_kick::KickProvider;
//!
//! // In an application: KickProvider::from_env()?, reading KICK_CLIENT_ID and
//! // KICK_CLIENT_SECRET.
//! let kick = KickProvider::new("01JG7Q2M4R8T6W1Y3A5C7E9G0H", ClientSecret::new("secret"))?;
//! assert_eq!(kick.user_info_url().as_str(), "https://api.kick.com/public/v1/users");
//! assert!(kick.capabilities().pkce && kick.capabilities().refresh);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - PKCE is **required** by Kick: every login sends an S256 challenge.
//! - The client id and secret go in the form body of token, refresh and revocation requests.
//! - Revocation is RFC 7009's form POST (`token`, `token_type_hint`) to `/oauth/revoke`; Kick's
//!   documentation shows the parameters in the query string, and whether it also reads them
//!   from the body is UNCONFIRMED ([`SPEC`]'s `revocation_method` is the one place that
//!   assumes it).
//! - The user endpoint answers an **array envelope**, `{"data": [{...}], "message": "OK"}`:
//!   the user is `data[0]`, and an empty `data` is an invalid response.
//! - `oauth_id` is the integer `user_id`, written out as a string (never through a float).
//!   Kick does not say whether the email address is verified: `email_verified` is always
//!   false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, RevocationMethod};

/// Kick as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "kick",
    title: "Kick",
    env_prefix: "KICK",
    authorization_url: "https://id.kick.com/oauth/authorize",
    token_url: "https://id.kick.com/oauth/token",
    api_url: "https://api.kick.com/public/v1",
    user_info_url: "{api}/users",
    revocation_url: Some("https://id.kick.com/oauth/revoke"),
    // UNCONFIRMED: Kick documents the revocation parameters in the query string; this sends
    // them as RFC 7009's form body.
    revocation_method: RevocationMethod::Rfc7009,
    scopes: &["user:read"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Required,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Kick app",
        console: Some("kick.com > Settings > Developer"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "48120397",
        email: Some("drift.queen@example.com"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Kick": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `KICK_CLIENT_ID`, `KICK_CLIENT_SECRET`, `KICK_SCOPE`
    /// (default `user:read`) and the overrides `KICK_AUTHORIZE_URL`, `KICK_TOKEN_URL`,
    /// `KICK_API_URL`, `KICK_USERINFO_URL` and `KICK_REVOCATION_URL`.
    pub struct KickProvider(SPEC);
}

/// Builder of [`KickProvider`].
pub type KickProviderBuilder = ProviderBuilder<KickProvider>;

/// Maps `data[0]` of `/users`: the integer `user_id`, `name` as the username, `email` (never
/// verified) and `profile_picture`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/data/0/user_id")?);
    user.username = profile.str("/data/0/name");
    user.email = profile.str("/data/0/email");
    user.avatar_url = profile.str("/data/0/profile_picture");
    Ok(user)
}

/// The Kick guide, `docs/providers/kick.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/kick.md")]
pub struct KickGuide;
