//! "Log in with Bitbucket": the Bitbucket Cloud provider of oauth-kit.
//!
//! [`BitbucketProvider`] implements [`OAuthProvider`](oauth_kit_core::OAuthProvider) on the
//! oauth-kit engine: the authorization URL, the code exchange (HTTP Basic client
//! authentication, form body), refresh, and the user from `/2.0/user` and
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
//! assert_eq!(provider.scopes(), [BitbucketScope::Account, BitbucketScope::Email]);
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
//! - `oauth_id` is Bitbucket's `uuid` without braces: present in every user object and stable,
//!   unlike `username` (removed from most responses in 2019) and `nickname` (not unique).
//! - Emails are read from `/2.0/user/emails`, following `next` links only on the API base
//!   URL's origin (the bearer token never goes to another host), for at most
//!   [`MAX_EMAIL_PAGES`] pages. A list longer than that is an error rather than a silent cut,
//!   which could report a secondary address while the primary one sits on a later page.
//! - A 403 from `/2.0/user/emails` (the consumer lacks "Email: Read") returns the user without
//!   an email and logs a warning; every other API failure is an
//!   [`Error::HttpStatus`](oauth_kit_core::Error::HttpStatus) carrying Bitbucket's message,
//!   its detail (for a 403: the granted and required scopes) and a hint.

mod api;
mod provider;
mod scope;
mod user;

pub use api::MAX_EMAIL_PAGES;
pub use provider::{
    API_URL, APP_AUTHORIZATIONS_URL, AUTHORIZE_URL, BitbucketProvider, BitbucketProviderBuilder,
    PROVIDER_NAME, TOKEN_URL,
};
pub use scope::BitbucketScope;

/// The Bitbucket guide, `docs/providers/bitbucket.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/bitbucket.md")]
pub struct BitbucketGuide;
