//! "Log in with VK ID": the VK ID provider of oauth-kit.
//!
//! VK ID is described as data ([`SPEC`]) plus a user mapping; [`VkIdProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_vk_id::VkIdProvider;
//!
//! // In an application: VkIdProvider::from_env()?, reading VK_ID_CLIENT_ID and
//! // VK_ID_CLIENT_SECRET.
//! let vk = VkIdProvider::new("51834972", ClientSecret::new("secret"))?;
//! assert_eq!(vk.token_url().as_str(), "https://id.vk.com/oauth2/auth");
//! assert!(vk.capabilities().pkce && !vk.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - PKCE (S256) is mandatory at VK ID and always sent.
//! - The callback carries `device_id` next to `code` and `state`; the code exchange sends both
//!   back ([`CallbackRole::TokenParam`]). A callback without `device_id` is refused before
//!   any token request. A refresh sends neither (our reference does not say it needs them).
//! - The client id and secret go in the form body.
//! - The user comes from `POST /oauth2/user_info` with the access token and the client id in
//!   a form body (VK ID's way, not a bearer header), wrapped in `{"user": {...}}`.
//! - `oauth_id` is `user.user_id`, a string. VK ID has no verified flag for the address
//!   (`verified` is about the account): `email_verified` is always false.
//! - VK ID also returns an ID token; it is not validated (VK ID publishes no discovery
//!   document we could rely on). Revocation exists but its path is UNCONFIRMED: none is
//!   offered.
//! - Every endpoint is under `https://id.vk.com` (`VK_ID_API_URL`, for example
//!   `https://id.vk.ru`).

use oauth_kit_core::spec::{
    CallbackParam, CallbackRole, CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec,
    SampleAccount, UserSource,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// VK ID as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "vk-id",
    title: "VK ID",
    env_prefix: "VK_ID",
    authorization_url: "{api}/authorize",
    token_url: "{api}/oauth2/auth",
    api_url: "https://id.vk.com",
    user_info_url: "{api}/oauth2/user_info",
    user_source: UserSource::PostForm,
    callback_params: &[
        CallbackParam {
            name: "device_id",
            role: CallbackRole::TokenParam,
            example: "Zx2Wq7pLr0VbN3kTyH8sJd4FmC6gA1eU",
        },
        CallbackParam {
            name: "state",
            role: CallbackRole::TokenParam,
            example: "",
        },
    ],
    scopes: &["email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Required,
    credentials: CredentialHelp {
        client_id: "App ID",
        client_secret: "Protected key",
        app: "VK ID application",
        console: Some("id.vk.com > My apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "718204563",
        email: Some("d.orlov@example.ru"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with VK ID": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `VK_ID_CLIENT_ID`, `VK_ID_CLIENT_SECRET`,
    /// `VK_ID_SCOPE` (default `email`) and the overrides `VK_ID_AUTHORIZE_URL`,
    /// `VK_ID_TOKEN_URL`, `VK_ID_API_URL` and `VK_ID_USERINFO_URL`.
    pub struct VkIdProvider(SPEC);
}

/// Builder of [`VkIdProvider`].
pub type VkIdProviderBuilder = ProviderBuilder<VkIdProvider>;

/// Maps `user_info`'s `user`: the string `user_id`, `first_name`, `last_name`, `avatar` and
/// `email` (never verified).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/user/user_id")?);
    user.first_name = profile.str("/user/first_name");
    user.last_name = profile.str("/user/last_name");
    user.avatar_url = profile.str("/user/avatar");
    user.email = profile.str("/user/email");
    Ok(user)
}

/// The VK ID guide, `docs/providers/vk-id.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/vk-id.md")]
pub struct VkIdGuide;
