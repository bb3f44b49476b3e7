//! The login, callback and logout routes: core answers them, this module translates.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::any;
use oauth_kit_core::flow::{LoginRoutes, RouteRequest};
use oauth_kit_core::{LoginHook, LoginService};
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore};

use crate::response::to_axum;
use crate::session::{AxumSession, SessionLayer};
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
    pub fn on_login(mut self, hook: impl LoginHook) -> Self {
        self.routes = self.routes.on_login(hook);
        self
    }

    /// Keeps the provider's raw JSON in the session (off by default: it can be large, and a
    /// cookie-backed session would send it to the browser).
    pub fn keep_raw_data(mut self, keep: bool) -> Self {
        self.routes = self.routes.keep_raw_data(keep);
        self
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
        // Every method reaches core, which answers the ones a route does not take with 405
        // (a link checker's HEAD must not complete, and use up, a login).
        let routes = &self.routes;
        Router::new()
            .route(&routes.login_path(), any(answer))
            .route(&routes.callback_path(), any(answer))
            .route(&routes.logout_path(), any(answer))
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
        let sessions = self.routes.sessions();
        let cookie = sessions.cookie();
        let max_age = i64::try_from(cookie.login_max_age().as_secs()).unwrap_or(i64::MAX);
        let manager = SessionManagerLayer::new(store)
            .with_name(cookie.name().to_owned())
            .with_http_only(cookie.http_only())
            .with_same_site(cookie.same_site())
            .with_secure(cookie.secure())
            .with_path(cookie.path())
            .with_expiry(Expiry::OnInactivity(CookieDuration::seconds(max_age)));
        SessionLayer {
            manager,
            sessions: sessions.clone(),
        }
    }
}

/// The one handler of the three routes: core answers, this translates.
async fn answer(
    State(oauth): State<OAuth>,
    session: Session,
    head: Parts,
    body: Bytes,
) -> Response {
    let peer = head.extensions.get::<ConnectInfo<SocketAddr>>();
    let request =
        RouteRequest::from_http(&head, &body).client(peer.map(|info| info.0.ip().to_string()));
    to_axum(&oauth.routes.answer(request, &AxumSession(session)).await)
}
