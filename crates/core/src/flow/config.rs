//! Configuration of the login flow: a builder and `from_env()`.

use std::fmt;
use std::time::Duration;

use url::{Origin, Url};

use super::limit::DEFAULT_CALLBACK_RATE_LIMIT;
use super::return_path::ReturnPath;
use crate::error::Error;
use crate::session::SessionLimits;

/// The default route prefix.
pub const DEFAULT_ROUTE_PREFIX: &str = "/auth";
/// The default destination after a successful login.
pub const DEFAULT_SUCCESS_REDIRECT: &str = "/";
/// The default destination after a failed login.
pub const DEFAULT_FAILURE_REDIRECT: &str = "/login";
/// The default lifetime of a login flow.
pub const DEFAULT_STATE_TTL: Duration = Duration::from_secs(600);
/// The default timeout of one provider request.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// The default bound on the network part of one callback (code exchange plus user info).
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(30);
/// The default name of the flow cookie.
pub const DEFAULT_COOKIE_NAME: &str = "oauth_kit_flow";
/// The default name of the session cookie the adapters set.
pub const DEFAULT_SESSION_COOKIE_NAME: &str = "oauth_kit_session";
/// The shortest accepted cookie key, in bytes.
pub const MIN_COOKIE_KEY_LEN: usize = 32;
/// The longest accepted state TTL.
const MAX_STATE_TTL: Duration = Duration::from_secs(86_400);

/// Secret key material for sealing cookies (at least 32 bytes). `Debug` is redacted.
#[derive(Clone)]
pub struct CookieKey(Vec<u8>);

impl CookieKey {
    /// Accepts key material of at least [`MIN_COOKIE_KEY_LEN`] bytes.
    pub fn new(material: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let material = material.into();
        if material.len() < MIN_COOKIE_KEY_LEN {
            return Err(Error::config(
                "OAUTH_COOKIE_KEY",
                format!(
                    "the cookie key is {} bytes long; use at least {MIN_COOKIE_KEY_LEN} random bytes \
                     (for example the output of `openssl rand -base64 48`)",
                    material.len()
                ),
            ));
        }
        Ok(Self(material))
    }

    /// The key material. Use it only to derive encryption keys.
    pub fn material(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for CookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CookieKey([redacted])")
    }
}

/// Validated configuration of the login flow.
///
/// ```
/// use oauth_kit_core::FlowConfig;
/// let config = FlowConfig::builder("http://localhost:8000").build()?;
/// assert_eq!(config.redirect_uri("bitbucket"), "http://localhost:8000/auth/bitbucket/callback");
/// # Ok::<(), oauth_kit_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FlowConfig {
    redirect_base_url: Url,
    route_prefix: String,
    success_redirect: ReturnPath,
    failure_redirect: ReturnPath,
    state_ttl: Duration,
    cookie_key: Option<CookieKey>,
    cookie_name: String,
    session_cookie_name: String,
    session_limits: SessionLimits,
    callback_rate_limit: u32,
    http_timeout: Duration,
    login_timeout: Duration,
    allowed_origins: Vec<Origin>,
}

impl FlowConfig {
    /// Starts a builder for an application reachable at `redirect_base_url`.
    pub fn builder(redirect_base_url: impl Into<String>) -> FlowConfigBuilder {
        FlowConfigBuilder {
            redirect_base_url: redirect_base_url.into(),
            route_prefix: DEFAULT_ROUTE_PREFIX.to_owned(),
            success_redirect: None,
            failure_redirect: None,
            state_ttl: DEFAULT_STATE_TTL,
            cookie_key: None,
            cookie_name: DEFAULT_COOKIE_NAME.to_owned(),
            session_cookie_name: DEFAULT_SESSION_COOKIE_NAME.to_owned(),
            session_limits: SessionLimits::default(),
            callback_rate_limit: DEFAULT_CALLBACK_RATE_LIMIT,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            login_timeout: DEFAULT_LOGIN_TIMEOUT,
            allowed_origins: Vec::new(),
        }
    }

    /// Reads the configuration from the process environment.
    ///
    /// | variable | default |
    /// |---|---|
    /// | `OAUTH_REDIRECT_BASE_URL` | required |
    /// | `OAUTH_ROUTE_PREFIX` | `/auth` |
    /// | `OAUTH_SUCCESS_REDIRECT` | `/` under the base URL's path |
    /// | `OAUTH_FAILURE_REDIRECT` | `/login` under the base URL's path |
    /// | `OAUTH_STATE_TTL` | `600` (seconds) |
    /// | `OAUTH_COOKIE_KEY` | a random key per process, with a warning |
    /// | `OAUTH_HTTP_TIMEOUT_SECS` | `10` |
    /// | `OAUTH_LOGIN_TIMEOUT_SECS` | `30` (the whole network part of one callback) |
    /// | `OAUTH_ALLOWED_ORIGINS` | none (comma-separated origins for absolute return URLs) |
    /// | `OAUTH_FLOW_COOKIE_NAME` | `oauth_kit_flow` (`__Host-` names live at `Path=/`) |
    /// | `OAUTH_SESSION_COOKIE_NAME` | `oauth_kit_session` |
    /// | `OAUTH_SESSION_CAP` | `100000` sessions held in memory |
    /// | `OAUTH_SESSIONS_PER_USER` | `16` sessions of one provider account |
    /// | `OAUTH_SESSION_IDLE_SECS` | `86400` (a session unused for a day ends) |
    /// | `OAUTH_SESSION_LIFETIME_SECS` | `604800` (a session ends 7 days after its login) |
    /// | `OAUTH_CALLBACK_RATE_LIMIT` | `30` callbacks per minute per client address that reach the token endpoint (`0`: no limit) |
    ///
    /// Empty variables count as unset. Invalid values fail with a message naming the variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (for tests and custom sources).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let base = get("OAUTH_REDIRECT_BASE_URL").ok_or_else(|| {
            Error::config(
                "OAUTH_REDIRECT_BASE_URL",
                "not set; set it to the public URL of this application, for example \
                 http://localhost:8000 in development",
            )
        })?;
        let mut builder = FlowConfig::builder(base);
        if let Some(prefix) = get("OAUTH_ROUTE_PREFIX") {
            builder = builder.route_prefix(prefix);
        }
        if let Some(path) = get("OAUTH_SUCCESS_REDIRECT") {
            builder = builder.success_redirect(path);
        }
        if let Some(path) = get("OAUTH_FAILURE_REDIRECT") {
            builder = builder.failure_redirect(path);
        }
        if let Some(ttl) = get("OAUTH_STATE_TTL") {
            builder = builder.state_ttl(Duration::from_secs(parse_secs("OAUTH_STATE_TTL", &ttl)?));
        }
        if let Some(secs) = get("OAUTH_HTTP_TIMEOUT_SECS") {
            builder = builder.http_timeout(Duration::from_secs(parse_secs(
                "OAUTH_HTTP_TIMEOUT_SECS",
                &secs,
            )?));
        }
        if let Some(secs) = get("OAUTH_LOGIN_TIMEOUT_SECS") {
            builder = builder.login_timeout(Duration::from_secs(parse_secs(
                "OAUTH_LOGIN_TIMEOUT_SECS",
                &secs,
            )?));
        }
        if let Some(key) = lookup("OAUTH_COOKIE_KEY").filter(|k| !k.is_empty()) {
            builder = builder.cookie_key(CookieKey::new(key.into_bytes())?);
        }
        if let Some(name) = get("OAUTH_FLOW_COOKIE_NAME") {
            builder = builder.cookie_name(name.trim());
        }
        if let Some(name) = get("OAUTH_SESSION_COOKIE_NAME") {
            builder = builder.session_cookie_name(name.trim());
        }
        let mut limits = SessionLimits::default();
        if let Some(cap) = get("OAUTH_SESSION_CAP") {
            limits = limits.cap(parse_count("OAUTH_SESSION_CAP", &cap)?);
        }
        if let Some(n) = get("OAUTH_SESSIONS_PER_USER") {
            limits = limits.per_user(parse_count("OAUTH_SESSIONS_PER_USER", &n)?);
        }
        if let Some(secs) = get("OAUTH_SESSION_IDLE_SECS") {
            limits = limits.idle_timeout(Duration::from_secs(parse_secs(
                "OAUTH_SESSION_IDLE_SECS",
                &secs,
            )?));
        }
        if let Some(secs) = get("OAUTH_SESSION_LIFETIME_SECS") {
            limits = limits.lifetime(Duration::from_secs(parse_secs(
                "OAUTH_SESSION_LIFETIME_SECS",
                &secs,
            )?));
        }
        builder = builder.session_limits(limits);
        if let Some(n) = get("OAUTH_CALLBACK_RATE_LIMIT") {
            let n = parse_count("OAUTH_CALLBACK_RATE_LIMIT", &n)?;
            builder = builder.callback_rate_limit(u32::try_from(n).unwrap_or(u32::MAX));
        }
        if let Some(origins) = get("OAUTH_ALLOWED_ORIGINS") {
            for origin in origins.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                builder = builder.allow_origin(origin);
            }
        }
        builder.build_for_env()
    }

    /// The application's public base URL.
    pub fn redirect_base_url(&self) -> &Url {
        &self.redirect_base_url
    }

    /// The route prefix, starting with `/` and without a trailing slash (`""` for the root).
    pub fn route_prefix(&self) -> &str {
        &self.route_prefix
    }

    /// The route prefix as the browser sees it: the base URL's path followed by the route
    /// prefix (`/auth`, or `/app/auth` for the base URL `https://example.com/app`). Adapters
    /// mount their routes here, so a reverse proxy forwards paths unchanged.
    pub fn public_prefix(&self) -> String {
        let base = self.redirect_base_url.path().trim_end_matches('/');
        format!("{base}{}", self.route_prefix)
    }

    /// The path under which the flow cookie is sent: [`public_prefix`](Self::public_prefix),
    /// or `/` when it is empty or when the flow cookie has a `__Host-` name (browsers accept
    /// such a cookie only at `Path=/`).
    pub fn cookie_path(&self) -> String {
        let path = self.public_prefix();
        if path.is_empty() || has_host_prefix(&self.cookie_name) {
            "/".to_owned()
        } else {
            path
        }
    }

    /// The application's home as the browser sees it: the base URL's path with a trailing
    /// slash (`/`, or `/app/`). Logout redirects here.
    pub fn home_path(&self) -> String {
        format!("{}/", self.redirect_base_url.path().trim_end_matches('/'))
    }

    /// The exact callback URL of `provider`: base URL + route prefix + `/{provider}/callback`.
    pub fn redirect_uri(&self, provider: &str) -> String {
        let base = self.redirect_base_url.as_str().trim_end_matches('/');
        format!("{base}{}/{provider}/callback", self.route_prefix)
    }

    /// Where a successful login goes when no valid return path was given.
    pub fn success_redirect(&self) -> &ReturnPath {
        &self.success_redirect
    }

    /// Where a failed login goes.
    pub fn failure_redirect(&self) -> &ReturnPath {
        &self.failure_redirect
    }

    /// The failure destination with `error=<code>` added to its query.
    ///
    /// ```
    /// use oauth_kit_core::FlowConfig;
    /// let config = FlowConfig::builder("http://localhost:8000")
    ///     .failure_redirect("/login?lang=en")
    ///     .build()?;
    /// assert_eq!(config.failure_location("state_mismatch"), "/login?lang=en&error=state_mismatch");
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn failure_location(&self, code: &str) -> String {
        let target = self.failure_redirect.as_str();
        let (before_fragment, fragment) = match target.split_once('#') {
            Some((head, frag)) => (head, Some(frag)),
            None => (target, None),
        };
        let mut out = before_fragment.to_owned();
        out.push(if before_fragment.contains('?') {
            '&'
        } else {
            '?'
        });
        out.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .append_pair("error", code)
                .finish(),
        );
        if let Some(frag) = fragment {
            out.push('#');
            out.push_str(frag);
        }
        out
    }

    /// How long a login flow stays valid.
    pub fn state_ttl(&self) -> Duration {
        self.state_ttl
    }

    /// The configured cookie key, if any.
    pub fn cookie_key(&self) -> Option<&CookieKey> {
        self.cookie_key.as_ref()
    }

    /// The flow cookie's name.
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// Whether cookies get the `Secure` attribute because the base URL is https. A cookie with
    /// a `__Host-` or `__Secure-` name gets it in any case ([`cookie_secure`](Self::cookie_secure)).
    pub fn secure_cookies(&self) -> bool {
        self.redirect_base_url.scheme() == "https"
    }

    /// Whether the cookie `name` gets the `Secure` attribute: when the base URL is https, and
    /// always for a `__Host-` or `__Secure-` name, which browsers accept only with it (on
    /// `http://localhost` too).
    pub fn cookie_secure(&self, name: &str) -> bool {
        self.secure_cookies() || has_secure_prefix(name)
    }

    /// The name of the session cookie the adapters set (default `oauth_kit_session`). A
    /// `__Host-` name (`__Host-oauth_kit_session`) cannot be set or overwritten from a sibling
    /// subdomain; the adapters always give the session cookie `Path=/` and no `Domain`.
    pub fn session_cookie_name(&self) -> &str {
        &self.session_cookie_name
    }

    /// The session cookie's attributes, the same for every adapter.
    pub fn session_cookie(&self) -> super::SessionCookie {
        super::SessionCookie::new(self)
    }

    /// The bounds of sessions held in memory and their idle timeout and absolute lifetime.
    pub fn session_limits(&self) -> SessionLimits {
        self.session_limits
    }

    /// How many callbacks per minute one client address may send to the token endpoint
    /// (0: no limit).
    pub fn callback_rate_limit(&self) -> u32 {
        self.callback_rate_limit
    }

    /// Whether a state-changing request (a `POST` such as logout) comes from this site, read
    /// from the browser's `Sec-Fetch-Site` and `Origin` headers: with `Sec-Fetch-Site`, only
    /// `same-origin` and `none` (typed by the user) pass; otherwise an `Origin` must be the
    /// redirect base URL's origin. A request with neither header is not from a browser that
    /// could be made to send it cross-site, and passes.
    ///
    /// ```
    /// use oauth_kit_core::FlowConfig;
    /// let config = FlowConfig::builder("https://app.example.com").build()?;
    /// assert!(config.is_same_origin_request(Some("https://app.example.com"), None));
    /// assert!(!config.is_same_origin_request(Some("https://evil.example"), None));
    /// assert!(!config.is_same_origin_request(None, Some("cross-site")));
    /// assert!(config.is_same_origin_request(None, Some("same-origin")));
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn is_same_origin_request(
        &self,
        origin: Option<&str>,
        sec_fetch_site: Option<&str>,
    ) -> bool {
        if let Some(site) = sec_fetch_site {
            return matches!(site.trim(), "same-origin" | "none");
        }
        match origin {
            None => true,
            Some(origin) => origin.trim() == self.redirect_base_url.origin().ascii_serialization(),
        }
    }

    /// The timeout of one provider request.
    pub fn http_timeout(&self) -> Duration {
        self.http_timeout
    }

    /// The bound on the network part of one callback: the code exchange, the user info, and
    /// any pagination and retries behind them.
    pub fn login_timeout(&self) -> Duration {
        self.login_timeout
    }

    /// Origins allowed as absolute return URLs.
    pub fn allowed_origins(&self) -> &[Origin] {
        &self.allowed_origins
    }
}

/// Whether `name` starts with `__Host-` (compared as browsers do, ignoring case).
fn has_host_prefix(name: &str) -> bool {
    name.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("__Host-"))
}

/// Whether `name` starts with `__Host-` or `__Secure-`.
fn has_secure_prefix(name: &str) -> bool {
    has_host_prefix(name)
        || name
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("__Secure-"))
}

fn parse_count(variable: &str, value: &str) -> Result<usize, Error> {
    value.trim().parse::<usize>().map_err(|_| {
        Error::config(
            variable,
            format!("`{}` is not a whole number", value.escape_debug()),
        )
    })
}

fn parse_secs(variable: &str, value: &str) -> Result<u64, Error> {
    value.trim().parse::<u64>().map_err(|_| {
        Error::config(
            variable,
            format!(
                "`{}` is not a whole number of seconds",
                value.escape_debug()
            ),
        )
    })
}

/// Builder of [`FlowConfig`]; [`build`](Self::build) validates everything at once.
#[derive(Debug, Clone)]
pub struct FlowConfigBuilder {
    redirect_base_url: String,
    route_prefix: String,
    success_redirect: Option<String>,
    failure_redirect: Option<String>,
    state_ttl: Duration,
    cookie_key: Option<CookieKey>,
    cookie_name: String,
    session_cookie_name: String,
    session_limits: SessionLimits,
    callback_rate_limit: u32,
    http_timeout: Duration,
    login_timeout: Duration,
    allowed_origins: Vec<String>,
}

impl FlowConfigBuilder {
    /// Sets the route prefix (default `/auth`).
    pub fn route_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.route_prefix = prefix.into();
        self
    }

    /// Sets the destination after a successful login, as the browser sees it (default `/`
    /// under the base URL's path).
    pub fn success_redirect(mut self, path: impl Into<String>) -> Self {
        self.success_redirect = Some(path.into());
        self
    }

    /// Sets the destination after a failed login, as the browser sees it (default `/login`
    /// under the base URL's path).
    pub fn failure_redirect(mut self, path: impl Into<String>) -> Self {
        self.failure_redirect = Some(path.into());
        self
    }

    /// Sets the lifetime of a login flow (default 600 s).
    pub fn state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }

    /// Sets the key that seals flow cookies. Instances behind one load balancer share it.
    pub fn cookie_key(mut self, key: CookieKey) -> Self {
        self.cookie_key = Some(key);
        self
    }

    /// Sets the flow cookie's name (default `oauth_kit_flow`). A `__Host-` name
    /// (`__Host-oauth_kit_flow`) puts the cookie at `Path=/` with `Secure`, where a sibling
    /// subdomain cannot set or overwrite it.
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = name.into();
        self
    }

    /// Sets the session cookie's name (default `oauth_kit_session`); see
    /// [`FlowConfig::session_cookie_name`].
    pub fn session_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.session_cookie_name = name.into();
        self
    }

    /// Sets the bounds of in-memory sessions, their idle timeout and absolute lifetime.
    pub fn session_limits(mut self, limits: SessionLimits) -> Self {
        self.session_limits = limits;
        self
    }

    /// Sets how many callbacks per minute one client address may send to the token endpoint
    /// (default 30; 0 switches the limit off).
    pub fn callback_rate_limit(mut self, per_minute: u32) -> Self {
        self.callback_rate_limit = per_minute;
        self
    }

    /// Sets the timeout of one provider request (default 10 s).
    pub fn http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// Sets the bound on the network part of one callback (default 30 s, at least the HTTP
    /// timeout).
    pub fn login_timeout(mut self, timeout: Duration) -> Self {
        self.login_timeout = timeout;
        self
    }

    /// Allows absolute return URLs on `origin` (for example `https://app.example.com`).
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins.push(origin.into());
        self
    }

    /// Validates and builds the configuration. Error messages name the builder option.
    pub fn build(self) -> Result<FlowConfig, Error> {
        self.build_with_names(&Names::BUILDER)
    }

    fn build_for_env(self) -> Result<FlowConfig, Error> {
        self.build_with_names(&Names::ENV)
    }

    fn build_with_names(self, names: &Names) -> Result<FlowConfig, Error> {
        let redirect_base_url = parse_base_url(names.base_url, &self.redirect_base_url)?;

        let prefix = self.route_prefix.trim().trim_end_matches('/');
        let prefix_ok = prefix.is_empty()
            || (prefix.starts_with('/')
                && !prefix.contains("//")
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_.~".contains(&b)));
        if !prefix_ok {
            return Err(Error::config(
                names.prefix,
                format!(
                    "`{}` must be a path such as /auth (letters, digits, '/', '-', '_', '.', '~')",
                    self.route_prefix.escape_debug()
                ),
            ));
        }

        let path = |name: &str, value: &str| {
            ReturnPath::parse(value, &[]).ok_or_else(|| {
                Error::config(
                    name,
                    format!(
                        "`{}` must be a path on this site, such as /",
                        value.escape_debug()
                    ),
                )
            })
        };
        // Unset redirects default to paths under the base URL's path, as the browser sees them.
        let base_path = redirect_base_url.path().trim_end_matches('/').to_owned();
        let success_redirect = path(
            names.success,
            &self
                .success_redirect
                .unwrap_or_else(|| format!("{base_path}{DEFAULT_SUCCESS_REDIRECT}")),
        )?;
        let failure_redirect = path(
            names.failure,
            &self
                .failure_redirect
                .unwrap_or_else(|| format!("{base_path}{DEFAULT_FAILURE_REDIRECT}")),
        )?;

        if self.state_ttl.is_zero() || self.state_ttl > MAX_STATE_TTL {
            return Err(Error::config(
                names.ttl,
                "the state TTL must be between 1 second and 1 day (default 600 seconds)",
            ));
        }
        if self.http_timeout.is_zero() || self.http_timeout > Duration::from_secs(300) {
            return Err(Error::config(
                names.timeout,
                "the HTTP timeout must be between 1 and 300 seconds (default 10)",
            ));
        }
        if self.login_timeout < self.http_timeout || self.login_timeout > Duration::from_secs(600) {
            return Err(Error::config(
                names.login_timeout,
                "the login timeout must be at least the HTTP timeout and at most 600 seconds \
                 (default 30)",
            ));
        }
        let name_ok = |name: &str| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if !name_ok(&self.cookie_name) {
            return Err(Error::config(
                names.flow_cookie,
                "use letters, digits, '_' and '-' only",
            ));
        }
        if !name_ok(&self.session_cookie_name) {
            return Err(Error::config(
                names.session_cookie,
                "use letters, digits, '_' and '-' only",
            ));
        }
        if self.cookie_name == self.session_cookie_name {
            return Err(Error::config(
                names.session_cookie,
                "the session cookie needs another name than the flow cookie",
            ));
        }
        if self.session_limits.idle_timeout.is_zero() || self.session_limits.lifetime.is_zero() {
            return Err(Error::config(
                names.session_lifetime,
                "the session idle timeout and lifetime must be at least 1 second",
            ));
        }

        let mut allowed_origins = Vec::new();
        for origin in &self.allowed_origins {
            let url = Url::parse(origin).ok().filter(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.path() == "/"
                    && u.query().is_none()
                    && u.fragment().is_none()
                    && u.username().is_empty()
                    && u.password().is_none()
            });
            match url {
                Some(u) => allowed_origins.push(u.origin()),
                None => {
                    return Err(Error::config(
                        names.origins,
                        format!(
                            "`{}` is not an origin such as https://app.example.com",
                            origin.escape_debug()
                        ),
                    ));
                }
            }
        }

        Ok(FlowConfig {
            redirect_base_url,
            route_prefix: prefix.to_owned(),
            success_redirect,
            failure_redirect,
            state_ttl: self.state_ttl,
            cookie_key: self.cookie_key,
            cookie_name: self.cookie_name,
            session_cookie_name: self.session_cookie_name,
            session_limits: self.session_limits,
            callback_rate_limit: self.callback_rate_limit,
            http_timeout: self.http_timeout,
            login_timeout: self.login_timeout,
            allowed_origins,
        })
    }
}

struct Names {
    base_url: &'static str,
    prefix: &'static str,
    success: &'static str,
    failure: &'static str,
    ttl: &'static str,
    timeout: &'static str,
    login_timeout: &'static str,
    origins: &'static str,
    flow_cookie: &'static str,
    session_cookie: &'static str,
    session_lifetime: &'static str,
}

impl Names {
    const ENV: Names = Names {
        base_url: "OAUTH_REDIRECT_BASE_URL",
        prefix: "OAUTH_ROUTE_PREFIX",
        success: "OAUTH_SUCCESS_REDIRECT",
        failure: "OAUTH_FAILURE_REDIRECT",
        ttl: "OAUTH_STATE_TTL",
        timeout: "OAUTH_HTTP_TIMEOUT_SECS",
        login_timeout: "OAUTH_LOGIN_TIMEOUT_SECS",
        origins: "OAUTH_ALLOWED_ORIGINS",
        flow_cookie: "OAUTH_FLOW_COOKIE_NAME",
        session_cookie: "OAUTH_SESSION_COOKIE_NAME",
        session_lifetime: "OAUTH_SESSION_LIFETIME_SECS",
    };
    const BUILDER: Names = Names {
        base_url: "redirect_base_url (OAUTH_REDIRECT_BASE_URL)",
        prefix: "route_prefix (OAUTH_ROUTE_PREFIX)",
        success: "success_redirect (OAUTH_SUCCESS_REDIRECT)",
        failure: "failure_redirect (OAUTH_FAILURE_REDIRECT)",
        ttl: "state_ttl (OAUTH_STATE_TTL)",
        timeout: "http_timeout (OAUTH_HTTP_TIMEOUT_SECS)",
        login_timeout: "login_timeout (OAUTH_LOGIN_TIMEOUT_SECS)",
        origins: "allow_origin (OAUTH_ALLOWED_ORIGINS)",
        flow_cookie: "cookie_name",
        session_cookie: "session_cookie_name (OAUTH_SESSION_COOKIE_NAME)",
        session_lifetime: "session_limits (OAUTH_SESSION_LIFETIME_SECS)",
    };
}

fn parse_base_url(name: &str, value: &str) -> Result<Url, Error> {
    let url = Url::parse(value.trim()).map_err(|e| {
        Error::config(
            name,
            format!(
                "`{}` is not a URL ({e}); use for example https://app.example.com",
                value.escape_debug()
            ),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::config(
            name,
            "the redirect base URL must be an http(s) URL with a host",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(Error::config(
            name,
            "the redirect base URL must not carry a query, a fragment or user info",
        ));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(Error::config(
            name,
            "the redirect base URL must use https (plain http is accepted only for localhost \
             and loopback addresses)",
        ));
    }
    Ok(url)
}

pub use crate::endpoint::is_loopback;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_never_doubles_slashes() {
        for (base, prefix) in [
            ("http://localhost:8000", "/auth"),
            ("http://localhost:8000/", "/auth/"),
            ("http://localhost:8000/", "auth"),
        ] {
            let result = FlowConfig::builder(base).route_prefix(prefix).build();
            if prefix == "auth" {
                assert!(result.is_err());
                continue;
            }
            assert_eq!(
                result.expect("valid").redirect_uri("bitbucket"),
                "http://localhost:8000/auth/bitbucket/callback"
            );
        }
        let nested = FlowConfig::builder("https://example.com/app/")
            .route_prefix("/")
            .build()
            .expect("valid");
        assert_eq!(
            nested.redirect_uri("x"),
            "https://example.com/app/x/callback"
        );
        assert_eq!(nested.cookie_path(), "/app");
        let prefixed = FlowConfig::builder("https://example.com/app")
            .build()
            .expect("valid");
        assert_eq!(
            prefixed.redirect_uri("x"),
            "https://example.com/app/auth/x/callback"
        );
        assert_eq!(prefixed.cookie_path(), "/app/auth");
        assert_eq!(prefixed.public_prefix(), "/app/auth");
        assert_eq!(prefixed.home_path(), "/app/");
        assert_eq!(prefixed.success_redirect().as_str(), "/app/");
        assert_eq!(prefixed.failure_redirect().as_str(), "/app/login");
        let root = FlowConfig::builder("http://localhost:8000")
            .route_prefix("/")
            .build()
            .expect("valid");
        assert_eq!(root.cookie_path(), "/");
    }

    #[test]
    fn failure_location_adds_the_code_properly() {
        let config = FlowConfig::builder("http://127.0.0.1:1")
            .build()
            .expect("valid");
        assert_eq!(
            config.failure_location("access_denied"),
            "/login?error=access_denied"
        );
        assert_eq!(config.failure_location("a b&c"), "/login?error=a+b%26c");
    }
}
