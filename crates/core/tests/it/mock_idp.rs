//! A small provider built on the engine and pointed at the testkit's mock: Bitbucket's token
//! endpoint (with the mock's refresh-token behaviours and client-credentials grant) and the
//! mock's RFC 8628 device endpoint.
//!
//! For tests on Tokio's paused clock, [`MockIdp::holding_the_clock`] keeps the clock still
//! while a request is on the wire (Tokio's documented way: a blocking task inhibits
//! auto-advance), so that only the flow's own sleeps move time and no HTTP timeout fires
//! because time jumped.

use std::future::Future;
use std::sync::Mutex;

use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, Capabilities, ClientAuth, ClientSecret,
    DeviceAuthorization, Error, HttpClient, OAuth2Client, OAuthProvider, OAuthToken, OAuthUserInfo,
    PkceVerifier, RefreshToken, Revocation, TokenQuirks, async_trait,
};
use oauth_kit_testkit::MockBitbucket;
use tokio::time::Instant;
use url::Url;

/// The provider's registry name.
pub(crate) const NAME: &str = "mockidp";

#[derive(Debug)]
pub(crate) struct MockIdp {
    engine: OAuth2Client,
    hold_clock: bool,
    revocation: bool,
    polls: Mutex<Vec<Instant>>,
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("the mock's URLs parse")
}

impl MockIdp {
    /// A confidential client (HTTP Basic) of `mock`.
    pub(crate) fn new(mock: &MockBitbucket) -> Self {
        let engine = OAuth2Client::new(
            NAME,
            mock.client_id(),
            ClientSecret::new(mock.client_secret()),
            url(&mock.authorize_url()),
            url(&mock.token_url()),
        )
        .with_quirks(TokenQuirks::STRICT.scope_field("scopes"))
        .with_device_authorization_url(url(&mock.device_authorization_url()));
        Self {
            engine,
            hold_clock: false,
            revocation: false,
            polls: Mutex::new(Vec::new()),
        }
    }

    /// A public client: `client_id` only, no secret.
    pub(crate) fn public_client(mock: &MockBitbucket) -> Self {
        let mut idp = Self::new(mock);
        idp.engine = idp.engine.with_client_auth(ClientAuth::None);
        idp
    }

    /// Also revokes at `revocation_url` (RFC 7009).
    pub(crate) fn with_revocation_url(mut self, revocation_url: Url) -> Self {
        self.engine = self.engine.with_revocation_url(revocation_url);
        self.revocation = true;
        self
    }

    /// Keeps Tokio's paused clock still during every request.
    pub(crate) fn holding_the_clock(mut self) -> Self {
        self.hold_clock = true;
        self
    }

    /// The engine, for requests a test sends itself.
    pub(crate) fn engine(&self) -> &OAuth2Client {
        &self.engine
    }

    /// The seconds from `start` at which each device token poll was sent.
    pub(crate) fn poll_times(&self, start: Instant) -> Vec<u64> {
        self.polls
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|t| t.duration_since(start).as_secs())
            .collect()
    }

    async fn on_the_wire<T>(&self, request: impl Future<Output = T>) -> T {
        if !self.hold_clock {
            return request.await;
        }
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let holder = tokio::task::spawn_blocking(move || {
            let _ = wait.recv();
        });
        let out = request.await;
        drop(release);
        holder.await.expect("the clock holder ends");
        out
    }
}

#[async_trait]
impl OAuthProvider for MockIdp {
    fn name(&self) -> &str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE
            .refresh(true)
            .client_credentials(true)
            .device_flow(true)
            .revocation(self.revocation)
    }

    fn default_scopes(&self) -> Vec<String> {
        Vec::new()
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        Ok(self.engine.authorization_url(request, &[]))
    }

    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        _pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        self.on_the_wire(self.engine.exchange_code(http, code, redirect_uri, None))
            .await
    }

    async fn refresh(
        &self,
        http: &HttpClient,
        refresh_token: &RefreshToken,
    ) -> Result<OAuthToken, Error> {
        self.on_the_wire(self.engine.refresh(http, refresh_token))
            .await
    }

    async fn revoke(&self, http: &HttpClient, token: &OAuthToken) -> Result<Revocation, Error> {
        let (value, hint) = match &token.refresh_token {
            Some(refresh) => (refresh.secret(), "refresh_token"),
            None => (token.access_token.secret(), "access_token"),
        };
        match self.engine.revoke(http, value, Some(hint)).await {
            Ok(()) => Ok(Revocation::Revoked),
            Err(Error::Unsupported { .. }) => Ok(Revocation::Unsupported { manage_url: None }),
            Err(err) => Err(err),
        }
    }

    async fn client_credentials(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<OAuthToken, Error> {
        self.on_the_wire(self.engine.client_credentials(http, scopes))
            .await
    }

    async fn device_authorization(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<DeviceAuthorization, Error> {
        self.on_the_wire(self.engine.device_authorization(http, scopes))
            .await
    }

    async fn poll_device_token(
        &self,
        http: &HttpClient,
        authorization: &DeviceAuthorization,
    ) -> Result<OAuthToken, Error> {
        self.polls
            .lock()
            .expect("not poisoned")
            .push(Instant::now());
        self.on_the_wire(
            self.engine
                .poll_device_token(http, &authorization.device_code),
        )
        .await
    }

    async fn user_info(
        &self,
        _http: &HttpClient,
        _token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        Err(Error::Unsupported {
            provider: NAME.to_owned(),
            operation: "user info",
        })
    }
}
