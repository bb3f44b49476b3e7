//! "Log in with Box": the Box provider of oauth-kit.
//!
//! Box is described as data ([`SPEC`]) plus a user mapping; [`BoxComProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec. The crate is `box-com`
//! because `box` is a Rust keyword, and so is the provider name (`/auth/box-com/login`); the
//! variables keep the `BOX_` prefix.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_box_com::BoxComProvider;
//!
//! // In an application: BoxComProvider::from_env()?, reading BOX_CLIENT_ID and
//! // BOX_CLIENT_SECRET.
//! let boxcom = BoxComProvider::new("x7k2m9q4p1w8z3c6v5b0n2l4j8h6g3f1", ClientSecret::new("secret"))?;
//! assert_eq!(boxcom.name(), "box-com");
//! assert_eq!(boxcom.user_info_url().as_str(), "https://api.box.com/2.0/users/me");
//! assert!(!boxcom.capabilities().pkce && boxcom.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id and secret go in the form body; PKCE is not sent (UNCONFIRMED). No scopes:
//!   the application's scopes are set in the Box developer console.
//! - Refresh tokens are **single use** and live 60 days: each refresh returns a new one and
//!   the one used stops working, so store the new one before using the new access token.
//! - Revocation is RFC 7009 at `api.box.com/oauth2/revoke` with the credentials in the body.
//! - Every endpoint but the authorization page is under `https://api.box.com`
//!   (`BOX_API_URL`): `/oauth2/token`, `/oauth2/revoke`, `/2.0/users/me`.
//! - `oauth_id` is the user `id` (a numeric string). `login` is the address, which Box does
//!   not say is verified: `email_verified` is always false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// Box as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "box-com",
    title: "Box",
    env_prefix: "BOX",
    authorization_url: "https://account.box.com/api/oauth2/authorize",
    token_url: "{api}/oauth2/token",
    api_url: "https://api.box.com",
    user_info_url: "{api}/2.0/users/me",
    revocation_url: Some("{api}/oauth2/revoke"),
    scopes: &[],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Box Platform app",
        console: Some("app.box.com/developers/console > your app > Configuration"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "23918475602",
        email: Some("hana.takeda@example.jp"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Box": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `BOX_CLIENT_ID`, `BOX_CLIENT_SECRET` and the
    /// overrides `BOX_AUTHORIZE_URL`, `BOX_TOKEN_URL`, `BOX_API_URL` and `BOX_REVOCATION_URL`.
    pub struct BoxComProvider(SPEC);
}

/// Builder of [`BoxComProvider`].
pub type BoxComProviderBuilder = ProviderBuilder<BoxComProvider>;

/// Maps `/2.0/users/me`: `id`, `login` as the (unverified) email, `name` split and
/// `avatar_url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.email = profile.str("/login");
    Profile::split_name(&mut user, profile.str("/name"));
    user.avatar_url = profile.str("/avatar_url");
    Ok(user)
}

/// The Box guide, `docs/providers/box-com.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/box-com.md")]
pub struct BoxComGuide;
