//! Shared helpers of the login-flow tests: a wiremock identity provider, a test provider built
//! on [`OAuth2Client`], service builders for both state stores, and `begin` helpers.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use oauth_kit_core::flow::FlowConfigBuilder;
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, BeginOptions, BeginOutcome, Capabilities,
    ClientSecret, Completion, CookieKey, Error, FlowConfig, HttpClient, LoginService, LoginSuccess,
    MemoryStore, OAuth2Client, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier,
    ProviderContext, ProviderRegistry, Stage, async_trait,
};
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The name of the default test provider.
pub(crate) const PROVIDER: &str = "testidp";
/// The issuer the test provider announces (RFC 9207).
pub(crate) const ISSUER: &str = "https://idp.example";
/// The client id of every test provider.
pub(crate) const CLIENT_ID: &str = "test-client-id";
/// The client secret of every test provider; it must never show up in logs or `Debug`.
pub(crate) const CLIENT_SECRET: &str = "CLIENT-SECRET-s3ntinel-9f8e7d6c5b4a";
/// The authorization code the tests put in callbacks.
pub(crate) const CODE: &str = "AUTH-CODE-s3ntinel-1a2b3c4d5e6f";
/// The access token the mock token endpoint issues.
pub(crate) const ACCESS_TOKEN: &str = "ACCESS-TOKEN-s3ntinel-0123456789abcdef";
/// The refresh token the mock token endpoint issues.
pub(crate) const REFRESH_TOKEN: &str = "REFRESH-TOKEN-s3ntinel-fedcba9876543210";
/// The user id the mock user endpoint returns.
pub(crate) const USER_ID: &str = "{7d3c9a1e-user-42}";
/// Key material of the cookie store (32 bytes or more).
pub(crate) const COOKIE_KEY: &[u8] = b"flow-tests-cookie-key-0123456789-abcdefghijklmnop";
/// Another key, as used by a foreign deployment.
pub(crate) const OTHER_COOKIE_KEY: &[u8] = b"another-deployment-key-9876543210-zyxwvutsrqponml";

/// How the mock identity provider answers.
#[derive(Debug, Clone)]
pub(crate) struct IdpOptions {
    /// Delay of every token response.
    pub(crate) token_delay: Duration,
    /// Status and JSON body of the token endpoint.
    pub(crate) token_response: (u16, Value),
    /// Status and JSON body of the user endpoint.
    pub(crate) user_response: (u16, Value),
}

impl Default for IdpOptions {
    fn default() -> Self {
        Self {
            token_delay: Duration::ZERO,
            token_response: (
                200,
                json!({
                    "access_token": ACCESS_TOKEN,
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "refresh_token": REFRESH_TOKEN,
                    "scope": "account email",
                }),
            ),
            user_response: (
                200,
                json!({
                    "id": USER_ID,
                    "username": "mira",
                    "email": "mira@example.com",
                }),
            ),
        }
    }
}

/// A wiremock identity provider with a token endpoint (`POST /token`) and a user endpoint
/// (`GET /user`, Bearer token required).
#[derive(Debug)]
pub(crate) struct Idp {
    pub(crate) server: MockServer,
}

impl Idp {
    /// Starts a provider that answers every request successfully.
    pub(crate) async fn start() -> Self {
        Self::start_with(IdpOptions::default()).await
    }

    /// Starts a provider whose token endpoint answers after `delay`.
    pub(crate) async fn start_with_token_delay(delay: Duration) -> Self {
        Self::start_with(IdpOptions {
            token_delay: delay,
            ..IdpOptions::default()
        })
        .await
    }

    /// Starts a provider with the given answers.
    pub(crate) async fn start_with(options: IdpOptions) -> Self {
        let server = MockServer::start().await;
        let (token_status, token_body) = options.token_response;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(token_status)
                    .set_body_json(token_body)
                    .set_delay(options.token_delay),
            )
            .mount(&server)
            .await;
        let (user_status, user_body) = options.user_response;
        Mock::given(method("GET"))
            .and(path("/user"))
            .and(header(
                "authorization",
                format!("Bearer {ACCESS_TOKEN}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(user_status).set_body_json(user_body))
            .mount(&server)
            .await;
        Self { server }
    }

    /// A provider named `name` with `capabilities`, talking to this server.
    pub(crate) fn provider(&self, name: &str, capabilities: Capabilities) -> TestProvider {
        let base = Url::parse(&self.server.uri()).unwrap();
        TestProvider {
            name: name.to_owned(),
            capabilities,
            client: OAuth2Client::new(
                name,
                CLIENT_ID,
                ClientSecret::new(CLIENT_SECRET),
                Url::parse("https://idp.example/authorize").unwrap(),
                base.join("/token").unwrap(),
            ),
            user_url: base.join("/user").unwrap(),
            issuer: ISSUER.to_owned(),
        }
    }

    /// How many token requests the server received.
    pub(crate) async fn token_requests(&self) -> usize {
        self.token_request_bodies().await.len()
    }

    /// The bodies of the token requests the server received.
    pub(crate) async fn token_request_bodies(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() == "/token")
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .collect()
    }
}

/// A provider implemented on [`OAuth2Client`] against the wiremock server.
#[derive(Debug, Clone)]
pub(crate) struct TestProvider {
    name: String,
    capabilities: Capabilities,
    client: OAuth2Client,
    user_url: Url,
    issuer: String,
}

#[async_trait]
impl OAuthProvider for TestProvider {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn default_scopes(&self) -> Vec<String> {
        vec!["account".to_owned(), "email".to_owned()]
    }

    fn issuer(&self) -> Option<&str> {
        Some(&self.issuer)
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        Ok(self
            .client
            .authorization_url(request, &self.default_scopes()))
    }

    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        self.client
            .exchange_code(http, code, redirect_uri, pkce_verifier)
            .await
    }

    async fn user_info(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        let context = ProviderContext::new(&self.name, Stage::UserInfo);
        let raw: Value = http
            .get_json(&context, &self.user_url, &token.access_token)
            .await?;
        let id = raw
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::InvalidResponse {
                context: context.clone(),
                status: 200,
                reason: "missing `id`".to_owned(),
                excerpt: None,
            })?
            .to_owned();
        let mut user = OAuthUserInfo::new(&self.name, id);
        user.username = raw
            .get("username")
            .and_then(Value::as_str)
            .map(str::to_owned);
        user.email = raw.get("email").and_then(Value::as_str).map(str::to_owned);
        user.raw_data = raw;
        Ok(user)
    }
}

/// A provider with no optional capability (like Bitbucket: no PKCE, no `iss`).
pub(crate) fn plain() -> Capabilities {
    Capabilities::NONE
}

/// A provider with PKCE.
pub(crate) fn with_pkce() -> Capabilities {
    Capabilities::NONE.pkce(true)
}

/// A provider that sends `iss` in the authorization response (RFC 9207).
pub(crate) fn with_iss() -> Capabilities {
    Capabilities::NONE.authorization_response_iss(true)
}

/// Which state store a service uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreKind {
    /// The default sealed-cookie store with [`COOKIE_KEY`].
    Cookie,
    /// A [`MemoryStore`] with the default cap.
    Memory,
}

/// The default configuration of the tests.
pub(crate) fn config() -> FlowConfigBuilder {
    FlowConfig::builder("http://localhost:8000")
}

/// The cookie key of the tests.
pub(crate) fn cookie_key() -> CookieKey {
    CookieKey::new(COOKIE_KEY).unwrap()
}

/// A service over `providers` with the given store and configuration (a cookie key is added
/// for the cookie store).
pub(crate) fn service_with(
    store: StoreKind,
    config: FlowConfigBuilder,
    providers: Vec<TestProvider>,
) -> LoginService {
    let mut registry = ProviderRegistry::new();
    for provider in providers {
        registry.register(provider).unwrap();
    }
    match store {
        StoreKind::Cookie => {
            let config = config.cookie_key(cookie_key()).build().unwrap();
            LoginService::new(registry, config).unwrap()
        }
        StoreKind::Memory => memory_service(config, registry, Arc::new(MemoryStore::default())),
    }
}

/// A service over `registry` using the given memory store.
pub(crate) fn memory_service(
    config: FlowConfigBuilder,
    registry: ProviderRegistry,
    store: Arc<MemoryStore>,
) -> LoginService {
    LoginService::builder(registry, config.build().unwrap())
        .store(store)
        .build()
        .unwrap()
}

/// A service with one provider named [`PROVIDER`] and the default configuration.
pub(crate) fn service(idp: &Idp, store: StoreKind, capabilities: Capabilities) -> LoginService {
    service_with(store, config(), vec![idp.provider(PROVIDER, capabilities)])
}

/// What `begin` handed to the browser.
#[derive(Debug, Clone)]
pub(crate) struct Begun {
    /// The `state` of the authorization URL.
    pub(crate) state: String,
    /// The flow cookie's value.
    pub(crate) cookie: String,
    /// The whole authorization URL.
    pub(crate) url: Url,
}

impl Begun {
    /// Reads the state and the cookie value out of what `begin` returned.
    pub(crate) fn from_outcome(outcome: BeginOutcome) -> Self {
        Self {
            state: query_param(&outcome.authorization_url, "state").unwrap(),
            cookie: outcome.cookie.value().to_owned(),
            url: outcome.authorization_url,
        }
    }

    /// The callback query of a successful authorization: `code` and this flow's `state`.
    pub(crate) fn callback(&self) -> String {
        query(&[("code", CODE), ("state", &self.state)])
    }
}

/// Runs `begin` for `provider` with an optional `next` and returns (state, cookie, URL).
pub(crate) async fn begin(service: &LoginService, provider: &str, next: Option<&str>) -> Begun {
    let mut options = BeginOptions::default();
    if let Some(next) = next {
        options = options.return_to(next);
    }
    Begun::from_outcome(service.begin(provider, options).await.unwrap())
}

/// Runs `begin` and returns just (state, cookie value).
pub(crate) async fn begin_state_and_cookie(
    service: &LoginService,
    provider: &str,
) -> (String, String) {
    let begun = begin(service, provider, None).await;
    (begun.state, begun.cookie)
}

/// The single value of `name` in `url`'s query.
pub(crate) fn query_param(url: &Url, name: &str) -> Option<String> {
    let mut values = url
        .query_pairs()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    let first = values.next();
    assert!(values.next().is_none(), "`{name}` is repeated in {url}");
    first
}

/// Encodes a callback query string.
pub(crate) fn query(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Returns the error of a failed completion (panics on success). Whether the flow cookie is
/// cleared depends on whether the state matched: see [`rejection_clearing`] and
/// [`rejection_keeping`].
pub(crate) fn rejection(completion: Completion) -> Error {
    match completion.result {
        Ok(login) => panic!("expected a rejection, got a login of {:?}", login.user),
        Err(err) => err,
    }
}

/// A failed completion whose state matched the flow: the flow cookie is cleared.
// No test uses it at the moment; it is kept as the counterpart of `rejection_keeping`.
#[allow(dead_code)]
pub(crate) fn rejection_clearing(completion: Completion) -> Error {
    assert!(
        completion
            .clear_cookie
            .as_ref()
            .is_some_and(|c| c.is_removal()),
        "a callback whose state matched must clear the flow cookie"
    );
    rejection(completion)
}

/// A failed completion whose state did not match (or could not be read): the browser's flow
/// cookie is left alone.
pub(crate) fn rejection_keeping(completion: Completion) -> Error {
    assert!(
        completion.clear_cookie.is_none(),
        "a callback that did not match the flow must not clear its cookie"
    );
    rejection(completion)
}

/// Checks what every completion must satisfy, then returns the login (panics on failure).
pub(crate) fn success(completion: Completion) -> LoginSuccess {
    assert!(
        completion
            .clear_cookie
            .as_ref()
            .is_some_and(|c| c.is_removal()),
        "a successful callback must clear the flow cookie"
    );
    match completion.result {
        Ok(login) => login,
        Err(err) => panic!("expected a login, got {err:?}"),
    }
}

/// Asserts that `login` is the mock provider's user for `provider`.
pub(crate) fn assert_is_test_user(login: &LoginSuccess, provider: &str) {
    assert_eq!(login.user.provider, provider);
    assert_eq!(login.user.oauth_id, USER_ID);
    assert_eq!(login.user.username.as_deref(), Some("mira"));
    assert_eq!(login.token.access_token.secret(), ACCESS_TOKEN);
}

/// Flips one character in the middle of `value` to another base64 character.
pub(crate) fn tamper(value: &str) -> String {
    let mut bytes = value.as_bytes().to_vec();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}
