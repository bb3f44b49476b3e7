//! Actix-web adapter of oauth-kit: "log in with Bitbucket" (and any other provider) routes,
//! session integration, extractors and guards, on top of the framework-agnostic login flow of
//! `oauth-kit-core`.
//!
//! # Example
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use oauth_kit_actix::{CurrentUser, OAuth};
//! use oauth_kit_core::{FlowConfig, LoginService, ProviderRegistry};
//!
//! async fn me(CurrentUser(user): CurrentUser) -> String {
//!     format!("hello {}", user.info.full_name().unwrap_or(user.info.oauth_id))
//! }
//!
//! # async fn run(providers: ProviderRegistry) -> Result<(), Box<dyn std::error::Error>> {
//! let service = LoginService::new(providers, FlowConfig::from_env()?)?;
//! let oauth = OAuth::new(service);
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/me", web::get().to(me))
//!         .configure(|cfg| oauth.configure(cfg))
//!         .wrap(oauth.session_middleware())
//! })
//! .bind("127.0.0.1:8000")?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```
//!
//! # Routes
//!
//! [`OAuth::configure`] mounts, under the route prefix as the browser sees it
//! ([`FlowConfig::public_prefix`]: the base URL's path followed by the route prefix, so
//! `/auth` by default and `/app/auth` for the base URL `https://example.com/app`; a reverse
//! proxy forwards paths unchanged):
//! - `GET {prefix}/{provider}/login?next=/path`: 303 to the provider, flow cookie set. The
//!   query is read with [`BeginOptions::from_query`] and never causes a 400: a `next`,
//!   `prompt` or `login_hint` that is repeated or empty is ignored (a doubtful `next` falls
//!   back to the success redirect).
//! - `GET {prefix}/{provider}/callback`: on success the user is stored in the session (the
//!   session is renewed first) and the browser goes (303) to the return path; on failure it
//!   goes (303) to the failure path with `error=<code>` and no session is created. Both carry
//!   `Referrer-Policy: no-referrer` and `Cache-Control: no-store`, and clear the flow cookie when the callback's state matched it (a junk or forged callback leaves a login in progress alone).
//! - `POST {prefix}/logout`: the session is purged and the login revoked; 303 to the home path
//!   ([`FlowConfig::home_path`]: `/`, or `/app/` for a base URL with the path `/app`).
//!
//! An unknown provider answers 404; a method a route does not take, 405 with `Allow`.
//!
//! [`FlowConfig::public_prefix`]: oauth_kit_core::FlowConfig::public_prefix
//! [`FlowConfig::home_path`]: oauth_kit_core::FlowConfig::home_path
//! [`BeginOptions::from_query`]: oauth_kit_core::BeginOptions::from_query
//!
//! # Sessions
//!
//! [`OAuth::session_middleware`] builds an `actix-session` middleware over the cookie store:
//! cookie `oauth_kit_session`, encrypted with a key derived from `OAUTH_COOKIE_KEY` (a random
//! per-process key, with a warning, when it is unset), `HttpOnly`, `SameSite=Lax`, `Secure`
//! exactly when the redirect base URL is https, `Path=/`, expiring after a day of inactivity
//! (`OAUTH_SESSION_IDLE_SECS`) and 7 days after the login (`OAUTH_SESSION_LIFETIME_SECS`).
//! The session holds only the [`SessionUser`] (no token, no raw provider JSON unless
//! [`OAuth::keep_raw_data`] says so) and a random login id. Because a cookie cannot be taken
//! back, every login id is also kept in an in-memory registry of live logins: logout removes it,
//! so a copy of the old cookie is dead. A login is therefore valid only on the instance that
//! completed it, until a restart. Several instances use a server-side store instead (for
//! example actix-session's Redis store) with [`OAuth::server_side_sessions`]. The guide
//! `docs/adapters/actix.md` explains the trade-offs.
//!
//! # Failure codes
//!
//! The `error` query parameter of the failure redirect is one of:
//!
//! | code | meaning |
//! |---|---|
//! | `access_denied` | the user pressed "Deny" at the provider |
//! | `authorization_failed` | the provider redirected back with another `error` |
//! | `state_missing` | the callback had no `state` |
//! | `state_mismatch` | the `state` is not the one this browser started with |
//! | `state_expired` | the login took longer than the state TTL |
//! | `flow_missing` | no login was started in this browser (or its cookie expired) |
//! | `flow_invalid` | the flow cookie was tampered with or sealed with another key; the request carried several flow cookies; with the memory store, the flow is gone (a replayed callback, or a flow evicted from a full store) |
//! | `flow_replayed` | with the cookie store (the default), the callback was replayed after a completed login |
//! | `provider_mismatch` | the login was started for another provider |
//! | `issuer_mismatch` | the RFC 9207 `iss` parameter is missing or wrong |
//! | `invalid_callback` | a repeated parameter, no code, or a parameter the provider needs that is missing or not trusted (`ProviderSpec::callback_params`) |
//! | `token_error` | the code exchange failed |
//! | `user_info_error` | fetching the user failed |
//! | `provider_unavailable` | the provider timed out or could not be reached |
//! | `rate_limited` | this client address sent more callbacks that reach the token endpoint than `OAUTH_CALLBACK_RATE_LIMIT` allows (no token request was made) |
//! | `session_conflict` | the request carried two session cookies (one may be planted from a sibling subdomain); nothing was logged in |
//! | `session_too_large` | (Actix cookie sessions) the session would not fit in a cookie; an ERROR event says so |
//! | `store_unavailable` | a shared store (Redis) was down or too slow; nothing was written, retrying later works |
//! | `login_refused` or your code | the [`LoginHook`] rejected the login |
//! | `server_error` | anything else (the session could not be written, ...) |
//!
//! Details of every failure are logged with `tracing` (never a secret); the browser sees only
//! the code.

mod extract;
mod guard;
mod response;
mod routes;
mod session;

pub use actix_session;
pub use extract::{CurrentUser, OptionalUser, VerifiedUser};
pub use guard::Guard;
pub use oauth_kit_core::flow::{LoginDecision, LoginHook, SessionUser};
pub use response::Rejection;
pub use routes::{DEFAULT_MAX_LIVE_SESSIONS, OAuth, SESSION_COOKIE_NAME, SESSION_IDLE_TIMEOUT};
pub use session::{Middleware, SessionLayer};

/// The Actix guide (`docs/adapters/actix.md`), compiled so that its examples cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/adapters/actix.md")]
pub struct ActixGuide;
