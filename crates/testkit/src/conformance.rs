//! The provider conformance suite: one set of tests that every provider crate runs against its
//! [`ProviderSpec`] and fixtures, the way tower-sessions runs one suite over every store.
//!
//! [`provider_conformance!`](crate::provider_conformance) generates the tests; each calls one
//! method of [`Suite`] against a fresh [`MockProvider`] of the spec serving the fixtures. A
//! provider crate adds only its own mapping cases next to it.

use std::future::Future;
use std::sync::Arc;

use oauth_kit_core::spec::{OpenIdUserInfo, Pkce, ProviderSpec, UserSource};
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientAssertion, ClientAuth,
    ClientSecret, CsrfState, Error, HttpClient, HttpConfig, LoginContext, Nonce, OAuthProvider,
    OAuthToken, OAuthUserInfo, PkceVerifier, SpecProvider,
};
use serde_json::Value;

use crate::fault::{Endpoint, Fault};
use crate::logs::LogCapture;
use crate::provider::{MockClientAssertion, MockProvider, MockProviderConfig};

/// How many tests [`provider_conformance!`](crate::provider_conformance) generates.
pub const CASES: usize = 10;

/// The client id of the authorization URL snapshot.
const SNAPSHOT_CLIENT_ID: &str = "conformance-client-id";

/// The statuses of the user endpoint whose errors are checked and snapshotted.
const ERROR_STATUSES: [u16; 4] = [401, 403, 429, 500];

/// A provider's fixtures for the conformance suite: recorded-shape JSON text of its user
/// endpoint (full and minimal), of its further endpoints and of its error bodies.
///
/// ```
/// use oauth_kit_testkit::conformance::Fixtures;
///
/// let fixtures = Fixtures::new(
///     r#"{"id": 583231, "login": "octocat", "name": "The Octocat", "email": null}"#,
///     r#"{"id": 583231}"#,
/// )
/// .endpoint("emails", r#"[{"email": "octocat@example.com", "primary": true, "verified": true}]"#)
/// .minimal_endpoint("emails", "[]")
/// .error(401, r#"{"message": "Bad credentials"}"#);
/// # let _ = fixtures;
/// ```
#[derive(Debug, Clone)]
pub struct Fixtures {
    user: String,
    minimal_user: String,
    endpoints: Vec<(String, String)>,
    minimal_endpoints: Vec<(String, String)>,
    errors: Vec<(u16, String)>,
    params: Vec<(String, String)>,
    headers: Vec<(String, String, String)>,
    from_id: Vec<&'static str>,
}

impl Fixtures {
    /// The user endpoint's body for a complete account, and for an account with only the
    /// fields the provider always sends (the stable id): every optional field of the
    /// normalized user must come out `None` from it.
    pub fn new(user_json: impl Into<String>, minimal_user_json: impl Into<String>) -> Self {
        Self {
            user: user_json.into(),
            minimal_user: minimal_user_json.into(),
            endpoints: Vec::new(),
            minimal_endpoints: Vec::new(),
            errors: Vec::new(),
            params: Vec::new(),
            headers: Vec::new(),
            from_id: Vec::new(),
        }
    }

    /// An optional field that the mapping builds from the stable id alone (`profile_url` for a
    /// provider whose profile pages are `https://example.com/users/{id}`): the minimal user may
    /// have it, and then it must contain the id.
    pub fn built_from_id(mut self, field: &'static str) -> Self {
        self.from_id.push(field);
        self
    }

    /// A response header of `endpoint` (`user`, or the name of a further endpoint) on its
    /// successful answers, such as Bitbucket Data Center's `X-AUSERNAME` on the endpoint its
    /// user step calls first.
    pub fn header(
        mut self,
        endpoint: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.headers
            .push((endpoint.into(), name.into(), value.into()));
        self
    }

    /// The body of the further endpoint `name` (as named in the spec's `extra_endpoints`).
    pub fn endpoint(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.endpoints.push((name.into(), json.into()));
        self
    }

    /// The body of the further endpoint `name` for the minimal account (default: the same as
    /// [`endpoint`](Self::endpoint)). Give one wherever the full body would fill an optional
    /// field (an email list, for example).
    pub fn minimal_endpoint(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.minimal_endpoints.push((name.into(), json.into()));
        self
    }

    /// The provider's error body for `status` (401, 403, 429, 500 are exercised): the mock
    /// answers it, so the snapshot shows the message the provider's pointers read from it.
    pub fn error(mut self, status: u16, json: impl Into<String>) -> Self {
        self.errors.push((status, json.into()));
        self
    }

    /// A template parameter of the spec (`tenant`, `realm`) for the authorization URL snapshot
    /// and the mock.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }
}

/// Runs a future to completion on a new current-thread Tokio runtime, so that the mock, the
/// provider and a [`LogCapture`] all live on the test's thread.
///
/// # Panics
///
/// When the runtime cannot be built (a test failure).
pub fn run<F: Future>(future: F) -> F::Output {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => panic!("cannot build a Tokio runtime for the conformance test: {error}"),
    }
}

/// The conformance cases over one spec and its fixtures. Each method is one generated test; it
/// panics (fails the test) with a message naming what the provider got wrong.
#[derive(Debug, Clone)]
pub struct Suite {
    spec: &'static ProviderSpec,
    fixtures: Fixtures,
}

/// What a login against the mock left behind, for the secret checks.
struct Login {
    token: OAuthToken,
    code: String,
    state: CsrfState,
    verifier: PkceVerifier,
    nonce: Nonce,
    /// The authorization response's parameters beyond `code` and `state` (Apple's `user`).
    callback: Vec<(String, String)>,
}

impl Suite {
    /// The suite of `spec` with `fixtures`.
    pub fn new(spec: &'static ProviderSpec, fixtures: Fixtures) -> Self {
        Self { spec, fixtures }
    }

    /// The redirect URI the suite logs in with.
    fn redirect_uri(&self) -> String {
        format!("http://localhost:8000/auth/{}/callback", self.spec.id)
    }

    fn uses_token_response(&self) -> bool {
        matches!(self.spec.user_source, UserSource::TokenResponse(_))
    }

    /// Whether the spec's user step finds the user (no user-info endpoint).
    fn uses_step(&self) -> bool {
        matches!(self.spec.user_source, UserSource::Step)
    }

    /// The endpoint whose failures the user fetch reports: the user-info endpoint, or for a
    /// spec whose step finds the user, the first further endpoint the step calls.
    fn user_endpoint(&self) -> Endpoint {
        match (self.uses_step(), self.spec.extra_endpoints.first()) {
            (true, Some((name, _))) => Endpoint::extra(name),
            _ => Endpoint::User,
        }
    }

    fn supports_pkce(&self) -> bool {
        !matches!(self.spec.pkce, Pkce::Unsupported)
    }

    fn is_openid(&self) -> bool {
        self.spec.openid_spec().is_some()
    }

    /// Whether the user comes with the token response (a user member, or an OpenID Connect
    /// spec's ID token without a user-info call) rather than from a user endpoint.
    fn user_in_token(&self) -> bool {
        self.uses_token_response()
            || self
                .spec
                .openid_spec()
                .is_some_and(|o| o.user_info == OpenIdUserInfo::IdToken)
    }

    /// A mock of the spec serving the full (or minimal) fixtures.
    async fn mock(&self, minimal: bool) -> MockProvider {
        let fixtures = &self.fixtures;
        let user = if minimal {
            &fixtures.minimal_user
        } else {
            &fixtures.user
        };
        let mut config = MockProviderConfig::new(user.clone());
        for (name, json) in &fixtures.endpoints {
            let body = fixtures
                .minimal_endpoints
                .iter()
                .find(|(n, _)| minimal && n == name)
                .map_or(json, |(_, minimal)| minimal);
            config = config.endpoint(name.clone(), body.clone());
        }
        for (status, json) in &fixtures.errors {
            config = config.error(*status, json.clone());
        }
        for (name, value) in &fixtures.params {
            config = config.param(name.clone(), value.clone());
        }
        for (endpoint, name, value) in &fixtures.headers {
            config = config.header(endpoint.clone(), name.clone(), value.clone());
        }
        match MockProvider::start(self.spec, config).await {
            Ok(mock) => mock,
            Err(error) => panic!("the mock of `{}` does not start: {error}", self.spec.id),
        }
    }

    /// The spec's provider pointed at `mock`.
    fn provider(&self, mock: &MockProvider) -> SpecProvider {
        match mock.provider_builder().build() {
            Ok(provider) => provider,
            Err(error) => panic!("the provider cannot be pointed at the mock: {error}"),
        }
    }

    /// The shared client, without retries so that 429 and 503 answers come back at once.
    fn http() -> HttpClient {
        match HttpClient::with_config(HttpConfig::default().max_retries(0)) {
            Ok(http) => http,
            Err(error) => panic!("cannot build the HTTP client: {error}"),
        }
    }

    /// Authorizes at the mock (automatic consent) and returns the callback's code.
    async fn authorize(
        &self,
        mock: &MockProvider,
        provider: &SpecProvider,
        state: &CsrfState,
        verifier: &PkceVerifier,
        nonce: &Nonce,
    ) -> String {
        self.authorize_with_response(mock, provider, state, verifier, nonce)
            .await
            .0
    }

    /// Authorizes at the mock and returns the callback's code and its further parameters. An
    /// OpenID Connect provider reads the mock's discovery document first.
    async fn authorize_with_response(
        &self,
        mock: &MockProvider,
        provider: &SpecProvider,
        state: &CsrfState,
        verifier: &PkceVerifier,
        nonce: &Nonce,
    ) -> (String, Vec<(String, String)>) {
        if let Err(error) = provider.prepare(&Self::http()).await {
            panic!("the provider could not read the mock's discovery document: {error}");
        }
        let options = AuthorizeOptions::default();
        let redirect_uri = self.redirect_uri();
        let challenge = verifier.challenge();
        let request = AuthorizationRequest::new(&redirect_uri, state, &options)
            .with_pkce(&challenge)
            .with_nonce(nonce);
        let url = match provider.authorization_url(&request) {
            Ok(url) => url,
            Err(error) => panic!("no authorization URL: {error}"),
        };
        let callback = match mock.authorize(url.as_str()).await {
            Ok(callback) => callback,
            Err(error) => panic!("the mock refused the provider's authorization URL: {error}"),
        };
        let param = |name: &str| {
            callback
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        assert_eq!(
            param("state").as_deref(),
            Some(state.secret()),
            "the callback echoes the state"
        );
        let further = callback
            .query_pairs()
            .filter(|(k, _)| !matches!(k.as_ref(), "code" | "state" | "iss" | "error"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        match param("code") {
            Some(code) => (code, further),
            None => panic!(
                "the mock sent no code back (error: {:?}); does the provider send the PKCE \
                 challenge the spec requires?",
                param("error")
            ),
        }
    }

    /// A whole login: authorization and code exchange.
    async fn login(
        &self,
        mock: &MockProvider,
        provider: &SpecProvider,
        http: &HttpClient,
    ) -> Login {
        let (state, verifier, nonce) = secrets();
        let (code, callback) = self
            .authorize_with_response(mock, provider, &state, &verifier, &nonce)
            .await;
        let context = LoginContext::new()
            .with_callback(&callback)
            .with_state(Some(&state));
        let token = provider
            .exchange_login_code(
                http,
                &AuthorizationCode::new(code.clone()),
                &self.redirect_uri(),
                Some(&verifier),
                &context,
            )
            .await;
        let token = match token {
            Ok(token) => token,
            Err(error) => panic!("the code exchange failed: {error} ({error:?})"),
        };
        Login {
            token,
            code,
            state,
            verifier,
            nonce,
            callback,
        }
    }

    /// The user of `login`, which must be fetched and mapped (for OpenID Connect: from an ID
    /// token carrying the login's nonce).
    async fn user(provider: &SpecProvider, http: &HttpClient, login: &Login) -> OAuthUserInfo {
        let context = LoginContext::new()
            .with_nonce(Some(&login.nonce))
            .with_callback(&login.callback);
        match provider.login_user(http, &login.token, &context).await {
            Ok(user) => user,
            Err(error) => panic!("the user could not be fetched or mapped: {error} ({error:?})"),
        }
    }

    /// Case `authorization_url_matches_the_snapshot`: the authorization URL of the spec's own
    /// endpoints (not the mock), with the state, PKCE challenge and nonce replaced by
    /// placeholders, after checking the protocol parameters.
    pub fn authorization_url(&self) -> String {
        if self.is_openid() {
            return run(self.openid_authorization_url());
        }
        let mut builder = SpecProvider::builder(
            self.spec,
            SNAPSHOT_CLIENT_ID,
            ClientSecret::new("conformance-client-secret"),
        );
        for (name, value) in &self.fixtures.params {
            builder = builder.param(name.clone(), value.clone());
        }
        if self.spec.base_url == Some("") {
            // A self-hosted-only spec has no default instance.
            builder = builder.base_url(format!("https://{}.example.com", self.spec.id));
        }
        if matches!(self.spec.client_auth, ClientAuth::PrivateKeyJwt) {
            builder = builder.client_assertion(Arc::new(MockClientAssertion));
        }
        let provider = match builder.build() {
            Ok(provider) => provider,
            Err(error) => panic!("the spec's default endpoints do not build: {error}"),
        };
        let (state, verifier, nonce) = secrets();
        let challenge = verifier.challenge();
        let options = AuthorizeOptions::default();
        let redirect_uri = self.redirect_uri();
        let request = AuthorizationRequest::new(&redirect_uri, &state, &options)
            .with_pkce(&challenge)
            .with_nonce(&nonce);
        let url = match provider.authorization_url(&request) {
            Ok(url) => url,
            Err(error) => panic!("no authorization URL: {error}"),
        };
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let param = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(param("response_type"), Some("code"));
        assert_eq!(
            param(self.spec.client_id_param),
            Some(SNAPSHOT_CLIENT_ID),
            "the client id under the spec's parameter name"
        );
        assert_eq!(param("redirect_uri"), Some(redirect_uri.as_str()));
        assert_eq!(param("state"), Some(state.secret()));
        if !self.spec.scopes.is_empty() {
            let scopes = self
                .spec
                .scopes
                .join(&self.spec.scope_separator.to_string());
            assert_eq!(
                param("scope"),
                Some(scopes.as_str()),
                "the spec's scopes and separator"
            );
        }
        if self.supports_pkce() {
            assert_eq!(param("code_challenge"), Some(challenge.as_str()));
            assert_eq!(param("code_challenge_method"), Some("S256"));
        } else {
            assert_eq!(param("code_challenge"), None, "the spec has no PKCE");
        }
        let nonce_sent = param("nonce").is_some();
        assert_eq!(
            nonce_sent,
            self.spec.capabilities().openid_connect,
            "a nonce only for OpenID Connect"
        );
        url.as_str()
            .replace(state.secret(), "[state]")
            .replace(challenge.as_str(), "[code_challenge]")
            .replace(nonce.secret(), "[nonce]")
    }

    /// The authorization URL of an OpenID Connect spec, whose endpoints are known after
    /// discovery: built against the mock's discovery document, with the mock's origin
    /// replaced by `[mock]`, after the same checks as for other specs.
    async fn openid_authorization_url(&self) -> String {
        let mock = self.mock(false).await;
        let mut builder = SpecProvider::builder(
            self.spec,
            SNAPSHOT_CLIENT_ID,
            ClientSecret::new("conformance-client-secret"),
        );
        if matches!(self.spec.client_auth, ClientAuth::PrivateKeyJwt) {
            builder = builder.client_assertion(Arc::new(MockClientAssertion));
        }
        let provider = expect_built(mock.point(builder).build());
        if let Err(error) = provider.prepare(&Self::http()).await {
            panic!("the provider could not read the mock's discovery document: {error}");
        }
        let (state, verifier, nonce) = secrets();
        let challenge = verifier.challenge();
        let options = AuthorizeOptions::default();
        let redirect_uri = self.redirect_uri();
        let request = AuthorizationRequest::new(&redirect_uri, &state, &options)
            .with_pkce(&challenge)
            .with_nonce(&nonce);
        let url = match provider.authorization_url(&request) {
            Ok(url) => url,
            Err(error) => panic!("no authorization URL: {error}"),
        };
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        assert_eq!(param("response_type").as_deref(), Some("code"));
        assert_eq!(param("client_id").as_deref(), Some(SNAPSHOT_CLIENT_ID));
        assert_eq!(param("redirect_uri"), Some(redirect_uri.clone()));
        assert_eq!(param("state").as_deref(), Some(state.secret()));
        assert_eq!(
            param("nonce").as_deref(),
            Some(nonce.secret()),
            "an OpenID Connect login sends its nonce"
        );
        let scope = param("scope").unwrap_or_default();
        assert!(
            scope
                .split(self.spec.scope_separator)
                .any(|s| s == "openid"),
            "an OpenID Connect login asks for `openid`"
        );
        assert_eq!(
            param("code_challenge").is_some(),
            self.supports_pkce(),
            "PKCE iff the spec supports it"
        );
        url.as_str()
            .replace(&mock.base_url(), "[mock]")
            .replace(state.secret(), "[state]")
            .replace(challenge.as_str(), "[code_challenge]")
            .replace(nonce.secret(), "[nonce]")
    }

    /// Case `code_exchange_uses_the_spec_client_authentication`: a login against the mock,
    /// which accepts only the spec's client authentication (and verifies the PKCE verifier
    /// where the spec supports PKCE); the code is single use.
    pub async fn code_exchange(&self) {
        let mock = self.mock(false).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        let login = self.login(&mock, &provider, &http).await;
        let token = &login.token;
        assert!(
            mock.issued_tokens()
                .contains(&token.access_token.secret().to_owned()),
            "the access token is the one the mock issued"
        );
        if !self.spec.scopes.is_empty() {
            let granted: Vec<&str> = token.scopes.iter().map(String::as_str).collect();
            assert_eq!(
                granted, self.spec.scopes,
                "the granted scopes are read from `{}` split at {:?}",
                self.spec.token_quirks.scope_field, self.spec.token_quirks.scope_separator
            );
        }
        let counters = mock.counters();
        assert_eq!(counters.token, 1);
        assert_eq!(counters.token_authorization_code, 1);
        assert_eq!(
            counters.last_client_auth,
            Some(auth_method_name(self.spec.client_auth))
        );
        // The mock refuses a verifier for a code issued without a challenge, so a spec without
        // PKCE also shows that none was sent.
        assert_eq!(
            counters.pkce_verified,
            u64::from(self.supports_pkce()),
            "the PKCE verifier was checked where the spec supports PKCE"
        );

        let replay = provider
            .exchange_code(
                &http,
                &AuthorizationCode::new(login.code.clone()),
                &self.redirect_uri(),
                Some(&login.verifier),
            )
            .await;
        match replay {
            Err(Error::OAuth { body, .. }) => assert_eq!(body.error, "invalid_grant"),
            other => panic!("a replayed code must be an invalid_grant error, got {other:?}"),
        }
    }

    /// Case `refresh_returns_a_new_access_token_or_is_unsupported`: a refresh with the spec's
    /// client authentication gives a new access token and keeps a refresh token; a spec without
    /// refresh answers `Error::Unsupported` without a request.
    pub async fn refresh(&self) {
        let mock = self.mock(false).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        let login = self.login(&mock, &provider, &http).await;
        let token = login.token;
        if !self.spec.capabilities.refresh {
            let refresh_token = oauth_kit_core::RefreshToken::new("conformance-refresh");
            let result = provider.refresh(&http, &refresh_token).await;
            assert!(
                matches!(result, Err(Error::Unsupported { .. })),
                "refresh of a spec without refresh: {result:?}"
            );
            assert_eq!(mock.counters().token, 1, "no refresh request was sent");
            return;
        }
        let Some(refresh_token) = &token.refresh_token else {
            panic!("the token response of a spec with refresh carries a refresh token");
        };
        let refreshed = match provider.refresh(&http, refresh_token).await {
            Ok(refreshed) => refreshed,
            Err(error) => panic!("the refresh failed: {error} ({error:?})"),
        };
        assert_ne!(
            refreshed.access_token.secret(),
            token.access_token.secret(),
            "a refresh gives a new access token"
        );
        assert!(refreshed.refresh_token.is_some());
        let counters = mock.counters();
        assert_eq!(counters.token_refresh, 1);
        assert_eq!(
            counters.last_client_auth,
            Some(auth_method_name(self.spec.client_auth))
        );
    }

    /// Case `user_is_mapped_as_in_the_snapshot`: a login and the user from the full fixtures,
    /// as pretty JSON for the snapshot.
    pub async fn mapped_user(&self) -> String {
        let mock = self.mock(false).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        let login = self.login(&mock, &provider, &http).await;
        let user = Self::user(&provider, &http, &login).await;
        assert_eq!(user.provider, self.spec.id, "the user names the instance");
        assert!(!user.oauth_id.is_empty());
        assert_eq!(
            mock.counters().user,
            u64::from(!self.user_in_token() && !self.uses_step()),
            "the user endpoint is called once (never for a user in the token response or found \
             by the user step)"
        );
        self.sample_maps_as_declared().await;
        let mut user = user;
        if self.is_openid() {
            // The ID token's times change with every run.
            for claim in ["iat", "exp"] {
                if let Some(value) = user.raw_data.get_mut(claim) {
                    *value = Value::String(format!("[{claim}]"));
                }
            }
        }
        match serde_json::to_string_pretty(&user) {
            // URLs a provider makes absolute on its instance (and an OpenID Connect issuer)
            // point at the mock's random port.
            Ok(json) => json.replace(&mock.base_url(), "http://[mock]"),
            Err(error) => panic!("the user does not serialize: {error}"),
        }
    }

    /// Part of `user_is_mapped_as_in_the_snapshot`: the spec's
    /// [`SampleAccount`](oauth_kit_core::spec::SampleAccount), served by a mock as demos and
    /// end-to-end tests serve it, logs in as the `oauth_id`, `email` and `email_verified` the
    /// sample declares.
    async fn sample_maps_as_declared(&self) {
        let Some(sample) = self.spec.sample else {
            return;
        };
        let config = MockProviderConfig::sample(self.spec);
        let mock = match MockProvider::start(self.spec, config).await {
            Ok(mock) => mock,
            Err(error) => panic!(
                "the mock of `{}`'s sample does not start: {error}",
                self.spec.id
            ),
        };
        let provider = self.provider(&mock);
        let http = Self::http();
        let login = self.login(&mock, &provider, &http).await;
        let user = Self::user(&provider, &http, &login).await;
        assert_eq!(user.oauth_id, sample.oauth_id, "the sample's oauth_id");
        assert_eq!(user.email.as_deref(), sample.email, "the sample's email");
        assert_eq!(
            user.email_verified, sample.email_verified,
            "the sample's email_verified"
        );
    }

    /// Case `api_error_statuses_map_to_typed_errors_with_hints`: 401, 403, 429 and 500 from
    /// the user endpoint are `Error::HttpStatus` with that status and a hint (for a user in the
    /// token response: from the token endpoint, a typed error with that status). Returns one
    /// line per status for the snapshot.
    pub async fn api_errors(&self) -> String {
        let mock = self.mock(false).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        let mut lines = Vec::new();
        if self.user_in_token() {
            for status in ERROR_STATUSES {
                mock.set_fault(Endpoint::Token, Fault::Status(status));
                let (state, verifier, nonce) = secrets();
                let code = self
                    .authorize(&mock, &provider, &state, &verifier, &nonce)
                    .await;
                let error = match provider
                    .exchange_code(
                        &http,
                        &AuthorizationCode::new(code),
                        &self.redirect_uri(),
                        Some(&verifier),
                    )
                    .await
                {
                    Ok(_) => panic!("a {status} from the token endpoint was accepted"),
                    Err(error) => error,
                };
                assert_eq!(error.status(), Some(status), "{error:?}");
                assert!(
                    matches!(error, Error::OAuth { .. } | Error::HttpStatus { .. }),
                    "{error:?}"
                );
                lines.push(format!("{status}: {error}"));
            }
            return lines.join("\n");
        }
        let login = self.login(&mock, &provider, &http).await;
        for status in ERROR_STATUSES {
            mock.set_fault(self.user_endpoint(), Fault::Status(status));
            match provider.user_info(&http, &login.token).await {
                Err(Error::HttpStatus {
                    status: got,
                    message,
                    hint,
                    ..
                }) => {
                    assert_eq!(got, status);
                    let Some(hint) = hint else {
                        panic!("a {status} from the user endpoint needs a hint");
                    };
                    if self.fixtures.errors.iter().any(|(s, _)| *s == status) {
                        assert!(
                            message.is_some(),
                            "the spec's error pointers find the message of the {status} fixture"
                        );
                    }
                    lines.push(format!(
                        "{status}: message: {}\n     hint: {hint}",
                        message.as_deref().unwrap_or("(none)")
                    ));
                }
                other => panic!(
                    "a {status} from the user endpoint must be Error::HttpStatus, got {other:?}"
                ),
            }
        }
        lines.join("\n")
    }

    /// Case `minimal_user_maps_with_optional_fields_none`: the minimal fixtures still map, with
    /// every optional field `None` and the email not verified.
    pub async fn minimal_user(&self) {
        let mock = self.mock(true).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        let login = self.login(&mock, &provider, &http).await;
        let user = Self::user(&provider, &http, &login).await;
        assert_eq!(user.provider, self.spec.id);
        assert!(!user.oauth_id.is_empty(), "the stable id is mapped");
        let optional = [
            ("email", &user.email),
            ("username", &user.username),
            ("first_name", &user.first_name),
            ("last_name", &user.last_name),
            ("avatar_url", &user.avatar_url),
            ("profile_url", &user.profile_url),
        ];
        for (field, value) in optional {
            match value {
                Some(value) if self.fixtures.from_id.contains(&field) => assert!(
                    value.contains(&user.oauth_id),
                    "`{field}` of the minimal user is built from the id"
                ),
                _ => assert_eq!(value, &None, "`{field}` of the minimal user"),
            }
        }
        assert!(!user.email_verified);
        let raw: Value = match serde_json::from_str(&self.fixtures.minimal_user) {
            Ok(raw) => raw,
            Err(error) => panic!("the minimal user fixture is not JSON: {error}"),
        };
        if self.is_openid() {
            // The claims of the ID token (and user info): the fixture's members and the
            // token's own (`iss`, `aud`, `exp`, ...).
            let Some(claims) = raw.as_object() else {
                panic!("the minimal user fixture of an OpenID Connect spec is a JSON object");
            };
            for (member, value) in claims {
                assert_eq!(
                    user.raw_data.get(member),
                    Some(value),
                    "raw_data carries the claim `{member}`"
                );
            }
        } else if !self.uses_token_response() && !self.uses_step() {
            assert_eq!(user.raw_data, raw, "raw_data is the user endpoint's JSON");
        }
    }

    /// Case `malformed_json_is_a_typed_error`: a truncated body, a body that is not an object
    /// and an object without the stable id are `Error::InvalidResponse`; a malformed further
    /// endpoint gives a user or a typed error, never a panic.
    pub async fn malformed_json(&self) {
        let mock = self.mock(false).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        // An OpenID Connect user without its id fails at the ID token or at the user-info
        // subject check, each a typed error of its own.
        let typed = |result: &Result<OAuthUserInfo, Error>| {
            matches!(result, Err(Error::InvalidResponse { .. }))
                || (self.is_openid()
                    && matches!(
                        result,
                        Err(Error::IdToken { .. } | Error::SubjectMismatch { .. })
                    ))
        };
        if self.user_in_token() {
            mock.set_fault(Endpoint::Token, Fault::MalformedJson);
            let (state, verifier, nonce) = secrets();
            let code = self
                .authorize(&mock, &provider, &state, &verifier, &nonce)
                .await;
            let result = provider
                .exchange_code(
                    &http,
                    &AuthorizationCode::new(code),
                    &self.redirect_uri(),
                    Some(&verifier),
                )
                .await;
            assert!(
                matches!(result, Err(Error::InvalidResponse { .. })),
                "a truncated token response: {result:?}"
            );
            mock.clear_faults();
            mock.set_user("{}");
            let login = self.login(&mock, &provider, &http).await;
            let result = provider.user_info(&http, &login.token).await;
            assert!(
                typed(&result),
                "a user without its id in the token response: {result:?}"
            );
            return;
        }
        let login = self.login(&mock, &provider, &http).await;
        if self.uses_step() {
            for (name, _) in self.spec.extra_endpoints {
                mock.set_endpoint(*name, "{}");
            }
            let result = provider.user_info(&http, &login.token).await;
            assert!(
                matches!(result, Err(Error::InvalidResponse { .. })),
                "a user step that finds no user: {result:?}"
            );
            for (name, json) in &self.fixtures.endpoints {
                mock.set_endpoint(name.clone(), json.clone());
            }
            self.malformed_further_endpoints(&mock, &provider, &http, &login.token)
                .await;
            return;
        }
        mock.set_fault(Endpoint::User, Fault::MalformedJson);
        let result = provider.user_info(&http, &login.token).await;
        assert!(
            matches!(result, Err(Error::InvalidResponse { .. })),
            "a truncated user body: {result:?}"
        );
        mock.clear_faults();
        for (body, what) in [
            ("[]", "a JSON array"),
            ("{}", "an object without the stable id"),
        ] {
            mock.set_user(body);
            let result = provider.user_info(&http, &login.token).await;
            assert!(typed(&result), "{what} as the user: {result:?}");
        }
        mock.set_user(self.fixtures.user.clone());
        self.malformed_further_endpoints(&mock, &provider, &http, &login.token)
            .await;
    }

    /// A truncated body from each further endpoint gives a user or a typed error.
    async fn malformed_further_endpoints(
        &self,
        mock: &MockProvider,
        provider: &SpecProvider,
        http: &HttpClient,
        token: &OAuthToken,
    ) {
        for (name, _) in self.spec.extra_endpoints {
            mock.set_fault(Endpoint::extra(name), Fault::MalformedJson);
            let result = provider.user_info(http, token).await;
            assert!(
                matches!(result, Ok(_) | Err(Error::InvalidResponse { .. })),
                "a truncated body from `{name}`: {result:?}"
            );
            mock.clear_faults();
        }
    }

    /// Case `provider_from_the_environment_logs_in_against_the_mock`: `from_lookup` with the
    /// mock's variables resolves the same endpoints as the builder and logs in.
    pub async fn from_environment(&self) {
        let mock = self.mock(false).await;
        let built = self.provider(&mock);
        let from_env = match SpecProvider::from_lookup(self.spec, mock.env_lookup()) {
            Ok(provider) => provider,
            Err(error) => panic!("from_lookup with the mock's variables: {error}"),
        };
        assert_eq!(
            from_env.authorization_endpoint(),
            built.authorization_endpoint()
        );
        assert_eq!(from_env.token_url(), built.token_url());
        assert_eq!(from_env.api_url(), built.api_url());
        assert_eq!(from_env.user_info_url(), built.user_info_url());
        assert_eq!(from_env.client_id(), mock.client_id());
        if matches!(self.spec.client_auth, ClientAuth::PrivateKeyJwt) {
            // The environment cannot carry a signing key; the builder adds the signer.
            return;
        }
        let http = Self::http();
        let login = self.login(&mock, &from_env, &http).await;
        let user = Self::user(&from_env, &http, &login).await;
        assert_eq!(user.provider, self.spec.id);
    }

    /// Case `token_endpoint_refuses_a_client_that_fails_authentication`: a wrong secret (a
    /// wrong verifier for a public client, an assertion naming another client for
    /// `private_key_jwt`) is a typed OAuth error and no token.
    pub async fn wrong_client_credentials(&self) {
        let mock = self.mock(false).await;
        let http = Self::http();
        let honest = self.provider(&mock);
        let (state, verifier, nonce) = secrets();
        let code = self
            .authorize(&mock, &honest, &state, &verifier, &nonce)
            .await;
        let base = SpecProvider::builder(
            self.spec,
            mock.client_id(),
            ClientSecret::new("wrong-client-secret"),
        );
        let (provider, sent_verifier, expected) = match self.spec.client_auth {
            ClientAuth::None => {
                let other = generate_verifier();
                (honest.clone(), other, "invalid_grant")
            }
            ClientAuth::PrivateKeyJwt => {
                let forged = mock
                    .point(base.client_assertion(Arc::new(ForgedAssertion)))
                    .build();
                (expect_built(forged), verifier, "invalid_client")
            }
            _ => (
                expect_built(mock.point(base).build()),
                verifier,
                "invalid_client",
            ),
        };
        let result = provider
            .exchange_code(
                &http,
                &AuthorizationCode::new(code),
                &self.redirect_uri(),
                Some(&sent_verifier),
            )
            .await;
        match result {
            Err(Error::OAuth { body, .. }) => assert_eq!(body.error, expected),
            other => panic!("a client failing authentication must get `{expected}`, got {other:?}"),
        }
        assert!(mock.issued_tokens().is_empty(), "no token was issued");
    }

    /// Case `no_secret_in_debug_or_trace_logs`: a whole run (login, user, refresh, a replayed
    /// code, a 401 from the API) under a TRACE-level log capture; neither the logs nor the
    /// `Debug` and `Display` of the provider, tokens, user and errors show the client secret,
    /// a code, the state, the PKCE verifier, the nonce or a token.
    pub async fn no_secret_leaks(&self) {
        let (logs, guard) = LogCapture::capture();
        let mock = self.mock(false).await;
        let provider = self.provider(&mock);
        let http = Self::http();
        let login = self.login(&mock, &provider, &http).await;
        let mut printed = vec![format!("{provider:?}"), format!("{:?}", login.token)];
        match provider.user_info(&http, &login.token).await {
            Ok(user) => printed.push(format!("{user:?}")),
            Err(error) => panic!("the user could not be fetched or mapped: {error}"),
        }
        if let (true, Some(refresh)) = (self.spec.capabilities.refresh, &login.token.refresh_token)
        {
            match provider.refresh(&http, refresh).await {
                Ok(token) => printed.push(format!("{token:?}")),
                Err(error) => printed.extend([format!("{error:?}"), error.to_string()]),
            }
        }
        let replay = provider
            .exchange_code(
                &http,
                &AuthorizationCode::new(login.code.clone()),
                &self.redirect_uri(),
                Some(&login.verifier),
            )
            .await;
        match replay {
            Ok(_) => panic!("a replayed code must be refused"),
            Err(error) => printed.extend([format!("{error:?}"), error.to_string()]),
        }
        mock.set_fault(self.user_endpoint(), Fault::Status(401));
        mock.set_fault(Endpoint::Token, Fault::Status(401));
        match provider.user_info(&http, &login.token).await {
            Err(error) => printed.extend([format!("{error:?}"), error.to_string()]),
            // A user that comes with the token response needs no request to the faulted
            // endpoint, and a further step may do without its endpoint.
            Ok(_) => assert!(
                self.user_in_token() || self.uses_step(),
                "a 401 from the user endpoint must be an error"
            ),
        }
        // The token endpoint's 401 too: for a spec whose user comes with the token response it
        // is the API error of the run.
        let refused = provider
            .exchange_code(
                &http,
                &AuthorizationCode::new("code-the-token-endpoint-refuses"),
                &self.redirect_uri(),
                Some(&login.verifier),
            )
            .await;
        match refused {
            Ok(_) => panic!("a 401 from the token endpoint must be an error"),
            Err(error) => printed.extend([format!("{error:?}"), error.to_string()]),
        }
        drop(guard);
        let text = logs.text();
        assert!(
            text.contains(self.spec.id),
            "the run was logged at TRACE level: {text}"
        );
        printed.push(text);
        let mut secrets = mock.issued_tokens();
        secrets.extend([
            mock.client_secret(),
            login.code,
            login.state.secret().to_owned(),
            login.verifier.secret().to_owned(),
            login.nonce.secret().to_owned(),
        ]);
        for text in &printed {
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "a secret leaked into:\n{text}"
                );
            }
        }
    }
}

/// A fresh state, PKCE verifier and nonce.
fn secrets() -> (CsrfState, PkceVerifier, Nonce) {
    match (CsrfState::generate(), Nonce::generate()) {
        (Ok(state), Ok(nonce)) => (state, generate_verifier(), nonce),
        (Err(error), _) | (_, Err(error)) => panic!("no randomness: {error}"),
    }
}

fn generate_verifier() -> PkceVerifier {
    match PkceVerifier::generate() {
        Ok(verifier) => verifier,
        Err(error) => panic!("no randomness: {error}"),
    }
}

fn expect_built(result: Result<SpecProvider, Error>) -> SpecProvider {
    match result {
        Ok(provider) => provider,
        Err(error) => panic!("the provider cannot be pointed at the mock: {error}"),
    }
}

/// The RFC 8414 name of a client authentication method, as the mock records it.
fn auth_method_name(auth: ClientAuth) -> &'static str {
    match auth {
        ClientAuth::FormBody => "client_secret_post",
        ClientAuth::None => "none",
        ClientAuth::PrivateKeyJwt => "private_key_jwt",
        _ => "client_secret_basic",
    }
}

/// An assertion that names another client than the one it is sent for.
#[derive(Debug)]
struct ForgedAssertion;

impl ClientAssertion for ForgedAssertion {
    fn sign(&self, _client_id: &str, audience: &str) -> Result<ClientSecret, Error> {
        MockClientAssertion.sign("someone-else", audience)
    }
}

/// Generates the provider conformance suite: ten tests over a provider's spec and fixtures
/// ([`CASES`](crate::conformance::CASES)), each against a fresh
/// [`MockProvider`](crate::MockProvider) of the spec. Invoke it once, in the provider crate's
/// one integration-test file:
///
/// ```
/// // crates/providers/acme/tests/acme.rs, with `spec: oauth_kit_acme::SPEC` and the fixtures
/// // read with include_str!("fixtures/user.json") and so on.
/// use oauth_kit_core::spec::ProviderSpec;
///
/// static ACME: ProviderSpec = ProviderSpec {
///     id: "acme",
///     title: "Acme",
///     env_prefix: "ACME",
///     authorization_url: "https://id.acme.example/authorize",
///     token_url: "https://id.acme.example/token",
///     api_url: "https://api.acme.example",
///     user_info_url: "{api}/userinfo",
///     scopes: &["openid", "email"],
///     ..ProviderSpec::DEFAULT
/// };
///
/// oauth_kit_testkit::provider_conformance! {
///     spec: ACME,
///     fixtures: oauth_kit_testkit::conformance::Fixtures::new(
///         r#"{"sub": "248289761001", "email": "jane@example.com", "name": "Jane Doe"}"#,
///         r#"{"sub": "248289761001"}"#,
///     )
///     .error(401, r#"{"error": "invalid_token", "error_description": "The token expired"}"#),
/// }
/// # fn main() {}
/// ```
///
/// The crate needs only `oauth-kit-testkit` and `insta` as dev-dependencies (the tests build
/// their own current-thread Tokio runtime). The tests live in a module `conformance`:
///
/// | test | what it pins |
/// |---|---|
/// | `authorization_url_matches_the_snapshot` | the URL of the spec's real endpoints, state, challenge and nonce as placeholders; scopes and separator, PKCE iff supported, nonce iff OpenID Connect |
/// | `code_exchange_uses_the_spec_client_authentication` | a login against the mock, which accepts only the spec's client authentication and checks the PKCE verifier; the granted scopes are read; a replayed code is `invalid_grant` |
/// | `refresh_returns_a_new_access_token_or_is_unsupported` | refresh with the spec's client authentication, or `Error::Unsupported` without a request |
/// | `user_is_mapped_as_in_the_snapshot` | the normalized user of the full fixtures (snapshot) |
/// | `api_error_statuses_map_to_typed_errors_with_hints` | 401, 403, 429, 500 → `Error::HttpStatus` with the status, the message and a hint (snapshot) |
/// | `minimal_user_maps_with_optional_fields_none` | the minimal fixtures map; every optional field `None` |
/// | `malformed_json_is_a_typed_error` | truncated, non-object and id-less bodies → `Error::InvalidResponse`; malformed further endpoints never panic |
/// | `provider_from_the_environment_logs_in_against_the_mock` | `from_lookup` with the mock's `{PREFIX}_*` variables |
/// | `token_endpoint_refuses_a_client_that_fails_authentication` | wrong credentials → `invalid_client` (`invalid_grant` for a public client's wrong verifier) |
/// | `no_secret_in_debug_or_trace_logs` | no secret in TRACE logs, `Debug` or `Display` of a whole run |
///
/// The snapshots land in the crate's `tests/snapshots/` like its other insta snapshots.
#[macro_export]
macro_rules! provider_conformance {
    (spec: $spec:path, fixtures: $fixtures:expr $(,)?) => {
        /// The oauth-kit provider conformance suite over this crate's spec and fixtures.
        mod conformance {
            #[allow(unused_imports)]
            use super::*;

            fn suite() -> $crate::conformance::Suite {
                $crate::conformance::Suite::new(&$spec, $fixtures)
            }

            #[test]
            fn authorization_url_matches_the_snapshot() {
                let url = suite().authorization_url();
                ::insta::assert_snapshot!(url);
            }

            #[test]
            fn code_exchange_uses_the_spec_client_authentication() {
                $crate::conformance::run(suite().code_exchange());
            }

            #[test]
            fn refresh_returns_a_new_access_token_or_is_unsupported() {
                $crate::conformance::run(suite().refresh());
            }

            #[test]
            fn user_is_mapped_as_in_the_snapshot() {
                let user = $crate::conformance::run(suite().mapped_user());
                ::insta::assert_snapshot!(user);
            }

            #[test]
            fn api_error_statuses_map_to_typed_errors_with_hints() {
                let errors = $crate::conformance::run(suite().api_errors());
                ::insta::assert_snapshot!(errors);
            }

            #[test]
            fn minimal_user_maps_with_optional_fields_none() {
                $crate::conformance::run(suite().minimal_user());
            }

            #[test]
            fn malformed_json_is_a_typed_error() {
                $crate::conformance::run(suite().malformed_json());
            }

            #[test]
            fn provider_from_the_environment_logs_in_against_the_mock() {
                $crate::conformance::run(suite().from_environment());
            }

            #[test]
            fn token_endpoint_refuses_a_client_that_fails_authentication() {
                $crate::conformance::run(suite().wrong_client_credentials());
            }

            #[test]
            fn no_secret_in_debug_or_trace_logs() {
                $crate::conformance::run(suite().no_secret_leaks());
            }
        }
    };
}
