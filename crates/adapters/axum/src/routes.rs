//! The login, callback and logout routes: core answers them, this module translates.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::Uri;
use axum::http::header::{self, HeaderMap};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use oauth_kit_core::flow::{
    CallbackRequest, LoginRoutes, SESSION_USER_KEY, SessionFailure, SessionUser,
};
use oauth_kit_core::{LoginHook, LoginService};
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore};

use crate::extract::session_failure;
use crate::response::to_axum;
use crate::session::{DuplicateSessionCookies, SessionLayer};
use crate::store::BoundedMemoryStore;

/// The default name of the session cookie set by [`OAuth::session_layer`]
/// ([`FlowConfig::session_cookie_name`](oauth_kit_core::FlowConfig::session_cookie_name)
/// changes it).
pub const SESSION_COOKIE_NAME: &str = oauth_kit_core::flow::DEFAULT_SESSION_COOKIE_NAME;

/// The adapter: a [`LoginService`] plus the session options and an optional login hook.
///
/// Cheap to clone; [`router`](Self::router) mounts the routes and
/// [`session_layer`](Self::session_layer) builds a matching session layer.
#[derive(Debug, Clone)]
pub struct OAuth {
    routes: LoginRoutes,
}

impl OAuth {
    /// Wraps a login service.
    pub fn new(service: LoginService) -> Self {
        Self {
            routes: LoginRoutes::new(service),
        }
    }

    /// Calls `hook` after every successful login, before the session is written.
    pub fn on_login(self, hook: impl LoginHook) -> Self {
        Self {
            routes: self.routes.on_login(hook),
        }
    }

    /// Keeps the provider's raw JSON in the session (off by default: it can be large, and a
    /// cookie-backed session would send it to the browser).
    pub fn keep_raw_data(self, keep: bool) -> Self {
        Self {
            routes: self.routes.keep_raw_data(keep),
        }
    }

    /// The login service.
    pub fn service(&self) -> &LoginService {
        self.routes.service()
    }

    /// The routes under the configured prefix, ready to `merge` into an application router.
    /// A session layer (for example [`session_layer`](Self::session_layer)) must wrap them.
    pub fn router<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        // HEAD on the callback is answered 405 by core: axum would otherwise run the GET
        // handler for it, and a link checker's HEAD must not complete (and use up) a login.
        Router::new()
            .route(&self.routes.login_path(), get(login))
            .route(
                &self.routes.callback_path(),
                get(callback).head(callback).post(callback),
            )
            .route(&self.routes.logout_path(), post(logout))
            .with_state(self.clone())
    }

    /// A session layer over the bounded in-memory store ([`BoundedMemoryStore`], with
    /// [`FlowConfig::session_limits`](oauth_kit_core::FlowConfig::session_limits)): cookie
    /// [`FlowConfig::session_cookie_name`](oauth_kit_core::FlowConfig::session_cookie_name)
    /// (`oauth_kit_session` by default), `HttpOnly`, `SameSite=Lax`, `Path=/`, no `Domain`,
    /// `Secure` when the redirect base URL is https or the name is `__Host-`/`__Secure-`;
    /// a session ends at its absolute lifetime (7 days after the login by default, also the
    /// cookie's `Max-Age`) or after its idle timeout (1 day by default).
    pub fn session_layer(&self) -> SessionLayer<BoundedMemoryStore> {
        let limits = self.service().config().session_limits();
        self.session_layer_with(BoundedMemoryStore::new(limits))
    }

    /// The same session layer over another `tower-sessions` store (Redis, a database, ...).
    /// The absolute lifetime is checked on every request whatever the store; the cap and the
    /// idle timeout are the store's business.
    pub fn session_layer_with<Store: SessionStore + Clone>(
        &self,
        store: Store,
    ) -> SessionLayer<Store> {
        let config = self.service().config();
        let name = config.session_cookie_name();
        let lifetime = config.session_limits().lifetime;
        let max_age = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        let manager = SessionManagerLayer::new(store)
            .with_name(name.to_owned())
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.cookie_secure(name))
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(CookieDuration::seconds(max_age)));
        SessionLayer {
            manager,
            cookie_name: name.into(),
            lifetime,
        }
    }
}

async fn login(State(oauth): State<OAuth>, Path(provider): Path<String>, uri: Uri) -> Response {
    let query = uri.query().unwrap_or("");
    to_axum(&oauth.routes.login(&provider, query).await)
}

async fn callback(
    State(oauth): State<OAuth>,
    Path(provider): Path<String>,
    session: Session,
    parts: Parts,
    body: Bytes,
) -> Response {
    let query = parts.uri.query().unwrap_or("");
    let cookies = parts.headers.get_all(header::COOKIE).iter();
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
    let duplicates = parts.extensions.get::<DuplicateSessionCookies>().is_some();
    let request = CallbackRequest::from_http(parts.method.as_str(), &provider, query, &body)
        .cookie_headers(cookies.filter_map(|v| v.to_str().ok()))
        .client(peer.map(|info| info.0.ip().to_string()))
        .duplicate_session_cookies(duplicates);
    let write = async |user: &SessionUser| write_session(&session, user).await;
    to_axum(&oauth.routes.callback_with(request, write).await)
}

/// Writes the login into the session with a new id. The session is saved here rather than by
/// the session layer after the response, so that a store failure (Redis down or slow) becomes
/// this login's failure redirect instead of an empty 500, and nothing is left half-written.
async fn write_session(session: &Session, user: &SessionUser) -> Result<(), SessionFailure> {
    let written = async {
        session.cycle_id().await?;
        session.insert(SESSION_USER_KEY, user).await?;
        session.save().await
    };
    if let Err(err) = written.await {
        session.clear().await;
        return Err(session_failure(
            &err,
            "the session could not be written after a login",
        ));
    }
    Ok(())
}

async fn logout(State(oauth): State<OAuth>, session: Session, headers: HeaderMap) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let end = async || end_session(&session).await;
    to_axum(
        &oauth
            .routes
            .logout_with(header("origin"), header("sec-fetch-site"), end)
            .await,
    )
}

/// Ends the session. The stored session is deleted first: if the store fails, the browser
/// keeps its cookie, so the logout can be retried; a session must not outlive a logout that
/// looked successful. Flushed (emptied, deleted, without an id), the session's cookie is
/// removed by the session layer.
async fn end_session(session: &Session) -> Result<(), SessionFailure> {
    if session.id().is_some()
        && let Err(err) = session.delete().await
    {
        return Err(session_failure(
            &err,
            "the session could not be ended at logout",
        ));
    }
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "the session could not be flushed at logout");
    }
    Ok(())
}
