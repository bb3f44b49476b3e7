//! A provider on its own, without a web framework: the three calls of every OAuth 2.0 login.

use std::sync::Arc;

use url::Url;

use crate::endpoint::is_loopback;
use crate::error::Error;
use crate::flow::callback::CallbackParams;
use crate::http::HttpClient;
use crate::oidc::check_callback_issuer;
use crate::pkce::{PkceVerifier, constant_time_eq};
use crate::provider::{
    AuthorizationRequest, AuthorizeOptions, LoginContext, OAuthProvider, Revocation,
};
use crate::secret::{AccessToken, AuthorizationCode, CsrfState, Nonce, RefreshToken};
use crate::token::OAuthToken;
use crate::user::OAuthUserInfo;

/// A provider, the HTTP client and the redirect URI, with the seed's three calls:
/// [`authorization_url`](Self::authorization_url), [`exchange_code`](Self::exchange_code) and
/// [`get_user_info`](Self::get_user_info), plus refresh and revocation.
///
/// Use it for command-line tools, scripts and frameworks without an adapter; in a web
/// application prefer [`LoginService`](crate::LoginService), which also binds the login to the
/// browser with a sealed cookie and checks the return path.
///
/// ```
/// # #[derive(Debug)] struct P;
/// # #[oauth_kit_core::async_trait] impl oauth_kit_core::OAuthProvider for P {
/// #   fn name(&self) -> &str { "example" }
/// #   fn capabilities(&self) -> oauth_kit_core::Capabilities { oauth_kit_core::Capabilities::NONE.pkce(true) }
/// #   fn default_scopes(&self) -> Vec<String> { vec![] }
/// #   fn authorization_url(&self, r: &oauth_kit_core::AuthorizationRequest<'_>) -> Result<url::Url, oauth_kit_core::Error> {
/// #     Ok(url::Url::parse(&format!("https://id.example/authorize?state={}", r.state.secret())).unwrap()) }
/// #   async fn exchange_code(&self, _: &oauth_kit_core::HttpClient, _: &oauth_kit_core::AuthorizationCode, _: &str, _: Option<&oauth_kit_core::PkceVerifier>) -> Result<oauth_kit_core::OAuthToken, oauth_kit_core::Error> { unimplemented!() }
/// #   async fn user_info(&self, _: &oauth_kit_core::HttpClient, _: &oauth_kit_core::OAuthToken) -> Result<oauth_kit_core::OAuthUserInfo, oauth_kit_core::Error> { unimplemented!() }
/// # }
/// # let provider = P;
/// use oauth_kit_core::{Error, ProviderClient};
///
/// let client = ProviderClient::new(provider, "http://localhost:8000/auth/example/callback")?;
/// let start = client.authorization_url()?;
/// // Send the browser to start.url; keep start.pending until the callback comes back.
/// assert!(start.pending.pkce_verifier().is_some());
///
/// // A callback whose state is not this login's never reaches the token endpoint:
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let forged = "http://localhost:8000/auth/example/callback?code=c&state=forged";
/// let err = client.exchange_code(forged, &start.pending).await.unwrap_err();
/// assert!(matches!(err, Error::StateMismatch));
/// # });
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProviderClient {
    provider: Arc<dyn OAuthProvider>,
    http: HttpClient,
    redirect_uri: String,
}

/// What [`ProviderClient::authorization_url`] returns: the URL to send the browser to, and what
/// must be kept until the callback.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthorizationStart {
    /// The provider's authorization URL.
    pub url: Url,
    /// The state, PKCE verifier and nonce of this login; keep it for the callback.
    pub pending: PendingLogin,
}

/// The secrets of one login in progress: the state, the PKCE verifier (for providers with
/// PKCE) and the nonce (for OpenID Connect providers). `Debug` shows none of them.
#[derive(Debug)]
pub struct PendingLogin {
    state: CsrfState,
    pkce_verifier: Option<PkceVerifier>,
    nonce: Option<Nonce>,
}

impl PendingLogin {
    /// The state sent in the authorization URL.
    pub fn state(&self) -> &CsrfState {
        &self.state
    }

    /// The PKCE verifier, for providers with PKCE.
    pub fn pkce_verifier(&self) -> Option<&PkceVerifier> {
        self.pkce_verifier.as_ref()
    }

    /// The nonce, for OpenID Connect providers.
    pub fn nonce(&self) -> Option<&Nonce> {
        self.nonce.as_ref()
    }
}

impl ProviderClient {
    /// A client for `provider` that redirects to `redirect_uri` (the exact callback URL
    /// registered with the provider), with a default [`HttpClient`].
    ///
    /// The redirect URI must be an absolute `https` URL, or `http` on localhost or a loopback
    /// address; anything else is an [`Error::Config`].
    pub fn new(
        provider: impl OAuthProvider + 'static,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, Error> {
        Self::from_arc(Arc::new(provider), redirect_uri)
    }

    /// Like [`new`](Self::new) with a shared provider (for example from a registry).
    pub fn from_arc(
        provider: Arc<dyn OAuthProvider>,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, Error> {
        let redirect_uri = redirect_uri.into();
        let url = Url::parse(redirect_uri.trim())
            .map_err(|e| Error::config("redirect_uri", format!("not an absolute URL ({e})")))?;
        let secure = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url));
        if !secure || url.fragment().is_some() {
            return Err(Error::config(
                "redirect_uri",
                "the redirect URI must use https (http only on localhost and loopback addresses) \
                 and carry no fragment",
            ));
        }
        Ok(Self {
            provider,
            http: HttpClient::new()?,
            redirect_uri: url.into(),
        })
    }

    /// Uses another HTTP client (other limits, a shared connection pool).
    pub fn with_http(mut self, http: HttpClient) -> Self {
        self.http = http;
        self
    }

    /// The provider.
    pub fn provider(&self) -> &Arc<dyn OAuthProvider> {
        &self.provider
    }

    /// The redirect URI.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The authorization URL with a fresh state, a PKCE challenge where the provider supports
    /// PKCE and a nonce for OpenID Connect providers.
    pub fn authorization_url(&self) -> Result<AuthorizationStart, Error> {
        self.authorization_url_with(&AuthorizeOptions::default())
    }

    /// Like [`authorization_url`](Self::authorization_url) with per-login options (extra
    /// scopes, `prompt`, `login_hint`, provider parameters).
    pub fn authorization_url_with(
        &self,
        options: &AuthorizeOptions,
    ) -> Result<AuthorizationStart, Error> {
        let capabilities = self.provider.capabilities();
        let state = CsrfState::generate()?;
        let pkce_verifier = if capabilities.pkce {
            Some(PkceVerifier::generate()?)
        } else {
            None
        };
        let nonce = if capabilities.openid_connect {
            Some(Nonce::generate()?)
        } else {
            None
        };
        let challenge = pkce_verifier.as_ref().map(PkceVerifier::challenge);
        let mut request = AuthorizationRequest::new(&self.redirect_uri, &state, options);
        if let Some(challenge) = &challenge {
            request = request.with_pkce(challenge);
        }
        if let Some(nonce) = &nonce {
            request = request.with_nonce(nonce);
        }
        let url = self.provider.authorization_url(&request)?;
        Ok(AuthorizationStart {
            url,
            pending: PendingLogin {
                state,
                pkce_verifier,
                nonce,
            },
        })
    }

    /// Checks the callback and exchanges its code for a token.
    ///
    /// `callback` is the whole callback URL the browser was sent to, or its query string. In
    /// order: the `state` must be present and equal this login's (compared in constant time),
    /// the `iss` must equal the provider's issuer where it announces RFC 9207, a provider
    /// `error` becomes [`Error::AuthorizationDenied`], and the `code` must be present. Only then
    /// is the token endpoint called, once (codes are single use), through
    /// [`OAuthProvider::exchange_login_code`] with the callback's further parameters.
    pub async fn exchange_code(
        &self,
        callback: &str,
        pending: &PendingLogin,
    ) -> Result<OAuthToken, Error> {
        let callback = callback.trim();
        let query = match Url::parse(callback) {
            Ok(url) => url.query().unwrap_or_default().to_owned(),
            Err(_) => callback.to_owned(),
        };
        let params = CallbackParams::parse(&query)?;
        let state = params.state.as_deref().ok_or(Error::MissingState)?;
        if !constant_time_eq(state.as_bytes(), pending.state.secret().as_bytes()) {
            return Err(Error::StateMismatch);
        }
        check_callback_issuer(&*self.provider, &self.http, params.iss.as_deref()).await?;
        if let Some(error) = params.error {
            return Err(Error::AuthorizationDenied {
                error,
                description: params.error_description,
            });
        }
        let code = AuthorizationCode::new(params.code.ok_or(Error::MissingCode)?);
        let login = LoginContext::new()
            .with_nonce(pending.nonce.as_ref())
            .with_callback(&params.extra)
            .with_state(Some(&pending.state));
        self.provider
            .exchange_login_code(
                &self.http,
                &code,
                &self.redirect_uri,
                pending.pkce_verifier.as_ref(),
                &login,
            )
            .await
    }

    /// The user an access token belongs to, normalized.
    ///
    /// Providers that put the user in the token response (Slack, Strava) need the whole
    /// token: use [`user_info`](Self::user_info) with it.
    pub async fn get_user_info(&self, access_token: &AccessToken) -> Result<OAuthUserInfo, Error> {
        self.user_info(&OAuthToken::bearer(access_token.clone()))
            .await
    }

    /// The user a token response belongs to, normalized.
    pub async fn user_info(&self, token: &OAuthToken) -> Result<OAuthUserInfo, Error> {
        self.provider.user_info(&self.http, token).await
    }

    /// A new access token from a refresh token, where the provider supports refresh.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<OAuthToken, Error> {
        self.provider.refresh(&self.http, refresh_token).await
    }

    /// Revokes a token, or says that the provider cannot.
    pub async fn revoke(&self, token: &OAuthToken) -> Result<Revocation, Error> {
        self.provider.revoke(&self.http, token).await
    }
}
