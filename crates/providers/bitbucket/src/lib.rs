//! "Log in with Bitbucket": the Bitbucket Cloud provider of oauth-kit.
//!
//! Bitbucket is described as data ([`SPEC`], with its email list) plus its user mapping;
//! [`BitbucketProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec. It implements
//! [`OAuthProvider`](oauth_kit_core::OAuthProvider): the authorization URL, the code exchange
//! (HTTP Basic client authentication, form body), refresh, and the user from `/2.0/user` and
//! `/2.0/user/emails`, normalized into [`OAuthUserInfo`](oauth_kit_core::OAuthUserInfo).
//! Register it with a login service or an adapter, or use it on its own:
//!
//! ```
//! use oauth_kit_bitbucket::{BitbucketProvider, BitbucketScope};
//! use oauth_kit_core::{AuthorizationRequest, AuthorizeOptions, ClientSecret, CsrfState, OAuthProvider};
//!
//! # fn main() -> Result<(), oauth_kit_core::Error> {
//! // In an application: BitbucketProvider::from_env()?, reading BITBUCKET_CLIENT_ID and
//! // BITBUCKET_CLIENT_SECRET (the consumer's Key and Secret).
//! let provider = BitbucketProvider::new("bbClientKey123", ClientSecret::new("bbClientSecret456"))?;
//! assert_eq!(provider.scopes(), [BitbucketScope::Account, BitbucketScope::Email].map(String::from));
//!
//! let state = CsrfState::generate()?;
//! let options = AuthorizeOptions::default();
//! let request = AuthorizationRequest::new(
//!     "http://localhost:8000/auth/bitbucket/callback",
//!     &state,
//!     &options,
//! );
//! let url = provider.authorization_url(&request)?;
//! assert!(url.as_str().starts_with("https://bitbucket.org/site/oauth2/authorize?response_type=code"));
//! assert!(!provider.capabilities().pkce); // Bitbucket Cloud has no PKCE: the state is the CSRF defence.
//! # Ok(()) }
//! ```
//!
//! Then exchange the `code` that comes back with
//! [`exchange_code`](oauth_kit_core::OAuthProvider::exchange_code) and fetch the user with
//! [`user_info`](oauth_kit_core::OAuthProvider::user_info); the guide
//! (`docs/providers/bitbucket.md`) walks through the whole flow, the OAuth consumer's settings,
//! the scopes, the user-info mapping and troubleshooting.
//!
//! # Decisions worth knowing
//!
//! - Client authentication is HTTP Basic with the consumer's Key and Secret, the token request
//!   a form body. Bitbucket Cloud has no PKCE: a challenge or verifier passed in is not sent,
//!   and the login flow relies on its browser-bound, single-use `state`. Refresh keeps the same
//!   refresh token. There is no revocation endpoint:
//!   [`revoke`](oauth_kit_core::OAuthProvider::revoke) answers
//!   [`Revocation::Unsupported`](oauth_kit_core::Revocation::Unsupported) with
//!   [`APP_AUTHORIZATIONS_URL`]. The token response lists the granted scopes in `scopes`.
//! - `oauth_id` is Bitbucket's `uuid` without braces: present in every user object and stable,
//!   unlike `username` (removed from most responses in 2019) and `nickname` (not unique).
//! - Emails are read from `/2.0/user/emails` by core's [`EmailSource`], following `next` links
//!   only on the API base URL's origin (the bearer token never goes to another host), for at
//!   most [`MAX_EMAIL_PAGES`] pages. A list longer than that is an error rather than a silent
//!   cut, which could report a secondary address while the primary one sits on a later page.
//! - A 403 from `/2.0/user/emails` (the consumer lacks "Email: Read") returns the user without
//!   an email and logs a warning with the granted and required scopes; every other API failure
//!   is an [`Error::HttpStatus`](oauth_kit_core::Error::HttpStatus) carrying Bitbucket's
//!   message, its detail (for a 403: the granted and required scopes) and a hint.

mod scope;
mod user;

use oauth_kit_core::spec::{
    CredentialHelp, EmailSource, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, TokenQuirks};

pub use scope::BitbucketScope;

/// The default registry name, used in routes (`/auth/bitbucket/login`) and as
/// [`OAuthUserInfo::provider`](oauth_kit_core::OAuthUserInfo::provider).
pub const PROVIDER_NAME: &str = "bitbucket";
/// Bitbucket Cloud's authorization endpoint.
pub const AUTHORIZE_URL: &str = "https://bitbucket.org/site/oauth2/authorize";
/// Bitbucket Cloud's token endpoint.
pub const TOKEN_URL: &str = "https://bitbucket.org/site/oauth2/access_token";
/// Bitbucket Cloud's REST API base URL.
pub const API_URL: &str = "https://api.bitbucket.org/2.0";
/// Where users revoke an application's access themselves: Bitbucket has no revocation endpoint.
pub const APP_AUTHORIZATIONS_URL: &str =
    "https://bitbucket.org/account/settings/app-authorizations/";

/// How many pages of `/2.0/user/emails` are read at most. A list with a `next` link after
/// that many pages is an error rather than a silent cut.
pub const MAX_EMAIL_PAGES: usize = 20;

/// Bitbucket Cloud as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: PROVIDER_NAME,
    title: "Bitbucket",
    env_prefix: "BITBUCKET",
    authorization_url: AUTHORIZE_URL,
    token_url: TOKEN_URL,
    api_url: API_URL,
    user_info_url: "{api}/user",
    extra_endpoints: &[("emails", "{api}/user/emails")],
    manage_url: Some(APP_AUTHORIZATIONS_URL),
    scopes: &["account", "email"],
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT.scope_field("scopes"),
    // Client credentials: a token for the consumer's owner (a private consumer). No device flow.
    capabilities: Capabilities::NONE.refresh(true).client_credentials(true),
    // A revoked or unknown refresh token is answered `invalid_request` "Invalid refresh_token".
    refused_refresh: &[("invalid_request", "refresh_token")],
    error_message: &["/error/message"],
    error_detail: &["/error/detail"],
    hints: user::USER_HINTS,
    error_hint: Some(user::scope_hint),
    credentials: CredentialHelp {
        client_id: "Key",
        client_secret: "Secret",
        app: "Bitbucket OAuth consumer",
        console: Some("Workspace settings > OAuth consumers"),
    },
    map_user: user::map_user,
    email_source: Some(EmailSource {
        list: "/values",
        primary: "is_primary",
        verified: "is_confirmed",
        next: Some("/next"),
        max_pages: MAX_EMAIL_PAGES,
        permission: "Email: Read",
        hints: user::EMAIL_HINTS,
        refusal_scopes: Some(user::refusal_scopes),
        ..EmailSource::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        endpoints: &[(
            "emails",
            include_str!("../tests/fixtures/emails_primary_first.json"),
        )],
        oauth_id: "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73",
        email: Some("mira@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Bitbucket": Bitbucket Cloud's OAuth 2.0 consumer flow, the generic provider
    /// over [`SPEC`]. `client_id` is the OAuth consumer's **Key**, `client_secret` its
    /// **Secret**; [`from_env`](Self::from_env) reads `BITBUCKET_CLIENT_ID`,
    /// `BITBUCKET_CLIENT_SECRET`, `BITBUCKET_SCOPE` (default `account email`) and the endpoint
    /// overrides `BITBUCKET_AUTHORIZE_URL`, `BITBUCKET_TOKEN_URL`, `BITBUCKET_API_URL`.
    ///
    /// The user maps as follows:
    ///
    /// | field | from |
    /// |---|---|
    /// | `oauth_id` | `uuid` without its braces (stable; `username` was removed in 2019) |
    /// | `email` | the primary address, else the first confirmed one, else the first one |
    /// | `email_verified` | that address's `is_confirmed` |
    /// | `username` | `username` when present, else `nickname` (not unique) |
    /// | `first_name`, `last_name` | `display_name` split at the first whitespace |
    /// | `avatar_url` | `links.avatar.href` |
    /// | `profile_url` | `links.html.href` |
    /// | `raw_data` | the whole `/2.0/user` response |
    ///
    /// ```
    /// use oauth_kit_bitbucket::{BitbucketProvider, BitbucketScope};
    /// use oauth_kit_core::ClientSecret;
    ///
    /// let provider = BitbucketProvider::builder("key", ClientSecret::new("secret"))
    ///     .scopes([BitbucketScope::Account, BitbucketScope::Email, BitbucketScope::Repository])
    ///     .api_url("http://127.0.0.1:8011/2.0")
    ///     .build()?;
    /// assert_eq!(provider.api_url().as_str(), "http://127.0.0.1:8011/2.0");
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub struct BitbucketProvider(SPEC);
}

/// Builder of [`BitbucketProvider`].
pub type BitbucketProviderBuilder = ProviderBuilder<BitbucketProvider>;

/// The Bitbucket guide, `docs/providers/bitbucket.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/bitbucket.md")]
pub struct BitbucketGuide;
