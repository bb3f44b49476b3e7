//! The provider trait, the OAuth 2.0 engine and the framework-agnostic login flow of oauth-kit.
//!
//! Provider crates (such as `oauth-kit-bitbucket`) implement [`OAuthProvider`] on top of the
//! engine in this crate; adapter crates (`oauth-kit-axum`, `oauth-kit-actix`) translate HTTP
//! requests into the two calls of the login flow. Applications usually depend on the `oauth-kit`
//! facade crate instead of this one.
//!
//! # Example: a provider without a web framework
//!
//! The same three steps as every OAuth 2.0 login: send the browser to the authorization URL,
//! exchange the code that comes back, fetch the user.
//!
//! ```no_run
//! use oauth_kit_core::{
//!     AuthorizationCode, AuthorizationRequest, AuthorizeOptions, CsrfState, HttpClient,
//!     OAuthProvider,
//! };
//!
//! # async fn run(provider: &dyn OAuthProvider) -> Result<(), oauth_kit_core::Error> {
//! let http = HttpClient::new()?;
//! let redirect_uri = "http://localhost:8000/auth/example/callback";
//! let state = CsrfState::generate()?;
//! let options = AuthorizeOptions::default();
//! let url = provider.authorization_url(&AuthorizationRequest::new(redirect_uri, &state, &options))?;
//! println!("open {url}");
//!
//! // ...the browser comes back with ?code=...&state=...; check the state, then:
//! let code = AuthorizationCode::new("code-from-the-callback");
//! let token = provider.exchange_code(&http, &code, redirect_uri, None).await?;
//! let user = provider.user_info(&http, &token).await?;
//! println!("hello {}", user.full_name().unwrap_or(user.oauth_id));
//! # Ok(()) }
//! ```
//!
//! Prefer the login flow ([`LoginService`]) in a web application: it binds the state to the
//! browser, adds PKCE where the provider supports it and validates the return path.
//!
//! # Performance
//!
//! The library's own work per login is a few microseconds, invisible next to a provider
//! round trip. Measured with `cargo bench -p oauth-kit-core --bench flow -- --warm-up-time 1
//! --measurement-time 3` (criterion, estimate per call, on the project's 2-core build machine,
//! otherwise idle):
//!
//! | operation | time |
//! |---|---|
//! | `begin` with the sealed-cookie store (state, sealing, URL) | 5.5 µs |
//! | `begin` with the memory store | 5.5 µs |
//! | callback checks up to the network, sealed-cookie store (unseal, compare, expiry, replay memory) | 4.2 µs |
//! | callback checks up to the network, memory store | 1.1 µs |
//! | `CookieStore::seal` / `unseal` | 1.0 µs / 1.0 µs |
//! | `ReturnPath::parse` | 0.3–0.7 µs |

mod client;
mod device;
mod endpoint;
mod error;
mod http;
mod oauth2;
mod pkce;
mod provider;
mod secret;
mod token;
mod user;

pub mod flow;
pub mod oidc;
pub mod sanitize;
pub mod session;
pub mod spec;
pub mod tokens;

/// The `url` crate, re-exported for provider crates and the [`provider_type!`] macro.
pub use url;

pub use async_trait::async_trait;
pub use client::{AuthorizationStart, PendingLogin, ProviderClient};
pub use device::{
    DEFAULT_DEVICE_INTERVAL, DEFAULT_DEVICE_MAX_WAIT, DeviceAuthorization, DeviceFlow,
    DevicePollEvent, SLOW_DOWN_STEP,
};
pub use endpoint::{is_loopback, parse_endpoint};
pub use error::{
    Error, LoginRequiredReason, OAuthErrorBody, ProviderContext, Result, Stage, redacted_excerpt,
};
pub use http::{BearerRequest, ClientAuth, HttpClient, HttpConfig, HttpResponse, USER_AGENT};
pub use oauth2::{
    ClientAssertion, DEVICE_CODE_GRANT_TYPE, JWT_BEARER_ASSERTION, OAuth2Client, RevocationMethod,
    TokenEncoding,
};
pub use pkce::{PkceChallenge, PkceVerifier, constant_time_eq};
pub use provider::{
    AuthorizationRequest, AuthorizeOptions, Capabilities, LoginContext, OAuthProvider,
    ProviderName, ProviderRegistry, Revocation,
};
pub use secret::{
    AccessToken, AuthorizationCode, ClientSecret, CsrfState, DeviceCode, IdToken, Nonce,
    RefreshToken,
};
pub use spec::{ProviderSpec, SpecProvider};
pub use token::{OAuthToken, TokenQuirks, parse_token_response};
pub use tokens::{
    ClientCredentials, KeepTokens, MemoryTokenStore, TokenKey, TokenManager, TokenSet, TokenStore,
};
pub use user::{OAuthUserInfo, non_empty};

pub use flow::{
    BeginOptions, BeginOutcome, Completion, CookieKey, CookieStore, FlowConfig, FlowCookie,
    FlowRecord, LoginDecision, LoginHook, LoginService, LoginSuccess, MemoryStore, ReturnPath,
    SessionUser, StateStore,
};
