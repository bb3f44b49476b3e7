//! The one generic provider: an instance of a [`ProviderSpec`] with credentials, a name and
//! resolved endpoints, and its builder.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::context::UserContext;
use super::openid::{Discovered, IdTokenKey, OpenIdState, OpenIdUserInfo, Pinned};
use super::{CallbackRole, Pkce, ProviderSpec, ResponseMode, RevokedToken, UserSource};
use crate::device::DeviceAuthorization;
use crate::endpoint::parse_endpoint;
use crate::error::{Error, ProviderContext, Stage, redacted_excerpt};
use crate::http::{ClientAuth, HttpClient};
use crate::oauth2::{ClientAssertion, OAuth2Client};
use crate::oidc::{DEFAULT_CLOCK_LEEWAY, DEFAULT_JWKS_MAX_AGE, DEFAULT_JWKS_REFETCH_INTERVAL};
use crate::pkce::PkceVerifier;
use crate::provider::{
    AuthorizationRequest, Capabilities, LoginContext, OAuthProvider, ProviderName, Revocation,
};
use crate::secret::{AuthorizationCode, ClientSecret, RefreshToken};
use crate::token::OAuthToken;
use crate::user::OAuthUserInfo;

/// Token-response members never copied into `raw_data` when the user comes from the token
/// response.
const TOKEN_MEMBERS: &[&str] = &["access_token", "refresh_token", "id_token"];

/// An identity provider described by a [`ProviderSpec`]: credentials, an instance name and the
/// endpoints resolved from the spec's templates and the configuration.
///
/// Several instances of one spec can be registered side by side under different names
/// (`gitlab` and `gitlab-corp`). `Debug` never shows the client secret.
#[derive(Clone)]
pub struct SpecProvider {
    spec: &'static ProviderSpec,
    name: String,
    /// The engine; for an OpenID Connect instance, the template that discovery completes with
    /// the endpoints (until then its endpoints are the issuer URL and are never used).
    oauth: OAuth2Client,
    base: Option<Url>,
    api: Option<Url>,
    user_info: Option<Url>,
    extra: Vec<(&'static str, Url)>,
    scopes: Vec<String>,
    openid: Option<Arc<OpenIdState>>,
    /// The one parameter of the spec's `authorize_choice` this instance sets.
    choice: Option<(&'static str, String)>,
}

impl fmt::Debug for SpecProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpecProvider")
            .field("spec", &self.spec.id)
            .field("name", &self.name)
            .field("oauth", &self.oauth)
            .field("api", &self.api.as_ref().map(Url::as_str))
            .field("user_info", &self.user_info.as_ref().map(Url::as_str))
            .field("scopes", &self.scopes)
            .field("openid", &self.openid)
            .finish_non_exhaustive()
    }
}

impl SpecProvider {
    /// A builder for an instance of `spec`.
    pub fn builder(
        spec: &'static ProviderSpec,
        client_id: impl Into<String>,
        client_secret: ClientSecret,
    ) -> ProviderBuilder<SpecProvider> {
        ProviderBuilder::new(spec, client_id, client_secret)
    }

    /// Reads an instance of `spec` from the process environment; see
    /// [`from_lookup`](Self::from_lookup).
    pub fn from_env(spec: &'static ProviderSpec) -> Result<Self, Error> {
        Self::from_lookup(spec, |name| std::env::var(name).ok())
    }

    /// Reads an instance of `spec` through `lookup`, with the spec's environment prefix:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `{PREFIX}_CLIENT_ID` | the client id (required) |
    /// | `{PREFIX}_CLIENT_SECRET` | the client secret (required unless the client is public) |
    /// | `{PREFIX}_SCOPE` | scopes, separated by spaces or commas |
    /// | `{PREFIX}_NAME` | the instance name (default: the spec's id) |
    /// | `{PREFIX}_BASE_URL` | the instance's base URL (self-hosted providers) |
    /// | `{PREFIX}_AUTHORIZE_URL`, `_TOKEN_URL` | endpoint overrides |
    /// | `{PREFIX}_API_URL` | the base of every API call |
    /// | `{PREFIX}_USERINFO_URL` | the user-info endpoint override |
    /// | `{PREFIX}_REVOCATION_URL` | the revocation endpoint override (specs with revocation) |
    /// | `{PREFIX}_ISSUER` | the OpenID Connect issuer (providers with an [`OpenIdSpec`](super::OpenIdSpec)) |
    /// | `{PREFIX}_{PARAM}` | each template parameter of the spec (`MICROSOFT_TENANT`) |
    ///
    /// Empty variables count as unset. Every error is an [`Error::Config`] naming the variable.
    pub fn from_lookup(
        spec: &'static ProviderSpec,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        Self::from_prefixed_lookup(spec, spec.env_prefix, lookup)
    }

    /// Like [`from_lookup`](Self::from_lookup) with another prefix, for a second instance of
    /// the same provider (`GITLAB_CORP_CLIENT_ID`, ... with `GITLAB_CORP_NAME=gitlab-corp`).
    pub fn from_prefixed_lookup(
        spec: &'static ProviderSpec,
        prefix: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        super::env::builder_from_lookup(spec, prefix, &lookup)?.build()
    }

    /// The spec this provider is an instance of.
    pub fn spec(&self) -> &'static ProviderSpec {
        self.spec
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        self.oauth.client_id()
    }

    /// The scopes sent in the authorization URL.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The authorization endpoint. For an OpenID Connect instance, the discovered one once
    /// [`OAuthProvider::prepare`] has run; before that, the issuer URL (no request is ever sent
    /// there: the flow runs discovery first).
    pub fn authorization_endpoint(&self) -> &Url {
        self.oauth2().authorization_endpoint()
    }

    /// The token endpoint (for an OpenID Connect instance, as for
    /// [`authorization_endpoint`](Self::authorization_endpoint)).
    pub fn token_url(&self) -> &Url {
        self.oauth2().token_url()
    }

    /// The instance's base URL, for self-hostable providers.
    pub fn base_url(&self) -> Option<&Url> {
        self.base.as_ref()
    }

    /// The base of every API call. Providers without an API answer the token endpoint's
    /// origin, OpenID Connect providers without one their issuer.
    pub fn api_url(&self) -> &Url {
        self.api.as_ref().unwrap_or_else(|| self.oauth.token_url())
    }

    /// The user-info endpoint: configured, from the spec, or discovered; the token endpoint
    /// for providers that put the user in the token response.
    pub fn user_info_url(&self) -> &Url {
        let discovered = self.discovered().and_then(|d| d.user_info.as_ref());
        discovered
            .or(self.user_info.as_ref())
            .unwrap_or_else(|| self.token_url())
    }

    /// A further endpoint named in the spec's `extra_endpoints`.
    pub fn endpoint(&self, name: &str) -> Option<&Url> {
        self.extra.iter().find(|(n, _)| *n == name).map(|(_, u)| u)
    }

    /// The engine with this instance's credentials and endpoints (for an OpenID Connect
    /// instance, as for [`authorization_endpoint`](Self::authorization_endpoint)).
    pub fn oauth2(&self) -> &OAuth2Client {
        self.discovered().map_or(&self.oauth, |d| &d.oauth)
    }

    /// Whether the endpoints are known: always for providers without discovery, after
    /// [`OAuthProvider::prepare`] for OpenID Connect ones.
    pub fn is_discovered(&self) -> bool {
        self.openid.is_none() || self.discovered().is_some()
    }

    /// The OpenID Connect issuer of the instance.
    pub fn issuer_url(&self) -> Option<&str> {
        self.openid.as_ref().map(|o| o.issuer.as_str())
    }

    /// The discovered OpenID Connect metadata, once discovery has run.
    pub fn provider_metadata(&self) -> Option<&crate::oidc::ProviderMetadata> {
        self.discovered().map(|d| &d.metadata)
    }

    /// How many times the JWKS was fetched (0 before discovery and for other providers).
    pub fn jwks_fetch_count(&self) -> u64 {
        self.discovered().map_or(0, |d| d.jwks.fetch_count())
    }

    fn discovered(&self) -> Option<&Discovered> {
        self.openid.as_ref().and_then(|o| o.discovered())
    }

    /// The engine, running discovery first for an OpenID Connect instance.
    async fn client(&self, http: &HttpClient) -> Result<&OAuth2Client, Error> {
        match &self.openid {
            Some(openid) => Ok(&openid.discover(http, &self.name, &self.oauth).await?.oauth),
            None => Ok(&self.oauth),
        }
    }

    fn supports_pkce(&self) -> bool {
        match self.discovered() {
            Some(discovered) => discovered.pkce,
            None => matches!(self.spec.pkce, Pkce::Supported | Pkce::Required),
        }
    }

    /// Fetches and maps the user (the body of [`OAuthProvider::user_info`]).
    async fn fetch_user(
        &self,
        ctx: &UserContext<'_>,
        login: &LoginContext<'_>,
    ) -> Result<OAuthUserInfo, Error> {
        let context = ctx.context();
        let raw = match self.spec.user_source {
            UserSource::Get
            | UserSource::Post
            | UserSource::PostJson(_)
            | UserSource::PostForm
            | UserSource::TokenInPath => {
                let url = self.user_info.as_ref().ok_or_else(|| {
                    Error::config(
                        "provider spec",
                        format!("{} has no user-info endpoint", self.spec.id),
                    )
                })?;
                // The user of a login whose code came from another accounts server is read
                // there too.
                let moved = self
                    .accounts_server(login, Some(ctx.token()))?
                    .map(|(_, origin)| on_origin(url, &origin));
                let url = moved.as_ref().unwrap_or(url);
                let response = ctx.send(url, self.spec.user_source).await?;
                if !response.is_success() {
                    return Err(ctx.status_error(&response));
                }
                let mut raw: Value = response.json(&context)?;
                let Value::Object(map) = &mut raw else {
                    return Err(ctx.invalid(&response, "the body is not a JSON object"));
                };
                // Some providers echo the access token in the user JSON (HubSpot's `token`):
                // it never reaches `raw_data`.
                let secret = ctx.token().access_token.secret();
                map.retain(|_, value| value.as_str() != Some(secret));
                raw
            }
            UserSource::TokenResponse(pointer) => {
                let mut raw = ctx
                    .token()
                    .raw
                    .pointer(pointer)
                    .cloned()
                    .unwrap_or_default();
                if let Value::Object(map) = &mut raw {
                    for member in TOKEN_MEMBERS {
                        map.remove(*member);
                    }
                } else {
                    return Err(Error::InvalidResponse {
                        context,
                        status: 200,
                        reason: format!(
                            "the token response has no user object at `{}`",
                            pointer.escape_debug()
                        ),
                        excerpt: None,
                    });
                }
                raw
            }
            UserSource::Step => {
                let Some(step) = self.spec.user_step else {
                    return Err(Error::config(
                        "provider spec",
                        format!("{}: a user source `Step` needs a user step", self.spec.id),
                    ));
                };
                let user = step(ctx, OAuthUserInfo::new(&self.name, "")).await?;
                if user.oauth_id.is_empty() {
                    return Err(Error::InvalidResponse {
                        context,
                        status: 200,
                        reason: "the user step found no user id".to_owned(),
                        excerpt: None,
                    });
                }
                return match &self.spec.email_source {
                    Some(source) => source.add_to(ctx, user).await,
                    None => Ok(user),
                };
            }
        };
        self.finish_user(ctx, raw, login).await
    }

    /// The parameters the spec's [`CallbackRole::TokenParam`] entries send back in the code
    /// exchange, read from the login's callback; a missing one refuses the login.
    fn callback_token_params<'l>(
        &self,
        login: &LoginContext<'l>,
    ) -> Result<Vec<(&'static str, &'l str)>, Error> {
        let mut params = Vec::new();
        for param in self.spec.callback_params {
            if param.role != CallbackRole::TokenParam {
                continue;
            }
            let value = match param.name {
                "state" => login.state.map(|s| s.secret()),
                name => login.callback_param(name),
            };
            match value.filter(|v| !v.is_empty()) {
                Some(value) => params.push((param.name, value)),
                None => {
                    return Err(Error::MalformedCallback {
                        reason: format!(
                            "{} sent no `{}` parameter, which the code exchange needs",
                            self.spec.title, param.name
                        ),
                    });
                }
            }
        }
        Ok(params)
    }

    /// The accounts server named by the login's callback (a [`CallbackRole::AccountsServer`]
    /// parameter), else by the token's response where an earlier code exchange recorded it,
    /// once checked: `None` when neither names one, an [`Error::MalformedCallback`] when the
    /// one named is not trusted.
    fn accounts_server(
        &self,
        login: &LoginContext<'_>,
        token: Option<&OAuthToken>,
    ) -> Result<Option<(&'static str, Url)>, Error> {
        for param in self.spec.callback_params {
            let CallbackRole::AccountsServer { hosts } = param.role else {
                continue;
            };
            let recorded = token
                .and_then(|t| t.raw.get(param.name))
                .and_then(Value::as_str);
            let Some(value) = login.callback_param(param.name).or(recorded) else {
                continue;
            };
            return match trusted_origin(value, hosts, self.oauth2().token_url()) {
                Some(origin) => Ok(Some((param.name, origin))),
                None => Err(Error::MalformedCallback {
                    reason: format!(
                        "the `{}` parameter does not name one of {}'s servers",
                        param.name, self.spec.title
                    ),
                }),
            };
        }
        Ok(None)
    }

    /// Maps `raw` (with the spec's [`callback_user`](super::ProviderSpec::callback_user) and
    /// [`CallbackRole::Claim`] parameters from the authorization response added) with the
    /// spec's mapping, and reads its email list and runs its further step.
    async fn finish_user(
        &self,
        ctx: &UserContext<'_>,
        mut raw: Value,
        login: &LoginContext<'_>,
    ) -> Result<OAuthUserInfo, Error> {
        if let (Some(name), Value::Object(map)) = (self.spec.callback_user, &mut raw)
            && !map.contains_key(name)
            && let Some(Value::Object(user)) = login
                .callback_param(name)
                .filter(|v| v.len() <= 4096)
                .and_then(|v| serde_json::from_str::<Value>(v).ok())
        {
            map.insert(name.to_owned(), Value::Object(user));
        }
        if let Value::Object(map) = &mut raw {
            for param in self.spec.callback_params {
                if param.role == CallbackRole::Claim
                    && let Some(value) = login.callback_param(param.name).filter(|v| v.len() <= 256)
                    && !map.contains_key(param.name)
                {
                    map.insert(param.name.to_owned(), Value::String(value.to_owned()));
                }
            }
        }
        let mut user = self.map_raw(raw)?;
        if let Some(source) = &self.spec.email_source {
            user = source.add_to(ctx, user).await?;
        }
        match self.spec.user_step {
            Some(step) => step(ctx, user).await,
            None => Ok(user),
        }
    }

    /// Maps a user JSON with the spec's mapping, setting `provider` and `raw_data`.
    pub(super) fn map_raw(&self, raw: Value) -> Result<OAuthUserInfo, Error> {
        let mut user =
            (self.spec.map_user)(&super::Profile::new(&self.name, &raw)).map_err(|reason| {
                Error::InvalidResponse {
                    context: context(self, Stage::UserInfo),
                    status: 200,
                    reason,
                    excerpt: redacted_excerpt(raw.to_string().as_bytes()),
                }
            })?;
        user.provider.clone_from(&self.name);
        user.raw_data = raw;
        Ok(user)
    }

    /// The user of an OpenID Connect login: the validated ID token's claims, merged with the
    /// user-info endpoint's answer when the spec asks for it and there is one.
    async fn openid_user(
        &self,
        openid: &OpenIdState,
        http: &HttpClient,
        token: &OAuthToken,
        login: &LoginContext<'_>,
    ) -> Result<OAuthUserInfo, Error> {
        let discovered = openid.discover(http, &self.name, &self.oauth).await?;
        let mut claims = openid.claims(discovered, http, token, login).await?;
        let ctx = UserContext::new(self, http, token);
        if let (OpenIdUserInfo::Merge, Some(url)) = (openid.spec.user_info, &discovered.user_info) {
            let response = ctx.send(url, self.spec.user_source).await?;
            if !response.is_success() {
                return Err(ctx.status_error(&response));
            }
            let info: Value = response.json(&ctx.context())?;
            let Value::Object(info) = info else {
                return Err(ctx.invalid(&response, "the body is not a JSON object"));
            };
            if info.get("sub") != claims.get("sub") {
                return Err(Error::SubjectMismatch {
                    context: ctx.context(),
                });
            }
            claims.extend(info);
        }
        self.finish_user(&ctx, Value::Object(claims), login).await
    }
}

#[async_trait::async_trait]
impl OAuthProvider for SpecProvider {
    fn name(&self) -> &str {
        &self.name
    }

    /// The spec's capabilities; for an OpenID Connect instance after discovery, PKCE (with
    /// [`Pkce::FromDiscovery`]), revocation and RFC 9207 `iss` as the discovery document says.
    fn capabilities(&self) -> Capabilities {
        let mut capabilities = self.spec.capabilities();
        if self.openid.is_some() {
            capabilities.openid_connect = true;
        }
        if let Some(discovered) = self.discovered() {
            capabilities.pkce = discovered.pkce;
            capabilities.revocation = discovered.oauth.revocation_url().is_some();
            capabilities.authorization_response_iss |= discovered
                .metadata
                .authorization_response_iss_parameter_supported;
        }
        capabilities
    }

    fn default_scopes(&self) -> Vec<String> {
        self.spec.scopes.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The issuer RFC 9207 compares the callback's `iss` with: once discovery has run, the
    /// `issuer` its document names (the configured issuer, or for a multi-tenant spec the
    /// tenant template or one tenant's issuer, as for ID tokens); before, the configured one.
    fn issuer(&self) -> Option<&str> {
        match self.discovered() {
            Some(discovered) => Some(discovered.metadata.issuer.as_str()),
            None => self.issuer_url(),
        }
    }

    /// Runs OpenID Connect discovery once (later calls answer from the cache); nothing for
    /// other providers.
    async fn prepare(&self, http: &HttpClient) -> Result<(), Error> {
        self.client(http).await.map(|_| ())
    }

    /// Builds the authorization URL with the configured scopes. A PKCE challenge is sent only
    /// when the provider supports PKCE, a nonce only for OpenID Connect providers, and
    /// `response_mode=form_post` for form-post providers. An OpenID Connect instance needs
    /// [`prepare`](OAuthProvider::prepare) first.
    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        if !self.is_discovered() {
            return Err(Error::config(
                self.name.clone(),
                "the OpenID Connect endpoints are not discovered yet: call \
                 `OAuthProvider::prepare` first",
            ));
        }
        let oauth = self.oauth2();
        let mut request = *request;
        if !self.supports_pkce() && request.pkce_challenge.take().is_some() {
            tracing::debug!(
                provider = %self.name,
                "the provider does not support PKCE; the code challenge is not sent"
            );
        }
        if self.openid.is_none() {
            request.nonce = None;
        }
        let mut options = request.options.clone();
        for (name, value) in self.spec.authorize_params {
            if *name == "prompt" {
                options.prompt.get_or_insert_with(|| (*value).to_owned());
            } else if !options.extra_params.iter().any(|(n, _)| n == name) {
                options
                    .extra_params
                    .push(((*name).to_owned(), (*value).to_owned()));
            }
        }
        if let Some((name, value)) = &self.choice
            && !options.extra_params.iter().any(|(n, _)| n == name)
        {
            options
                .extra_params
                .push(((*name).to_owned(), value.clone()));
        }
        request.options = &options;
        let mut url = oauth.authorization_url(&request, &self.scopes);
        if matches!(self.spec.response_mode, ResponseMode::FormPost) {
            url.query_pairs_mut()
                .append_pair("response_mode", "form_post");
        }
        Ok(url)
    }

    /// POSTs the code with the provider's client authentication. Never retried; a verifier is
    /// sent only when the provider supports PKCE.
    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        let oauth = self.client(http).await?;
        let verifier = pkce_verifier.filter(|_| self.supports_pkce());
        oauth
            .exchange_code(http, code, redirect_uri, verifier)
            .await
    }

    /// Like [`exchange_code`](OAuthProvider::exchange_code), with the spec's
    /// [`callback_params`](crate::spec::ProviderSpec::callback_params): the ones to send back
    /// go into the token request, and a trusted accounts server named by the callback
    /// receives it. A missing or untrusted parameter refuses the login before any request.
    async fn exchange_login_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
        login: &LoginContext<'_>,
    ) -> Result<OAuthToken, Error> {
        let further = self.callback_token_params(login)?;
        let server = self.accounts_server(login, None)?;
        let oauth = self.client(http).await?;
        let verifier = pkce_verifier.filter(|_| self.supports_pkce());
        match server {
            Some((name, origin)) => {
                let token_url = on_origin(oauth.token_url(), &origin);
                let mut token = oauth
                    .with_endpoints(oauth.authorization_endpoint().clone(), token_url)
                    .exchange_code_with(http, code, redirect_uri, verifier, &further)
                    .await?;
                // The token remembers its server, so that `user_info` asks there too.
                if let Value::Object(raw) = &mut token.raw {
                    raw.entry(name)
                        .or_insert_with(|| Value::from(origin.as_str().trim_end_matches('/')));
                }
                Ok(token)
            }
            None => {
                oauth
                    .exchange_code_with(http, code, redirect_uri, verifier, &further)
                    .await
            }
        }
    }

    /// Refreshes with the provider's client authentication; the refresh token used is kept
    /// when the answer carries none.
    async fn refresh(
        &self,
        http: &HttpClient,
        refresh_token: &RefreshToken,
    ) -> Result<OAuthToken, Error> {
        if !self.spec.capabilities.refresh {
            return Err(Error::Unsupported {
                provider: self.name.clone(),
                operation: "token refresh",
            });
        }
        self.client(http).await?.refresh(http, refresh_token).await
    }

    /// Revokes the access token (or the refresh token, as the spec's
    /// [`revoked_token`](super::ProviderSpec::revoked_token) says) at the revocation endpoint
    /// (the spec's, or the discovered one), or answers [`Revocation::Unsupported`] with the spec's management page without a
    /// request.
    async fn revoke(&self, http: &HttpClient, token: &OAuthToken) -> Result<Revocation, Error> {
        let oauth = self.client(http).await?;
        if oauth.revocation_url().is_none() {
            return Ok(Revocation::Unsupported {
                manage_url: self.spec.manage_url.map(str::to_owned),
            });
        }
        let (value, hint) = match (self.spec.revoked_token, &token.refresh_token) {
            (RevokedToken::RefreshToken, Some(refresh)) => (refresh.secret(), "refresh_token"),
            (RevokedToken::RefreshToken, None) => {
                return Err(Error::Unsupported {
                    provider: self.name.clone(),
                    operation: "revocation of a token without a refresh token",
                });
            }
            (RevokedToken::AccessToken, _) => (token.access_token.secret(), "access_token"),
        };
        oauth.revoke(http, value, Some(hint)).await?;
        Ok(Revocation::Revoked)
    }

    /// `invalid_grant`, or one of the spec's
    /// [`refused_refresh`](crate::ProviderSpec::refused_refresh) answers.
    fn refresh_rejected(&self, error: &Error) -> bool {
        error.oauth_error().is_some_and(|body| {
            body.error == "invalid_grant"
                || self.spec.refused_refresh.iter().any(|(code, text)| {
                    body.error == *code
                        && body
                            .error_description
                            .as_deref()
                            .unwrap_or_default()
                            .contains(text)
                })
        })
    }

    /// Requests a token for the client itself when the spec declares
    /// [`Capabilities::client_credentials`], with the spec's client authentication.
    async fn client_credentials(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<OAuthToken, Error> {
        if !self.spec.capabilities.client_credentials {
            return Err(Error::Unsupported {
                provider: self.name.clone(),
                operation: "the client credentials grant",
            });
        }
        self.client(http)
            .await?
            .client_credentials(http, scopes)
            .await
    }

    /// Starts a device authorization at the spec's endpoint, requesting `scopes` or, when
    /// empty, the configured scopes.
    async fn device_authorization(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<DeviceAuthorization, Error> {
        let scopes = if scopes.is_empty() {
            &self.scopes
        } else {
            scopes
        };
        self.client(http)
            .await?
            .device_authorization(http, scopes)
            .await
    }

    /// Sends one device token poll with the spec's client authentication.
    async fn poll_device_token(
        &self,
        http: &HttpClient,
        authorization: &DeviceAuthorization,
    ) -> Result<OAuthToken, Error> {
        let oauth = self.client(http).await?;
        if oauth.device_authorization_url().is_none() {
            return Err(Error::Unsupported {
                provider: self.name.clone(),
                operation: "the device authorization grant",
            });
        }
        oauth
            .poll_device_token(http, &authorization.device_code)
            .await
    }

    /// Fetches the user (GET or POST of the user-info endpoint, or the token response), maps it
    /// with the spec's mapping, and runs the spec's further step if it has one. An OpenID
    /// Connect instance validates the ID token first, without a nonce (see
    /// [`login_user`](OAuthProvider::login_user)).
    async fn user_info(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        self.login_user(http, token, &LoginContext::new()).await
    }

    /// Like [`user_info`](OAuthProvider::user_info); an OpenID Connect instance requires the
    /// ID token to carry the nonce of `login` when it has one. The login service always passes
    /// one for an OpenID Connect provider: it refuses a flow record without a nonce before the
    /// code exchange.
    async fn login_user(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
        login: &LoginContext<'_>,
    ) -> Result<OAuthUserInfo, Error> {
        match &self.openid {
            Some(openid) => self.openid_user(openid, http, token, login).await,
            None => {
                let ctx = UserContext::new(self, http, token);
                self.fetch_user(&ctx, login).await
            }
        }
    }
}

/// Builder of a [`SpecProvider`] (or of a named provider type made with
/// [`provider_type!`](crate::provider_type)); [`build`](Self::build) validates everything at
/// once, and its errors name the option and the environment variable.
pub struct ProviderBuilder<P = SpecProvider> {
    pub(super) spec: &'static ProviderSpec,
    pub(super) prefix: String,
    pub(super) from_env: bool,
    pub(super) name: Option<String>,
    pub(super) client_id: String,
    pub(super) client_secret: ClientSecret,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) base_url: Option<String>,
    pub(super) authorize_url: Option<String>,
    pub(super) token_url: Option<String>,
    pub(super) api_url: Option<String>,
    pub(super) user_info_url: Option<String>,
    pub(super) device_authorization_url: Option<String>,
    pub(super) revocation_url: Option<String>,
    pub(super) params: Vec<(String, String)>,
    pub(super) allow_http: bool,
    pub(super) assertion: Option<Arc<dyn ClientAssertion>>,
    pub(super) issuer: Option<String>,
    pub(super) jwks_refetch_interval: Duration,
    pub(super) jwks_max_age: Duration,
    pub(super) clock_leeway: Duration,
    pub(super) output: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for ProviderBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderBuilder")
            .field("spec", &self.spec.id)
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .field("base_url", &self.base_url)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl<P> Clone for ProviderBuilder<P> {
    fn clone(&self) -> Self {
        Self {
            spec: self.spec,
            prefix: self.prefix.clone(),
            from_env: self.from_env,
            name: self.name.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            scopes: self.scopes.clone(),
            base_url: self.base_url.clone(),
            authorize_url: self.authorize_url.clone(),
            token_url: self.token_url.clone(),
            api_url: self.api_url.clone(),
            user_info_url: self.user_info_url.clone(),
            device_authorization_url: self.device_authorization_url.clone(),
            revocation_url: self.revocation_url.clone(),
            params: self.params.clone(),
            allow_http: self.allow_http,
            assertion: self.assertion.clone(),
            issuer: self.issuer.clone(),
            jwks_refetch_interval: self.jwks_refetch_interval,
            jwks_max_age: self.jwks_max_age,
            clock_leeway: self.clock_leeway,
            output: PhantomData,
        }
    }
}

impl<P: From<SpecProvider>> ProviderBuilder<P> {
    /// A builder for an instance of `spec` with the given credentials.
    pub fn new(
        spec: &'static ProviderSpec,
        client_id: impl Into<String>,
        client_secret: ClientSecret,
    ) -> Self {
        Self {
            spec,
            prefix: spec.env_prefix.to_owned(),
            from_env: false,
            name: None,
            client_id: client_id.into(),
            client_secret,
            scopes: None,
            base_url: None,
            authorize_url: None,
            token_url: None,
            api_url: None,
            user_info_url: None,
            device_authorization_url: None,
            revocation_url: None,
            params: Vec::new(),
            allow_http: false,
            assertion: None,
            issuer: None,
            jwks_refetch_interval: DEFAULT_JWKS_REFETCH_INTERVAL,
            jwks_max_age: DEFAULT_JWKS_MAX_AGE,
            clock_leeway: DEFAULT_CLOCK_LEEWAY,
            output: PhantomData,
        }
    }

    /// Sets the instance name (default: the spec's id), used in routes,
    /// `OAuthUserInfo::provider` and errors.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Replaces the scopes (default: the spec's). An empty list sends no `scope` parameter.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(Vec::new());
        for scope in scopes {
            self = self.scope(scope);
        }
        self
    }

    /// Adds one scope.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        let scope = scope.into();
        let scopes = self
            .scopes
            .get_or_insert_with(|| self.spec.scopes.iter().map(|s| (*s).to_owned()).collect());
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
        self
    }

    /// Sets the base URL of a self-hosted instance (GitLab self-managed, GitHub Enterprise
    /// Server, ...): every endpoint template is resolved under it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Overrides the authorization endpoint.
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = Some(url.into());
        self
    }

    /// Overrides the token endpoint.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Overrides the API base URL (the base of every API call, including the user-info
    /// endpoint when the spec places it under `{api}`).
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// Overrides the user-info endpoint.
    pub fn user_info_url(mut self, url: impl Into<String>) -> Self {
        self.user_info_url = Some(url.into());
        self
    }

    /// Overrides the RFC 8628 device authorization endpoint of a spec that has one.
    pub fn device_authorization_url(mut self, url: impl Into<String>) -> Self {
        self.device_authorization_url = Some(url.into());
        self
    }

    /// Overrides the revocation endpoint of a spec that has one (a spec without revocation
    /// ignores it).
    pub fn revocation_url(mut self, url: impl Into<String>) -> Self {
        self.revocation_url = Some(url.into());
        self
    }

    /// Sets a template parameter of the spec (`tenant`, `realm`, ...).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Sets the OpenID Connect issuer (`{PREFIX}_ISSUER`), for example
    /// `https://sso.example.com/realms/main`. It is compared byte for byte with the discovery
    /// document's `issuer` and every ID token's `iss`, so keep a trailing `/` where the
    /// provider has one (Auth0).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Sets the least time between two JWKS refetches caused by unknown key ids (default
    /// 60 s). The first unknown key id after a fetch always refetches at once.
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        self.jwks_refetch_interval = interval;
        self
    }

    /// Sets how long a fetched JWKS is trusted before the next validation fetches it again
    /// (default [`DEFAULT_JWKS_MAX_AGE`], an hour), so that a key the issuer withdrew stops
    /// verifying ID tokens within that time. `Duration::ZERO` fetches the set for every ID
    /// token.
    pub fn jwks_max_age(mut self, max_age: Duration) -> Self {
        self.jwks_max_age = max_age;
        self
    }

    /// Sets the clock skew tolerated on the ID token's `exp`, `iat` and `nbf` (default 60 s).
    pub fn clock_leeway(mut self, leeway: Duration) -> Self {
        self.clock_leeway = leeway;
        self
    }

    /// Signs a JWT for every token request (`private_key_jwt`, or Apple's generated client
    /// secret); the client secret may then be empty.
    pub fn client_assertion(mut self, assertion: Arc<dyn ClientAssertion>) -> Self {
        self.assertion = Some(assertion);
        self
    }

    /// Accepts plain-http endpoints on hosts other than loopback.
    ///
    /// By default an `http://` endpoint is accepted only on `localhost` or a loopback address,
    /// because the client secret, the code and the tokens would cross the network in clear
    /// text. Use this only for a proxy on a trusted private network.
    pub fn danger_allow_http_endpoints(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// The name of a setting in errors: the variable when read from the environment, else the
    /// builder option with the variable in parentheses.
    fn setting(&self, option: &str, suffix: &str) -> String {
        if self.from_env {
            format!("{}_{suffix}", self.prefix)
        } else {
            format!("{option} ({}_{suffix})", self.prefix)
        }
    }

    /// Validates the credentials and URLs and builds the provider.
    pub fn build(self) -> Result<P, Error> {
        let spec = self.spec;
        let help = &spec.credentials;
        let name = self.name.clone().unwrap_or_else(|| spec.id.to_owned());
        if ProviderName::parse(&name).is_none() {
            return Err(Error::config(
                self.setting("name", "NAME"),
                format!(
                    "`{}` must be 1 to 32 characters from a-z, 0-9, '-' and '_'",
                    name.escape_debug()
                ),
            ));
        }
        let client_id = self.client_id.trim();
        if client_id.is_empty() {
            return Err(Error::config(
                self.setting("client_id", "CLIENT_ID"),
                format!("empty; use the {} of your {}", help.client_id, help.app),
            ));
        }
        let secret = self.client_secret.secret().trim();
        // A client secret that keys the ID tokens is required whatever the client authentication.
        let keys_id_tokens = spec
            .openid_spec()
            .is_some_and(|o| o.id_token_key == IdTokenKey::ClientSecretHs256);
        let secret_optional = (matches!(
            spec.client_auth,
            ClientAuth::None | ClientAuth::PrivateKeyJwt
        ) || self.assertion.is_some())
            && !keys_id_tokens;
        if secret.is_empty() && !secret_optional {
            return Err(Error::config(
                self.setting("client_secret", "CLIENT_SECRET"),
                format!("empty; use the {} of your {}", help.client_secret, help.app),
            ));
        }
        if matches!(spec.client_auth, ClientAuth::None) && matches!(spec.pkce, Pkce::Unsupported) {
            return Err(Error::config(
                "provider spec",
                format!("{}: a public client needs PKCE", spec.id),
            ));
        }
        let openid_spec = spec.openid_spec();
        let urls = self.resolve(openid_spec.is_some())?;
        let choice = self.choice(&urls.vars)?;
        let issuer = match &openid_spec {
            Some(openid) => Some(self.resolve_issuer(openid, &urls.vars)?),
            None => None,
        };
        let placeholder = |url: &Option<Url>| match (url, &issuer) {
            (Some(url), _) => Ok(url.clone()),
            (None, Some((_, issuer))) => Ok(issuer.clone()),
            (None, None) => Err(Error::config(
                "provider spec",
                format!("{}: no endpoint", spec.id),
            )),
        };
        let mut oauth = OAuth2Client::new(
            name.clone(),
            client_id,
            ClientSecret::new(secret),
            placeholder(&urls.authorize)?,
            placeholder(&urls.token)?,
        )
        .with_client_auth(spec.client_auth)
        .with_quirks(spec.token_quirks.clone())
        .with_scope_separator(spec.scope_separator)
        .with_token_encoding(spec.token_encoding)
        .with_revocation_method(spec.revocation_method)
        .with_client_id_param(spec.client_id_param);
        if let Some(revocation) = &urls.revocation {
            oauth = oauth.with_revocation_url(revocation.clone());
        }
        if let Some(device) = urls.device_authorization {
            oauth = oauth.with_device_authorization_url(device);
        }
        if let Some(assertion) = self.assertion.clone() {
            oauth = oauth.with_client_assertion(assertion);
        }
        let mut scopes = self
            .scopes
            .clone()
            .unwrap_or_else(|| spec.scopes.iter().map(|s| (*s).to_owned()).collect());
        let openid = match (openid_spec, issuer) {
            (Some(openid), Some((issuer, _))) => {
                // An OpenID Connect login without the `openid` scope gets no ID token.
                if !scopes.iter().any(|s| s == "openid") {
                    scopes.insert(0, "openid".to_owned());
                }
                let jwks = openid
                    .jwks_url
                    .map(|t| self.template(t, &urls.vars, "jwks_url", "JWKS_URL"))
                    .transpose()?;
                let pinned = Pinned {
                    authorize: urls.authorize.clone(),
                    token: urls.token.clone(),
                    user_info: urls.user_info.clone(),
                    revocation: urls.revocation.clone(),
                    jwks,
                };
                Some(Arc::new(
                    OpenIdState::new(
                        openid,
                        spec.pkce,
                        issuer,
                        self.allow_http,
                        pinned,
                        self.jwks_refetch_interval,
                        self.clock_leeway,
                    )
                    .with_jwks_max_age(self.jwks_max_age),
                ))
            }
            _ => None,
        };
        Ok(P::from(SpecProvider {
            spec,
            name,
            oauth,
            base: urls.base,
            api: urls.api,
            user_info: urls.user_info,
            extra: urls.extra,
            scopes,
            openid,
            choice,
        }))
    }

    /// The one parameter of the spec's `authorize_choice` that is set: none or several is a
    /// configuration error naming every variable of the choice.
    fn choice(&self, vars: &[(String, String)]) -> Result<Option<(&'static str, String)>, Error> {
        let choices = self.spec.authorize_choice;
        if choices.is_empty() {
            return Ok(None);
        }
        let set: Vec<(&'static str, &String)> = choices
            .iter()
            .filter_map(|name| {
                let value = vars.iter().find(|(n, _)| n == name).map(|(_, v)| v);
                value.filter(|v| !v.is_empty()).map(|v| (*name, v))
            })
            .collect();
        if let [(name, value)] = set.as_slice() {
            return Ok(Some((name, (*value).clone())));
        }
        let settings: Vec<String> = choices
            .iter()
            .map(|name| self.setting(name, &name.to_ascii_uppercase()))
            .collect();
        let found = if set.is_empty() {
            "none is set".to_owned()
        } else {
            let names: Vec<&str> = set.iter().map(|(name, _)| *name).collect();
            format!("{} are set", names.join(" and "))
        };
        Err(Error::config(
            settings.join(", "),
            format!(
                "{found}; {} needs exactly one of them on every authorization",
                self.spec.title
            ),
        ))
    }

    /// The OpenID Connect issuer, as configured (kept byte for byte) and parsed.
    fn resolve_issuer(
        &self,
        openid: &super::OpenIdSpec,
        vars: &[(String, String)],
    ) -> Result<(String, Url), Error> {
        let setting = self.setting("issuer", "ISSUER");
        let value = match (&self.issuer, openid.issuer) {
            (Some(value), _) => value.trim().to_owned(),
            (None, Some(template)) => {
                let mut value = template.to_owned();
                for (name, v) in vars {
                    value = value.replace(&format!("{{{name}}}"), v);
                }
                value
            }
            (None, None) => {
                return Err(Error::config(
                    setting,
                    "not set; use the issuer URL of your OpenID provider, such as \
                     https://sso.example.com/realms/main (its discovery document is at \
                     {issuer}/.well-known/openid-configuration)",
                ));
            }
        };
        if value.is_empty() {
            return Err(Error::config(
                setting,
                "empty; use the issuer URL of your OpenID provider",
            ));
        }
        let url = parse_endpoint(&setting, &value, self.allow_http)?;
        if url.query().is_some() || value.contains('{') {
            return Err(Error::config(
                setting,
                "the issuer must be an https URL without a query or a placeholder",
            ));
        }
        Ok((value, url))
    }

    /// Resolves every endpoint from the spec's templates and the overrides.
    fn resolve(&self, openid: bool) -> Result<Endpoints, Error> {
        let spec = self.spec;
        let client_id =
            percent_encoding::utf8_percent_encode(self.client_id.trim(), PATH_SEGMENT).to_string();
        let mut vars: Vec<(String, String)> = vec![("client_id".to_owned(), client_id)];
        for param in spec.params {
            let value = self
                .params
                .iter()
                .rev()
                .find(|(n, _)| n == param.name)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .or_else(|| param.default.map(str::to_owned));
            let setting = self.setting(param.name, &param.name.to_ascii_uppercase());
            let Some(value) = value else {
                return Err(Error::config(setting, format!("not set; {}", param.help)));
            };
            if value.contains(['/', '?', '#', '{', '}']) || value.contains("..") {
                return Err(Error::config(
                    setting,
                    format!(
                        "`{}` is not a valid value; {}",
                        value.escape_debug(),
                        param.help
                    ),
                ));
            }
            vars.push((param.name.to_owned(), value));
        }
        if let Some((name, _)) = self
            .params
            .iter()
            .find(|(n, _)| !spec.params.iter().any(|p| p.name == n))
        {
            return Err(Error::config(
                self.setting(name, &name.to_ascii_uppercase()),
                format!("{} has no such parameter", spec.title),
            ));
        }

        let base = match (&self.base_url, spec.base_url) {
            (Some(_), None) => {
                return Err(Error::config(
                    self.setting("base_url", "BASE_URL"),
                    format!("{} has no self-hosted instances", spec.title),
                ));
            }
            (Some(url), Some(_)) => Some(self.parse(url, "base_url", "BASE_URL")?),
            (None, Some("")) => {
                return Err(Error::config(
                    self.setting("base_url", "BASE_URL"),
                    format!(
                        "not set; {} is self-hosted: set the base URL of your instance",
                        spec.title
                    ),
                ));
            }
            (None, Some(url)) => Some(self.parse(url, "base_url", "BASE_URL")?),
            (None, None) => None,
        };
        if let Some(base) = &base {
            if base.query().is_some() {
                return Err(Error::config(
                    self.setting("base_url", "BASE_URL"),
                    "the base URL must not carry a query",
                ));
            }
            vars.push((
                "base".to_owned(),
                base.as_str().trim_end_matches('/').to_owned(),
            ));
        }

        let api_template = match (&self.base_url, spec.self_hosted_api_url) {
            (Some(_), Some(template)) => template,
            _ => spec.api_url,
        };
        let api = match &self.api_url {
            Some(url) => Some(self.parse(url, "api_url", "API_URL")?),
            None if api_template.is_empty() => None,
            None => Some(self.template(api_template, &vars, "api_url", "API_URL")?),
        };
        if let Some(api) = &api {
            if api.query().is_some() {
                let example = if spec.api_url.contains('{') {
                    String::new()
                } else {
                    format!("; use for example {}", spec.api_url)
                };
                return Err(Error::config(
                    self.setting("api_url", "API_URL"),
                    format!("the API base URL must not carry a query{example}"),
                ));
            }
            vars.push((
                "api".to_owned(),
                api.as_str().trim_end_matches('/').to_owned(),
            ));
        }

        let endpoint =
            |value: &Option<String>, template: &str, option: &str, suffix: &str| match value {
                Some(url) => self.parse(url, option, suffix),
                None => self.template(template, &vars, option, suffix),
            };
        // An OpenID Connect spec may leave endpoints empty: discovery gives them.
        let optional = |value: &Option<String>, template: &str, option: &str, suffix: &str| match (
            value, template,
        ) {
            (None, "") if openid => Ok(None),
            (value, template) => endpoint(value, template, option, suffix).map(Some),
        };
        let authorize = optional(
            &self.authorize_url,
            spec.authorization_url,
            "authorize_url",
            "AUTHORIZE_URL",
        )?;
        let token = optional(&self.token_url, spec.token_url, "token_url", "TOKEN_URL")?;
        let user_info = match (&self.user_info_url, spec.user_info_url) {
            (None, "") => None,
            (value, template) => Some(endpoint(value, template, "user_info_url", "USERINFO_URL")?),
        };
        let revocation = spec
            .revocation_url
            .map(|t| endpoint(&self.revocation_url, t, "revocation_url", "REVOCATION_URL"))
            .transpose()?;
        let device_authorization = match (
            &self.device_authorization_url,
            spec.device_authorization_url,
        ) {
            (Some(_), None) => {
                return Err(Error::config(
                    self.setting("device_authorization_url", "DEVICE_AUTHORIZATION_URL"),
                    format!("{} has no device authorization endpoint", spec.title),
                ));
            }
            (None, None) => None,
            (value, Some(template)) => Some(endpoint(
                value,
                template,
                "device_authorization_url",
                "DEVICE_AUTHORIZATION_URL",
            )?),
        };
        let extra = spec
            .extra_endpoints
            .iter()
            .map(|(name, t)| Ok((*name, self.template(t, &vars, "api_url", "API_URL")?)))
            .collect::<Result<_, Error>>()?;
        Ok(Endpoints {
            base,
            api,
            user_info,
            authorize,
            token,
            revocation,
            device_authorization,
            extra,
            vars,
        })
    }

    fn parse(&self, value: &str, option: &str, suffix: &str) -> Result<Url, Error> {
        parse_endpoint(&self.setting(option, suffix), value, self.allow_http)
    }

    fn template(
        &self,
        template: &str,
        vars: &[(String, String)],
        option: &str,
        suffix: &str,
    ) -> Result<Url, Error> {
        let mut url = template.to_owned();
        for (name, value) in vars {
            url = url.replace(&format!("{{{name}}}"), value);
        }
        if url.contains('{') {
            return Err(Error::config(
                self.setting(option, suffix),
                format!(
                    "`{}` has a placeholder that nothing sets: configure the base URL or the \
                     endpoint",
                    url.escape_debug()
                ),
            ));
        }
        self.parse(&url, option, suffix)
    }
}

/// `value` as the origin of a trusted accounts server: an absolute URL with nothing but an
/// origin (no credentials, path, query or fragment), either `https` on one of `hosts` with the
/// default port, or exactly the origin of the configured token endpoint.
fn trusted_origin(value: &str, hosts: &[&str], configured: &Url) -> Option<Url> {
    let url = Url::parse(value).ok()?;
    let bare = url.username().is_empty()
        && url.password().is_none()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none();
    let listed = url.scheme() == "https"
        && url.port().is_none()
        && url
            .host_str()
            .is_some_and(|host| hosts.iter().any(|h| h.eq_ignore_ascii_case(host)));
    (bare && (listed || url.origin() == configured.origin())).then_some(url)
}

/// `url`'s path and query on `origin`.
fn on_origin(url: &Url, origin: &Url) -> Url {
    let mut moved = origin.clone();
    moved.set_path(url.path());
    moved.set_query(url.query());
    moved
}

/// What is escaped when the client id goes into a URL path (`{client_id}`).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The resolved endpoints of an instance.
struct Endpoints {
    base: Option<Url>,
    api: Option<Url>,
    user_info: Option<Url>,
    authorize: Option<Url>,
    token: Option<Url>,
    revocation: Option<Url>,
    device_authorization: Option<Url>,
    extra: Vec<(&'static str, Url)>,
    vars: Vec<(String, String)>,
}

/// The context of errors raised by `provider` at `stage`.
pub(super) fn context(provider: &SpecProvider, stage: Stage) -> ProviderContext {
    ProviderContext::new(&provider.name, stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTS: &[&str] = &["accounts.zoho.com", "accounts.zoho.eu"];

    #[test]
    fn listed_https_hosts_and_the_configured_origin_are_trusted_accounts_servers() {
        let configured = Url::parse("http://127.0.0.1:4000/oauth/v2/token").expect("url");
        for value in [
            "https://accounts.zoho.eu",
            "https://accounts.zoho.eu/",
            "https://ACCOUNTS.zoho.com",
            "https://accounts.zoho.com:443",
            "http://127.0.0.1:4000",
        ] {
            assert!(
                trusted_origin(value, HOSTS, &configured).is_some(),
                "{value}"
            );
        }
        for value in [
            "http://accounts.zoho.eu",
            "https://accounts.zoho.eu.",
            "https://accounts.zoho.eu:444",
            "https://xaccounts.zoho.eu",
            "https://accounts.zoho.eu.example.com",
            "https://u:p@accounts.zoho.eu",
            "https://accounts.zoho.eu/x",
            "https://accounts.zoho.eu?a",
            "http://127.0.0.1:4001",
            "http://localhost:4000",
            "accounts.zoho.eu",
            "",
        ] {
            assert!(
                trusted_origin(value, HOSTS, &configured).is_none(),
                "{value}"
            );
        }
    }

    #[test]
    fn an_endpoint_moves_onto_another_origin_with_its_path_and_query() {
        let url = Url::parse("https://accounts.zoho.com/oauth/user/info?x=1").expect("url");
        let origin = Url::parse("https://accounts.zoho.eu").expect("url");
        assert_eq!(
            on_origin(&url, &origin).as_str(),
            "https://accounts.zoho.eu/oauth/user/info?x=1"
        );
    }
}
