//! The adapter value, the login, callback and logout routes, and the session middleware.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use actix_session::config::{CookieContentSecurity, PersistentSession, TtlExtensionPolicy};
use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use oauth_kit_core::flow::{Rejection, SESSION_USER_KEY, session_user_for};
use oauth_kit_core::{BeginOptions, Error, FlowCookie, LoginHook, LoginService, LoginSuccess};

use crate::extract::AuthRejection;
use crate::live::LiveSessions;
use crate::session::{DuplicateSessionCookies, SessionLayer, StoreFailures};

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

/// The largest `Set-Cookie` value a session may need: browsers drop a cookie whose name and
/// value exceed 4096 bytes, so a bigger session would silently log nobody in.
const MAX_SESSION_COOKIE_BYTES: usize = 4096;

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
    inner: Arc<Inner>,
}

struct Inner {
    service: LoginService,
    hook: Option<Arc<dyn LoginHook>>,
    keep_raw_data: bool,
    server_side: bool,
    key: Key,
    max_live: usize,
    live: Arc<LiveSessions>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("service", &self.inner.service)
            .field("hook", &self.inner.hook.as_ref().map(|_| "LoginHook"))
            .field("keep_raw_data", &self.inner.keep_raw_data)
            .field("server_side_sessions", &self.inner.server_side)
            .field("session_key", &"[redacted]")
            .field("max_live_sessions", &self.inner.max_live)
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
        let limits = service.config().session_limits();
        Self {
            inner: Arc::new(Inner {
                service,
                hook: None,
                keep_raw_data: false,
                server_side: false,
                key,
                max_live: limits.cap,
                live: Arc::new(LiveSessions::new(limits)),
            }),
        }
    }

    /// Calls `hook` after every successful login, before the session is written.
    pub fn on_login(self, hook: impl LoginHook) -> Self {
        self.map_inner(|inner| inner.hook = Some(Arc::new(hook)))
    }

    /// Keeps the provider's raw JSON in the session (off by default: it can be large, and with
    /// the cookie store it would be sent to the browser, in a cookie limited to about 4 KB).
    pub fn keep_raw_data(self, keep: bool) -> Self {
        self.map_inner(|inner| inner.keep_raw_data = keep)
    }

    /// Declares that the store given to [`session_middleware_with`](Self::session_middleware_with)
    /// keeps session state on the server (actix-session's Redis store, or your own
    /// `SessionStore`). Purging a session then deletes its state, so the in-memory registry of
    /// live logins is not used and a session works on every instance that shares the store.
    ///
    /// Off by default, for the cookie store. Do not switch it on with the cookie store: a copy
    /// of a logged-out cookie would be accepted again.
    pub fn server_side_sessions(self, yes: bool) -> Self {
        self.map_inner(|inner| inner.server_side = yes)
    }

    /// Bounds the in-memory registry of live logins (default: `OAUTH_SESSION_CAP`,
    /// [`DEFAULT_MAX_LIVE_SESSIONS`]). When it is full, a new login ends others in the order
    /// `oauth_kit_core::session` documents (never a recently active user for a flood).
    pub fn max_live_sessions(self, cap: usize) -> Self {
        self.map_inner(|inner| {
            inner.max_live = cap.max(1);
            let limits = inner.service.config().session_limits().cap(inner.max_live);
            inner.live = Arc::new(LiveSessions::new(limits));
        })
    }

    fn map_inner(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner {
            service: self.inner.service.clone(),
            hook: self.inner.hook.clone(),
            keep_raw_data: self.inner.keep_raw_data,
            server_side: self.inner.server_side,
            key: self.inner.key.clone(),
            max_live: self.inner.max_live,
            live: self.inner.live.clone(),
        };
        f(&mut inner);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The login service.
    pub fn service(&self) -> &LoginService {
        &self.inner.service
    }

    /// The key that encrypts the session cookie (for a session middleware built by hand).
    pub fn session_key(&self) -> &Key {
        &self.inner.key
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
        let prefix = self.inner.service.config().public_prefix();
        cfg.app_data(web::Data::new(self.clone()))
            .route(&format!("{prefix}/logout"), web::post().to(logout))
            .route(
                &format!("{prefix}/{{provider}}/login"),
                web::get().to(login),
            )
            .route(
                &format!("{prefix}/{{provider}}/callback"),
                web::get().to(callback),
            )
            // A link checker's HEAD must not complete (and use up) a login.
            .route(
                &format!("{prefix}/{{provider}}/callback"),
                web::head().to(head_not_allowed),
            )
            .route(
                &format!("{prefix}/{{provider}}/callback"),
                web::post().to(callback_post),
            );
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
        let config = self.inner.service.config();
        let limits = config.session_limits();
        let idle = CookieDuration::seconds(
            i64::try_from(limits.idle_timeout.min(limits.lifetime).as_secs()).unwrap_or(i64::MAX),
        );
        let name = config.session_cookie_name();
        let middleware = SessionMiddleware::builder(store, self.inner.key.clone())
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
        let failures = StoreFailures {
            prefix: config.public_prefix(),
            failure_location: config.failure_location(Rejection::Unavailable.code()),
        };
        SessionLayer::new(middleware, name, failures)
    }

    /// Whether the session belongs to a live login (always true with a server-side store).
    pub(crate) fn is_live(&self, session: &Session) -> bool {
        if self.inner.server_side {
            return true;
        }
        match session.get::<String>(LOGIN_ID_KEY) {
            Ok(Some(id)) => self.inner.live.touch(&id),
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
            self.inner.live.end(&id);
        }
    }
}

async fn login(
    oauth: web::Data<OAuth>,
    provider: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AuthRejection> {
    let options = BeginOptions::from_query(req.query_string());
    let begin = oauth
        .inner
        .service
        .begin(&provider, options)
        .await
        .map_err(|err| AuthRejection::from_core(&err))?;
    let mut response = redirect(begin.authorization_url.as_str());
    set_cookie(&mut response, &begin.cookie);
    Ok(response)
}

async fn callback(
    oauth: web::Data<OAuth>,
    provider: web::Path<String>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AuthRejection> {
    complete(
        &oauth,
        provider.into_inner(),
        &session,
        &req,
        req.query_string(),
    )
    .await
}

/// The callback of a provider that answers with a cross-site form POST
/// (`response_mode=form_post`): the form body takes the place of the query string. Other
/// providers' callbacks answer 405.
async fn callback_post(
    oauth: web::Data<OAuth>,
    provider: web::Path<String>,
    session: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AuthRejection> {
    if !oauth.inner.service.uses_form_post(&provider) {
        return Err(AuthRejection(Rejection::MethodNotAllowed));
    }
    let form = std::str::from_utf8(&body).unwrap_or_default();
    complete(&oauth, provider.into_inner(), &session, &req, form).await
}

async fn complete(
    oauth: &OAuth,
    provider: String,
    session: &Session,
    req: &HttpRequest,
    params: &str,
) -> Result<HttpResponse, AuthRejection> {
    let service = &oauth.inner.service;
    if service.registry().get(&provider).is_none() {
        return Err(AuthRejection::from_core(&Error::UnknownProvider {
            name: provider,
        }));
    }
    if req.extensions().get::<DuplicateSessionCookies>().is_some() {
        // The flow cookie is left alone: nothing was checked against it.
        let location = service
            .config()
            .failure_location(Error::DuplicateSessionCookie.code());
        return Ok(no_referrer(redirect(&location)));
    }
    let cookie_headers = req
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<&str>>();
    let client = req.peer_addr().map(|addr| addr.ip().to_string());
    let completion = service
        .complete_from(client.as_deref(), &provider, params, cookie_headers)
        .await;

    let location = match completion.result {
        Ok(login) => match finish_login(oauth, session, &login).await {
            Ok(()) => login.return_to.as_str().to_owned(),
            Err(code) => service.config().failure_location(&code),
        },
        Err(err) => service.config().failure_location(err.code()),
    };
    let mut response = redirect(&location);
    if let Some(clear) = &completion.clear_cookie {
        set_cookie(&mut response, clear);
    }
    Ok(no_referrer(response))
}

fn no_referrer(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The size of the `Set-Cookie` name and value that the cookie store would write for this
/// session: the JSON of its entries, sealed (a 12-byte nonce and a 16-byte tag) and
/// base64-encoded.
fn session_cookie_bytes(session: &Session, name: &str) -> usize {
    let json = serde_json::to_string(&*session.entries()).map_or(usize::MAX / 2, |j| j.len());
    let sealed = json + 12 + 16;
    name.len() + 1 + sealed.div_ceil(3) * 4
}

/// Runs the hook, then writes the renewed session and registers the login. Returns the failure
/// code otherwise.
async fn finish_login(
    oauth: &OAuth,
    session: &Session,
    login: &LoginSuccess,
) -> Result<(), String> {
    let user = session_user_for(
        login,
        oauth.inner.hook.as_deref(),
        oauth.inner.keep_raw_data,
    )
    .await?;
    let owner = user.owner_key();
    // The login that this browser had before, if any, is replaced.
    oauth.end_login(session);
    session.renew();
    session.remove(LOGIN_ID_KEY);
    if let Err(err) = session.insert(SESSION_USER_KEY, user) {
        tracing::error!(error = %err, "the session could not be written after a login");
        return Err("server_error".to_owned());
    }
    if oauth.inner.server_side {
        return Ok(());
    }
    let Some(id) = oauth.inner.live.start(&owner) else {
        session.remove(SESSION_USER_KEY);
        return Err("server_error".to_owned());
    };
    if let Err(err) = session.insert(LOGIN_ID_KEY, &id) {
        oauth.inner.live.end(&id);
        session.remove(SESSION_USER_KEY);
        tracing::error!(error = %err, "the session could not be written after a login");
        return Err("server_error".to_owned());
    }
    // A cookie session that a browser would drop (or that the cookie store refuses with a
    // 500) is a clean failure instead, before anything is written.
    let bytes = session_cookie_bytes(session, oauth.inner.service.config().session_cookie_name());
    if bytes > MAX_SESSION_COOKIE_BYTES {
        oauth.inner.live.end(&id);
        session.purge();
        let err = Error::SessionTooLarge { bytes };
        tracing::error!(
            provider = %login.user.provider,
            bytes,
            limit = MAX_SESSION_COOKIE_BYTES,
            error = %err,
            "the session does not fit in a cookie: keep less in it (no raw_data, a small \
             account value from the login hook) or use a server-side session store"
        );
        return Err(err.code().to_owned());
    }
    Ok(())
}

async fn logout(
    oauth: web::Data<OAuth>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AuthRejection> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if !oauth
        .inner
        .service
        .config()
        .is_same_origin_request(header("origin"), header("sec-fetch-site"))
    {
        tracing::warn!("a cross-site logout request was refused");
        return Err(AuthRejection(Rejection::CrossSite));
    }
    oauth.end_login(&session);
    session.purge();
    Ok(redirect(&oauth.inner.service.config().home_path()))
}

/// `HEAD` on the callback: 405 with `Allow: GET`, and nothing else happens.
async fn head_not_allowed() -> HttpResponse {
    let mut response =
        actix_web::ResponseError::error_response(&AuthRejection(Rejection::MethodNotAllowed));
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET"));
    response
}

/// A 303 with `Cache-Control: no-store`.
pub(crate) fn redirect(location: &str) -> HttpResponse {
    // Locations come from the validated return path, the configured failure path or the
    // provider URL built by the engine; an invalid header value is answered with a 500.
    match HeaderValue::from_str(location) {
        Ok(value) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, value))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

fn set_cookie(response: &mut HttpResponse, cookie: &FlowCookie) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_header_value()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
