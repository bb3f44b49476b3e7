//! Tokens after login: keeping them, refreshing them before they expire, and tokens for the
//! application itself.
//!
//! - [`TokenSet`] is what is kept of a token response, under a [`TokenKey`] (provider and
//!   user), in a [`TokenStore`] ([`MemoryTokenStore`] here; a shared store for several
//!   instances implements the same trait).
//! - [`KeepTokens`] is a [`LoginHook`](crate::LoginHook) that keeps the token of every login.
//!   Keeping tokens is opt-in: without it, no token outlives the login request, and the
//!   session never holds one.
//! - [`TokenManager::access_token`] returns a valid access token for a user, refreshing it
//!   shortly before it expires. Concurrent callers share one refresh.
//! - [`ClientCredentials`] caches a token of the client-credentials grant.
//!
//! ```
//! use std::sync::Arc;
//! use oauth_kit_core::{
//!     AccessToken, HttpClient, MemoryTokenStore, OAuthToken, ProviderRegistry, TokenKey,
//!     TokenManager,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), oauth_kit_core::Error> {
//! let manager = TokenManager::builder(ProviderRegistry::new(), Arc::new(MemoryTokenStore::new()))
//!     .http_client(HttpClient::new()?)
//!     .build()?;
//! let key = TokenKey::new("bitbucket", "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
//! // A token without an expiry time is used as it is.
//! manager.keep(&key, &OAuthToken::bearer(AccessToken::new("at"))).await?;
//! assert_eq!(manager.access_token(&key).await?.secret(), "at");
//! # Ok(()) }
//! ```

mod client_credentials;
mod keep;
mod manager;
mod set;
mod store;

pub use client_credentials::ClientCredentials;
pub use keep::KeepTokens;
pub use manager::{DEFAULT_REFRESH_MARGIN, TokenManager, TokenManagerBuilder};
pub use set::{TokenKey, TokenSet};
pub use store::{DEFAULT_TOKEN_STORE_CAP, MemoryTokenStore, TokenStore};
