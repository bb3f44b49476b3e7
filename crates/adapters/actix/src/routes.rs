//! The adapter value, the login, callback and logout routes, and the session middleware.

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actix_session::config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy};
use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use oauth_kit_core::flow::{
    CallbackRequest, LoginRoutes, SESSION_USER_KEY, SessionFailure, SessionUser,
};
use oauth_kit_core::session::LiveLogins;
use oauth_kit_core::{LoginHook, LoginService};

use crate::response::to_actix;
use crate::session::{DuplicateSessionCookies, SessionLayer};

/// The default name of the session cookie set by [`OAuth::session_middleware`]
/// ([`FlowConfig::session_cookie_name`](oauth_kit_core::FlowConfig::session_cookie_name)
/// changes it).
pub const SESSION_COOKIE_NAME: &str = oauth_kit_core::flow::DEFAULT_SESSION_COOKIE_NAME;

/// The default idle timeout of a session (the cookie's `Max-Age`, renewed at every request,
/// and the idle timeout of the registry of live logins);
/// [`FlowConfig::session_limits`](oauth_kit_core::FlowConfig::session_limits) changes it.
pub const SESSION_IDLE_TIMEOUT: Duration = oauth_kit_core::session::DEFAULT_SESSION_IDLE_TIMEOUT;

/// How many logins the in-memory registry keeps by default (see [`OAuth::max_live_sessions`]).
pub const DEFAULT_MAX_LIVE_SESSIONS: usize = oauth_kit_core::session::DEFAULT_SESSION_CAP;

/// The session key of the random login id checked against the registry of live logins.
const LOGIN_ID_KEY: &str = "oauth_kit.login_id";

/// The adapter: a [`LoginService`], the session key and options, an optional login hook and
/// the registry of live logins.
///
/// Cheap to clone (clone it into the `HttpServer::new` closure);
/// [`configure`](Self::configure) mounts the routes and registers the adapter as
/// `web::Data<OAuth>`, and [`session_middleware`](Self::session_middleware) builds a matching
/// session middleware.
#[derive(Clone)]
pub struct OAuth {
    routes: LoginRoutes,
    server_side: bool,
    key: Key,
    live: Arc<LiveLogins>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("routes", &self.routes)
            .field("server_side_sessions", &self.server_side)
            .field("session_key", &"[redacted]")
            .field("live_logins", &self.live)
            .finish()
    }
}

impl OAuth {
    /// Wraps a login service.
    ///
    /// The session cookie is encrypted with a key derived from the configured cookie key
    /// (`OAUTH_COOKIE_KEY`). Without one, a random per-process key is used and a warning is
    /// logged: sessions then end at every restart.
    pub fn new(service: LoginService) -> Self {
        let key = match service.config().cookie_key() {
            // A `CookieKey` holds at least 32 bytes, which is what `derive_from` requires.
            Some(key) => Key::derive_from(key.material()),
            None => {
                tracing::warn!(
                    "OAUTH_COOKIE_KEY is not set: session cookies are encrypted with a random \
                     per-process key, so every session ends when the process restarts"
                );
                Key::generate()
            }
        };
        Self {
            live: Arc::new(LiveLogins::new(service.config().session_limits())),
            routes: LoginRoutes::new(service),
            server_side: false,
            key,
        }
    }

    /// Calls `hook` after every successful login, before the session is written.
    pub fn on_login(mut self, hook: impl LoginHook) -> Self {
        self.routes = self.routes.on_login(hook);
        self
    }

    /// Keeps the provider's raw JSON in the session (off by default: it can be large, and with
    /// the cookie store it would be sent to the browser, in a cookie limited to about 4 KB).
    pub fn keep_raw_data(mut self, keep: bool) -> Self {
        self.routes = self.routes.keep_raw_data(keep);
        self
    }

    /// Declares that the store given to [`session_middleware_with`](Self::session_middleware_with)
    /// keeps session state on the server (actix-session's Redis store, or your own
    /// `SessionStore`). Purging a session then deletes its state, so the in-memory registry of
    /// live logins is not used and a session works on every instance that shares the store.
    ///
    /// Off by default, for the cookie store. Do not switch it on with the cookie store: a copy
    /// of a logged-out cookie would be accepted again.
    pub fn server_side_sessions(mut self, yes: bool) -> Self {
        self.server_side = yes;
        self
    }

    /// Bounds the in-memory registry of live logins (default: `OAUTH_SESSION_CAP`,
    /// [`DEFAULT_MAX_LIVE_SESSIONS`]). When it is full, a new login ends others in the order
    /// `oauth_kit_core::session` documents (never a recently active user for a flood).
    pub fn max_live_sessions(mut self, cap: usize) -> Self {
        let limits = self.service().config().session_limits().cap(cap.max(1));
        self.live = Arc::new(LiveLogins::new(limits));
        self
    }

    /// The login service.
    pub fn service(&self) -> &LoginService {
        self.routes.service()
    }

    /// Core's login routes, which answer every route of this adapter.
    pub(crate) fn routes(&self) -> &LoginRoutes {
        &self.routes
    }

    /// The key that encrypts the session cookie (for a session middleware built by hand).
    pub fn session_key(&self) -> &Key {
        &self.key
    }

    /// Mounts the routes under the configured prefix and registers the adapter as
    /// `web::Data<OAuth>` (the extractors and guards need it). Use it at the application level:
    ///
    /// ```no_run
    /// # fn app(oauth: oauth_kit_actix::OAuth) {
    /// let app = actix_web::App::new()
    ///     .configure(|cfg| oauth.configure(cfg))
    ///     .wrap(oauth.session_middleware());
    /// # }
    /// ```
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        let routes = &self.routes;
        // HEAD on the callback is answered 405 by core: a link checker's HEAD must not
        // complete (and use up) a login.
        cfg.app_data(web::Data::new(self.clone()))
            .route(&routes.logout_path(), web::post().to(logout))
            .route(&routes.login_path(), web::get().to(login))
            .route(&routes.callback_path(), web::get().to(callback))
            .route(&routes.callback_path(), web::head().to(callback))
            .route(&routes.callback_path(), web::post().to(callback));
    }

    /// A session middleware over actix-session's cookie store: cookie `oauth_kit_session`,
    /// encrypted with [`session_key`](Self::session_key), `HttpOnly`, `SameSite=Lax`, `Secure`
    /// when the redirect base URL is https, `Path=/`, expiring after
    /// [`SESSION_IDLE_TIMEOUT`] of inactivity.
    pub fn session_middleware(&self) -> SessionLayer<CookieSessionStore> {
        self.session_middleware_with(CookieSessionStore::default())
    }

    /// The same session middleware over another store (actix-session's Redis store, ...).
    /// Pair a server-side store with [`server_side_sessions(true)`](Self::server_side_sessions).
    pub fn session_middleware_with<Store: SessionStore>(
        &self,
        store: Store,
    ) -> SessionLayer<Store> {
        let config = self.service().config();
        let limits = config.session_limits();
        let idle = CookieDuration::seconds(
            i64::try_from(limits.idle_timeout.min(limits.lifetime).as_secs()).unwrap_or(i64::MAX),
        );
        let name = config.session_cookie_name();
        let middleware = SessionMiddleware::builder(store, self.key.clone())
            .cookie_name(name.to_owned())
            .cookie_content_security(CookieContentSecurity::Private)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_secure(config.cookie_secure(name))
            .cookie_path("/".to_owned())
            .session_lifecycle(
                PersistentSession::default()
                    .session_ttl(idle)
                    .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
            )
            .build();
        SessionLayer {
            inner: middleware,
            cookie_name: name.into(),
            routes: Rc::new(self.routes.clone()),
        }
    }

    /// Whether the session belongs to a live login (always true with a server-side store).
    pub(crate) fn is_live(&self, session: &Session) -> bool {
        if self.server_side {
            return true;
        }
        match session.get::<String>(LOGIN_ID_KEY) {
            Ok(Some(id)) => self.live.touch(&id),
            _ => false,
        }
    }

    /// Ends the login recorded in `session` and purges the session.
    pub(crate) fn end_session(&self, session: &Session) {
        self.end_login(session);
        session.purge();
    }

    /// Ends the login recorded in `session`, if any.
    fn end_login(&self, session: &Session) {
        if let Ok(Some(id)) = session.get::<String>(LOGIN_ID_KEY) {
            self.live.end(&id);
        }
    }
}

async fn login(
    oauth: web::Data<OAuth>,
    provider: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    to_actix(&oauth.routes().login(&provider, req.query_string()).await)
}

async fn callback(
    oauth: web::Data<OAuth>,
    provider: web::Path<String>,
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let method = req.method().as_str();
    let cookies = req.headers().get_all(header::COOKIE);
    let request = CallbackRequest::from_http(method, &provider, req.query_string(), &body)
        .cookie_headers(cookies.filter_map(|v| v.to_str().ok()))
        .client(req.peer_addr().map(|addr| addr.ip().to_string()))
        .duplicate_session_cookies(req.extensions().get::<DuplicateSessionCookies>().is_some());
    let write = async |user: &SessionUser| write_session(&oauth, &session, user);
    to_actix(&oauth.routes().callback_with(request, write).await)
}

/// Writes the login into the renewed session and registers it as live.
fn write_session(
    oauth: &OAuth,
    session: &Session,
    user: &SessionUser,
) -> Result<(), SessionFailure> {
    let failed = |err: &dyn fmt::Display| {
        tracing::error!(error = %err, "the session could not be written after a login");
        SessionFailure::Other
    };
    // The login that this browser had before, if any, is replaced.
    oauth.end_login(session);
    session.renew();
    session.remove(LOGIN_ID_KEY);
    session
        .insert(SESSION_USER_KEY, user)
        .map_err(|err| failed(&err))?;
    if oauth.server_side {
        return Ok(());
    }
    let Some(id) = oauth.live.start(&user.owner_key()) else {
        session.remove(SESSION_USER_KEY);
        return Err(SessionFailure::Other);
    };
    if let Err(err) = session.insert(LOGIN_ID_KEY, &id) {
        oauth.live.end(&id);
        session.remove(SESSION_USER_KEY);
        return Err(failed(&err));
    }
    // A cookie session that a browser would drop (or that the cookie store refuses with a
    // 500) is a clean failure instead, before anything is written.
    let json = serde_json::to_string(&*session.entries()).map_or(usize::MAX / 2, |j| j.len());
    let name = oauth.service().config().session_cookie_name();
    SessionFailure::check_cookie_size(name, json).inspect_err(|_| {
        oauth.live.end(&id);
        session.purge();
    })
}

async fn logout(oauth: web::Data<OAuth>, session: Session, req: HttpRequest) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let end = async || {
        oauth.end_session(&session);
        Ok(())
    };
    let answer = oauth
        .routes()
        .logout_with(header("origin"), header("sec-fetch-site"), end);
    to_actix(&answer.await)
}
