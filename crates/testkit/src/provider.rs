//! [`MockProvider`]: a mock identity provider on 127.0.0.1 that speaks the wire format of any
//! [`ProviderSpec`], answering its API from the fixtures a test gives.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth_kit_core::spec::{ProviderBuilder, ProviderSpec, SampleAccount};
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientAssertion, ClientAuth,
    ClientSecret, CsrfState, Error, HttpClient, LoginContext, OAuthProvider, OAuthToken,
    PkceVerifier, SpecProvider,
};
use url::Url;

use crate::config::Consent;
use crate::device::MockDevice;
use crate::extension::MockExtension;
use crate::fault::{Endpoint, Fault};
use crate::grants::RefreshTokens;
use crate::server::{self, Handle, Layout};
use crate::spec_openid::SpecOpenId;
use crate::state::{Counters, FixtureSet, Setup, Shared, random_url_safe};

/// The client id a [`MockProvider`] accepts unless configured otherwise.
pub const MOCK_CLIENT_ID: &str = "mock-client-id";

/// The client secret a [`MockProvider`] accepts unless configured otherwise. It is distinctive
/// so that a test can search logs and pages for it.
pub const MOCK_CLIENT_SECRET: &str = "mock-client-secret-5f3c9a0e";

/// Configuration of a [`MockProvider`]: the user fixture, the fixtures of the spec's further
/// endpoints and error statuses, the client, consent and scopes.
///
/// Fixtures are JSON text, served byte for byte as given (so a recorded response keeps its key
/// order and formatting):
///
/// ```
/// use oauth_kit_testkit::{Consent, MockProviderConfig};
///
/// let config = MockProviderConfig::new(r#"{"id": 1, "login": "octocat"}"#)
///     .endpoint("emails", r#"[{"email": "octocat@example.com", "primary": true}]"#)
///     .error(401, r#"{"message": "Bad credentials"}"#)
///     .consent(Consent::Interactive);
/// assert!(!format!("{config:?}").contains("mock-client-secret"));
/// ```
#[derive(Clone)]
pub struct MockProviderConfig {
    client_id: String,
    client_secret: String,
    consent: Consent,
    addr: Option<SocketAddr>,
    callback_url: Option<String>,
    scopes: Option<Vec<String>>,
    params: Vec<(String, String)>,
    fixtures: FixtureSet,
    extensions: Vec<Arc<dyn MockExtension>>,
    device: MockDevice,
}

impl fmt::Debug for MockProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockProviderConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("consent", &self.consent)
            .field("addr", &self.addr)
            .field("callback_url", &self.callback_url)
            .field("scopes", &self.scopes)
            .field("params", &self.params)
            .field("endpoints", &self.fixtures.endpoints.keys())
            .field("errors", &self.fixtures.errors.keys())
            .field("extensions", &self.extensions)
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

impl MockProviderConfig {
    /// A configuration whose user-info endpoint answers `user_json` (for specs that put the
    /// user in the token response, the token response carries it). The client is
    /// [`MOCK_CLIENT_ID`] / [`MOCK_CLIENT_SECRET`], consent is given automatically, and tokens
    /// are granted the scopes the authorization request asked for.
    pub fn new(user_json: impl Into<String>) -> Self {
        Self {
            client_id: MOCK_CLIENT_ID.to_owned(),
            client_secret: MOCK_CLIENT_SECRET.to_owned(),
            consent: Consent::AutoApprove,
            addr: None,
            callback_url: None,
            scopes: None,
            params: Vec::new(),
            fixtures: FixtureSet {
                user: user_json.into(),
                ..FixtureSet::default()
            },
            extensions: Vec::new(),
            device: MockDevice::default(),
        }
    }

    /// A configuration that serves `spec`'s [`SampleAccount`]: its user JSON, further
    /// endpoints and response headers ([`sample_account`]: the spec's own sample, or the
    /// standard OpenID Connect account when it has none).
    ///
    /// ```
    /// use oauth_kit_core::ProviderSpec;
    /// use oauth_kit_testkit::MockProviderConfig;
    ///
    /// static PLAIN: ProviderSpec = ProviderSpec { id: "plain", ..ProviderSpec::DEFAULT };
    /// // PLAIN has no sample: the mock serves the standard claims, which the default mapping
    /// // reads.
    /// let config = MockProviderConfig::sample(&PLAIN);
    /// # let _ = config;
    /// ```
    pub fn sample(spec: &'static ProviderSpec) -> Self {
        let sample = sample_account(spec);
        let mut config = Self::new(sample.user);
        for (name, json) in sample.endpoints {
            config = config.endpoint(*name, *json);
        }
        for (endpoint, name, value) in sample.headers {
            config = config.header(*endpoint, *name, *value);
        }
        config
    }

    /// A response header of the endpoint `endpoint` (`user` for the user-info endpoint, or the
    /// name of a further endpoint) on its successful answers, such as Bitbucket Data Center's
    /// `X-AUSERNAME`.
    pub fn header(
        mut self,
        endpoint: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.fixtures
            .headers
            .push((endpoint.into(), name.into(), value.into()));
        self
    }

    /// How the RFC 8628 device endpoint answers, for a spec that declares one.
    pub fn device(mut self, device: MockDevice) -> Self {
        self.device = device;
        self
    }

    /// The body of the spec's further endpoint `name` (as named in its `extra_endpoints`).
    /// An endpoint without a fixture answers 404.
    pub fn endpoint(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.fixtures.endpoints.insert(name.into(), json.into());
        self
    }

    /// The body the API answers with `status`, for that status's faults and rejections,
    /// instead of the generic body (the spec's first error pointer holding a message).
    pub fn error(mut self, status: u16, json: impl Into<String>) -> Self {
        self.fixtures.errors.insert(status, json.into());
        self
    }

    /// The client id the mock accepts.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// The client secret the mock accepts (HTTP Basic or form body, as the spec says).
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = client_secret.into();
        self
    }

    /// How authorization requests are answered.
    pub fn consent(mut self, consent: Consent) -> Self {
        self.consent = consent;
        self
    }

    /// Where to listen (a loopback address); the default is `127.0.0.1:0`, a free port.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// The client's registered callback URL: a `redirect_uri` must start with it, and an
    /// authorization request without one is sent there.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Grants tokens these scopes whatever the authorization request asked for.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Sets a template parameter of the spec (`tenant`, `realm`); parameters left unset take
    /// the spec's default, else `mock-{name}`.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Adds behaviour: routes and token-response members (see [`MockExtension`]).
    pub fn extension(mut self, extension: Arc<dyn MockExtension>) -> Self {
        self.extensions.push(extension);
        self
    }
}

/// A running mock identity provider for one [`ProviderSpec`], on a random loopback port.
///
/// It resolves the spec's endpoint templates against its own address (`{base}` is the mock,
/// `{api}` the spec's API base moved onto the mock, keeping its path) and speaks the spec's wire
/// format: the authorization endpoint with automatic or interactive consent, a token endpoint
/// that reads requests the way the spec sends them (a form, a JSON object or the query string),
/// checks the spec's client authentication (HTTP Basic, form body, a public client with its
/// PKCE verifier, or a `private_key_jwt` assertion) and answers in the spec's format (its scope
/// member and separator, form-encoded when its quirks say so), single-use codes bound to their
/// redirect URI, refresh, revocation (RFC 7009, or GitHub's DELETE), and the user-info and
/// further endpoints answered from fixtures behind a bearer-token check (and the spec's
/// required headers).
///
/// ```
/// use oauth_kit_core::spec::ProviderSpec;
/// use oauth_kit_core::{ClientAuth, OAuthProvider};
/// use oauth_kit_testkit::{MockProvider, MockProviderConfig};
///
/// static ACME: ProviderSpec = ProviderSpec {
///     id: "acme",
///     title: "Acme",
///     env_prefix: "ACME",
///     authorization_url: "https://id.acme.example/oauth/authorize",
///     token_url: "https://id.acme.example/oauth/token",
///     api_url: "https://api.acme.example/v1",
///     user_info_url: "{api}/me",
///     client_auth: ClientAuth::FormBody,
///     ..ProviderSpec::DEFAULT
/// };
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let mock = MockProvider::start(&ACME, MockProviderConfig::new(r#"{"sub": "42"}"#)).await?;
///     assert_eq!(mock.token_url(), format!("{}/oauth/token", mock.base_url()));
///     assert_eq!(mock.user_info_url(), Some(format!("{}/v1/me", mock.base_url())));
///
///     // A provider pointed at the mock, from a builder or from the environment.
///     let provider = mock.provider_builder().build()?;
///     assert_eq!(provider.name(), "acme");
///     let from_env = oauth_kit_core::SpecProvider::from_lookup(&ACME, mock.env_lookup())?;
///     assert_eq!(from_env.token_url(), provider.token_url());
///     Ok(())
/// }
/// ```
///
/// The server runs on the Tokio runtime that [`start`](Self::start) is called on; it stops
/// when [`shutdown`](Self::shutdown) is called or the last clone of the handle is dropped.
#[derive(Clone)]
pub struct MockProvider {
    inner: Arc<Handle>,
}

impl fmt::Debug for MockProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockProvider")
            .field("spec", &self.spec().id)
            .field("base_url", &self.inner.shared.base_url)
            .field("client_id", &self.inner.shared.client_id)
            .finish_non_exhaustive()
    }
}

impl MockProvider {
    /// Starts a mock of `spec` on a loopback port.
    ///
    /// Must be called within a Tokio runtime, which then runs the server.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] when the configured address is not loopback, a template
    /// parameter is unknown, a further endpoint of the spec is not under `{api}` or `{base}` (a
    /// provider could not be pointed at the mock for it), two endpoints share a path, or an
    /// extension's route clashes; otherwise when the socket cannot be bound.
    pub async fn start(
        spec: &'static ProviderSpec,
        config: MockProviderConfig,
    ) -> io::Result<Self> {
        let grant_requested_scopes = config.scopes.is_none();
        let mut extensions = config.extensions;
        if spec.openid_spec().is_some() {
            // Key generation is CPU work; keep it off the runtime's threads.
            let secret = config.client_secret.clone();
            let openid = tokio::task::spawn_blocking(move || SpecOpenId::new(spec, &secret))
                .await
                .map_err(io::Error::other)?
                .map_err(io::Error::other)?;
            extensions.insert(0, Arc::new(openid));
        }
        let setup = Setup {
            client_id: config.client_id,
            client_secret: config.client_secret,
            callback_url: config.callback_url,
            consent: config.consent,
            scopes: config.scopes.unwrap_or_default(),
            grant_requested_scopes,
            users: Vec::new(),
            current_user: "fixture".to_owned(),
            emails_page_len: 1,
            fixtures: config.fixtures,
            spec: Some(spec),
            extensions,
            device: config.device,
        };
        let layout = Layout::Spec {
            spec,
            params: config.params,
        };
        let handle = server::start(config.addr, true, layout, setup).await?;
        Ok(Self {
            inner: Arc::new(handle),
        })
    }

    /// The spec this mock speaks.
    pub fn spec(&self) -> &'static ProviderSpec {
        // Every MockProvider is started from a spec.
        self.inner.shared.spec.unwrap_or(&ProviderSpec::DEFAULT)
    }

    /// The server's origin, `http://127.0.0.1:PORT` (the spec's `{base}`).
    pub fn base_url(&self) -> String {
        self.inner.base_url()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The authorization endpoint on the mock (the spec's path, with its template's query).
    pub fn authorize_url(&self) -> String {
        self.inner.shared.wire.authorize.to_string()
    }

    /// The token endpoint on the mock.
    pub fn token_url(&self) -> String {
        self.inner.shared.wire.token.to_string()
    }

    /// The API base on the mock, without a trailing slash; `None` when the spec has no API.
    pub fn api_url(&self) -> Option<String> {
        self.inner
            .shared
            .wire
            .api
            .as_ref()
            .map(|u| u.as_str().trim_end_matches('/').to_owned())
    }

    /// The user-info endpoint on the mock; `None` when the spec reads the user from the token
    /// response.
    pub fn user_info_url(&self) -> Option<String> {
        self.inner
            .shared
            .wire
            .user_info
            .as_ref()
            .map(Url::to_string)
    }

    /// The spec's further endpoint `name` on the mock.
    pub fn endpoint_url(&self, name: &str) -> Option<String> {
        self.inner.shared.wire.extra_url(name).map(Url::to_string)
    }

    /// The revocation endpoint on the mock, when the spec has one under `{base}` or `{api}`.
    pub fn revocation_url(&self) -> Option<String> {
        self.inner
            .shared
            .wire
            .revocation
            .as_ref()
            .map(Url::to_string)
    }

    /// The client id the mock accepts.
    pub fn client_id(&self) -> String {
        self.inner.shared.client_id.clone()
    }

    /// The client secret the mock accepts.
    pub fn client_secret(&self) -> String {
        self.inner.shared.client_secret.clone()
    }

    /// The OpenID Connect issuer the mock plays, for a spec with an OpenID Connect part: the
    /// spec's issuer moved onto the mock, its path kept byte for byte. The mock serves its
    /// discovery document and JWKS, and signs an ID token over the user fixture (with the
    /// authorization request's nonce) into every token response.
    pub fn issuer(&self) -> Option<String> {
        self.inner
            .shared
            .wire
            .openid
            .as_ref()
            .map(|o| o.issuer.clone())
    }

    /// Points a provider builder at the mock: the base URL (self-hostable specs), the
    /// authorization, token and API URLs, the user-info URL where the spec's template is not
    /// under the API, and the template parameters the mock resolved. Use it with a named
    /// provider type's builder:
    ///
    /// ```no_run
    /// # async fn run(mock: oauth_kit_testkit::MockProvider) -> Result<(), oauth_kit_core::Error> {
    /// use oauth_kit_core::{ClientSecret, SpecProvider};
    /// let builder = SpecProvider::builder(mock.spec(), mock.client_id(), ClientSecret::new(mock.client_secret()));
    /// let provider = mock.point(builder).name("acme-test").build()?;
    /// # Ok(()) }
    /// ```
    pub fn point<P: From<SpecProvider>>(&self, builder: ProviderBuilder<P>) -> ProviderBuilder<P> {
        let mut builder = builder;
        for (name, value) in self.env_overrides() {
            builder = match name.as_str() {
                "BASE_URL" => builder.base_url(value),
                "AUTHORIZE_URL" => builder.authorize_url(value),
                "TOKEN_URL" => builder.token_url(value),
                "API_URL" => builder.api_url(value),
                "USERINFO_URL" => builder.user_info_url(value),
                "DEVICE_AUTHORIZATION_URL" => builder.device_authorization_url(value),
                "ISSUER" => builder.issuer(value),
                param => builder.param(param.to_ascii_lowercase(), value),
            };
        }
        builder
    }

    /// A builder of the generic provider over the spec with the mock's client, pointed at the
    /// mock (see [`point`](Self::point)). For a `private_key_jwt` spec it signs assertions with
    /// [`MockClientAssertion`].
    pub fn provider_builder(&self) -> ProviderBuilder<SpecProvider> {
        let builder = SpecProvider::builder(
            self.spec(),
            self.client_id(),
            ClientSecret::new(self.client_secret()),
        );
        let builder = if matches!(self.spec().client_auth, ClientAuth::PrivateKeyJwt) {
            builder.client_assertion(Arc::new(MockClientAssertion))
        } else {
            builder
        };
        self.point(builder)
    }

    /// The environment variables that point the spec's `from_env`/`from_lookup` at the mock:
    /// `{PREFIX}_CLIENT_ID`, `_CLIENT_SECRET`, `_AUTHORIZE_URL`, `_TOKEN_URL`, `_API_URL`, and
    /// where the spec needs them `_BASE_URL`, `_USERINFO_URL`, `_ISSUER` (OpenID Connect
    /// specs) and one per template parameter.
    pub fn env_vars(&self) -> Vec<(String, String)> {
        let spec = self.spec();
        let mut vars = vec![
            (spec.env_var("CLIENT_ID"), self.client_id()),
            (spec.env_var("CLIENT_SECRET"), self.client_secret()),
        ];
        vars.extend(
            self.env_overrides()
                .into_iter()
                .map(|(name, value)| (spec.env_var(&name), value)),
        );
        vars
    }

    /// A lookup over [`env_vars`](Self::env_vars) for `from_lookup`, so a test needs no
    /// process-wide environment.
    pub fn env_lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        crate::env_lookup(self.env_vars())
    }

    /// The endpoint settings by variable suffix.
    fn env_overrides(&self) -> Vec<(String, String)> {
        let wire = &self.inner.shared.wire;
        let mut vars = Vec::new();
        if wire.self_hosted {
            vars.push(("BASE_URL".to_owned(), self.base_url()));
        }
        vars.push(("AUTHORIZE_URL".to_owned(), self.authorize_url()));
        vars.push(("TOKEN_URL".to_owned(), self.token_url()));
        if let Some(api) = self.api_url() {
            vars.push(("API_URL".to_owned(), api));
        }
        if let Some(device) = &wire.device_authorization {
            vars.push(("DEVICE_AUTHORIZATION_URL".to_owned(), device.to_string()));
        }
        if wire.user_info_override
            && let Some(user) = self.user_info_url()
        {
            vars.push(("USERINFO_URL".to_owned(), user));
        }
        if let Some(openid) = &wire.openid {
            vars.push(("ISSUER".to_owned(), openid.issuer.clone()));
        }
        let spec = self.spec();
        for (name, value) in &wire.params {
            let default = spec
                .params
                .iter()
                .find(|p| p.name == *name)
                .and_then(|p| p.default);
            if default != Some(value.as_str()) {
                vars.push((name.to_ascii_uppercase(), value.clone()));
            }
        }
        vars
    }

    /// Plays the browser at the authorization endpoint: GETs `authorization_url` (a URL a
    /// provider built, pointed at the mock) and returns where the mock redirects, the client's
    /// callback with `code` and `state` (or `error`).
    ///
    /// # Errors
    ///
    /// When the mock cannot be reached or does not redirect (an invalid client or redirect
    /// URI, or [`Consent::Interactive`], which shows a page).
    pub async fn authorize(&self, authorization_url: &str) -> io::Result<Url> {
        follow_authorization(authorization_url).await
    }

    /// Logs in through the mock as a browser would, with `provider` pointed at it: builds the
    /// authorization URL (a fresh state, and an S256 challenge where the provider supports
    /// PKCE), follows it and exchanges the code, for a provider's own wire tests.
    ///
    /// ```no_run
    /// # async fn run(mock: oauth_kit_testkit::MockProvider) -> Result<(), oauth_kit_core::Error> {
    /// use oauth_kit_core::{HttpClient, OAuthProvider};
    /// let provider = mock.provider_builder().build()?;
    /// let http = HttpClient::new()?;
    /// let token = mock.log_in(&provider, &http).await?;
    /// let user = provider.user_info(&http, &token).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The provider's error for the authorization URL or the code exchange, or an
    /// [`Error::Config`] when the mock does not redirect back with a code.
    pub async fn log_in(
        &self,
        provider: &dyn OAuthProvider,
        http: &HttpClient,
    ) -> Result<OAuthToken, Error> {
        let redirect_uri = format!("http://localhost:8000/auth/{}/callback", provider.name());
        let state = CsrfState::generate()?;
        let verifier = PkceVerifier::generate()?;
        let challenge = verifier.challenge();
        let options = AuthorizeOptions::default();
        let pkce = provider.capabilities().pkce;
        let mut request = AuthorizationRequest::new(&redirect_uri, &state, &options);
        if pkce {
            request = request.with_pkce(&challenge);
        }
        let url = provider.authorization_url(&request)?;
        let callback = follow_authorization(url.as_str())
            .await
            .map_err(|e| Error::config("mock", e.to_string()))?;
        let code = callback
            .query_pairs()
            .find(|(name, _)| name == "code")
            .map(|(_, code)| code.into_owned())
            .ok_or_else(|| Error::config("mock", "the callback carries no code"))?;
        let further: Vec<(String, String)> = callback
            .query_pairs()
            .filter(|(name, _)| !matches!(name.as_ref(), "code" | "state" | "iss" | "error"))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let login = LoginContext::new()
            .with_callback(&further)
            .with_state(Some(&state));
        let verifier = pkce.then_some(&verifier);
        provider
            .exchange_login_code(
                http,
                &AuthorizationCode::new(code),
                &redirect_uri,
                verifier,
                &login,
            )
            .await
    }

    /// The spec's RFC 8628 device authorization endpoint on the mock, if it declares one.
    pub fn device_authorization_url(&self) -> Option<String> {
        self.inner
            .shared
            .wire
            .device_authorization
            .as_ref()
            .map(ToString::to_string)
    }

    /// Changes how device codes issued from now on are answered.
    pub fn set_device(&self, device: MockDevice) {
        self.inner.set_device(device);
    }

    /// Changes what refresh requests do with refresh tokens ([`RefreshTokens::Reuse`] by
    /// default).
    pub fn set_refresh_tokens(&self, behaviour: RefreshTokens) {
        self.inner.set_refresh_tokens(behaviour);
    }

    /// Revokes every refresh token issued so far: a refresh with one is answered
    /// `invalid_grant`.
    pub fn revoke_refresh_tokens(&self) {
        self.inner.revoke_refresh_tokens();
    }

    /// Replaces the user-info fixture.
    pub fn set_user(&self, json: impl Into<String>) {
        self.inner.shared.lock().fixtures.user = json.into();
    }

    /// Replaces the fixture of the further endpoint `name`.
    pub fn set_endpoint(&self, name: impl Into<String>, json: impl Into<String>) {
        self.inner
            .shared
            .lock()
            .fixtures
            .endpoints
            .insert(name.into(), json.into());
    }

    /// Replaces the error body answered with `status`.
    pub fn set_error(&self, status: u16, json: impl Into<String>) {
        self.inner
            .shared
            .lock()
            .fixtures
            .errors
            .insert(status, json.into());
    }

    /// A snapshot of the request counters.
    pub fn counters(&self) -> Counters {
        self.inner.counters()
    }

    /// Sets all counters back to zero and forgets the recorded parameter names.
    pub fn reset_counters(&self) {
        self.inner.reset_counters();
    }

    /// Makes `endpoint` answer with `fault` until [`clear_faults`](Self::clear_faults); it
    /// replaces a fault already set on that endpoint.
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.inner.set_fault(endpoint, fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.inner.clear_faults();
    }

    /// Changes how authorization requests are answered.
    pub fn set_consent(&self, consent: Consent) {
        self.inner.set_consent(consent);
    }

    /// Grants tokens issued from now on these scopes, whatever was asked for.
    pub fn set_scopes<S: Into<String>>(&self, scopes: impl IntoIterator<Item = S>) {
        self.inner
            .set_scopes(scopes.into_iter().map(Into::into).collect());
    }

    /// Expires every access token issued so far: the API answers them 401. Refresh tokens stay
    /// valid.
    pub fn expire_access_tokens(&self) {
        self.inner.expire_access_tokens();
    }

    /// Every access and refresh token issued so far, for tests that check that no secret
    /// reaches a log, a page or a cookie.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.inner.issued_tokens()
    }

    /// Stops accepting connections; requests in flight are finished. Every clone of the
    /// handle is affected. Calling it again does nothing.
    pub fn shutdown(&self) {
        self.inner.shutdown();
    }
}

/// The account of the standard OpenID Connect claims (Ada Lovelace, a verified email): what
/// the mocks serve for a spec without a [`SampleAccount`] of its own. Specs that map the
/// standard claims (the default mapping) log in with it.
pub const STANDARD_ACCOUNT: SampleAccount = SampleAccount {
    user: r#"{"sub": "248289761001", "email": "ada@example.com", "email_verified": true, "preferred_username": "ada", "given_name": "Ada", "family_name": "Lovelace", "name": "Ada Lovelace", "picture": "https://example.com/ada.png", "profile": "https://example.com/ada"}"#,
    endpoints: &[],
    headers: &[],
    oauth_id: "248289761001",
    email: Some("ada@example.com"),
    email_verified: true,
};

/// The account the mocks serve for `spec`: its own [`SampleAccount`], else
/// [`STANDARD_ACCOUNT`].
pub fn sample_account(spec: &ProviderSpec) -> SampleAccount {
    spec.sample.unwrap_or(STANDARD_ACCOUNT)
}

/// GETs an authorization URL without following redirects and returns the `Location`.
pub(crate) async fn follow_authorization(authorization_url: &str) -> io::Result<Url> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(io::Error::other)?;
    let response = client
        .get(authorization_url)
        .send()
        .await
        .map_err(io::Error::other)?;
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if location.is_none() && status.is_success() {
        let page = response.text().await.map_err(io::Error::other)?;
        if let Some(callback) = form_post_callback(&page) {
            return Ok(callback);
        }
    }
    match location {
        Some(location) if status.is_redirection() => Url::parse(&location)
            .map_err(|e| io::Error::other(format!("the mock redirected to `{location}`: {e}"))),
        _ => Err(io::Error::other(format!(
            "the authorization endpoint answered {status} without a redirect (an invalid \
             client or redirect URI, or the interactive consent page)"
        ))),
    }
}

/// The callback of a `response_mode=form_post` page the mock answered: the form's action with
/// its hidden fields as the query, which is what the browser would POST.
fn form_post_callback(page: &str) -> Option<Url> {
    let unescape = |v: &str| {
        v.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form = page.split("<form").nth(1)?;
    let mut url = Url::parse(&attribute(form, "action")?).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for input in form.split("<input").skip(1) {
            if let (Some(name), Some(value)) = (attribute(input, "name"), attribute(input, "value"))
            {
                query.append_pair(&name, &value);
            }
        }
    }
    Some(url)
}

/// A name for the user on the consent page: the spec's mapping of the user fixture, as a full
/// name, else a username, else the id.
pub(crate) fn display_name(shared: &Shared, user_json: &str) -> String {
    let Some(spec) = shared.spec else {
        return String::new();
    };
    let Ok(raw) = serde_json::from_str(user_json) else {
        return String::new();
    };
    match crate::map_fixture(spec, &raw) {
        Ok(user) => user.full_name().or(user.username).unwrap_or(user.oauth_id),
        Err(_) => String::new(),
    }
}

/// A [`ClientAssertion`] for tests against a mock: an unsigned-looking JWT whose `iss` and
/// `sub` are the client id and `aud` the token endpoint, as RFC 7523 asks. The mock checks its
/// shape and claims, not a signature; never use it against a real provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct MockClientAssertion;

impl ClientAssertion for MockClientAssertion {
    fn sign(&self, client_id: &str, audience: &str) -> Result<ClientSecret, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let jti = random_url_safe(16)
            .map_err(|e| Error::config("client assertion", format!("no randomness: {e}")))?;
        let header = serde_json::json!({"alg": "ES256", "typ": "JWT"});
        let claims = serde_json::json!({
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "jti": jti,
            "iat": now,
            "exp": now + 300,
        });
        let part = |value: &serde_json::Value| URL_SAFE_NO_PAD.encode(value.to_string());
        Ok(ClientSecret::new(format!(
            "{}.{}.{}",
            part(&header),
            part(&claims),
            URL_SAFE_NO_PAD.encode(b"mock-signature")
        )))
    }
}
