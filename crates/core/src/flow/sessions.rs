//! The session work every adapter shares, decided once: the session cookie's attributes,
//! what a login writes into the framework's session, when a session counts as logged in, and
//! how it ends. An adapter implements [`WebSession`] for its framework's session (a handful of
//! one-line translations) and calls [`Sessions`].

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::SameSite;
use serde_json::Value;

use super::config::{CookieKey, DEFAULT_SESSION_COOKIE_NAME, FlowConfig};
use super::cookie::strip_ambiguous_cookies;
use super::hook::{SESSION_USER_KEY, SessionUser};
use super::rejection::Rejection;
use super::routes::{SessionCheck, SessionFailure};
use crate::session::{
    DEFAULT_SESSION_IDLE_TIMEOUT, DEFAULT_SESSION_LIFETIME, LiveLogins, SessionLimits,
};

/// The session key of the random login id that a cookie-backed session carries (see
/// [`LiveLogins`]).
pub const LOGIN_ID_KEY: &str = "oauth_kit.login_id";

/// The session cookie's attributes, the same for every adapter: the configured name
/// ([`FlowConfig::session_cookie_name`]), `HttpOnly`, `SameSite=Lax`, `Path=/`, no `Domain`,
/// `Secure` when the redirect base URL is https or the name is `__Host-`/`__Secure-`. An
/// adapter only copies them into its framework's session settings.
///
/// ```
/// use oauth_kit_core::FlowConfig;
/// use std::time::Duration;
///
/// let config = FlowConfig::builder("https://example.com").build()?;
/// let cookie = config.session_cookie();
/// assert_eq!(cookie.name(), "oauth_kit_session");
/// assert!(cookie.secure() && cookie.http_only());
/// assert_eq!(cookie.path(), "/");
/// assert_eq!(cookie.renewed_max_age(), Duration::from_secs(24 * 60 * 60));
/// assert_eq!(cookie.login_max_age(), Duration::from_secs(7 * 24 * 60 * 60));
/// # Ok::<(), oauth_kit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookie {
    name: Arc<str>,
    secure: bool,
    idle_timeout: Duration,
    lifetime: Duration,
}

impl Default for SessionCookie {
    fn default() -> Self {
        Self {
            name: DEFAULT_SESSION_COOKIE_NAME.into(),
            secure: false,
            idle_timeout: DEFAULT_SESSION_IDLE_TIMEOUT,
            lifetime: DEFAULT_SESSION_LIFETIME,
        }
    }
}

impl SessionCookie {
    /// The attributes for `config`.
    pub fn new(config: &FlowConfig) -> Self {
        let name = config.session_cookie_name();
        let limits = config.session_limits();
        Self {
            name: name.into(),
            secure: config.cookie_secure(name),
            idle_timeout: limits.idle_timeout,
            lifetime: limits.lifetime,
        }
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it gets `Secure`.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Whether it gets `HttpOnly`: always (scripts never need the session cookie).
    pub fn http_only(&self) -> bool {
        true
    }

    /// Its `SameSite`: `Lax`, so that the provider's redirect back to the callback (a
    /// top-level navigation from another site) carries it.
    pub fn same_site(&self) -> SameSite {
        SameSite::Lax
    }

    /// Its `Path`: `/`, with no `Domain` (what a `__Host-` name requires).
    pub fn path(&self) -> &'static str {
        "/"
    }

    /// The `Max-Age` of a cookie that the framework renews at every request (a cookie-backed
    /// session): the idle timeout, never more than the absolute lifetime.
    pub fn renewed_max_age(&self) -> Duration {
        self.idle_timeout.min(self.lifetime)
    }

    /// The `Max-Age` of a cookie set when the session is written (at the login): the absolute
    /// lifetime.
    pub fn login_max_age(&self) -> Duration {
        self.lifetime
    }

    /// The request's `Cookie` header values joined into one, without this cookie, when they
    /// carry it more than once (one may be planted from a sibling subdomain with a `Domain`
    /// attribute, and must not be able to choose the session): the session layer replaces the
    /// request's `Cookie` headers with it (none when it is empty), so the request has no
    /// session, and marks the request so that the callback refuses to log in with it
    /// ([`CallbackRequest::duplicate_session_cookies`](super::CallbackRequest::duplicate_session_cookies)).
    /// `None` when there is at most one: leave the request alone.
    ///
    /// ```
    /// use oauth_kit_core::flow::SessionCookie;
    ///
    /// let cookie = SessionCookie::default();
    /// assert_eq!(cookie.strip_ambiguous(["a=1; oauth_kit_session=x"]), None);
    /// let planted = ["a=1; oauth_kit_session=x", "b=2; oauth_kit_session=y"];
    /// assert_eq!(cookie.strip_ambiguous(planted), Some("a=1; b=2".to_owned()));
    /// ```
    pub fn strip_ambiguous<'h>(
        &self,
        headers: impl IntoIterator<Item = &'h str>,
    ) -> Option<String> {
        strip_ambiguous_cookies(headers, &self.name).map(|kept| kept.join("; "))
    }

    /// [`strip_ambiguous`](Self::strip_ambiguous) on a request of the [`http`] crate: when it
    /// carries this cookie more than once, its `Cookie` headers are replaced and it is marked
    /// so that [`RouteRequest::from_http`](super::RouteRequest::from_http) refuses to log in
    /// with it. Whether it was.
    pub fn strip_ambiguous_from<B>(&self, request: &mut http::Request<B>) -> bool {
        let values = request.headers().get_all(http::header::COOKIE).iter();
        let Some(kept) = self.strip_ambiguous(values.filter_map(|v| v.to_str().ok())) else {
            return false;
        };
        request.headers_mut().remove(http::header::COOKIE);
        if let Ok(value) = http::HeaderValue::from_str(&kept)
            && !kept.is_empty()
        {
            request.headers_mut().insert(http::header::COOKIE, value);
        }
        request.extensions_mut().insert(AmbiguousSessionCookies);
        true
    }
}

/// The 64 bytes (a signing and an encryption half) that seal a session cookie: see
/// [`Sessions::cookie_key`]. Derived from a [`CookieKey`] with HKDF-SHA256 exactly as the
/// `cookie` crate's `Key::derive_from` derives them, so a framework's `Key::from(bytes)` is
/// the key it would derive from the same material. `Debug` is redacted.
#[derive(Clone)]
pub struct SessionCookieKey(::cookie::Key);

impl SessionCookieKey {
    /// The key derived from `key`.
    pub fn derive_from(key: &CookieKey) -> Self {
        Self(::cookie::Key::derive_from(key.material()))
    }

    /// The key's 64 bytes.
    pub fn bytes(&self) -> &[u8] {
        self.0.master()
    }
}

impl fmt::Debug for SessionCookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionCookieKey([redacted])")
    }
}

/// The mark a session layer leaves in a request's extensions when it removed the request's
/// session cookies because there were several ([`SessionCookie::strip_ambiguous_from`] sets it
/// on an `http` request, [`RouteRequest::from_http`](super::RouteRequest::from_http) reads it):
/// the request has no session, and the callback refuses to log in with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmbiguousSessionCookies;

/// A web framework's session, as [`Sessions`] uses it: each method is one call of the
/// framework's session API. Values are JSON. A failed call reports a [`SessionFailure`]
/// (`Unavailable` when the store's backend failed) and logs its details.
///
/// The futures need not be `Send`: the Actix adapter's session is not.
#[allow(async_fn_in_trait)]
pub trait WebSession {
    /// The value under `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<Value>, SessionFailure>;
    /// Sets `key` to `value`.
    async fn insert(&self, key: &str, value: Value) -> Result<(), SessionFailure>;
    /// Gives the session a new id, keeping its data (a planted session id must not become a
    /// login).
    async fn renew(&self) -> Result<(), SessionFailure>;
    /// Writes the session to its store now, where the framework would otherwise write it after
    /// the response (where a failure would be an empty 500). Nothing by default: a session
    /// kept in the cookie cannot fail to be written.
    async fn save(&self) -> Result<(), SessionFailure> {
        Ok(())
    }
    /// Ends the session: its stored state is deleted (a failure leaves it in place) and its
    /// cookie removed.
    async fn end(&self) -> Result<(), SessionFailure>;
    /// Empties the session without failing, so that nothing of it is written. By default
    /// [`end`](Self::end), its failure ignored (it was logged).
    async fn discard(&self) {
        let _ = self.end().await;
    }
    /// The size of the session's data as JSON. Only a cookie-backed session, which must fit in
    /// a cookie, needs it (0 by default).
    fn json_len(&self) -> usize {
        0
    }
}

/// The session work of the login routes, the extractors and the guards, for every adapter:
/// the [`SessionCookie`], and, for a cookie-backed session (which cannot be taken back), the
/// registry of [`LiveLogins`] that makes logout final and the check that the session fits in
/// a cookie. Cheap to clone; clones share the registry.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    cookie: SessionCookie,
    live: Option<Arc<LiveLogins>>,
    configured_key: Option<CookieKey>,
    sealing: Arc<OnceLock<SessionCookieKey>>,
}

impl Sessions {
    /// Sessions kept by a server-side store (deleted at logout): no registry of live logins.
    pub fn new(config: &FlowConfig) -> Self {
        Self {
            cookie: SessionCookie::new(config),
            live: None,
            configured_key: config.cookie_key().cloned(),
            sealing: Arc::default(),
        }
    }

    /// The same with cookie-backed sessions: each login registered in a registry of live
    /// logins with these limits (`None`: server-side sessions).
    pub fn cookie_backed(mut self, limits: Option<SessionLimits>) -> Self {
        self.live = limits.map(|limits| Arc::new(LiveLogins::new(limits)));
        self
    }

    /// Whether sessions are cookie-backed.
    pub fn is_cookie_backed(&self) -> bool {
        self.live.is_some()
    }

    /// The session cookie's attributes.
    pub fn cookie(&self) -> &SessionCookie {
        &self.cookie
    }

    /// The key that seals the session cookie, for a framework that encrypts a session kept in
    /// the cookie (or signs the session id it holds) itself: derived from the configured
    /// cookie key (`OAUTH_COOKIE_KEY`). Without one, a random key of this process, made at the
    /// first call (shared by the clones of this value) and announced by a warning: sessions
    /// then end at every restart and are not accepted by other instances.
    pub fn cookie_key(&self) -> &SessionCookieKey {
        self.sealing.get_or_init(|| match &self.configured_key {
            Some(key) => SessionCookieKey::derive_from(key),
            None => {
                tracing::warn!(
                    "OAUTH_COOKIE_KEY is not set: session cookies are sealed with a random \
                         per-process key, so every session ends when the process restarts"
                );
                SessionCookieKey(::cookie::Key::generate())
            }
        })
    }

    /// The logged-in user of `session`, if any. A login past its absolute lifetime is ended,
    /// and a cookie-backed session whose login is no longer live (logged out, replaced by a
    /// newer login, idle for too long, or from before a restart) is discarded; both count as
    /// anonymous. A session that cannot be read is 500 `session_error` (503
    /// `store_unavailable` when its store is down).
    pub async fn user(&self, session: &impl WebSession) -> Result<Option<SessionUser>, Rejection> {
        let user = match session
            .get(SESSION_USER_KEY)
            .await
            .map_err(|f| f.rejection())?
        {
            Some(value) => Some(serde_json::from_value::<SessionUser>(value).map_err(|err| {
                tracing::error!(error = %err, "the session's user could not be read");
                Rejection::Session
            })?),
            None => None,
        };
        match SessionCheck::new(user, self.cookie.lifetime) {
            SessionCheck::User(user) if self.is_live(session).await => Ok(Some(*user)),
            SessionCheck::User(_) => {
                tracing::debug!("a session of an ended login was presented; it is discarded");
                session.discard().await;
                Ok(None)
            }
            SessionCheck::Expired => {
                // The session is anonymous whatever happens: a failure was logged.
                let _ = self.end(session).await;
                Ok(None)
            }
            SessionCheck::Anonymous => Ok(None),
        }
    }

    /// Writes a completed login into `session`: the login this browser had before is ended,
    /// the session gets a new id, then the user (and, cookie-backed, a new live login id,
    /// after checking that the session fits in a cookie), and is saved. On failure nothing of
    /// it is written.
    pub async fn write(
        &self,
        session: &impl WebSession,
        user: &SessionUser,
    ) -> Result<(), SessionFailure> {
        self.end_login(session).await;
        let written = self.try_write(session, user).await;
        if written.is_err() {
            session.discard().await;
        }
        written
    }

    async fn try_write(
        &self,
        session: &impl WebSession,
        user: &SessionUser,
    ) -> Result<(), SessionFailure> {
        let value = serde_json::to_value(user).map_err(|err| {
            tracing::error!(error = %err, "the session's user could not be encoded");
            SessionFailure::Other
        })?;
        session.renew().await?;
        session.insert(SESSION_USER_KEY, value).await?;
        if let Some(live) = &self.live {
            let id = live.start(&user.owner_key()).ok_or(SessionFailure::Other)?;
            let registered = async {
                session
                    .insert(LOGIN_ID_KEY, Value::from(id.as_str()))
                    .await?;
                // A cookie a browser would drop is a clean failure instead.
                SessionFailure::check_cookie_size(self.cookie.name(), session.json_len())
            };
            if let Err(failure) = registered.await {
                live.end(&id);
                return Err(failure);
            }
        }
        session.save().await
    }

    /// Ends `session` (logout): its login is no longer live, its stored state is deleted and
    /// its cookie removed. A failure leaves the stored session in place, so the logout can be
    /// retried.
    pub async fn end(&self, session: &impl WebSession) -> Result<(), SessionFailure> {
        self.end_login(session).await;
        session.end().await
    }

    /// Whether the session's login is live (always, for server-side sessions).
    async fn is_live(&self, session: &impl WebSession) -> bool {
        let Some(live) = &self.live else { return true };
        match session.get(LOGIN_ID_KEY).await {
            Ok(Some(Value::String(id))) => live.touch(&id),
            _ => false,
        }
    }

    /// Ends the live login recorded in a cookie-backed session, if any.
    async fn end_login(&self, session: &impl WebSession) {
        if let Some(live) = &self.live
            && let Ok(Some(Value::String(id))) = session.get(LOGIN_ID_KEY).await
        {
            live.end(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use super::*;
    use crate::OAuthUserInfo;

    /// A framework's session: an id, values, and a store that can be made to fail.
    #[derive(Default, Clone)]
    struct Fake {
        id: Cell<u64>,
        values: RefCell<HashMap<String, Value>>,
        failing: Cell<Option<SessionFailure>>,
        saved: Cell<bool>,
    }

    impl Fake {
        fn fail(&self) -> Result<(), SessionFailure> {
            self.failing.get().map_or(Ok(()), Err)
        }
    }

    impl WebSession for Fake {
        async fn get(&self, key: &str) -> Result<Option<Value>, SessionFailure> {
            self.fail()?;
            Ok(self.values.borrow().get(key).cloned())
        }
        async fn insert(&self, key: &str, value: Value) -> Result<(), SessionFailure> {
            self.fail()?;
            self.values.borrow_mut().insert(key.to_owned(), value);
            Ok(())
        }
        async fn renew(&self) -> Result<(), SessionFailure> {
            self.id.set(self.id.get() + 1);
            Ok(())
        }
        async fn save(&self) -> Result<(), SessionFailure> {
            self.fail()?;
            self.saved.set(true);
            Ok(())
        }
        async fn end(&self) -> Result<(), SessionFailure> {
            self.fail()?;
            self.values.borrow_mut().clear();
            Ok(())
        }
        async fn discard(&self) {
            self.values.borrow_mut().clear();
        }
        fn json_len(&self) -> usize {
            serde_json::to_string(&*self.values.borrow()).map_or(usize::MAX, |j| j.len())
        }
    }

    fn user(id: &str) -> SessionUser {
        SessionUser::new(OAuthUserInfo::new("bitbucket", id), None, false)
    }

    fn config(base: &str) -> FlowConfig {
        FlowConfig::builder(base)
            .build()
            .expect("a valid configuration")
    }

    fn cookie_backed() -> Sessions {
        Sessions::new(&config("http://localhost:8000"))
            .cookie_backed(Some(SessionLimits::default()))
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(future)
    }

    #[test]
    fn a_login_is_written_into_a_renewed_saved_session_and_read_back() {
        run(async {
            for sessions in [
                Sessions::new(&config("http://localhost:8000")),
                cookie_backed(),
            ] {
                let session = Fake::default();
                assert_eq!(sessions.user(&session).await, Ok(None));
                assert_eq!(sessions.write(&session, &user("1")).await, Ok(()));
                assert_eq!(session.id.get(), 1);
                assert!(session.saved.get());
                assert_eq!(sessions.user(&session).await, Ok(Some(user("1"))));
                let login_id = session.values.borrow().get(LOGIN_ID_KEY).cloned();
                assert_eq!(login_id.is_some(), sessions.is_cookie_backed());
            }
        });
    }

    #[test]
    fn a_copy_of_a_cookie_backed_session_is_dead_after_logout() {
        run(async {
            let sessions = cookie_backed();
            let session = Fake::default();
            sessions.write(&session, &user("1")).await.expect("written");
            let copy = session.clone();
            assert_eq!(sessions.end(&session).await, Ok(()));
            assert!(session.values.borrow().is_empty());
            assert_eq!(sessions.user(&copy).await, Ok(None));
            assert!(
                copy.values.borrow().is_empty(),
                "the dead copy is discarded"
            );
        });
    }

    #[test]
    fn a_new_login_in_the_same_browser_ends_the_previous_one() {
        run(async {
            let sessions = cookie_backed();
            let session = Fake::default();
            sessions.write(&session, &user("1")).await.expect("written");
            let before = session.clone();
            sessions.write(&session, &user("2")).await.expect("written");
            assert_eq!(sessions.user(&before).await, Ok(None));
            assert_eq!(sessions.user(&session).await, Ok(Some(user("2"))));
        });
    }

    #[test]
    fn a_session_too_large_for_a_cookie_fails_and_is_not_written() {
        run(async {
            let sessions = cookie_backed();
            let session = Fake::default();
            let mut big = user("1");
            big.account = Some(Value::from("x".repeat(5000)));
            let written = sessions.write(&session, &big).await;
            assert!(matches!(written, Err(SessionFailure::TooLarge { .. })));
            assert!(session.values.borrow().is_empty());
            assert!(!session.saved.get());
            // Server-side, the size is the store's business.
            let server_side = Sessions::new(&config("http://localhost:8000"));
            assert_eq!(server_side.write(&session, &big).await, Ok(()));
        });
    }

    #[test]
    fn an_expired_login_is_ended_and_counts_as_anonymous() {
        run(async {
            let sessions = cookie_backed();
            let session = Fake::default();
            let mut old = user("1");
            old.logged_in_at = 0;
            sessions.write(&session, &old).await.expect("written");
            assert_eq!(sessions.user(&session).await, Ok(None));
            assert!(session.values.borrow().is_empty());
        });
    }

    #[test]
    fn a_failing_store_writes_nothing_and_says_so() {
        run(async {
            let sessions = Sessions::new(&config("http://localhost:8000"));
            let session = Fake::default();
            sessions.write(&session, &user("1")).await.expect("written");
            session.failing.set(Some(SessionFailure::Unavailable));
            assert_eq!(sessions.user(&session).await, Err(Rejection::Unavailable));
            assert_eq!(
                sessions.end(&session).await,
                Err(SessionFailure::Unavailable)
            );
            assert!(
                !session.values.borrow().is_empty(),
                "kept for a retried logout"
            );
            let fresh = Fake::default();
            fresh.failing.set(Some(SessionFailure::Other));
            assert_eq!(
                sessions.write(&fresh, &user("1")).await,
                Err(SessionFailure::Other)
            );
            assert!(fresh.values.borrow().is_empty());
        });
    }

    #[test]
    fn a_session_user_that_does_not_decode_is_a_session_error() {
        run(async {
            let session = Fake::default();
            session
                .values
                .borrow_mut()
                .insert(SESSION_USER_KEY.to_owned(), Value::from(3));
            let read = Sessions::default().user(&session).await;
            assert_eq!(read, Err(Rejection::Session));
        });
    }

    #[test]
    fn the_session_cookie_key_is_derived_from_the_configured_key() {
        let material = b"0123456789abcdef0123456789abcdef-session".to_vec();
        let key = CookieKey::new(material.clone()).expect("a long enough key");
        let configured = FlowConfig::builder("http://localhost:8000")
            .cookie_key(key)
            .build()
            .expect("a valid configuration");
        let sessions = Sessions::new(&configured);
        let expected = ::cookie::Key::derive_from(&material);
        assert_eq!(sessions.cookie_key().bytes(), expected.master());
        assert_eq!(sessions.cookie_key().bytes().len(), 64);
        // Another value built from the same configuration (another worker, a restart) agrees.
        let again = Sessions::new(&configured);
        assert_eq!(again.cookie_key().bytes(), sessions.cookie_key().bytes());
        assert_eq!(
            format!("{:?}", sessions.cookie_key()),
            "SessionCookieKey([redacted])"
        );
    }

    #[test]
    fn without_a_configured_key_the_session_cookie_key_is_random_and_shared_by_clones() {
        let sessions = Sessions::new(&config("http://localhost:8000"));
        let clone = sessions.clone();
        assert_eq!(clone.cookie_key().bytes(), sessions.cookie_key().bytes());
        let other = Sessions::new(&config("http://localhost:8000"));
        assert_ne!(other.cookie_key().bytes(), sessions.cookie_key().bytes());
        assert!(!format!("{sessions:?}").contains(&format!("{:?}", sessions.cookie_key().bytes())));
    }

    #[test]
    fn the_session_cookie_is_secure_over_https_or_with_a_host_prefix() {
        let plain = config("http://localhost:8000").session_cookie();
        assert!(!plain.secure());
        assert_eq!(plain.same_site(), SameSite::Lax);
        assert!(config("https://example.com").session_cookie().secure());
        let host = FlowConfig::builder("http://localhost:8000")
            .session_cookie_name("__Host-session")
            .build()
            .expect("a valid configuration")
            .session_cookie();
        assert!(host.secure());
        assert_eq!(host.name(), "__Host-session");
        assert_eq!(host.path(), "/");
    }

    #[test]
    fn the_renewed_max_age_never_exceeds_the_lifetime() {
        let config = FlowConfig::builder("http://localhost:8000")
            .session_limits(SessionLimits::default().lifetime(Duration::from_secs(60)))
            .build()
            .expect("a valid configuration");
        let cookie = config.session_cookie();
        assert_eq!(cookie.renewed_max_age(), Duration::from_secs(60));
        assert_eq!(cookie.login_max_age(), Duration::from_secs(60));
    }

    #[test]
    fn session_cookies_repeated_in_one_joined_header_are_ambiguous_too() {
        let cookie = SessionCookie::default();
        let joined = "oauth_kit_session=a; theme=dark; oauth_kit_session=b";
        assert_eq!(
            cookie.strip_ambiguous([joined]),
            Some("theme=dark".to_owned())
        );
        let only = ["oauth_kit_session=a", "oauth_kit_session=b"];
        assert_eq!(cookie.strip_ambiguous(only), Some(String::new()));
        assert_eq!(cookie.strip_ambiguous(["theme=dark"]), None);
    }
}
