//! The adapter value, the login, callback and logout routes, and the session middleware.

use std::rc::Rc;
use std::time::Duration;

use actix_session::config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy};
use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Key, SameSite};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use oauth_kit_core::flow::{self, AmbiguousSessionCookies, LoginRoutes, RouteRequest};
use oauth_kit_core::{LoginHook, LoginService};

use crate::response::to_actix;
use crate::session::{ActixSession, SessionLayer};

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

/// The adapter: a [`LoginService`], the session options, an optional login hook and the
/// registry of live logins.
///
/// Cheap to clone (clone it into the `HttpServer::new` closure);
/// [`configure`](Self::configure) mounts the routes and registers the adapter as
/// `web::Data<OAuth>`, and [`session_middleware`](Self::session_middleware) builds a matching
/// session middleware.
#[derive(Debug, Clone)]
pub struct OAuth {
    pub(crate) routes: LoginRoutes,
}

impl OAuth {
    /// Wraps a login service.
    ///
    /// The session cookie is sealed with the key of
    /// [`Sessions::cookie_key`](oauth_kit_core::flow::Sessions::cookie_key): derived from
    /// `OAUTH_COOKIE_KEY`, or, without it, a random per-process key announced by a warning
    /// (sessions then end at every restart).
    pub fn new(service: LoginService) -> Self {
        Self {
            routes: LoginRoutes::new(service).cookie_backed(true),
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
    pub fn session_key(&self) -> Key {
        Key::from(self.routes.sessions().cookie_key().bytes())
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
        // Every method reaches core, which answers the ones a route does not take with 405
        // (a link checker's HEAD must not complete, and use up, a login).
        cfg.app_data(web::Data::new(self.clone()))
            .route(&routes.login_path(), web::route().to(answer))
            .route(&routes.callback_path(), web::route().to(answer))
            .route(&routes.logout_path(), web::route().to(answer));
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
        let middleware = SessionMiddleware::builder(store, self.session_key())
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

/// The one handler of the three routes: core answers, this translates.
async fn answer(
    oauth: web::Data<OAuth>,
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let headers = req.headers().iter();
    let request = RouteRequest::new(req.method().as_str(), req.path(), req.query_string(), &body)
        .headers(headers.filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))))
        .client(req.peer_addr().map(|addr| addr.ip().to_string()))
        .duplicate_session_cookies(req.extensions().get::<AmbiguousSessionCookies>().is_some());
    to_actix(&oauth.routes.answer(request, &ActixSession(session)).await)
}

#[cfg(test)]
mod tests {
    use oauth_kit_core::{CookieKey, FlowConfig, ProviderRegistry};

    use super::*;

    #[test]
    fn the_session_key_is_the_key_actix_derives_from_the_cookie_key() {
        // A session cookie sealed by an earlier version with this cookie key stays readable.
        let material = b"a cookie key of more than thirty-two bytes".to_vec();
        let config = FlowConfig::builder("http://localhost:8000")
            .cookie_key(CookieKey::new(material.clone()).expect("a long enough key"))
            .build()
            .expect("a valid configuration");
        let service = LoginService::new(ProviderRegistry::new(), config).expect("a service");
        let oauth = OAuth::new(service);
        assert!(oauth.session_key() == Key::derive_from(&material));
        assert!(oauth.clone().session_key() == oauth.session_key());
    }
}
