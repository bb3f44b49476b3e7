//! "Log in with Yandex ID": the Yandex provider of oauth-kit.
//!
//! Yandex is described as data ([`SPEC`]) plus a user mapping; [`YandexProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_yandex::YandexProvider;
//!
//! // In an application: YandexProvider::from_env()?, reading YANDEX_CLIENT_ID and
//! // YANDEX_CLIENT_SECRET.
//! let yandex = YandexProvider::new("7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e", ClientSecret::new("secret"))?;
//! assert_eq!(yandex.user_info_url().as_str(), "https://login.yandex.ru/info?format=json");
//! assert!(yandex.capabilities().pkce && !yandex.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The user comes from `GET login.yandex.ru/info?format=json` with the token in
//!   `Authorization: OAuth <token>`, the scheme Yandex documents (not `Bearer`, and never the
//!   `?oauth_token=` query variant).
//! - Client authentication is HTTP Basic (Yandex also takes the credentials in the body);
//!   PKCE (S256) is sent. There is no documented revocation endpoint.
//! - `oauth_id` is `id`, the same for every application; `psuid` (in `raw_data`) is the
//!   per-application id. Yandex does not say whether `default_email` is verified:
//!   `email_verified` is always false. The avatar URL is built from `default_avatar_id`.

use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};

/// Yandex ID as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "yandex",
    title: "Yandex",
    env_prefix: "YANDEX",
    authorization_url: "https://oauth.yandex.ru/authorize",
    token_url: "https://oauth.yandex.ru/token",
    api_url: "https://login.yandex.ru",
    user_info_url: "{api}/info?format=json",
    user_auth_scheme: "OAuth",
    scopes: &["login:info", "login:email", "login:avatar"],
    credentials: CredentialHelp {
        client_id: "ClientID",
        client_secret: "Client secret",
        app: "Yandex OAuth application",
        console: Some("oauth.yandex.com > your application"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "1130000051234567",
        email: Some("irina.volkova@yandex.ru"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Yandex ID": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `YANDEX_CLIENT_ID`, `YANDEX_CLIENT_SECRET`,
    /// `YANDEX_SCOPE` (default `login:info login:email login:avatar`) and the overrides
    /// `YANDEX_AUTHORIZE_URL`, `YANDEX_TOKEN_URL` and `YANDEX_API_URL`.
    pub struct YandexProvider(SPEC);
}

/// Builder of [`YandexProvider`].
pub type YandexProviderBuilder = ProviderBuilder<YandexProvider>;

/// Maps `/info`: `id`, `login`, `first_name` and `last_name` (else `real_name`, else
/// `display_name`, split), `default_email` (else the first of `emails`; never verified) and
/// the avatar built from `default_avatar_id` unless `is_avatar_empty`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/login");
    user.first_name = profile.str("/first_name");
    user.last_name = profile.str("/last_name");
    Profile::split_name(
        &mut user,
        profile.first_str(&["/real_name", "/display_name"]),
    );
    user.email = profile.first_str(&["/default_email", "/emails/0"]);
    // The id goes into a URL path: only the characters Yandex's avatar ids use.
    let plain = |s: &String| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_".contains(&b))
    };
    user.avatar_url = profile
        .str("/default_avatar_id")
        .filter(|id| plain(id) && !profile.bool("/is_avatar_empty"))
        .map(|id| format!("https://avatars.yandex.net/get-yapic/{id}/islands-200"));
    Ok(user)
}

/// The Yandex guide, `docs/providers/yandex.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/yandex.md")]
pub struct YandexGuide;
