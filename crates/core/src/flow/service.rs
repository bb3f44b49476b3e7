//! The login service: `begin` and `complete`.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::callback::CallbackParams;
use super::config::FlowConfig;
use super::cookie::{FlowCookie, cookie_values};
use super::limit::CallbackLimiter;
use super::record::FlowRecord;
use super::return_path::ReturnPath;
use super::store::{CookieStore, StateStore};
use crate::error::{Error, ProviderContext, Stage};
use crate::http::{HttpClient, HttpConfig};
use crate::oidc::check_callback_issuer;
use crate::pkce::PkceVerifier;
use crate::provider::{
    AuthorizationRequest, AuthorizeOptions, LoginContext, OAuthProvider, ProviderRegistry,
};
use crate::sanitize::LogSafe;
use crate::secret::{AuthorizationCode, CsrfState, Nonce};
use crate::token::OAuthToken;
use crate::user::OAuthUserInfo;

/// Per-request options of [`LoginService::begin`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BeginOptions {
    /// Where to go after the login (the `next` query parameter). Checked by the return-path
    /// policy; a rejected value falls back to the success redirect.
    pub return_to: Option<String>,
    /// Extra scopes, `prompt`, `login_hint` and other authorization parameters.
    pub authorize: AuthorizeOptions,
}

impl BeginOptions {
    /// Sets the requested return path.
    pub fn return_to(mut self, path: impl Into<String>) -> Self {
        self.return_to = Some(path.into());
        self
    }

    /// Sets the authorization options.
    pub fn authorize(mut self, options: AuthorizeOptions) -> Self {
        self.authorize = options;
        self
    }

    /// Reads the login route's query string: `next`, `prompt` and `login_hint`. It never
    /// fails: a parameter that is repeated or empty is ignored (so a doubtful `next` falls back
    /// to the success redirect), and unknown parameters are ignored.
    ///
    /// ```
    /// use oauth_kit_core::BeginOptions;
    /// let options = BeginOptions::from_query("next=%2Frepos&prompt=login&next=%2Fother");
    /// assert_eq!(options.return_to, None);
    /// assert_eq!(options.authorize.prompt.as_deref(), Some("login"));
    /// ```
    pub fn from_query(query: &str) -> Self {
        let query = query.strip_prefix('?').unwrap_or(query);
        let single = |name: &str| {
            let mut values = url::form_urlencoded::parse(query.as_bytes())
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned());
            match (values.next(), values.next()) {
                (Some(v), None) if !v.is_empty() => Some(v),
                _ => None,
            }
        };
        let authorize = AuthorizeOptions {
            prompt: single("prompt"),
            login_hint: single("login_hint"),
            ..AuthorizeOptions::default()
        };
        Self {
            return_to: single("next"),
            authorize,
        }
    }
}

/// What [`LoginService::begin`] produced: send the browser to `authorization_url` with
/// `cookie` set. `Debug` redacts the `state` and `nonce` in the URL and the cookie value.
#[derive(Clone)]
#[non_exhaustive]
pub struct BeginOutcome {
    /// The provider's authorization URL.
    pub authorization_url: Url,
    /// The flow cookie to set.
    pub cookie: FlowCookie,
}

impl std::fmt::Debug for BeginOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut url = self.authorization_url.clone();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = matches!(k.as_ref(), "state" | "nonce");
                (
                    k.into_owned(),
                    if secret {
                        "[redacted]".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        crate::oauth2::encode_query_spaces_as_percent20(&mut url);
        f.debug_struct("BeginOutcome")
            .field("authorization_url", &url.as_str())
            .field("cookie", &self.cookie)
            .finish()
    }
}

/// A completed login.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LoginSuccess {
    /// The normalized user.
    pub user: OAuthUserInfo,
    /// The token (keep it server-side; it is redacted in `Debug`).
    pub token: OAuthToken,
    /// Where to send the browser now.
    pub return_to: ReturnPath,
}

/// The outcome of [`LoginService::complete`]: the result and, when the callback's `state`
/// matched this browser's flow, the cookie that clears the flow cookie.
#[derive(Debug)]
#[non_exhaustive]
pub struct Completion {
    /// The login, or the check that failed.
    pub result: Result<LoginSuccess, Error>,
    /// The cookie that removes the flow cookie: `Some` exactly when the callback's `state`
    /// matched the flow cookie's (the flow is then used up, whatever the result); set it. A
    /// callback that did not match (junk, forged, from another tab, without a cookie) leaves
    /// the browser's login in progress alone, so a cross-site link to the callback cannot
    /// cancel it.
    pub clear_cookie: Option<FlowCookie>,
}

#[derive(Debug)]
struct Inner {
    registry: ProviderRegistry,
    config: FlowConfig,
    store: Arc<dyn StateStore>,
    http: HttpClient,
    limiter: CallbackLimiter,
}

/// The login flow: the provider registry, the configuration, a state store and the shared
/// HTTP client. Cheap to clone.
///
/// ```
/// use oauth_kit_core::{BeginOptions, FlowConfig, LoginService, ProviderRegistry};
///
/// # async fn run(registry: ProviderRegistry) -> Result<(), oauth_kit_core::Error> {
/// let config = FlowConfig::builder("http://localhost:8000").build()?;
/// let service = LoginService::new(registry, config)?;
///
/// // GET /auth/bitbucket/login?next=/repos
/// let begin = service
///     .begin("bitbucket", BeginOptions::default().return_to("/repos"))
///     .await?;
/// // -> 303 to begin.authorization_url, Set-Cookie: begin.cookie.to_header_value()
///
/// // GET /auth/bitbucket/callback?code=...&state=..., with the request's Cookie header(s)
/// let cookie_header = format!("oauth_kit_flow={}", begin.cookie.value());
/// let done = service
///     .complete_with_cookie_headers("bitbucket", "code=abc&state=xyz", [cookie_header.as_str()])
///     .await;
/// match done.result {
///     Ok(login) => println!("welcome {}, go to {}", login.user.oauth_id, login.return_to),
///     Err(err) => println!("failed: {}", service.config().failure_location(err.code())),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct LoginService {
    inner: Arc<Inner>,
}

impl LoginService {
    /// A service with the default store (sealed cookies) and a default HTTP client using the
    /// configured timeout.
    ///
    /// Without a configured cookie key, a random per-process key is used and a warning is
    /// logged: logins then fail across restarts and instances.
    pub fn new(registry: ProviderRegistry, config: FlowConfig) -> Result<Self, Error> {
        Self::builder(registry, config).build()
    }

    /// A builder for a custom store or HTTP client.
    pub fn builder(registry: ProviderRegistry, config: FlowConfig) -> LoginServiceBuilder {
        LoginServiceBuilder {
            registry,
            config,
            store: None,
            http: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FlowConfig {
        &self.inner.config
    }

    /// The providers.
    pub fn registry(&self) -> &ProviderRegistry {
        &self.inner.registry
    }

    /// The shared HTTP client (use it for your own calls with the login's token).
    pub fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    /// The callback URL of `provider`.
    pub fn redirect_uri(&self, provider: &str) -> String {
        self.inner.config.redirect_uri(provider)
    }

    /// `(provider, exact callback URL)` for every registered provider, to log at start-up and
    /// paste into each provider's OAuth settings.
    pub fn callback_urls(&self) -> Vec<(String, String)> {
        self.inner
            .registry
            .names()
            .map(|name| (name.to_owned(), self.redirect_uri(name)))
            .collect()
    }

    /// The cookie that clears the flow cookie.
    pub fn clear_cookie(&self) -> FlowCookie {
        let config = &self.inner.config;
        FlowCookie::new(
            config.cookie_name(),
            String::new(),
            &config.cookie_path(),
            Duration::ZERO,
            config.cookie_secure(config.cookie_name()),
        )
    }

    /// The cookie that clears the flow cookie of a login with `provider`: the same attributes
    /// as the cookie that `begin` set (`SameSite=None; Secure` for a form-post provider).
    pub fn clear_cookie_for(&self, provider: &str) -> FlowCookie {
        self.clear_cookie()
            .cross_site(self.uses_form_post(provider))
    }

    /// Whether `provider` answers with a cross-site form POST (`response_mode=form_post`):
    /// adapters accept a POST callback only for such providers, and pass its form body to
    /// [`complete`](Self::complete) in place of the query string.
    pub fn uses_form_post(&self, provider: &str) -> bool {
        self.inner
            .registry
            .get(provider)
            .is_some_and(|p| p.capabilities().form_post)
    }

    /// Starts a login: generates the state (and a PKCE verifier and nonce where the provider
    /// uses them), stores the flow record, and builds the authorization URL.
    pub async fn begin(
        &self,
        provider: &str,
        options: BeginOptions,
    ) -> Result<BeginOutcome, Error> {
        let provider_impl = self.provider(provider)?;
        let config = &self.inner.config;
        // OpenID Connect discovery (once; then from the cache) gives endpoints and
        // capabilities.
        provider_impl.prepare(&self.inner.http).await?;
        let capabilities = provider_impl.capabilities();

        let state = CsrfState::generate()?;
        let verifier = if capabilities.pkce {
            Some(PkceVerifier::generate()?)
        } else {
            None
        };
        let challenge = verifier.as_ref().map(PkceVerifier::challenge);
        let nonce = if capabilities.openid_connect {
            Some(Nonce::generate()?)
        } else {
            None
        };
        let return_path = ReturnPath::parse_or(
            options.return_to.as_deref(),
            config.allowed_origins(),
            config.success_redirect(),
        );

        let redirect_uri = config.redirect_uri(provider_impl.name());
        let mut request = AuthorizationRequest::new(&redirect_uri, &state, &options.authorize);
        if let Some(challenge) = &challenge {
            request = request.with_pkce(challenge);
        }
        if let Some(nonce) = &nonce {
            request = request.with_nonce(nonce);
        }
        let authorization_url = provider_impl.authorization_url(&request)?;

        let record = FlowRecord::new(
            provider_impl.name(),
            &state,
            verifier.as_ref(),
            nonce.as_ref(),
            return_path,
        );
        let value = self.inner.store.save(&record, config.state_ttl()).await?;
        let cookie = FlowCookie::new(
            config.cookie_name(),
            value,
            &config.cookie_path(),
            config.state_ttl(),
            config.cookie_secure(config.cookie_name()),
        )
        .cross_site(capabilities.form_post);
        tracing::debug!(provider = provider_impl.name(), "login started");
        Ok(BeginOutcome {
            authorization_url,
            cookie,
        })
    }

    /// Completes a login from the callback's raw query string (or, for a form-post provider,
    /// the POST's `application/x-www-form-urlencoded` body) and the flow cookie.
    ///
    /// The checks run in this order, each with its own error: the query parses (no repeated
    /// `code`, `state`, `error` or `iss`); `state` is present; the flow cookie is present and
    /// intact; the state matches (constant time); the flow has not expired; it was started for
    /// this provider; `iss` matches where the provider declares RFC 9207 support (for an
    /// OpenID Connect provider, after its discovery document is read, from the cache when it
    /// was read before); the flow was not completed before ([`StateStore::mark_used`]); the
    /// provider did not answer `error=`; a code is present; the flow record holds a valid PKCE
    /// verifier where it has one and, for an OpenID Connect provider, a nonce (otherwise
    /// [`Error::InvalidFlowCookie`]); the provider accepts the callback's further parameters it
    /// needs ([`OAuthProvider::exchange_login_code`]). Only then the code is exchanged (with
    /// those parameters) and the user fetched (for OpenID Connect: the ID token validated with
    /// the nonce of this browser's flow record, which it must carry), within one deadline
    /// ([`FlowConfig::login_timeout`]). No token
    /// request is made for a callback that failed a check.
    pub async fn complete(
        &self,
        provider: &str,
        query: &str,
        flow_cookie: Option<&str>,
    ) -> Completion {
        self.complete_for(None, provider, query, flow_cookie).await
    }

    async fn complete_for(
        &self,
        client: Option<&str>,
        provider: &str,
        query: &str,
        flow_cookie: Option<&str>,
    ) -> Completion {
        let mut matched = false;
        let result = self
            .complete_inner(client, provider, query, flow_cookie, &mut matched)
            .await;
        match &result {
            Ok(login) => tracing::info!(
                provider = %login.user.provider,
                oauth_id = %LogSafe(&login.user.oauth_id),
                "login completed"
            ),
            // An unreachable store is the operator's problem, not the browser's: it is logged
            // as an error.
            Err(err) if err.is_store_unavailable() => {
                tracing::error!(provider, code = err.code(), error = %err, "login failed")
            }
            Err(err) => tracing::warn!(provider, code = err.code(), error = %err, "login failed"),
        }
        Completion {
            result,
            clear_cookie: matched.then(|| self.clear_cookie_for(provider)),
        }
    }

    /// Like [`complete`](Self::complete), reading the flow cookie from the request's `Cookie`
    /// header values. More than one flow cookie (for example one planted from a sibling
    /// subdomain) is refused with [`Error::InvalidFlowCookie`].
    pub async fn complete_with_cookie_headers<'h>(
        &self,
        provider: &str,
        query: &str,
        cookie_headers: impl IntoIterator<Item = &'h str>,
    ) -> Completion {
        self.complete_from(None, provider, query, cookie_headers)
            .await
    }

    /// Like [`complete_with_cookie_headers`](Self::complete_with_cookie_headers), for a
    /// request from `client` (the peer address, as the adapters pass it): a callback that
    /// passed every check and is about to reach the token endpoint counts against that
    /// client's limit ([`FlowConfig::callback_rate_limit`]); past it the callback fails with
    /// [`Error::RateLimited`] and no token request. The limit is checked after the state
    /// checks, which use the flow up: a rate-limited callback cannot be retried, and the user
    /// starts a new login. With `None` no limit applies.
    pub async fn complete_from<'h>(
        &self,
        client: Option<&str>,
        provider: &str,
        query: &str,
        cookie_headers: impl IntoIterator<Item = &'h str>,
    ) -> Completion {
        let name = self.inner.config.cookie_name();
        let mut values = cookie_headers
            .into_iter()
            .flat_map(|header| cookie_values(header, name));
        let first = values.next();
        let several = values.next().is_some();
        if several {
            let result = Err(Error::InvalidFlowCookie);
            tracing::warn!(
                provider,
                code = "flow_invalid",
                "login failed: several flow cookies were sent"
            );
            return Completion {
                result,
                clear_cookie: None,
            };
        }
        self.complete_for(client, provider, query, first.as_deref())
            .await
    }

    async fn complete_inner(
        &self,
        client: Option<&str>,
        provider: &str,
        query: &str,
        flow_cookie: Option<&str>,
        matched: &mut bool,
    ) -> Result<LoginSuccess, Error> {
        let provider_impl = self.provider(provider)?;
        let (record, params) = self
            .check_callback(provider_impl.as_ref(), query, flow_cookie, matched)
            .await?;

        if let Some(error) = params.error {
            return Err(Error::AuthorizationDenied {
                error,
                description: params.error_description,
            });
        }
        let code = AuthorizationCode::new(params.code.ok_or(Error::MissingCode)?);
        // The record must hold what this login needs before any token request: a verifier
        // that parses, and for OpenID Connect the nonce, since without it the ID token's nonce
        // could not be checked. A custom store, or a record written by another version, may
        // lack them; such a flow fails closed.
        let verifier = record.pkce_verifier()?;
        let nonce = record.nonce();
        if provider_impl.capabilities().openid_connect && nonce.is_none() {
            return Err(Error::InvalidFlowCookie);
        }
        if let Some(client) = client
            && !self.inner.limiter.allow(client)
        {
            return Err(Error::RateLimited);
        }
        let config = &self.inner.config;
        let http = &self.inner.http;
        let redirect_uri = config.redirect_uri(provider_impl.name());
        // One deadline for the whole network part: the code exchange, the user info and any
        // pagination or retries the provider does behind it.
        let deadline = tokio::time::Instant::now() + config.login_timeout();
        let timed_out = |stage| Error::Timeout {
            context: ProviderContext::new(provider_impl.name(), stage),
            timeout: config.login_timeout(),
        };
        let state = params.state.clone().map(CsrfState::new);
        let login = LoginContext::new()
            .with_nonce(nonce.as_ref())
            .with_callback(&params.extra)
            .with_state(state.as_ref());
        let token = tokio::time::timeout_at(
            deadline,
            provider_impl.exchange_login_code(
                http,
                &code,
                &redirect_uri,
                verifier.as_ref(),
                &login,
            ),
        )
        .await
        .map_err(|_| timed_out(Stage::Token))??;
        let user =
            tokio::time::timeout_at(deadline, provider_impl.login_user(http, &token, &login))
                .await
                .map_err(|_| timed_out(Stage::UserInfo))??;
        // The return path is checked against the policy again: a custom store's contents are
        // not trusted to produce a `Location` header.
        let return_to = ReturnPath::parse_or(
            Some(record.return_path()),
            config.allowed_origins(),
            config.success_redirect(),
        );
        Ok(LoginSuccess {
            user,
            token,
            return_to,
        })
    }

    /// Every check that needs no network, in order.
    async fn check_callback(
        &self,
        provider: &dyn OAuthProvider,
        query: &str,
        flow_cookie: Option<&str>,
        matched: &mut bool,
    ) -> Result<(FlowRecord, CallbackParams), Error> {
        let config = &self.inner.config;
        let params = CallbackParams::parse(query)?;
        let state = params.state.as_deref().ok_or(Error::MissingState)?;
        let cookie = flow_cookie
            .filter(|c| !c.is_empty())
            .ok_or(Error::MissingFlowCookie)?;
        // The store compares the state (in constant time) before it gives up the record, so a
        // callback with another state leaves this browser's login in progress alone.
        let record = self
            .inner
            .store
            .take_matching(cookie, state, config.state_ttl())
            .await?;
        *matched = true;
        if record.is_expired(config.state_ttl()) {
            return Err(Error::StateExpired);
        }
        if record.provider() != provider.name() {
            return Err(Error::ProviderMismatch);
        }
        check_callback_issuer(provider, &self.inner.http, params.iss.as_deref()).await?;
        self.inner
            .store
            .mark_used(&record, config.state_ttl())
            .await?;
        Ok((record, params))
    }

    fn provider(&self, name: &str) -> Result<Arc<dyn OAuthProvider>, Error> {
        self.inner
            .registry
            .get(name)
            .cloned()
            .ok_or_else(|| Error::UnknownProvider {
                // Only a valid-looking name is echoed; anything else is replaced.
                name: crate::provider::ProviderName::parse(name)
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_else(|| "<invalid>".to_owned()),
            })
    }
}

/// Builder of [`LoginService`].
#[derive(Debug)]
pub struct LoginServiceBuilder {
    registry: ProviderRegistry,
    config: FlowConfig,
    store: Option<Arc<dyn StateStore>>,
    http: Option<HttpClient>,
}

impl LoginServiceBuilder {
    /// Uses another state store (for example [`MemoryStore`](super::MemoryStore)).
    pub fn store(mut self, store: Arc<dyn StateStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Uses a prepared HTTP client instead of one built from the configured timeout.
    pub fn http_client(mut self, http: HttpClient) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the service.
    pub fn build(self) -> Result<LoginService, Error> {
        let config = self.config;
        let store = match self.store {
            Some(store) => store,
            // The replay memory remembers completed logins; it is bounded like the sessions
            // those logins create (`OAUTH_SESSION_CAP`), so memory stops growing at the cap.
            None => match config.cookie_key() {
                Some(key) => Arc::new(
                    CookieStore::new(key, config.cookie_name())
                        .replay_cap(config.session_limits().cap),
                ),
                None => {
                    tracing::warn!(
                        "OAUTH_COOKIE_KEY is not set: flow cookies are sealed with a random \
                         per-process key, so logins in progress fail after a restart or on \
                         another instance"
                    );
                    Arc::new(
                        CookieStore::random(config.cookie_name())
                            .replay_cap(config.session_limits().cap),
                    )
                }
            },
        };
        let http = match self.http {
            Some(http) => http,
            None => HttpClient::with_config(HttpConfig::default().timeout(config.http_timeout()))?,
        };
        Ok(LoginService {
            inner: Arc::new(Inner {
                registry: self.registry,
                limiter: CallbackLimiter::new(config.callback_rate_limit()),
                config,
                store,
                http,
            }),
        })
    }
}
