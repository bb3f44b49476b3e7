//! "Log in with Facebook": the Facebook (Meta) provider of oauth-kit.
//!
//! Facebook is described as data ([`SPEC`]) plus a user mapping; [`FacebookProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_facebook::FacebookProvider;
//!
//! // In an application: FacebookProvider::from_env()?, reading FACEBOOK_CLIENT_ID (the App
//! // ID), FACEBOOK_CLIENT_SECRET (the App Secret) and FACEBOOK_VERSION.
//! let facebook = FacebookProvider::builder("1187432095561204", ClientSecret::new("secret"))
//!     .param("version", "v24.0")
//!     .build()?;
//! assert_eq!(facebook.authorization_endpoint().as_str(), "https://www.facebook.com/v24.0/dialog/oauth");
//! assert_eq!(facebook.token_url().as_str(), "https://graph.facebook.com/v24.0/oauth/access_token");
//! let capabilities = facebook.capabilities();
//! assert!(!capabilities.pkce && !capabilities.refresh && !capabilities.revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The Graph API version is a path segment of every endpoint: [`DEFAULT_VERSION`] unless
//!   `FACEBOOK_VERSION` (or `.param("version", ..)`) says otherwise. Each version is retired
//!   about two years after its release, so pin one you have tested.
//! - The code is exchanged the way Facebook's manual login flow documents it: a **GET** with
//!   the App ID and App Secret in the query string. The URL never appears in oauth-kit's
//!   errors or events.
//! - Scopes are separated by commas. There is no PKCE on this flow (only on Facebook's OpenID
//!   Connect variant, still in testing), no refresh token (long-lived tokens come from a
//!   separate exchange) and no revocation endpoint.
//! - `oauth_id` is the app-scoped user id (a string of digits): the same person has another
//!   id in another app.
//! - `email_verified` is **always false**: Facebook does not say whether an address was
//!   verified, and accounts can have none.
//! - The app setting "Require App Secret" (`appsecret_proof` on every Graph call) is not
//!   supported: leave it off.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount, SpecParam,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, TokenEncoding};
use serde_json::Value;

/// The Graph API version used unless configured.
pub const DEFAULT_VERSION: &str = "v23.0";

/// Facebook as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "facebook",
    title: "Facebook",
    env_prefix: "FACEBOOK",
    authorization_url: "https://www.facebook.com/{version}/dialog/oauth",
    token_url: "{api}/oauth/access_token",
    api_url: "https://graph.facebook.com/{version}",
    user_info_url: "{api}/me?fields=id,name,first_name,last_name,email,picture",
    params: &[SpecParam {
        name: "version",
        default: Some(DEFAULT_VERSION),
        help: "the Graph API version, such as v23.0",
    }],
    scopes: &["public_profile", "email"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_encoding: TokenEncoding::Query,
    capabilities: Capabilities::NONE,
    error_message: &["/error/message"],
    error_hint: Some(graph_hint),
    credentials: CredentialHelp {
        client_id: "App ID",
        client_secret: "App Secret",
        app: "Meta app",
        console: Some("App settings > Basic in the Meta app dashboard"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "10224716398204581",
        email: Some("tomasz.w@example.org"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Facebook": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `FACEBOOK_CLIENT_ID` (the App ID),
    /// `FACEBOOK_CLIENT_SECRET` (the App Secret), `FACEBOOK_SCOPE` (default
    /// `public_profile,email`), `FACEBOOK_VERSION` (default [`DEFAULT_VERSION`]) and the
    /// overrides `FACEBOOK_AUTHORIZE_URL`, `FACEBOOK_TOKEN_URL` and `FACEBOOK_API_URL`.
    pub struct FacebookProvider(SPEC);
}

/// Builder of [`FacebookProvider`].
pub type FacebookProviderBuilder = ProviderBuilder<FacebookProvider>;

/// Maps `/me`: `id`, `first_name` and `last_name` (else `name` split), `email` never verified,
/// and `picture.data.url` unless it is the default silhouette.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.first_name = profile.str("/first_name");
    user.last_name = profile.str("/last_name");
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/email");
    if !profile.bool("/picture/data/is_silhouette") {
        user.avatar_url = profile.str("/picture/data/url");
    }
    Ok(user)
}

/// The hint for a Graph API error, by its `error.code`.
fn graph_hint(_status: u16, body: &Value) -> Option<String> {
    let hint = match body.pointer("/error/code")?.as_u64()? {
        102 | 190 => "the access token expired or was revoked: log in again",
        4 | 17 | 341 => "rate limited by the Graph API: retry later",
        10 | 200..=299 => "the app lacks a permission: check FACEBOOK_SCOPE and the app's review",
        _ => return None,
    };
    Some(hint.to_owned())
}

/// The Facebook guide, `docs/providers/facebook.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/facebook.md")]
pub struct FacebookGuide;
