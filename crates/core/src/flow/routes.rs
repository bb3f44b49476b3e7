//! The login routes answered once, for every web framework: login, callback (GET, and POST
//! for form-post providers) and logout produce a [`FlowResponse`] (status, `Location`,
//! cookies, headers, body) that an adapter only translates into its framework's type.
//!
//! What an adapter still does itself is talk to its framework's session: it writes the
//! [`SessionUser`] of a [`NewSession`] into a renewed session, ends the session at logout, and
//! reports how that went ([`SessionFailure`]); the answer to each case is decided here.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::cookie::FlowCookie;
use super::hook::{LoginHook, SessionUser, session_user_for};
use super::rejection::Rejection;
use super::service::{BeginOptions, LoginService};
use super::sessions::{AmbiguousSessionCookies, Sessions, WebSession};
use crate::error::Error;

/// The largest `Set-Cookie` name and value a cookie-backed session may need: browsers drop a
/// cookie whose name and value exceed 4096 bytes, so a bigger session would silently log
/// nobody in.
pub const MAX_SESSION_COOKIE_BYTES: usize = 4096;

/// A framework-neutral HTTP response of the login routes, the extractors and the guards.
///
/// ```
/// use oauth_kit_core::flow::Rejection;
///
/// let response = Rejection::Unauthenticated.response();
/// assert_eq!(response.status(), 401);
/// assert_eq!(response.location(), None);
/// assert!(response.headers().contains(&("cache-control", "no-store")));
/// assert_eq!(
///     response.body(),
///     Some(r#"{"error":"unauthenticated","message":"log in first"}"#)
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowResponse {
    status: u16,
    location: Option<String>,
    cookies: Vec<FlowCookie>,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<String>,
}

impl FlowResponse {
    /// A 303 to `location` with `Cache-Control: no-store`. A location that is not a valid
    /// header value (it never is one: locations come from the validated return path, the
    /// configured failure path or the provider URL built by the engine) becomes a bare 500.
    pub fn redirect(location: impl Into<String>) -> Self {
        let location = location.into();
        let valid = location
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        if !valid {
            tracing::error!("a redirect location is not a valid header value");
            return Self::bare(500);
        }
        Self {
            status: 303,
            location: Some(location),
            cookies: Vec::new(),
            headers: vec![("cache-control", "no-store")],
            body: None,
        }
    }

    fn bare(status: u16) -> Self {
        Self {
            status,
            location: None,
            cookies: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The same response with `Referrer-Policy: no-referrer` (the callback's answers: the
    /// callback URL carries the code and the state).
    fn no_referrer(mut self) -> Self {
        self.headers.push(("referrer-policy", "no-referrer"));
        self
    }

    /// The same response setting (or clearing) `cookie` too.
    fn with_cookie(mut self, cookie: Option<FlowCookie>) -> Self {
        self.cookies.extend(cookie);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Location` header, for a redirect.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The cookies to set (or clear): one `Set-Cookie` header each.
    pub fn cookies(&self) -> &[FlowCookie] {
        &self.cookies
    }

    /// The other headers (`Cache-Control`, `Referrer-Policy`, `Allow`, `Content-Type`), with
    /// lowercase names.
    pub fn headers(&self) -> &[(&'static str, &'static str)] {
        &self.headers
    }

    /// The body (JSON for a rejection; none for a redirect).
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// Every header of the response in order, `Location` and `Set-Cookie` included: what an
    /// adapter copies into its framework's response.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&'static str, Cow<'_, str>)> {
        let location = self
            .location
            .as_deref()
            .map(|l| ("location", Cow::Borrowed(l)));
        let headers = self.headers.iter().map(|(k, v)| (*k, Cow::Borrowed(*v)));
        let cookies = self
            .cookies
            .iter()
            .map(|c| ("set-cookie", Cow::Owned(c.to_header_value())));
        location.into_iter().chain(headers).chain(cookies)
    }

    /// The answer as a response of the [`http`] crate, the type of hyper, Axum and the other
    /// frameworks built on it (an empty body when there is none).
    pub fn to_http(&self) -> http::Response<String> {
        let mut response = http::Response::new(self.body.clone().unwrap_or_default());
        *response.status_mut() = http::StatusCode::from_u16(self.status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        for (name, value) in self.header_pairs() {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

impl Rejection {
    /// The response: the status, the JSON body, `Cache-Control: no-store`, and `Allow: GET`
    /// for a 405.
    pub fn response(&self) -> FlowResponse {
        self.response_allowing("GET")
    }

    /// The response, with `Allow: {allow}` for a 405.
    fn response_allowing(&self, allow: &'static str) -> FlowResponse {
        let mut headers = vec![
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
        ];
        if *self == Rejection::MethodNotAllowed {
            headers.push(("allow", allow));
        }
        FlowResponse {
            status: self.status(),
            location: None,
            cookies: Vec::new(),
            headers,
            body: Some(self.body().to_string()),
        }
    }
}

/// Why an adapter could not write or end a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionFailure {
    /// The session store's backend failed (Redis down or too slow, for example):
    /// `store_unavailable`, and 503 outside the callback.
    Unavailable,
    /// The session would not fit in a cookie ([`MAX_SESSION_COOKIE_BYTES`]):
    /// `session_too_large`.
    TooLarge {
        /// The estimated size of the `Set-Cookie` name and value.
        bytes: usize,
    },
    /// Anything else (encoding, a missing random source): `server_error`, and 500
    /// `session_error` outside the callback.
    Other,
}

impl SessionFailure {
    /// The failure code of the callback's redirect.
    pub fn code(&self) -> &'static str {
        match self {
            SessionFailure::Unavailable => Rejection::Unavailable.code(),
            SessionFailure::TooLarge { bytes } => Error::SessionTooLarge { bytes: *bytes }.code(),
            SessionFailure::Other => "server_error",
        }
    }

    /// The rejection outside the callback.
    pub fn rejection(&self) -> Rejection {
        match self {
            SessionFailure::Unavailable => Rejection::Unavailable,
            _ => Rejection::Session,
        }
    }

    /// Checks that a cookie-backed session fits in a cookie: `cookie_name` and its value, the
    /// session's JSON of `json_len` bytes sealed (a 12-byte nonce and a 16-byte tag) and
    /// base64-encoded. A session that does not fit is logged as an error.
    ///
    /// ```
    /// use oauth_kit_core::flow::SessionFailure;
    /// assert_eq!(SessionFailure::check_cookie_size("oauth_kit_session", 300), Ok(()));
    /// assert!(SessionFailure::check_cookie_size("oauth_kit_session", 4000).is_err());
    /// ```
    pub fn check_cookie_size(cookie_name: &str, json_len: usize) -> Result<(), SessionFailure> {
        let sealed = json_len.saturating_add(12 + 16);
        let bytes = cookie_name.len() + 1 + sealed.div_ceil(3).saturating_mul(4);
        if bytes <= MAX_SESSION_COOKIE_BYTES {
            return Ok(());
        }
        tracing::error!(
            bytes,
            limit = MAX_SESSION_COOKIE_BYTES,
            error = %Error::SessionTooLarge { bytes },
            "the session does not fit in a cookie: keep less in it (no raw_data, a small \
             account value from the login hook) or use a server-side session store"
        );
        Err(SessionFailure::TooLarge { bytes })
    }
}

/// A callback request as the adapter received it.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallbackRequest<'a> {
    /// The request method (`GET`, `POST` or `HEAD`; anything else is answered 405).
    pub method: &'a str,
    /// The provider segment of the path.
    pub provider: &'a str,
    /// The raw query string (for `GET`) or `application/x-www-form-urlencoded` body (for
    /// `POST`).
    pub params: &'a str,
    /// The request's `Cookie` header values.
    pub cookie_headers: Vec<&'a str>,
    /// The peer address, for the per-client limit on callbacks.
    pub client: Option<String>,
    /// Whether the session layer removed several session cookies from the request
    /// ([`strip_ambiguous_cookies`](super::strip_ambiguous_cookies)).
    pub duplicate_session_cookies: bool,
}

impl<'a> CallbackRequest<'a> {
    /// A callback with `method` for `provider`, carrying `params` (the query string of a
    /// `GET`, the form body of a `POST`).
    pub fn new(method: &'a str, provider: &'a str, params: &'a str) -> Self {
        Self {
            method,
            provider,
            params,
            ..Self::default()
        }
    }

    /// A callback as HTTP delivered it: a `POST` (a form-post provider's answer) carries its
    /// parameters in the `application/x-www-form-urlencoded` body, any other method in the
    /// query string. A body that is not UTF-8 carries no parameter.
    pub fn from_http(method: &'a str, provider: &'a str, query: &'a str, body: &'a [u8]) -> Self {
        let params = if method == "POST" {
            std::str::from_utf8(body).unwrap_or_default()
        } else {
            query
        };
        Self::new(method, provider, params)
    }

    /// Sets the request's `Cookie` header values.
    pub fn cookie_headers(mut self, headers: impl IntoIterator<Item = &'a str>) -> Self {
        self.cookie_headers = headers.into_iter().collect();
        self
    }

    /// Sets the peer address.
    pub fn client(mut self, client: Option<String>) -> Self {
        self.client = client;
        self
    }

    /// Marks a request whose session cookies were ambiguous.
    pub fn duplicate_session_cookies(mut self, yes: bool) -> Self {
        self.duplicate_session_cookies = yes;
        self
    }
}

/// A request to one of the login routes, as the adapter read it from its framework: the one
/// input of [`LoginRoutes::answer`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RouteRequest<'a> {
    /// The request method.
    pub method: &'a str,
    /// The path as the browser sent it (percent-encoded).
    pub path: &'a str,
    /// The raw query string.
    pub query: &'a str,
    /// The body (read only for a form-post callback).
    pub body: &'a [u8],
    /// The request's `Cookie` header values.
    pub cookie_headers: Vec<&'a str>,
    /// The `Origin` header, if any.
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header, if any.
    pub sec_fetch_site: Option<&'a str>,
    /// The peer address, for the per-client limit on callbacks.
    pub client: Option<String>,
    /// Whether the session layer removed several session cookies from the request
    /// ([`SessionCookie::strip_ambiguous`](super::SessionCookie::strip_ambiguous)).
    pub duplicate_session_cookies: bool,
}

impl<'a> RouteRequest<'a> {
    /// A request with `method` to `path` with `query` and `body`.
    pub fn new(method: &'a str, path: &'a str, query: &'a str, body: &'a [u8]) -> Self {
        Self {
            method,
            path,
            query,
            body,
            ..Self::default()
        }
    }

    /// A request of the [`http`] crate (its head, and its body): method, path, query, headers,
    /// and the mark of [`SessionCookie::strip_ambiguous_from`](super::SessionCookie::strip_ambiguous_from).
    pub fn from_http(head: &'a http::request::Parts, body: &'a [u8]) -> Self {
        let uri = &head.uri;
        let headers = head.headers.iter();
        Self::new(
            head.method.as_str(),
            uri.path(),
            uri.query().unwrap_or(""),
            body,
        )
        .headers(headers.filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))))
        .duplicate_session_cookies(head.extensions.get::<AmbiguousSessionCookies>().is_some())
    }

    /// Takes from the request's headers (names in lower case, values that are text) the
    /// `Cookie` values, and the first `Origin` and `Sec-Fetch-Site`.
    pub fn headers(mut self, headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (name, value) in headers {
            match name {
                "cookie" => self.cookie_headers.push(value),
                "origin" => _ = self.origin.get_or_insert(value),
                "sec-fetch-site" => _ = self.sec_fetch_site.get_or_insert(value),
                _ => {}
            }
        }
        self
    }

    /// Sets the peer address.
    pub fn client(mut self, client: Option<String>) -> Self {
        self.client = client;
        self
    }

    /// Marks a request whose session cookies were ambiguous.
    pub fn duplicate_session_cookies(mut self, yes: bool) -> Self {
        self.duplicate_session_cookies = yes;
        self
    }
}

/// What the callback asks of the adapter.
#[derive(Debug)]
#[must_use]
pub enum CallbackOutcome {
    /// Send this response; the session is left alone.
    Respond(FlowResponse),
    /// A completed login: write [`NewSession::user`] into the session under
    /// [`SESSION_USER_KEY`](super::SESSION_USER_KEY) with a new session id, then send
    /// [`NewSession::finish`] with how that went.
    Login(Box<NewSession>),
}

/// A login to write into the session; see [`CallbackOutcome::Login`].
#[must_use]
pub struct NewSession {
    user: SessionUser,
    return_to: String,
    clear_cookie: Option<FlowCookie>,
    service: LoginService,
}

impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("provider", &self.user.provider())
            .field("return_to", &self.return_to)
            .finish_non_exhaustive()
    }
}

impl NewSession {
    /// What the session keeps.
    pub fn user(&self) -> &SessionUser {
        &self.user
    }

    /// The answer once the session is written (`Ok`) or not: the return path, or the failure
    /// path with the failure's code. The flow cookie is cleared either way.
    pub fn finish(self, written: Result<(), SessionFailure>) -> FlowResponse {
        let location = match written {
            Ok(()) => self.return_to,
            Err(failure) => self.service.config().failure_location(failure.code()),
        };
        FlowResponse::redirect(location)
            .with_cookie(self.clear_cookie)
            .no_referrer()
    }
}

/// What a session's user is worth on this request, as [`Sessions::user`](super::Sessions::user)
/// judges it.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum SessionCheck {
    /// Nobody is logged in.
    Anonymous,
    /// A valid login.
    User(Box<SessionUser>),
    /// A login past its absolute lifetime: end the session (it counts as anonymous).
    Expired,
}

impl SessionCheck {
    /// Judges the user a session holds against the absolute session `lifetime`.
    pub fn new(user: Option<SessionUser>, lifetime: std::time::Duration) -> Self {
        match user {
            None => SessionCheck::Anonymous,
            Some(user) if user.is_older_than(lifetime) => {
                tracing::debug!("a session past its absolute lifetime was presented; it is ended");
                SessionCheck::Expired
            }
            Some(user) => SessionCheck::User(Box::new(user)),
        }
    }

    /// The user, when the login is valid.
    pub fn into_user(self) -> Option<SessionUser> {
        match self {
            SessionCheck::User(user) => Some(*user),
            SessionCheck::Anonymous | SessionCheck::Expired => None,
        }
    }
}

/// One of the three routes under the public prefix, with its provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'p> {
    Login(&'p str),
    Callback(&'p str),
    Logout,
}

/// The login routes of every adapter: a [`LoginService`], the application's [`LoginHook`] and
/// whether the session keeps the provider's raw JSON. Cheap to clone.
///
/// ```
/// use oauth_kit_core::flow::{CallbackOutcome, CallbackRequest, LoginRoutes};
/// use oauth_kit_core::{FlowConfig, LoginService, ProviderRegistry};
///
/// # async fn run() -> Result<(), oauth_kit_core::Error> {
/// let config = FlowConfig::builder("http://localhost:8000").build()?;
/// let routes = LoginRoutes::new(LoginService::new(ProviderRegistry::new(), config)?);
/// assert_eq!(routes.callback_path(), "/auth/{provider}/callback");
///
/// // GET /auth/nobody/login: no such provider.
/// assert_eq!(routes.login("nobody", "").await.status(), 404);
///
/// // GET /auth/nobody/callback?code=c&state=s
/// let request = CallbackRequest::new("GET", "nobody", "code=c&state=s");
/// match routes.callback(request).await {
///     CallbackOutcome::Respond(response) => assert_eq!(response.status(), 404),
///     CallbackOutcome::Login(_) => unreachable!("no provider, no login"),
/// }
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
/// ```
#[derive(Clone)]
pub struct LoginRoutes {
    service: LoginService,
    hook: Option<Arc<dyn LoginHook>>,
    keep_raw_data: bool,
    sessions: Sessions,
}

impl fmt::Debug for LoginRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRoutes")
            .field("service", &self.service)
            .field("hook", &self.hook.as_ref().map(|_| "LoginHook"))
            .field("keep_raw_data", &self.keep_raw_data)
            .field("sessions", &self.sessions)
            .finish()
    }
}

impl LoginRoutes {
    /// The routes of a login service, without a hook, keeping no raw JSON, for sessions kept
    /// by a server-side store.
    pub fn new(service: LoginService) -> Self {
        Self {
            sessions: Sessions::new(service.config()),
            service,
            hook: None,
            keep_raw_data: false,
        }
    }

    /// Declares cookie-backed sessions (`false`: sessions kept by a server-side store, the
    /// default), with a registry of live logins bounded by
    /// [`FlowConfig::session_limits`](crate::FlowConfig::session_limits); see [`Sessions`].
    pub fn cookie_backed(mut self, yes: bool) -> Self {
        if yes != self.sessions.is_cookie_backed() {
            let limits = yes.then(|| self.service.config().session_limits());
            self.sessions = self.sessions.cookie_backed(limits);
        }
        self
    }

    /// Bounds the registry of live logins of cookie-backed sessions at `cap` logins (at least
    /// 1); nothing for server-side sessions.
    pub fn max_live_logins(mut self, cap: usize) -> Self {
        if self.sessions.is_cookie_backed() {
            let limits = self.service.config().session_limits().cap(cap);
            self.sessions = self.sessions.cookie_backed(Some(limits));
        }
        self
    }

    /// The session work of these routes, for the extractors and guards.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// Calls `hook` after every successful login, before the session is written.
    pub fn on_login(mut self, hook: impl LoginHook) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Keeps the provider's raw JSON in the session (off by default: it can be large, and a
    /// cookie-backed session would send it to the browser).
    pub fn keep_raw_data(mut self, keep: bool) -> Self {
        self.keep_raw_data = keep;
        self
    }

    /// The login service.
    pub fn service(&self) -> &LoginService {
        &self.service
    }

    /// The login route, `{prefix}/{provider}/login`, with the path parameter `{provider}`.
    pub fn login_path(&self) -> String {
        format!(
            "{}/{{provider}}/login",
            self.service.config().public_prefix()
        )
    }

    /// The callback route, `{prefix}/{provider}/callback`, with the path parameter
    /// `{provider}`.
    pub fn callback_path(&self) -> String {
        format!(
            "{}/{{provider}}/callback",
            self.service.config().public_prefix()
        )
    }

    /// The logout route, `{prefix}/logout`.
    pub fn logout_path(&self) -> String {
        format!("{}/logout", self.service.config().public_prefix())
    }

    /// Answers a request to one of the three routes, with the framework's `session` (an
    /// adapter mounts one handler at [`login_path`](Self::login_path),
    /// [`callback_path`](Self::callback_path) and [`logout_path`](Self::logout_path), for every
    /// method, and calls this): the login on `GET` ([`login`](Self::login)); the callback on
    /// `GET`, or `POST` for a form-post provider ([`callback_in`](Self::callback_in)); the
    /// logout on `POST` ([`logout_in`](Self::logout_in)). Any other method is 405 with
    /// `Allow`, any other path 404.
    pub async fn answer(
        &self,
        request: RouteRequest<'_>,
        session: &impl WebSession,
    ) -> FlowResponse {
        let method = request.method;
        match (self.route(request.path), method) {
            (Some(Route::Logout), "POST") => {
                self.logout_in(request.origin, request.sec_fetch_site, session)
                    .await
            }
            (Some(Route::Logout), _) => Rejection::MethodNotAllowed.response_allowing("POST"),
            (Some(Route::Login(provider)), "GET") => self.login(provider, request.query).await,
            (Some(Route::Login(_)), _) => Rejection::MethodNotAllowed.response(),
            (Some(Route::Callback(provider)), _) => {
                let callback =
                    CallbackRequest::from_http(method, provider, request.query, request.body)
                        .cookie_headers(request.cookie_headers)
                        .client(request.client)
                        .duplicate_session_cookies(request.duplicate_session_cookies);
                self.callback_in(callback, session).await
            }
            (None, _) => Rejection::UnknownProvider.response(),
        }
    }

    /// Which of the three routes `path` is, if any.
    fn route<'p>(&self, path: &'p str) -> Option<Route<'p>> {
        let prefix = self.service.config().public_prefix();
        let route = path.strip_prefix(prefix.as_str())?.strip_prefix('/')?;
        match route.split_once('/') {
            None if route == "logout" => Some(Route::Logout),
            Some((provider, "login")) if !provider.is_empty() => Some(Route::Login(provider)),
            Some((provider, "callback")) if !provider.is_empty() => Some(Route::Callback(provider)),
            _ => None,
        }
    }

    /// Whether `path` is a callback route (for a session layer that answers store failures).
    pub fn is_callback_path(&self, path: &str) -> bool {
        matches!(self.route(path), Some(Route::Callback(_)))
    }

    /// `GET {prefix}/{provider}/login?{query}`: a 303 to the provider with the flow cookie set,
    /// or the rejection (404 for an unknown provider).
    pub async fn login(&self, provider: &str, query: &str) -> FlowResponse {
        let options = BeginOptions::from_query(query);
        match self.service.begin(provider, options).await {
            Ok(begin) => FlowResponse::redirect(begin.authorization_url.as_str())
                .with_cookie(Some(begin.cookie)),
            Err(err) => Rejection::from_begin_error(&err).response(),
        }
    }

    /// `{prefix}/{provider}/callback`: `HEAD` (and any method but `GET` and `POST`) answers 405
    /// and does nothing else, as link checkers and prefetchers send it; `POST` is accepted
    /// only for a provider that answers with a form post (405 otherwise); an unknown provider
    /// answers 404; a request with ambiguous session cookies goes to the failure path
    /// (`session_conflict`) with the flow cookie left alone. Otherwise the login is completed
    /// and either fails (the failure path with the code) or asks for the session to be
    /// written. Every redirect carries `Referrer-Policy: no-referrer` and clears the flow
    /// cookie when the callback's state matched it.
    pub async fn callback(&self, request: CallbackRequest<'_>) -> CallbackOutcome {
        let service = &self.service;
        let provider = request.provider;
        let allowed = match request.method {
            "GET" => true,
            "POST" => service.uses_form_post(provider),
            _ => false,
        };
        if !allowed {
            return CallbackOutcome::Respond(Rejection::MethodNotAllowed.response());
        }
        if service.registry().get(provider).is_none() {
            let err = Error::UnknownProvider {
                name: provider.to_owned(),
            };
            return CallbackOutcome::Respond(Rejection::from_begin_error(&err).response());
        }
        if request.duplicate_session_cookies {
            // The flow cookie is left alone: nothing was checked against it.
            return CallbackOutcome::Respond(
                self.failure(Error::DuplicateSessionCookie.code(), None),
            );
        }
        let completion = service
            .complete_from(
                request.client.as_deref(),
                provider,
                request.params,
                request.cookie_headers,
            )
            .await;
        let login = match completion.result {
            Ok(login) => login,
            Err(err) => {
                return CallbackOutcome::Respond(self.failure(err.code(), completion.clear_cookie));
            }
        };
        match session_user_for(&login, self.hook.as_deref(), self.keep_raw_data).await {
            Ok(user) => CallbackOutcome::Login(Box::new(NewSession {
                user,
                return_to: login.return_to.as_str().to_owned(),
                clear_cookie: completion.clear_cookie,
                service: service.clone(),
            })),
            Err(code) => CallbackOutcome::Respond(self.failure(&code, completion.clear_cookie)),
        }
    }

    /// The whole callback, with the adapter's session work: `write` stores the user of a
    /// completed login into a session with a new id and says how that went; every other
    /// callback is answered without calling it.
    pub async fn callback_with(
        &self,
        request: CallbackRequest<'_>,
        write: impl AsyncFnOnce(&SessionUser) -> Result<(), SessionFailure>,
    ) -> FlowResponse {
        match self.callback(request).await {
            CallbackOutcome::Respond(response) => response,
            CallbackOutcome::Login(login) => {
                let written = write(login.user()).await;
                login.finish(written)
            }
        }
    }

    /// The whole callback with the framework's `session`: a completed login is written into
    /// it as [`Sessions::write`] says.
    pub async fn callback_in(
        &self,
        request: CallbackRequest<'_>,
        session: &impl WebSession,
    ) -> FlowResponse {
        let write = async |user: &SessionUser| self.sessions.write(session, user).await;
        self.callback_with(request, write).await
    }

    /// The callback's failure redirect.
    fn failure(&self, code: &str, clear_cookie: Option<FlowCookie>) -> FlowResponse {
        FlowResponse::redirect(self.service.config().failure_location(code))
            .with_cookie(clear_cookie)
            .no_referrer()
    }

    /// `POST {prefix}/logout`, before the session is touched: `Err` with 403
    /// `cross_site_request` for a request from another site (by its `Origin` and
    /// `Sec-Fetch-Site` headers); `Ok` means: end the session, then answer with
    /// [`logged_out`](Self::logged_out).
    pub fn logout(
        &self,
        origin: Option<&str>,
        sec_fetch_site: Option<&str>,
    ) -> Result<(), FlowResponse> {
        if self
            .service
            .config()
            .is_same_origin_request(origin, sec_fetch_site)
        {
            Ok(())
        } else {
            tracing::warn!("a cross-site logout request was refused");
            Err(Rejection::CrossSite.response())
        }
    }

    /// The whole `POST {prefix}/logout`, with the adapter's session work: a cross-site request
    /// is refused before `end` runs; otherwise `end` ends the session and its result decides
    /// the answer ([`logged_out`](Self::logged_out)).
    pub async fn logout_with(
        &self,
        origin: Option<&str>,
        sec_fetch_site: Option<&str>,
        end: impl AsyncFnOnce() -> Result<(), SessionFailure>,
    ) -> FlowResponse {
        match self.logout(origin, sec_fetch_site) {
            Ok(()) => self.logged_out(end().await),
            Err(refused) => refused,
        }
    }

    /// The whole `POST {prefix}/logout` with the framework's `session`, ended as
    /// [`Sessions::end`] says.
    pub async fn logout_in(
        &self,
        origin: Option<&str>,
        sec_fetch_site: Option<&str>,
        session: &impl WebSession,
    ) -> FlowResponse {
        let end = async || self.sessions.end(session).await;
        self.logout_with(origin, sec_fetch_site, end).await
    }

    /// The logout's answer once the session was ended (`Ok`: a 303 to the home path) or not
    /// (503 or 500: the browser keeps its cookie and can retry).
    pub fn logged_out(&self, ended: Result<(), SessionFailure>) -> FlowResponse {
        match ended {
            Ok(()) => FlowResponse::redirect(self.service.config().home_path()),
            Err(failure) => failure.rejection().response(),
        }
    }

    /// The answer to a request whose session store failed before the route ran: the
    /// callback's failure redirect with `store_unavailable` on a callback path, 503 JSON
    /// elsewhere.
    pub fn store_unavailable(&self, path: &str) -> FlowResponse {
        if self.is_callback_path(path) {
            self.failure(Rejection::Unavailable.code(), None)
        } else {
            Rejection::Unavailable.response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FlowConfig, ProviderRegistry};

    fn routes() -> LoginRoutes {
        let config = FlowConfig::builder("https://app.example.com/base")
            .build()
            .expect("config");
        LoginRoutes::new(LoginService::new(ProviderRegistry::new(), config).expect("service"))
    }

    #[test]
    fn callback_paths_are_recognized_under_the_public_prefix_only() {
        let routes = routes();
        assert!(routes.is_callback_path("/base/auth/bitbucket/callback"));
        assert!(!routes.is_callback_path("/auth/bitbucket/callback"));
        assert!(!routes.is_callback_path("/base/auth//callback"));
        assert!(!routes.is_callback_path("/base/auth/a/b/callback"));
        assert!(!routes.is_callback_path("/base/auth/logout"));
    }

    /// A session that holds nothing and counts how often it was ended.
    #[derive(Default)]
    struct Ended(std::cell::Cell<u32>);

    impl WebSession for Ended {
        async fn get(&self, _: &str) -> Result<Option<serde_json::Value>, SessionFailure> {
            Ok(None)
        }
        async fn insert(&self, _: &str, _: serde_json::Value) -> Result<(), SessionFailure> {
            Ok(())
        }
        async fn renew(&self) -> Result<(), SessionFailure> {
            Ok(())
        }
        async fn end(&self) -> Result<(), SessionFailure> {
            self.0.set(self.0.get() + 1);
            Ok(())
        }
    }

    #[tokio::test]
    async fn each_route_answers_its_own_methods_and_405_with_allow_otherwise() {
        let routes = routes();
        let session = Ended::default();
        let answer = async |method: &str, path: &str| {
            let request = RouteRequest::new(method, path, "code=c&state=s", b"")
                .headers([("sec-fetch-site", "same-origin")]);
            let response = routes.answer(request, &session).await;
            let allow = response.headers().iter().find(|(name, _)| *name == "allow");
            (response.status(), allow.map(|(_, value)| *value))
        };
        assert_eq!(
            answer("GET", "/base/auth/logout").await,
            (405, Some("POST"))
        );
        assert_eq!(
            answer("HEAD", "/base/auth/nobody/login").await,
            (405, Some("GET"))
        );
        assert_eq!(
            answer("POST", "/base/auth/nobody/login").await,
            (405, Some("GET"))
        );
        assert_eq!(
            answer("HEAD", "/base/auth/nobody/callback").await,
            (405, Some("GET"))
        );
        assert_eq!(session.0.get(), 0, "no refused method touched the session");
        // The right methods reach the routes: no such provider, and a logout.
        assert_eq!(answer("GET", "/base/auth/nobody/login").await, (404, None));
        assert_eq!(
            answer("GET", "/base/auth/nobody/callback").await,
            (404, None)
        );
        assert_eq!(answer("POST", "/base/auth/logout").await, (303, None));
        assert_eq!(session.0.get(), 1);
    }

    #[tokio::test]
    async fn paths_that_are_not_the_routes_are_404() {
        let routes = routes();
        let session = Ended::default();
        for path in [
            "/auth/nobody/login",
            "/base/auth/login",
            "/base/auth//login",
            "/base/auth/a/b/callback",
            "/base/auth/logout/x",
            "/base/authx/logout",
            "/base/auth",
        ] {
            let response = routes
                .answer(RouteRequest::new("POST", path, "", b""), &session)
                .await;
            assert_eq!(response.status(), 404, "{path}");
        }
        assert_eq!(session.0.get(), 0);
    }

    #[tokio::test]
    async fn a_cross_site_logout_through_the_routes_is_refused() {
        let routes = routes();
        let session = Ended::default();
        let request = RouteRequest::new("POST", "/base/auth/logout", "", b"").headers([
            ("origin", "https://evil.example"),
            ("origin", "https://app.example.com"),
        ]);
        assert_eq!(routes.answer(request, &session).await.status(), 403);
        assert_eq!(session.0.get(), 0);
    }

    #[test]
    fn an_http_response_carries_the_status_location_headers_cookies_and_body() {
        let response = FlowResponse::redirect("/next")
            .with_cookie(Some(FlowCookie::new(
                "oauth_kit_flow",
                "sealed".to_owned(),
                "/auth/x/callback",
                std::time::Duration::from_secs(600),
                true,
            )))
            .no_referrer()
            .to_http();
        assert_eq!(response.status(), http::StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/next");
        assert_eq!(response.headers()["referrer-policy"], "no-referrer");
        assert!(
            response.headers()["set-cookie"]
                .to_str()
                .is_ok_and(|c| c.starts_with("oauth_kit_flow=sealed;"))
        );
        assert_eq!(response.body(), "");
        let rejected = Rejection::Unauthenticated.response().to_http();
        assert_eq!(rejected.status(), 401);
        assert_eq!(rejected.headers()["content-type"], "application/json");
        assert!(rejected.body().contains("unauthenticated"));
    }

    #[test]
    fn a_route_request_reads_an_http_request_and_its_ambiguity_mark() {
        let mut request = http::Request::post("/base/auth/logout?x=1")
            .header("cookie", "oauth_kit_session=a")
            .header("cookie", "oauth_kit_session=b; other=1")
            .header("origin", "https://app.example.com")
            .header("sec-fetch-site", "same-origin")
            .body(())
            .expect("a request");
        let cookie = crate::flow::SessionCookie::default();
        assert!(cookie.strip_ambiguous_from(&mut request));
        let (head, ()) = request.into_parts();
        let read = RouteRequest::from_http(&head, b"body");
        assert_eq!(
            (read.method, read.path, read.query),
            ("POST", "/base/auth/logout", "x=1")
        );
        assert_eq!(read.body, b"body");
        assert_eq!(read.cookie_headers, ["other=1"]);
        assert_eq!(read.origin, Some("https://app.example.com"));
        assert_eq!(read.sec_fetch_site, Some("same-origin"));
        assert!(read.duplicate_session_cookies);
        let plain = http::Request::get("/x").header("cookie", "oauth_kit_session=a");
        let mut plain = plain.body(()).expect("a request");
        assert!(!cookie.strip_ambiguous_from(&mut plain));
        let (head, ()) = plain.into_parts();
        let read = RouteRequest::from_http(&head, b"");
        assert_eq!(read.cookie_headers, ["oauth_kit_session=a"]);
        assert!(!read.duplicate_session_cookies);
    }

    #[test]
    fn route_requests_keep_every_cookie_header_and_the_first_origin() {
        let request = RouteRequest::new("GET", "/", "", b"").headers([
            ("cookie", "a=1"),
            ("origin", "https://one.example"),
            ("x-other", "y"),
            ("cookie", "b=2"),
            ("origin", "https://two.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert_eq!(request.cookie_headers, ["a=1", "b=2"]);
        assert_eq!(request.origin, Some("https://one.example"));
        assert_eq!(request.sec_fetch_site, Some("cross-site"));
    }

    #[test]
    fn a_redirect_to_a_location_with_a_control_character_is_a_bare_500() {
        let response = FlowResponse::redirect("/next\r\nSet-Cookie: x=1");
        assert_eq!(response.status(), 500);
        assert_eq!(response.header_pairs().count(), 0);
    }

    #[test]
    fn a_405_says_which_method_is_allowed() {
        let response = Rejection::MethodNotAllowed.response();
        assert_eq!(response.status(), 405);
        assert!(response.headers().contains(&("allow", "GET")));
        let logout = Rejection::MethodNotAllowed.response_allowing("POST");
        assert_eq!(logout.status(), 405);
        assert!(logout.headers().contains(&("allow", "POST")));
        assert!(!logout.headers().contains(&("allow", "GET")));
    }

    #[test]
    fn a_failed_logout_keeps_the_session_and_says_why() {
        let routes = routes();
        assert_eq!(
            routes.logged_out(Err(SessionFailure::Unavailable)).status(),
            503
        );
        assert_eq!(routes.logged_out(Err(SessionFailure::Other)).status(), 500);
        let done = routes.logged_out(Ok(()));
        assert_eq!((done.status(), done.location()), (303, Some("/base/")));
    }

    #[test]
    fn a_cross_site_logout_is_refused_before_the_session_is_touched() {
        let routes = routes();
        let refused = routes
            .logout(Some("https://evil.example"), None)
            .expect_err("refused");
        assert_eq!(refused.status(), 403);
        assert!(routes.logout(None, Some("same-origin")).is_ok());
    }

    #[test]
    fn a_form_post_callback_reads_the_body_and_any_other_the_query() {
        let post = CallbackRequest::from_http("POST", "oidc", "state=q", b"code=c&state=b");
        assert_eq!(post.params, "code=c&state=b");
        let get = CallbackRequest::from_http("GET", "oidc", "code=c&state=q", b"state=b");
        assert_eq!(get.params, "code=c&state=q");
        let junk = CallbackRequest::from_http("POST", "oidc", "state=q", &[0xff, 0xfe]);
        assert_eq!(junk.params, "");
    }

    #[tokio::test]
    async fn a_cross_site_logout_never_runs_the_session_work() {
        let routes = routes();
        let mut ended = false;
        let refused = routes
            .logout_with(Some("https://evil.example"), None, async || {
                ended = true;
                Ok(())
            })
            .await;
        assert_eq!((refused.status(), ended), (403, false));
        let done = routes
            .logout_with(None, Some("same-origin"), async || {
                ended = true;
                Err(SessionFailure::Unavailable)
            })
            .await;
        assert_eq!((done.status(), ended), (503, true));
    }

    #[tokio::test]
    async fn a_callback_that_fails_before_the_login_never_writes_a_session() {
        let routes = routes();
        let mut written = false;
        let request = CallbackRequest::new("GET", "nobody", "code=c&state=s");
        let response = routes
            .callback_with(request, async |_user: &SessionUser| {
                written = true;
                Ok(())
            })
            .await;
        assert_eq!((response.status(), written), (404, false));
    }

    #[test]
    fn a_store_failure_on_the_callback_is_a_failure_redirect_elsewhere_a_503() {
        let routes = routes();
        let on_callback = routes.store_unavailable("/base/auth/bitbucket/callback");
        assert_eq!(on_callback.status(), 303);
        assert_eq!(
            on_callback.location(),
            Some("/base/login?error=store_unavailable")
        );
        assert!(
            on_callback
                .headers()
                .contains(&("referrer-policy", "no-referrer"))
        );
        assert_eq!(routes.store_unavailable("/me").status(), 503);
    }
}
