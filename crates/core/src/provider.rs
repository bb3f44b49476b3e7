//! The provider trait, its capabilities and the registry of providers.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use url::Url;

use crate::device::DeviceAuthorization;
use crate::error::Error;
use crate::http::HttpClient;
use crate::pkce::{PkceChallenge, PkceVerifier};
use crate::secret::{AuthorizationCode, CsrfState, Nonce, RefreshToken};
use crate::token::OAuthToken;
use crate::user::OAuthUserInfo;

/// What a provider supports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// PKCE S256 (RFC 7636). When true, every login flow sends a code challenge.
    pub pkce: bool,
    /// The refresh-token grant.
    pub refresh: bool,
    /// Token revocation.
    pub revocation: bool,
    /// The `iss` parameter in the authorization response (RFC 9207), which the flow then
    /// requires and checks against [`OAuthProvider::issuer`].
    pub authorization_response_iss: bool,
    /// OpenID Connect (a `nonce` is sent and an ID token expected).
    pub openid_connect: bool,
    /// The client-credentials grant (RFC 6749 section 4.4): tokens for the application
    /// itself, see [`OAuthProvider::client_credentials`].
    pub client_credentials: bool,
    /// The device authorization grant (RFC 8628) for devices and command-line tools, see
    /// [`OAuthProvider::device_authorization`].
    pub device_flow: bool,
    /// The authorization response comes back as a cross-site form POST
    /// (`response_mode=form_post`, Apple): adapters accept a POST callback, and the flow
    /// cookie is `SameSite=None; Secure` so that the browser sends it with that POST.
    pub form_post: bool,
}

impl Capabilities {
    /// No optional capability.
    pub const NONE: Capabilities = Capabilities {
        pkce: false,
        refresh: false,
        revocation: false,
        authorization_response_iss: false,
        openid_connect: false,
        client_credentials: false,
        device_flow: false,
        form_post: false,
    };

    /// Sets PKCE support.
    pub const fn pkce(mut self, yes: bool) -> Self {
        self.pkce = yes;
        self
    }

    /// Sets refresh support.
    pub const fn refresh(mut self, yes: bool) -> Self {
        self.refresh = yes;
        self
    }

    /// Sets revocation support.
    pub const fn revocation(mut self, yes: bool) -> Self {
        self.revocation = yes;
        self
    }

    /// Sets RFC 9207 `iss` support.
    pub const fn authorization_response_iss(mut self, yes: bool) -> Self {
        self.authorization_response_iss = yes;
        self
    }

    /// Sets OpenID Connect support.
    pub const fn openid_connect(mut self, yes: bool) -> Self {
        self.openid_connect = yes;
        self
    }

    /// Sets client-credentials grant support.
    pub const fn client_credentials(mut self, yes: bool) -> Self {
        self.client_credentials = yes;
        self
    }

    /// Sets device authorization grant support.
    pub const fn device_flow(mut self, yes: bool) -> Self {
        self.device_flow = yes;
        self
    }

    /// Sets `response_mode=form_post`.
    pub const fn form_post(mut self, yes: bool) -> Self {
        self.form_post = yes;
        self
    }
}

/// What the login flow knows about a login when it exchanges the code and asks the provider
/// for the user: the OpenID Connect nonce it sent, read back from this browser's flow record,
/// the callback's `state` (already checked against this browser's flow) and the further
/// parameters of the authorization response.
///
/// ```
/// use oauth_kit_core::{LoginContext, Nonce};
/// let nonce = Nonce::new("n-0S6_WzA2Mj");
/// let callback = [("user".to_owned(), r#"{"name":{"firstName":"Amara"}}"#.to_owned())];
/// let login = LoginContext::new().with_nonce(Some(&nonce)).with_callback(&callback);
/// assert!(login.nonce.is_some());
/// assert!(login.callback_param("user").is_some());
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct LoginContext<'a> {
    /// The nonce sent in the authorization request; an ID token must carry exactly this one.
    pub nonce: Option<&'a Nonce>,
    /// The authorization response's parameters other than `code`, `state`, `error`,
    /// `error_description` and `iss` (Apple's `user`), bounded in number and length. They are
    /// not signed: anything taken from them is only as trustworthy as the browser.
    pub callback: &'a [(String, String)],
    /// The callback's `state`, already checked against this browser's flow (VK ID wants it
    /// back in the code exchange).
    pub state: Option<&'a CsrfState>,
}

impl<'a> LoginContext<'a> {
    /// A context without a nonce.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the nonce.
    pub fn with_nonce(mut self, nonce: Option<&'a Nonce>) -> Self {
        self.nonce = nonce;
        self
    }

    /// Sets the further parameters of the authorization response.
    pub fn with_callback(mut self, callback: &'a [(String, String)]) -> Self {
        self.callback = callback;
        self
    }

    /// Sets the callback's `state`.
    pub fn with_state(mut self, state: Option<&'a CsrfState>) -> Self {
        self.state = state;
        self
    }

    /// The value of the authorization response's parameter `name`, if it was kept.
    pub fn callback_param(&self, name: &str) -> Option<&'a str> {
        self.callback
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Per-request options of an authorization URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizeOptions {
    /// Scopes requested on top of the provider's configured scopes.
    pub extra_scopes: Vec<String>,
    /// The OpenID Connect `prompt` value (`login`, `consent`, `select_account`, ...).
    pub prompt: Option<String>,
    /// A hint of the account to log in with.
    pub login_hint: Option<String>,
    /// Further provider-specific parameters. They can never replace `client_id`,
    /// `redirect_uri`, `response_type`, `state`, `scope`, `nonce` or the PKCE parameters:
    /// such entries are dropped.
    pub extra_params: Vec<(String, String)>,
}

impl AuthorizeOptions {
    /// Adds a scope to request.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.extra_scopes.push(scope.into());
        self
    }

    /// Sets `prompt`.
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// Sets `login_hint`.
    pub fn login_hint(mut self, hint: impl Into<String>) -> Self {
        self.login_hint = Some(hint.into());
        self
    }

    /// Adds a provider-specific parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((name.into(), value.into()));
        self
    }
}

/// Everything an authorization URL is built from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AuthorizationRequest<'a> {
    /// The exact callback URL registered with the provider.
    pub redirect_uri: &'a str,
    /// The CSRF state.
    pub state: &'a CsrfState,
    /// The PKCE challenge, for providers that support PKCE.
    pub pkce_challenge: Option<&'a PkceChallenge>,
    /// The OpenID Connect nonce, for OIDC providers.
    pub nonce: Option<&'a Nonce>,
    /// Per-request options.
    pub options: &'a AuthorizeOptions,
}

impl<'a> AuthorizationRequest<'a> {
    /// A request with no PKCE, no nonce and the given options.
    pub fn new(redirect_uri: &'a str, state: &'a CsrfState, options: &'a AuthorizeOptions) -> Self {
        Self {
            redirect_uri,
            state,
            pkce_challenge: None,
            nonce: None,
            options,
        }
    }

    /// Adds a PKCE challenge.
    pub fn with_pkce(mut self, challenge: &'a PkceChallenge) -> Self {
        self.pkce_challenge = Some(challenge);
        self
    }

    /// Adds a nonce.
    pub fn with_nonce(mut self, nonce: &'a Nonce) -> Self {
        self.nonce = Some(nonce);
        self
    }
}

/// The answer to a revocation request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// The provider confirmed the revocation.
    Revoked,
    /// The provider offers no revocation endpoint; `manage_url`, if any, is where users can
    /// revoke access themselves.
    Unsupported {
        /// The provider's page for managing authorized applications.
        manage_url: Option<String>,
    },
}

/// An identity provider: the three steps of every OAuth 2.0 login (authorization URL, code
/// exchange, user info) plus refresh and revocation.
///
/// The trait is object safe, so a registry holds `Arc<dyn OAuthProvider>`. Implementations
/// hold data (endpoints, credentials, quirks) and do their HTTP through the shared
/// [`HttpClient`] they are given, usually with [`OAuth2Client`](crate::OAuth2Client).
#[async_trait]
pub trait OAuthProvider: Send + Sync + fmt::Debug {
    /// The registry name, lowercase, for example `"bitbucket"`. Used in routes and in
    /// [`OAuthUserInfo::provider`].
    fn name(&self) -> &str;

    /// What the provider supports.
    fn capabilities(&self) -> Capabilities;

    /// The scopes requested when none are configured.
    fn default_scopes(&self) -> Vec<String>;

    /// The issuer identifier compared with the `iss` callback parameter (RFC 9207).
    fn issuer(&self) -> Option<&str> {
        None
    }

    /// Makes the provider ready for a login: an OpenID Connect provider fetches (once, then
    /// from its cache) its discovery document, which gives its endpoints and capabilities. The
    /// login flow calls it before [`authorization_url`](Self::authorization_url) and before
    /// the callback's issuer check; call it yourself first when you use a provider without the
    /// flow. The default does nothing.
    async fn prepare(&self, http: &HttpClient) -> Result<(), Error> {
        let _ = http;
        Ok(())
    }

    /// Builds the URL the browser is sent to.
    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error>;

    /// Exchanges an authorization code for a token. Never retried: codes are single use.
    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error>;

    /// The code exchange of a login that the flow completes: like
    /// [`exchange_code`](Self::exchange_code), with what the flow knows about the login (the
    /// callback's further parameters, which some providers want back in the token request or
    /// which name the server that issued the code). A provider may refuse the login here,
    /// before any token request, when such a parameter is missing or not trusted. The default
    /// ignores the context and calls `exchange_code`.
    async fn exchange_login_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
        login: &LoginContext<'_>,
    ) -> Result<OAuthToken, Error> {
        let _ = login;
        self.exchange_code(http, code, redirect_uri, pkce_verifier)
            .await
    }

    /// Uses a refresh token to obtain a new access token.
    async fn refresh(
        &self,
        http: &HttpClient,
        refresh_token: &RefreshToken,
    ) -> Result<OAuthToken, Error> {
        let _ = (http, refresh_token);
        Err(Error::Unsupported {
            provider: self.name().to_owned(),
            operation: "token refresh",
        })
    }

    /// Whether a failed refresh means the refresh token is no longer usable, so that the user
    /// must log in again. The default recognises RFC 6749's `invalid_grant`; a provider that
    /// answers a dead refresh token differently says so here.
    fn refresh_rejected(&self, error: &Error) -> bool {
        error
            .oauth_error()
            .is_some_and(|body| body.error == "invalid_grant")
    }

    /// Requests a token for the application itself with the client-credentials grant (RFC
    /// 6749 section 4.4). Providers without it answer [`Error::Unsupported`] (the default).
    async fn client_credentials(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<OAuthToken, Error> {
        let _ = (http, scopes);
        Err(Error::Unsupported {
            provider: self.name().to_owned(),
            operation: "the client credentials grant",
        })
    }

    /// Starts a device authorization (RFC 8628 section 3.1): the codes and the URL to show
    /// the user. Providers without the device flow answer [`Error::Unsupported`] (the
    /// default). [`DeviceFlow`](crate::DeviceFlow) drives the whole flow.
    async fn device_authorization(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<DeviceAuthorization, Error> {
        let _ = (http, scopes);
        Err(Error::Unsupported {
            provider: self.name().to_owned(),
            operation: "the device authorization grant",
        })
    }

    /// Sends one device access token request (RFC 8628 section 3.4). A pending or refused
    /// authorization comes back as [`Error::OAuth`] with the provider's error code
    /// (`authorization_pending`, `slow_down`, `access_denied`, `expired_token`).
    async fn poll_device_token(
        &self,
        http: &HttpClient,
        authorization: &DeviceAuthorization,
    ) -> Result<OAuthToken, Error> {
        let _ = (http, authorization);
        Err(Error::Unsupported {
            provider: self.name().to_owned(),
            operation: "the device authorization grant",
        })
    }

    /// Revokes a token, or says that the provider cannot.
    async fn revoke(&self, http: &HttpClient, token: &OAuthToken) -> Result<Revocation, Error> {
        let _ = (http, token);
        Ok(Revocation::Unsupported { manage_url: None })
    }

    /// Fetches the user the token belongs to, normalized.
    ///
    /// An OpenID Connect provider validates the ID token here without a nonce; the login flow
    /// calls [`login_user`](Self::login_user) instead, with the nonce it sent.
    async fn user_info(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error>;

    /// The user of a login that the flow completes: like [`user_info`](Self::user_info), with
    /// what the flow knows about the login (the nonce of an OpenID Connect login, which the ID
    /// token must carry). The default ignores the context and calls `user_info`.
    async fn login_user(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
        login: &LoginContext<'_>,
    ) -> Result<OAuthUserInfo, Error> {
        let _ = login;
        self.user_info(http, token).await
    }
}

/// A provider registry name: 1 to 32 characters from `a-z`, `0-9`, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderName(String);

impl ProviderName {
    /// Parses a name; anything else is `None` (it may come from a URL path).
    pub fn parse(name: &str) -> Option<Self> {
        let ok = (1..=32).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        ok.then(|| Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProviderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Providers keyed by name.
#[derive(Debug, Clone, Default)]
pub struct ProviderRegistry {
    providers: BTreeMap<ProviderName, Arc<dyn OAuthProvider>>,
}

impl ProviderRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a provider under its [`name`](OAuthProvider::name).
    ///
    /// Fails when the name is not a valid [`ProviderName`] or is already taken.
    pub fn register(&mut self, provider: impl OAuthProvider + 'static) -> Result<&mut Self, Error> {
        self.register_arc(Arc::new(provider))
    }

    /// Adds a shared provider.
    pub fn register_arc(&mut self, provider: Arc<dyn OAuthProvider>) -> Result<&mut Self, Error> {
        let raw = provider.name().to_owned();
        let name = ProviderName::parse(&raw).ok_or_else(|| {
            Error::config(
                "provider name",
                format!("`{raw}` must be 1 to 32 characters from a-z, 0-9, '-' and '_'"),
            )
        })?;
        if self.providers.contains_key(&name) {
            return Err(Error::config(
                "provider name",
                format!("a provider named `{raw}` is already registered"),
            ));
        }
        self.providers.insert(name, provider);
        Ok(self)
    }

    /// Adds a provider, builder style.
    pub fn with(mut self, provider: impl OAuthProvider + 'static) -> Result<Self, Error> {
        self.register(provider)?;
        Ok(self)
    }

    /// The provider registered under `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn OAuthProvider>> {
        let name = ProviderName::parse(name)?;
        self.providers.get(&name)
    }

    /// The registered names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(ProviderName::as_str)
    }

    /// The registered providers, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn OAuthProvider>> {
        self.providers.values()
    }

    /// The number of registered providers.
    pub fn len(&self) -> usize {
        self.providers.len()
    }

    /// Whether no provider is registered.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_are_restricted() {
        assert!(ProviderName::parse("bitbucket").is_some());
        assert!(ProviderName::parse("my-idp_2").is_some());
        for bad in ["", "Bitbucket", "a/b", "a b", "<x>", &"a".repeat(33)] {
            assert!(ProviderName::parse(bad).is_none(), "{bad}");
        }
    }
}
