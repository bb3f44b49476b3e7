//! "Log in with Zoho": the Zoho provider of oauth-kit.
//!
//! Zoho is described as data ([`SPEC`]) plus a user mapping; [`ZohoProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_zoho::ZohoProvider;
//!
//! // In an application: ZohoProvider::from_env()?, reading ZOHO_CLIENT_ID and
//! // ZOHO_CLIENT_SECRET.
//! let zoho = ZohoProvider::new("1000.7QX2KD9PLM4VBN", ClientSecret::new("secret"))?;
//! assert_eq!(zoho.token_url().as_str(), "https://accounts.zoho.com/oauth/v2/token");
//! assert!(!zoho.capabilities().pkce && zoho.capabilities().refresh);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Zoho runs one accounts server per data centre. Its callback says which one issued the
//!   code (`accounts-server=https://accounts.zoho.eu`); the code exchange and the user-info
//!   request of that login go there ([`CallbackRole::AccountsServer`]). Only the hosts of
//!   [`ACCOUNTS_SERVERS`] (over https) and the origin of the configured token endpoint are
//!   accepted; any other value refuses the login (`invalid_callback`) before any token
//!   request. Without the parameter the configured server (`ZOHO_API_URL`) is used.
//! - A refresh goes to the configured server: an application with users in several data
//!   centres registers one instance per data centre for its refreshes.
//! - Scopes are **comma-separated** (`AaaServer.profile.READ`); every login asks for
//!   `access_type=offline` and `prompt=consent`, so each login brings a refresh token. Zoho
//!   keeps at most 20 per user and client and silently revokes the oldest: store the latest.
//! - The client id and secret go in the form body. PKCE support is UNCONFIRMED: none is sent.
//! - A token error may come as HTTP 200 with an `error` member (UNCONFIRMED); it is read as an
//!   error.
//! - `GET /oauth/user/info` answers with capitalised keys; `oauth_id` is the integer `ZUID`,
//!   written out exactly. Zoho has no verified flag: `email_verified` is always false.
//! - The user-info request carries the token as `Authorization: Zoho-oauthtoken`, the scheme
//!   of Zoho's APIs. Revocation is UNCONFIRMED: none is offered.

use oauth_kit_core::spec::{
    CallbackParam, CallbackRole, CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec,
    SampleAccount,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, TokenQuirks};

/// The hosts of Zoho's accounts servers, one per data centre (US, EU, India, Australia, Japan,
/// Canada, Saudi Arabia, United Kingdom, China): the only servers a callback's
/// `accounts-server` may name.
pub const ACCOUNTS_SERVERS: &[&str] = &[
    "accounts.zoho.com",
    "accounts.zoho.eu",
    "accounts.zoho.in",
    "accounts.zoho.com.au",
    "accounts.zoho.jp",
    "accounts.zohocloud.ca",
    "accounts.zoho.sa",
    "accounts.zoho.uk",
    "accounts.zoho.com.cn",
];

/// Zoho as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "zoho",
    title: "Zoho",
    env_prefix: "ZOHO",
    authorization_url: "{api}/oauth/v2/auth",
    token_url: "{api}/oauth/v2/token",
    api_url: "https://accounts.zoho.com",
    user_info_url: "{api}/oauth/user/info",
    callback_params: &[CallbackParam {
        name: "accounts-server",
        role: CallbackRole::AccountsServer {
            hosts: ACCOUNTS_SERVERS,
        },
        example: "https://accounts.zoho.eu",
    }],
    authorize_params: &[("access_type", "offline"), ("prompt", "consent")],
    scopes: &["AaaServer.profile.READ"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT
        .scope_separator(',')
        .error_with_http_200(true),
    user_auth_scheme: "Zoho-oauthtoken",
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Zoho server-based application",
        console: Some("api-console.zoho.com"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "60021839475",
        email: Some("ravi.iyer@example.in"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Zoho": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `ZOHO_CLIENT_ID`, `ZOHO_CLIENT_SECRET`, `ZOHO_SCOPE`
    /// (default `AaaServer.profile.READ`) and the overrides `ZOHO_API_URL` (the accounts
    /// server, such as `https://accounts.zoho.eu`), `ZOHO_AUTHORIZE_URL`, `ZOHO_TOKEN_URL` and
    /// `ZOHO_USERINFO_URL`.
    pub struct ZohoProvider(SPEC);
}

/// Builder of [`ZohoProvider`].
pub type ZohoProviderBuilder = ProviderBuilder<ZohoProvider>;

/// Maps `/oauth/user/info`: the integer `ZUID`, `Email` (never verified), `First_Name` and
/// `Last_Name` (else `Display_Name` split).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/ZUID")?);
    user.email = profile.str("/Email");
    user.first_name = profile.str("/First_Name");
    user.last_name = profile.str("/Last_Name");
    if user.first_name.is_none() && user.last_name.is_none() {
        Profile::split_name(&mut user, profile.str("/Display_Name"));
    }
    Ok(user)
}

/// The Zoho guide, `docs/providers/zoho.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/zoho.md")]
pub struct ZohoGuide;
