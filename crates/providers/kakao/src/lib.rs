//! "Log in with Kakao": the Kakao provider of oauth-kit.
//!
//! Kakao is described as data ([`SPEC`]) plus a user mapping; [`KakaoProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_kakao::KakaoProvider;
//!
//! // In an application: KakaoProvider::from_env()?, reading KAKAO_CLIENT_ID (the REST API
//! // key) and KAKAO_CLIENT_SECRET.
//! let kakao = KakaoProvider::new("3f9c1a7e5b2d4f6a8c0e1b3d5f7a9c2e", ClientSecret::new("secret"))?;
//! assert_eq!(kakao.user_info_url().as_str(), "https://kapi.kakao.com/v2/user/me");
//! assert!(!kakao.capabilities().pkce && kakao.capabilities().refresh);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id is the app's **REST API key**; the client id and secret go in the form
//!   body (Kakao checks the secret only when it is enabled in the console, so configure the
//!   secret either way). PKCE is not sent (UNCONFIRMED).
//! - Scopes are space-separated, as the REST flow's libraries send them (Kakao's JavaScript
//!   SDK documents commas).
//! - A refresh returns a new refresh token only when the old one is close to expiry; the one
//!   used is kept otherwise.
//! - `oauth_id` is the 64-bit integer `id`, written out as a string. The address is trusted
//!   (`email_verified`) only when Kakao says it is both valid and verified.
//! - No revocation endpoint: Kakao's "unlink" API is not a token revocation (UNCONFIRMED).

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};
use serde_json::Value;

/// Kakao as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "kakao",
    title: "Kakao",
    env_prefix: "KAKAO",
    authorization_url: "https://kauth.kakao.com/oauth/authorize",
    token_url: "https://kauth.kakao.com/oauth/token",
    api_url: "https://kapi.kakao.com",
    user_info_url: "{api}/v2/user/me",
    scopes: &["profile_nickname", "profile_image", "account_email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    error_message: &["/msg", "/error_description", "/message"],
    error_hint: Some(missing_consent),
    credentials: CredentialHelp {
        client_id: "REST API key",
        client_secret: "Client Secret",
        app: "Kakao application",
        console: Some("developers.kakao.com > My Application > App Keys"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "3197845021",
        email: Some("minjun.kim@example.kr"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Kakao": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `KAKAO_CLIENT_ID` (the REST API key),
    /// `KAKAO_CLIENT_SECRET`, `KAKAO_SCOPE` (default `profile_nickname profile_image
    /// account_email`) and the overrides `KAKAO_AUTHORIZE_URL`, `KAKAO_TOKEN_URL` and
    /// `KAKAO_API_URL`.
    pub struct KakaoProvider(SPEC);
}

/// Builder of [`KakaoProvider`].
pub type KakaoProviderBuilder = ProviderBuilder<KakaoProvider>;

/// Kakao's `-402` (missing consent) names the consent items the user did not give.
fn missing_consent(status: u16, body: &Value) -> Option<String> {
    let scopes = body.get("required_scopes")?.as_array()?;
    let names: Vec<&str> = scopes.iter().filter_map(Value::as_str).collect();
    (status == 403 && !names.is_empty()).then(|| {
        format!(
            "the user did not consent to {}: add them to KAKAO_SCOPE and log in again",
            names.join(", ")
        )
    })
}

/// Maps `/v2/user/me`: the integer `id`, the nickname (`kakao_account.profile`, else
/// `properties`) split, the profile image, and `kakao_account.email`, verified only when
/// `is_email_valid` and `is_email_verified` are both true.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    let nickname = profile.first_str(&["/kakao_account/profile/nickname", "/properties/nickname"]);
    Profile::split_name(&mut user, nickname);
    user.avatar_url = profile.first_str(&[
        "/kakao_account/profile/profile_image_url",
        "/properties/profile_image",
    ]);
    user.email = profile.str("/kakao_account/email");
    user.email_verified = user.email.is_some()
        && profile.bool("/kakao_account/is_email_valid")
        && profile.bool("/kakao_account/is_email_verified");
    Ok(user)
}

/// The Kakao guide, `docs/providers/kakao.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/kakao.md")]
pub struct KakaoGuide;
