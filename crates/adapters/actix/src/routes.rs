//! The adapter value, the login, callback and logout routes, and the session middleware.

use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use actix_session::config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy};
use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use oauth_kit_core::flow::{self, CallbackRequest, LoginRoutes};
use oauth_kit_core::{LoginHook, LoginService};

use crate::response::to_actix;
use crate::session::{ActixSession, DuplicateSessionCookies, SessionLayer};

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

/// The adapter: a [`LoginService`], the session key and options, an optional login hook and
/// the registry of live logins.
///
/// Cheap to clone (clone it into the `HttpServer::new` closure);
/// [`configure`](Self::configure) mounts the routes and registers the adapter as
/// `web::Data<OAuth>`, and [`session_middleware`](Self::session_middleware) builds a matching
/// session middleware.
#[derive(Clone)]
pub struct OAuth {
    pub(crate) routes: LoginRoutes,
    key: Key,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("routes", &self.routes)
            .field("session_key", &"[redacted]")
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
            routes: LoginRoutes::new(service).cookie_backed(true),
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
        self.routes = self.routes.cookie_backed(!yes);
        self
    }

    /// Bounds the in-memory registry of live logins (default: `OAUTH_SESSION_CAP`,
    /// [`DEFAULT_MAX_LIVE_SESSIONS`]). When it is full, a new login ends others in the order
    /// `oauth_kit_core::session` documents (never a recently active user for a flood).
    pub fn max_live_sessions(mut self, cap: usize) -> Self {
        self.routes = self.routes.max_live_logins(cap);
        self
    }

    /// The login service.
    pub fn service(&self) -> &LoginService {
        self.routes.service()
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
        let cookie = self.routes.sessions().cookie();
        let max_age = i64::try_from(cookie.renewed_max_age().as_secs()).unwrap_or(i64::MAX);
        let same_site = match cookie.same_site() {
            flow::SameSite::Strict => SameSite::Strict,
            flow::SameSite::None => SameSite::None,
            flow::SameSite::Lax => SameSite::Lax,
        };
        let middleware = SessionMiddleware::builder(store, self.key.clone())
            .cookie_name(cookie.name().to_owned())
            .cookie_content_security(CookieContentSecurity::Private)
            .cookie_http_only(cookie.http_only())
            .cookie_same_site(same_site)
            .cookie_secure(cookie.secure())
            .cookie_path(cookie.path().to_owned())
            .session_lifecycle(
                PersistentSession::default()
                    .session_ttl(CookieDuration::seconds(max_age))
                    .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
            )
            .build();
        SessionLayer {
            inner: middleware,
            routes: Rc::new(self.routes.clone()),
        }
    }
}

async fn login(
    oauth: web::Data<OAuth>,
    provider: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    to_actix(&oauth.routes.login(&provider, req.query_string()).await)
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
    to_actix(
        &oauth
            .routes
            .callback_in(request, &ActixSession(session))
            .await,
    )
}

async fn logout(oauth: web::Data<OAuth>, session: Session, req: HttpRequest) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let (origin, site) = (header("origin"), header("sec-fetch-site"));
    let session = ActixSession(session);
    to_actix(&oauth.routes.logout_in(origin, site, &session).await)
}
