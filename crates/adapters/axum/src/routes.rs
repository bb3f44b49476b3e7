//! The login, callback and logout routes.

use std::fmt;
use std::sync::Arc;

use axum::Router;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::Extensions;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use oauth_kit_core::flow::{Rejection, SESSION_USER_KEY, session_user_for};
use oauth_kit_core::{BeginOptions, Error, FlowCookie, LoginHook, LoginService};
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore};

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
#[derive(Clone)]
pub struct OAuth {
    inner: Arc<Inner>,
}

struct Inner {
    service: LoginService,
    hook: Option<Arc<dyn LoginHook>>,
    keep_raw_data: bool,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("service", &self.inner.service)
            .field("hook", &self.inner.hook.as_ref().map(|_| "LoginHook"))
            .field("keep_raw_data", &self.inner.keep_raw_data)
            .finish()
    }
}

impl OAuth {
    /// Wraps a login service.
    pub fn new(service: LoginService) -> Self {
        Self {
            inner: Arc::new(Inner {
                service,
                hook: None,
                keep_raw_data: false,
            }),
        }
    }

    /// Calls `hook` after every successful login, before the session is written.
    pub fn on_login(self, hook: impl LoginHook) -> Self {
        self.map_inner(|inner| inner.hook = Some(Arc::new(hook)))
    }

    /// Keeps the provider's raw JSON in the session (off by default: it can be large, and a
    /// cookie-backed session would send it to the browser).
    pub fn keep_raw_data(self, keep: bool) -> Self {
        self.map_inner(|inner| inner.keep_raw_data = keep)
    }

    fn map_inner(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner {
            service: self.inner.service.clone(),
            hook: self.inner.hook.clone(),
            keep_raw_data: self.inner.keep_raw_data,
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

    /// The routes under the configured prefix, ready to `merge` into an application router.
    /// A session layer (for example [`session_layer`](Self::session_layer)) must wrap them.
    pub fn router<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let prefix = self.inner.service.config().public_prefix();
        Router::new()
            .route(&format!("{prefix}/{{provider}}/login"), get(login))
            // HEAD is answered on its own: axum would otherwise run the GET handler for it,
            // and a link checker's HEAD must not complete (and use up) a login.
            .route(
                &format!("{prefix}/{{provider}}/callback"),
                get(callback).head(head_not_allowed).post(callback_post),
            )
            .route(&format!("{prefix}/logout"), post(logout))
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
        let limits = self.inner.service.config().session_limits();
        self.session_layer_with(BoundedMemoryStore::new(limits))
    }

    /// The same session layer over another `tower-sessions` store (Redis, a database, ...).
    /// The absolute lifetime is checked on every request whatever the store; the cap and the
    /// idle timeout are the store's business.
    pub fn session_layer_with<Store: SessionStore + Clone>(
        &self,
        store: Store,
    ) -> SessionLayer<Store> {
        let config = self.inner.service.config();
        let name = config.session_cookie_name().to_owned();
        let lifetime = config.session_limits().lifetime;
        let manager = SessionManagerLayer::new(store)
            .with_name(name.clone())
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.cookie_secure(&name))
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(cookie_duration(lifetime)));
        SessionLayer::new(manager, &name, lifetime)
    }
}

async fn login(State(oauth): State<OAuth>, Path(provider): Path<String>, uri: Uri) -> Response {
    let options = BeginOptions::from_query(uri.query().unwrap_or(""));
    match oauth.inner.service.begin(&provider, options).await {
        Ok(begin) => {
            let mut response = redirect(begin.authorization_url.as_str());
            set_cookie(response.headers_mut(), &begin.cookie);
            response
        }
        Err(err) => error_response(&err),
    }
}

async fn callback(
    State(oauth): State<OAuth>,
    Path(provider): Path<String>,
    session: Session,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
) -> Response {
    let params = uri.query().unwrap_or("");
    complete(&oauth, provider, &session, params, &headers, &extensions).await
}

/// The callback of a provider that answers with a cross-site form POST
/// (`response_mode=form_post`): the form body takes the place of the query string. Other
/// providers' callbacks answer 405.
async fn callback_post(
    State(oauth): State<OAuth>,
    Path(provider): Path<String>,
    session: Session,
    headers: HeaderMap,
    extensions: Extensions,
    body: axum::body::Bytes,
) -> Response {
    if !oauth.inner.service.uses_form_post(&provider) {
        return crate::extract::AuthRejection(Rejection::MethodNotAllowed).into_response();
    }
    let form = std::str::from_utf8(&body).unwrap_or_default();
    complete(&oauth, provider, &session, form, &headers, &extensions).await
}

async fn complete(
    oauth: &OAuth,
    provider: String,
    session: &Session,
    params: &str,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Response {
    let service = &oauth.inner.service;
    if service.registry().get(&provider).is_none() {
        return error_response(&Error::UnknownProvider { name: provider });
    }
    if extensions.get::<DuplicateSessionCookies>().is_some() {
        // The flow cookie is left alone: nothing was checked against it.
        let location = service
            .config()
            .failure_location(Error::DuplicateSessionCookie.code());
        return no_referrer(redirect(&location));
    }
    let cookie_headers = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<&str>>();
    let client = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
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
        set_cookie(response.headers_mut(), clear);
    }
    no_referrer(response)
}

fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A lifetime as the cookie crate's duration.
fn cookie_duration(lifetime: std::time::Duration) -> CookieDuration {
    CookieDuration::seconds(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX))
}

/// Runs the hook, then writes the session with a new id. Returns the failure code otherwise.
async fn finish_login(
    oauth: &OAuth,
    session: &Session,
    login: &oauth_kit_core::LoginSuccess,
) -> Result<(), String> {
    let user = session_user_for(
        login,
        oauth.inner.hook.as_deref(),
        oauth.inner.keep_raw_data,
    )
    .await?;
    // The session is saved here rather than by the session layer after the response, so that
    // a store failure (Redis down or slow) becomes this login's failure redirect instead of an
    // empty 500, and nothing is left half-written.
    let written = async {
        session.cycle_id().await?;
        session.insert(SESSION_USER_KEY, user).await?;
        session.save().await
    };
    if let Err(err) = written.await {
        session.clear().await;
        let rejection = crate::extract::session_rejection(
            &err,
            "the session could not be written after a login",
        );
        return Err(match rejection {
            Rejection::Unavailable => rejection.code().to_owned(),
            _ => "server_error".to_owned(),
        });
    }
    Ok(())
}

async fn logout(State(oauth): State<OAuth>, session: Session, headers: HeaderMap) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if !oauth
        .inner
        .service
        .config()
        .is_same_origin_request(header("origin"), header("sec-fetch-site"))
    {
        tracing::warn!("a cross-site logout request was refused");
        return crate::extract::AuthRejection(Rejection::CrossSite).into_response();
    }
    // The stored session is deleted first: if the store fails, the answer says so (503) and
    // the browser keeps its cookie, so the logout can be retried; a session must not outlive
    // a logout that looked successful.
    if session.id().is_some()
        && let Err(err) = session.delete().await
    {
        let rejection =
            crate::extract::session_rejection(&err, "the session could not be ended at logout");
        return crate::extract::AuthRejection(rejection).into_response();
    }
    // Flushed (emptied, deleted, without an id), the session's cookie is removed by the
    // session layer.
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "the session could not be flushed at logout");
    }
    redirect(&oauth.inner.service.config().home_path())
}

/// `HEAD` on the callback: 405 with `Allow: GET`, and nothing else happens.
async fn head_not_allowed() -> Response {
    let mut response = crate::extract::AuthRejection(Rejection::MethodNotAllowed).into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET"));
    response
}

/// A 303 with `Cache-Control: no-store`.
fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    // Locations come from the validated return path, the configured failure path or the
    // provider URL built by the engine; an invalid header value is answered with a 500.
    match HeaderValue::from_str(location) {
        Ok(value) => {
            headers.insert(header::LOCATION, value);
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn set_cookie(headers: &mut HeaderMap, cookie: &FlowCookie) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_header_value()) {
        headers.append(header::SET_COOKIE, value);
    }
}

/// The one place where a core error becomes an HTTP response outside the callback.
fn error_response(err: &Error) -> Response {
    crate::extract::AuthRejection::from_core(err).into_response()
}
