//! The framework-agnostic login flow: `begin` and `complete`, state stores, the return-path
//! policy and the configuration.
//!
//! [`LoginRoutes`] answers the login, callback and logout routes with framework-neutral
//! responses ([`FlowResponse`]); adapters translate HTTP into its calls and back and talk to
//! their framework's session, so every web framework gets the same checks in the same order
//! and the same answers.

pub(crate) mod callback;
mod config;
mod cookie;
mod hook;
mod limit;
mod record;
mod rejection;
mod return_path;
mod routes;
mod service;
mod sessions;
mod store;

pub use ::cookie::SameSite;
pub use config::{
    CookieKey, DEFAULT_COOKIE_NAME, DEFAULT_FAILURE_REDIRECT, DEFAULT_HTTP_TIMEOUT,
    DEFAULT_LOGIN_TIMEOUT, DEFAULT_ROUTE_PREFIX, DEFAULT_SESSION_COOKIE_NAME, DEFAULT_STATE_TTL,
    DEFAULT_SUCCESS_REDIRECT, FlowConfig, FlowConfigBuilder, MIN_COOKIE_KEY_LEN, is_loopback,
};
pub use cookie::{FlowCookie, cookie_count, remove_cookie, strip_ambiguous_cookies};
pub use hook::{
    LoginDecision, LoginHook, Requirement, SESSION_USER_KEY, SessionUser, rejection_code,
    session_user_for,
};
pub use limit::DEFAULT_CALLBACK_RATE_LIMIT;
pub use record::FlowRecord;
pub use rejection::Rejection;
pub use return_path::ReturnPath;
pub use routes::{
    CallbackOutcome, CallbackRequest, FlowResponse, LoginRoutes, MAX_SESSION_COOKIE_BYTES,
    NewSession, RouteRequest, SessionCheck, SessionFailure,
};
pub use service::{
    BeginOptions, BeginOutcome, Completion, LoginService, LoginServiceBuilder, LoginSuccess,
};
pub use sessions::{
    AmbiguousSessionCookies, LOGIN_ID_KEY, SessionCookie, SessionCookieKey, Sessions, WebSession,
};
pub use store::{CookieStore, DEFAULT_MEMORY_CAP, DEFAULT_REPLAY_CAP, MemoryStore, StateStore};
