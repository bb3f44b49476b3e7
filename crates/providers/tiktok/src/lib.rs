//! "Log in with TikTok": the TikTok provider of oauth-kit (Login Kit v2).
//!
//! TikTok is described as data ([`SPEC`]) plus a user mapping; [`TiktokProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_tiktok::TiktokProvider;
//!
//! // In an application: TiktokProvider::from_env()?, reading TIKTOK_CLIENT_ID (the client
//! // key) and TIKTOK_CLIENT_SECRET.
//! let tiktok = TiktokProvider::new("aw8k2m9q4p1x7z3c", ClientSecret::new("secret"))?;
//! assert_eq!(tiktok.token_url().as_str(), "https://open.tiktokapis.com/v2/oauth/token/");
//! assert!(tiktok.capabilities().pkce && tiktok.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - TikTok calls the client id **`client_key`**, in the authorization URL and in token,
//!   refresh and revocation bodies, which carry the credentials. Scopes are
//!   **comma-separated**, and users may grant a subset. PKCE (S256) is sent.
//! - Endpoints end with a slash (`/v2/oauth/token/`). Refresh tokens **rotate**: the previous
//!   one stops working once a new one is issued.
//! - `/v2/user/info/` needs the `fields` it should return (listed in the user-info URL) and
//!   **always** carries an `error` object, with `code` `"ok"` on success: only another code
//!   is an error.
//! - `oauth_id` is `open_id`, which is **per application** (`union_id`, in `raw_data`, is per
//!   developer). TikTok gives no email address: `email` is `None` and `email_verified` false.

use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, TokenQuirks};

/// TikTok as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "tiktok",
    title: "TikTok",
    env_prefix: "TIKTOK",
    authorization_url: "https://www.tiktok.com/v2/auth/authorize/",
    token_url: "{api}/oauth/token/",
    api_url: "https://open.tiktokapis.com/v2",
    user_info_url: "{api}/user/info/?fields=open_id,union_id,avatar_url,avatar_large_url,\
                    display_name,username,profile_deep_link",
    revocation_url: Some("{api}/oauth/revoke/"),
    scopes: &["user.info.basic", "user.info.profile"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    client_id_param: "client_key",
    token_quirks: TokenQuirks::STRICT
        .scope_separator(',')
        .error_with_http_200(true),
    credentials: CredentialHelp {
        client_id: "Client key",
        client_secret: "Client secret",
        app: "TikTok app",
        console: Some("developers.tiktok.com > Manage apps > your app"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "-000kq3X9f7Lm2Zr8TbV1yWc4NdPe6",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with TikTok": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `TIKTOK_CLIENT_ID` (the client key),
    /// `TIKTOK_CLIENT_SECRET`, `TIKTOK_SCOPE` (default `user.info.basic,user.info.profile`) and
    /// the overrides `TIKTOK_AUTHORIZE_URL`, `TIKTOK_TOKEN_URL`, `TIKTOK_API_URL` and
    /// `TIKTOK_REVOCATION_URL`.
    pub struct TiktokProvider(SPEC);
}

/// Builder of [`TiktokProvider`].
pub type TiktokProviderBuilder = ProviderBuilder<TiktokProvider>;

/// Maps `/v2/user/info/`: refuses an `error.code` other than `"ok"`, then `data.user`'s
/// `open_id`, `username`, `display_name` split, the large avatar (else `avatar_url`) and
/// `profile_deep_link`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    if profile.str("/error/code").is_some_and(|code| code != "ok") {
        return Err("`error.code` is not \"ok\"".to_owned());
    }
    let mut user = profile.user(profile.id("/data/user/open_id")?);
    user.username = profile.str("/data/user/username");
    Profile::split_name(&mut user, profile.str("/data/user/display_name"));
    user.avatar_url = profile.first_str(&["/data/user/avatar_large_url", "/data/user/avatar_url"]);
    user.profile_url = profile.str("/data/user/profile_deep_link");
    Ok(user)
}

/// The TikTok guide, `docs/providers/tiktok.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/tiktok.md")]
pub struct TiktokGuide;
