//! "Log in with Naver": the Naver provider of oauth-kit.
//!
//! Naver is described as data ([`SPEC`]) plus a user mapping; [`NaverProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_naver::NaverProvider;
//!
//! // In an application: NaverProvider::from_env()?, reading NAVER_CLIENT_ID and
//! // NAVER_CLIENT_SECRET.
//! let naver = NaverProvider::new("Zk3pX9qL2mT7vR1c", ClientSecret::new("secret"))?;
//! assert_eq!(naver.user_info_url().as_str(), "https://openapi.naver.com/v1/nid/me");
//! assert!(naver.scopes().is_empty() && !naver.capabilities().pkce);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - No scopes: the profile fields are chosen in Naver's console. No PKCE.
//! - The client id and secret go in the form body. The token response's `expires_in` is a
//!   **string** (`"3600"`), read as a number.
//! - `/v1/nid/me` wraps the user in an envelope (`resultcode`, `message`, `response`); any
//!   `resultcode` other than `"00"` is an error, even with HTTP 200.
//! - `oauth_id` is `response.id` (per application). Naver does not say whether `email` is
//!   verified: `email_verified` is always false.
//! - No revocation: Naver's `grant_type=delete` is UNCONFIRMED.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, TokenQuirks};

/// Naver as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "naver",
    title: "Naver",
    env_prefix: "NAVER",
    authorization_url: "https://nid.naver.com/oauth2.0/authorize",
    token_url: "https://nid.naver.com/oauth2.0/token",
    api_url: "https://openapi.naver.com",
    user_info_url: "{api}/v1/nid/me",
    scopes: &[],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT
        .expires_in_as_string(true)
        .error_with_http_200(true),
    error_message: &["/message", "/error_description", "/errorMessage"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Naver Login application",
        console: Some("developers.naver.com > Application > My Applications"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "Zk3pX9_qL2mT7vR1cW8yB4nD6fH0jK5sA",
        email: Some("seoyeon.lee@example.com"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Naver": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `NAVER_CLIENT_ID`, `NAVER_CLIENT_SECRET` and the
    /// overrides `NAVER_AUTHORIZE_URL`, `NAVER_TOKEN_URL` and `NAVER_API_URL`.
    pub struct NaverProvider(SPEC);
}

/// Builder of [`NaverProvider`].
pub type NaverProviderBuilder = ProviderBuilder<NaverProvider>;

/// Maps `/v1/nid/me`: checks `resultcode` is `"00"`, then `response.id`, `nickname` as
/// username, `name` (else `nickname`) split, `email` (never verified) and `profile_image`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    if profile.str("/resultcode").as_deref() != Some("00") {
        return Err("`resultcode` is not \"00\"".to_owned());
    }
    let mut user = profile.user(profile.id("/response/id")?);
    user.username = profile.str("/response/nickname");
    Profile::split_name(
        &mut user,
        profile.first_str(&["/response/name", "/response/nickname"]),
    );
    user.email = profile.str("/response/email");
    user.avatar_url = profile.str("/response/profile_image");
    Ok(user)
}

/// The Naver guide, `docs/providers/naver.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/naver.md")]
pub struct NaverGuide;
