//! "Log in with Patreon": the Patreon provider of oauth-kit.
//!
//! Patreon is described as data ([`SPEC`]) plus a user mapping; [`PatreonProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_patreon::PatreonProvider;
//!
//! // In an application: PatreonProvider::from_env()?, reading PATREON_CLIENT_ID and
//! // PATREON_CLIENT_SECRET.
//! let patreon = PatreonProvider::new("Qx7pL2mZ9vT4rW1yB8nC3dE6fH0jK5sA", ClientSecret::new("secret"))?;
//! assert!(patreon.user_info_url().as_str().starts_with("https://www.patreon.com/api/oauth2/v2/identity?"));
//! assert!(!patreon.capabilities().pkce && !patreon.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id and secret go in the form body; PKCE is not sent (UNCONFIRMED).
//! - Every refresh returns a new refresh token: treat it as rotating and store the new one.
//! - The user comes from API v2's `/identity`, a JSON:API document whose attributes appear
//!   **only when listed** in `fields[user]`: the user-info URL lists every attribute the
//!   mapping reads.
//! - `oauth_id` is `data.id`. `email_verified` is Patreon's `is_email_verified` (its presence
//!   in API v2 is UNCONFIRMED: without it the address is unverified).
//! - No revocation endpoint is documented (UNCONFIRMED).

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// Patreon as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "patreon",
    title: "Patreon",
    env_prefix: "PATREON",
    authorization_url: "https://www.patreon.com/oauth2/authorize",
    token_url: "{api}/token",
    api_url: "https://www.patreon.com/api/oauth2",
    user_info_url: "{api}/v2/identity?fields%5Buser%5D=email,first_name,last_name,full_name,\
                    image_url,vanity,url,is_email_verified",
    scopes: &["identity", "identity[email]"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    error_message: &[
        "/errors/0/detail",
        "/errors/0/title",
        "/error_description",
        "/error",
    ],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Patreon OAuth client",
        console: Some("patreon.com/portal/registration/register-clients"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "58204731",
        email: Some("oskar.lund@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Patreon": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `PATREON_CLIENT_ID`, `PATREON_CLIENT_SECRET`,
    /// `PATREON_SCOPE` (default `identity identity[email]`) and the overrides
    /// `PATREON_AUTHORIZE_URL`, `PATREON_TOKEN_URL` and `PATREON_API_URL`.
    pub struct PatreonProvider(SPEC);
}

/// Builder of [`PatreonProvider`].
pub type PatreonProviderBuilder = ProviderBuilder<PatreonProvider>;

/// Maps `/v2/identity`: `data.id`, and from `data.attributes` `vanity` as username,
/// `first_name` and `last_name` (else `full_name` split), `email` verified by
/// `is_email_verified`, `image_url` and `url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/data/id")?);
    user.username = profile.str("/data/attributes/vanity");
    user.first_name = profile.str("/data/attributes/first_name");
    user.last_name = profile.str("/data/attributes/last_name");
    Profile::split_name(&mut user, profile.str("/data/attributes/full_name"));
    user.email = profile.str("/data/attributes/email");
    user.email_verified =
        user.email.is_some() && profile.bool("/data/attributes/is_email_verified");
    user.avatar_url = profile.str("/data/attributes/image_url");
    user.profile_url = profile.str("/data/attributes/url");
    Ok(user)
}

/// The Patreon guide, `docs/providers/patreon.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/patreon.md")]
pub struct PatreonGuide;
