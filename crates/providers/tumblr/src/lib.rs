//! "Log in with Tumblr": the Tumblr provider of oauth-kit (OAuth 2.0, not the legacy OAuth
//! 1.0a).
//!
//! Tumblr is described as data ([`SPEC`]) plus a user mapping; [`TumblrProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_tumblr::TumblrProvider;
//!
//! // In an application: TumblrProvider::from_env()?, reading TUMBLR_CLIENT_ID and
//! // TUMBLR_CLIENT_SECRET.
//! let tumblr = TumblrProvider::new("Qx7pL2mZ9vT4rW1yB8nC3dE6fH0jK5sA", ClientSecret::new("secret"))?;
//! assert_eq!(tumblr.user_info_url().as_str(), "https://api.tumblr.com/v2/user/info");
//! assert!(!tumblr.capabilities().pkce && !tumblr.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic; PKCE is not sent (UNCONFIRMED). A refresh token
//!   comes only with the `offline_access` scope, which is among the defaults.
//! - Tumblr has **no numeric user id** and user names can change: `oauth_id` is the primary
//!   blog's `uuid` (that Tumblr sends it is UNCONFIRMED), with the user name as the fallback.
//!   A user name as id is a weak key: it follows a rename.
//! - No email address: `email` is `None` and `email_verified` false. No revocation endpoint
//!   is documented (UNCONFIRMED).

use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use serde_json::Value;

/// Tumblr as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "tumblr",
    title: "Tumblr",
    env_prefix: "TUMBLR",
    authorization_url: "https://www.tumblr.com/oauth2/authorize",
    token_url: "{api}/oauth2/token",
    api_url: "https://api.tumblr.com/v2",
    user_info_url: "{api}/user/info",
    scopes: &["basic", "offline_access"],
    pkce: Pkce::Unsupported,
    error_message: &[
        "/meta/msg",
        "/errors/0/detail",
        "/error_description",
        "/error",
    ],
    credentials: CredentialHelp {
        client_id: "OAuth consumer key",
        client_secret: "OAuth consumer secret",
        app: "Tumblr application",
        console: Some("tumblr.com/oauth/apps"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "t:Qx7pL2mZ9vT4rW1yB8nC3d",
        email: None,
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Tumblr": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `TUMBLR_CLIENT_ID`, `TUMBLR_CLIENT_SECRET`,
    /// `TUMBLR_SCOPE` (default `basic offline_access`) and the overrides
    /// `TUMBLR_AUTHORIZE_URL`, `TUMBLR_TOKEN_URL` and `TUMBLR_API_URL`.
    pub struct TumblrProvider(SPEC);
}

/// Builder of [`TumblrProvider`].
pub type TumblrProviderBuilder = ProviderBuilder<TumblrProvider>;

/// Maps `/v2/user/info`: the primary blog's `uuid` (else the user `name`) as id, `name` as
/// username, and the primary blog's `title` (split) and `url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let blogs = profile
        .get("/response/user/blogs")
        .and_then(Value::as_array);
    let primary = blogs
        .and_then(|blogs| blogs.iter().find(|b| b["primary"] == true))
        .cloned()
        .unwrap_or_default();
    let blog = Profile::new(profile.provider(), &primary);
    let id = blog
        .id("/uuid")
        .or_else(|_| profile.id("/response/user/name"));
    let mut user =
        profile.user(id.map_err(|_| "neither a blog `uuid` nor a user `name`".to_owned())?);
    user.username = profile.str("/response/user/name");
    Profile::split_name(&mut user, blog.str("/title"));
    user.profile_url = blog.str("/url");
    Ok(user)
}

/// The Tumblr guide, `docs/providers/tumblr.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/tumblr.md")]
pub struct TumblrGuide;
