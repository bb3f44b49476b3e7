//! The provider: configuration (builder and environment) and the [`OAuthProvider`] impl.

use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, Capabilities, ClientSecret, Error, HttpClient,
    OAuth2Client, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier, RefreshToken, Revocation,
    TokenQuirks, async_trait,
};
use url::Url;

use crate::api::Api;
use crate::scope::BitbucketScope;

/// The registry name of the provider, used in routes (`/auth/bitbucket/login`) and as
/// [`OAuthUserInfo::provider`].
pub const PROVIDER_NAME: &str = "bitbucket";
/// Bitbucket Cloud's authorization endpoint.
pub const AUTHORIZE_URL: &str = "https://bitbucket.org/site/oauth2/authorize";
/// Bitbucket Cloud's token endpoint.
pub const TOKEN_URL: &str = "https://bitbucket.org/site/oauth2/access_token";
/// Bitbucket Cloud's REST API base URL.
pub const API_URL: &str = "https://api.bitbucket.org/2.0";
/// Where users revoke an application's access themselves: Bitbucket has no revocation endpoint.
pub const APP_AUTHORIZATIONS_URL: &str =
    "https://bitbucket.org/account/settings/app-authorizations/";

/// "Log in with Bitbucket": Bitbucket Cloud's OAuth 2.0 consumer flow on the oauth-kit engine.
///
/// - Client authentication is HTTP Basic with the consumer's Key and Secret, the token request
///   a form body (Bitbucket rejects JSON bodies).
/// - PKCE is not supported by Bitbucket Cloud: [`capabilities`](OAuthProvider::capabilities)
///   says so, and any challenge or verifier passed in anyway is not sent. The login flow then
///   relies on its browser-bound, single-use `state`.
/// - Refresh is supported; Bitbucket answers with the same refresh token, which is kept.
/// - Revocation is not: [`revoke_token`](OAuthProvider::revoke_token) answers
///   [`Revocation::Unsupported`] with [`APP_AUTHORIZATIONS_URL`], without a request.
/// - The token response lists the granted scopes in `scopes` (plural); its `state` member is
///   the grant type, not the OAuth state, and is ignored.
///
/// See [`user_info`](OAuthProvider::user_info) below for how Bitbucket's user maps onto
/// [`OAuthUserInfo`].
///
/// `Debug` never shows the client secret.
#[derive(Debug, Clone)]
pub struct BitbucketProvider {
    oauth: OAuth2Client,
    api: Api,
    scopes: Vec<BitbucketScope>,
}

impl BitbucketProvider {
    /// A provider for bitbucket.org with the default scopes (`account email`).
    ///
    /// `client_id` is the OAuth consumer's **Key**, `client_secret` its **Secret**. Both are
    /// trimmed; an empty one is an [`Error::Config`].
    ///
    /// ```
    /// use oauth_kit_bitbucket::BitbucketProvider;
    /// use oauth_kit_core::ClientSecret;
    ///
    /// let provider = BitbucketProvider::new("bbClientKey123", ClientSecret::new("bbClientSecret456"))?;
    /// assert_eq!(provider.client_id(), "bbClientKey123");
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn new(client_id: impl Into<String>, client_secret: ClientSecret) -> Result<Self, Error> {
        Self::builder(client_id, client_secret).build()
    }

    /// A builder for scopes and endpoint overrides (Bitbucket-compatible proxies, tests).
    ///
    /// ```
    /// use oauth_kit_bitbucket::{BitbucketProvider, BitbucketScope};
    /// use oauth_kit_core::ClientSecret;
    ///
    /// let provider = BitbucketProvider::builder("key", ClientSecret::new("secret"))
    ///     .scopes([BitbucketScope::Account, BitbucketScope::Email, BitbucketScope::Repository])
    ///     .api_url("http://127.0.0.1:8011/2.0")
    ///     .build()?;
    /// assert_eq!(provider.api_url().as_str(), "http://127.0.0.1:8011/2.0");
    /// # Ok::<(), oauth_kit_core::Error>(())
    /// ```
    pub fn builder(
        client_id: impl Into<String>,
        client_secret: ClientSecret,
    ) -> BitbucketProviderBuilder {
        BitbucketProviderBuilder {
            client_id: client_id.into(),
            client_secret,
            scopes: BitbucketScope::DEFAULT.to_vec(),
            authorize_url: AUTHORIZE_URL.to_owned(),
            token_url: TOKEN_URL.to_owned(),
            api_url: API_URL.to_owned(),
            allow_http: false,
            names: &Names::BUILDER,
        }
    }

    /// Reads the provider from the process environment.
    ///
    /// | variable | meaning | default |
    /// |---|---|---|
    /// | `BITBUCKET_CLIENT_ID` | the consumer's Key | required |
    /// | `BITBUCKET_CLIENT_SECRET` | the consumer's Secret | required |
    /// | `BITBUCKET_SCOPE` | scopes, separated by spaces or commas | `account email` |
    /// | `BITBUCKET_AUTHORIZE_URL` | authorization endpoint | [`AUTHORIZE_URL`] |
    /// | `BITBUCKET_TOKEN_URL` | token endpoint | [`TOKEN_URL`] |
    /// | `BITBUCKET_API_URL` | REST API base URL | [`API_URL`] |
    ///
    /// Empty variables count as unset. A missing or empty credential, or an invalid URL,
    /// fails with an [`Error::Config`] whose `setting` is the variable's name.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (for tests and
    /// other configuration sources).
    ///
    /// ```
    /// use oauth_kit_bitbucket::BitbucketProvider;
    /// use oauth_kit_core::Error;
    ///
    /// let err = BitbucketProvider::from_lookup(|_| None).unwrap_err();
    /// assert!(matches!(err, Error::Config { ref setting, .. } if setting == "BITBUCKET_CLIENT_ID"));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |name: &'static str, what: &str| {
            get(name).ok_or_else(|| {
                Error::config(
                    name,
                    format!(
                        "not set or empty; set it to the {what} of your Bitbucket OAuth consumer \
                         (Workspace settings > OAuth consumers)"
                    ),
                )
            })
        };
        let client_id = required("BITBUCKET_CLIENT_ID", "Key")?;
        let client_secret = ClientSecret::new(required("BITBUCKET_CLIENT_SECRET", "Secret")?);
        let mut builder = Self::builder(client_id, client_secret);
        builder.names = &Names::ENV;
        if let Some(scopes) = get("BITBUCKET_SCOPE") {
            builder = builder.scopes(BitbucketScope::parse_list(&scopes));
        }
        if let Some(url) = get("BITBUCKET_AUTHORIZE_URL") {
            builder = builder.authorize_url(url);
        }
        if let Some(url) = get("BITBUCKET_TOKEN_URL") {
            builder = builder.token_url(url);
        }
        if let Some(url) = get("BITBUCKET_API_URL") {
            builder = builder.api_url(url);
        }
        builder.build()
    }

    /// The consumer's Key.
    pub fn client_id(&self) -> &str {
        self.oauth.client_id()
    }

    /// The scopes sent in the authorization URL.
    pub fn scopes(&self) -> &[BitbucketScope] {
        &self.scopes
    }

    /// The authorization endpoint.
    pub fn authorize_url(&self) -> &Url {
        self.oauth.authorize_url()
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        self.oauth.token_url()
    }

    /// The REST API base URL; `next` links of paginated answers are followed only on its
    /// origin.
    pub fn api_url(&self) -> &Url {
        self.api.base()
    }

    fn scope_strings(&self) -> Vec<String> {
        self.scopes.iter().map(|s| s.as_str().to_owned()).collect()
    }
}

#[async_trait]
impl OAuthProvider for BitbucketProvider {
    fn name(&self) -> &str {
        PROVIDER_NAME
    }

    /// Refresh only: no PKCE, no revocation, no RFC 9207 `iss`, no OpenID Connect.
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.refresh(true)
    }

    fn default_scopes(&self) -> Vec<String> {
        BitbucketScope::DEFAULT
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    }

    /// Builds `…/site/oauth2/authorize?response_type=code&client_id=…&redirect_uri=…&scope=…&state=…`.
    ///
    /// A PKCE challenge or nonce in `request` is not sent: Bitbucket Cloud supports neither.
    /// Bitbucket matches `redirect_uri` by prefix against the consumer's callback URL and
    /// grants the permissions ticked on the consumer; `scope` lists the configured scopes.
    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        if request.pkce_challenge.is_some() {
            tracing::debug!(
                provider = PROVIDER_NAME,
                "Bitbucket Cloud does not support PKCE; the code challenge is not sent"
            );
        }
        let request =
            AuthorizationRequest::new(request.redirect_uri, request.state, request.options);
        Ok(self
            .oauth
            .authorization_url(&request, &self.scope_strings()))
    }

    /// POSTs `grant_type=authorization_code`, `code` and `redirect_uri` as a form with HTTP
    /// Basic authentication. Never retried; a verifier passed in is not sent.
    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        if pkce_verifier.is_some() {
            tracing::debug!(
                provider = PROVIDER_NAME,
                "Bitbucket Cloud does not support PKCE; the code verifier is not sent"
            );
        }
        self.oauth
            .exchange_code(http, code, redirect_uri, None)
            .await
    }

    /// POSTs `grant_type=refresh_token`. Bitbucket answers with the same refresh token (it does
    /// not rotate them); the one used is kept if an answer ever omits it.
    async fn refresh_token(
        &self,
        http: &HttpClient,
        refresh_token: &RefreshToken,
    ) -> Result<OAuthToken, Error> {
        self.oauth.refresh(http, refresh_token).await
    }

    /// Bitbucket has no revocation endpoint: answers [`Revocation::Unsupported`] with
    /// [`APP_AUTHORIZATIONS_URL`], where users revoke access themselves. Sends no request.
    async fn revoke_token(
        &self,
        _http: &HttpClient,
        _token: &OAuthToken,
    ) -> Result<Revocation, Error> {
        Ok(Revocation::Unsupported {
            manage_url: Some(APP_AUTHORIZATIONS_URL.to_owned()),
        })
    }

    /// `GET /2.0/user`, then `GET /2.0/user/emails` (following `next` on the API's origin, at
    /// most [`MAX_EMAIL_PAGES`](crate::MAX_EMAIL_PAGES) pages), mapped as follows:
    ///
    /// | field | from |
    /// |---|---|
    /// | `oauth_id` | `uuid` without its braces (stable; `username` was removed in 2019) |
    /// | `email` | the primary address, else the first confirmed one, else the first one |
    /// | `email_verified` | that address's `is_confirmed` |
    /// | `username` | `username` when present, else `nickname` (not unique) |
    /// | `first_name`, `last_name` | `display_name` split at the first whitespace |
    /// | `avatar_url` | `links.avatar.href` |
    /// | `profile_url` | `links.html.href` |
    /// | `raw_data` | the whole `/2.0/user` response |
    ///
    /// A 403 from `/2.0/user/emails` (a consumer without "Email: Read") is not fatal: the user
    /// comes back with `email: None` and a warning event names the missing permission. Other
    /// failures are [`Error::HttpStatus`] with Bitbucket's message, detail and a hint.
    async fn user_info(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        self.api.user_info(http, &token.access_token).await
    }
}

/// Builder of [`BitbucketProvider`]; [`build`](Self::build) validates everything at once.
#[derive(Debug, Clone)]
pub struct BitbucketProviderBuilder {
    client_id: String,
    client_secret: ClientSecret,
    scopes: Vec<BitbucketScope>,
    authorize_url: String,
    token_url: String,
    api_url: String,
    allow_http: bool,
    names: &'static Names,
}

impl BitbucketProviderBuilder {
    /// Replaces the scopes (default `account email`). An empty list sends no `scope`
    /// parameter; Bitbucket then grants what the consumer's permissions allow.
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = BitbucketScope>) -> Self {
        self.scopes.clear();
        for scope in scopes {
            self = self.scope(scope);
        }
        self
    }

    /// Adds one scope.
    pub fn scope(mut self, scope: BitbucketScope) -> Self {
        if !self.scopes.contains(&scope) {
            self.scopes.push(scope);
        }
        self
    }

    /// Overrides the authorization endpoint (default [`AUTHORIZE_URL`]).
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = url.into();
        self
    }

    /// Overrides the token endpoint (default [`TOKEN_URL`]).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Overrides the REST API base URL, including the `/2.0` path (default [`API_URL`]).
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = url.into();
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

    /// Validates the credentials and URLs and builds the provider. Error messages name the
    /// setting (the environment variable when built by
    /// [`from_env`](BitbucketProvider::from_env)).
    pub fn build(self) -> Result<BitbucketProvider, Error> {
        let names = self.names;
        let client_id = self.client_id.trim();
        if client_id.is_empty() {
            return Err(Error::config(
                names.client_id,
                "empty; use the Key of your Bitbucket OAuth consumer",
            ));
        }
        let secret = self.client_secret.secret().trim();
        if secret.is_empty() {
            return Err(Error::config(
                names.client_secret,
                "empty; use the Secret of your Bitbucket OAuth consumer",
            ));
        }
        let client_secret = ClientSecret::new(secret);
        let authorize_url = endpoint(names.authorize_url, &self.authorize_url, self.allow_http)?;
        let token_url = endpoint(names.token_url, &self.token_url, self.allow_http)?;
        let api_url = endpoint(names.api_url, &self.api_url, self.allow_http)?;
        if api_url.query().is_some() {
            return Err(Error::config(
                names.api_url,
                "the API base URL must not carry a query; use for example https://api.bitbucket.org/2.0",
            ));
        }
        let api = Api::new(api_url).map_err(|e| Error::config(names.api_url, e.to_string()))?;
        let oauth = OAuth2Client::new(
            PROVIDER_NAME,
            client_id,
            client_secret,
            authorize_url,
            token_url,
        )
        .with_quirks(TokenQuirks::STRICT.scope_field("scopes"));
        Ok(BitbucketProvider {
            oauth,
            api,
            scopes: self.scopes,
        })
    }
}

/// Parses an endpoint: an http(s) URL with a host, no fragment and no user info; https unless
/// the host is loopback or plain http was allowed.
fn endpoint(name: &str, value: &str, allow_http: bool) -> Result<Url, Error> {
    let value = value.trim();
    let url = Url::parse(value).map_err(|e| {
        Error::config(
            name,
            format!("`{}` is not a URL ({e})", value.escape_debug()),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::config(
            name,
            "the endpoint must be an http(s) URL with a host",
        ));
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            name,
            "the endpoint must not carry a fragment or user info",
        ));
    }
    if url.scheme() == "http" && !allow_http && !oauth_kit_core::flow::is_loopback(&url) {
        return Err(Error::config(
            name,
            "the endpoint must use https (plain http is accepted only for localhost and loopback \
             addresses, or with danger_allow_http_endpoints)",
        ));
    }
    Ok(url)
}

/// The setting names used in configuration errors.
#[derive(Debug)]
struct Names {
    client_id: &'static str,
    client_secret: &'static str,
    authorize_url: &'static str,
    token_url: &'static str,
    api_url: &'static str,
}

impl Names {
    const ENV: Names = Names {
        client_id: "BITBUCKET_CLIENT_ID",
        client_secret: "BITBUCKET_CLIENT_SECRET",
        authorize_url: "BITBUCKET_AUTHORIZE_URL",
        token_url: "BITBUCKET_TOKEN_URL",
        api_url: "BITBUCKET_API_URL",
    };
    const BUILDER: Names = Names {
        client_id: "client_id (BITBUCKET_CLIENT_ID)",
        client_secret: "client_secret (BITBUCKET_CLIENT_SECRET)",
        authorize_url: "authorize_url (BITBUCKET_AUTHORIZE_URL)",
        token_url: "token_url (BITBUCKET_TOKEN_URL)",
        api_url: "api_url (BITBUCKET_API_URL)",
    };
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn setting(err: Error) -> String {
        match err {
            Error::Config { setting, .. } => setting,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    const CREDENTIALS: [(&str, &str); 2] = [
        ("BITBUCKET_CLIENT_ID", "bbClientKey123"),
        ("BITBUCKET_CLIENT_SECRET", "bbClientSecret456"),
    ];

    #[test]
    fn from_env_defaults_to_bitbucket_org_and_account_email() {
        let provider = BitbucketProvider::from_lookup(lookup(&CREDENTIALS)).expect("valid");
        assert_eq!(provider.client_id(), "bbClientKey123");
        assert_eq!(provider.authorize_url().as_str(), AUTHORIZE_URL);
        assert_eq!(provider.token_url().as_str(), TOKEN_URL);
        assert_eq!(provider.api_url().as_str(), API_URL);
        assert_eq!(provider.scopes(), BitbucketScope::DEFAULT);
    }

    #[test]
    fn missing_or_empty_credentials_name_the_variable() {
        for (vars, variable) in [
            (vec![], "BITBUCKET_CLIENT_ID"),
            (vec![("BITBUCKET_CLIENT_ID", "  ")], "BITBUCKET_CLIENT_ID"),
            (
                vec![("BITBUCKET_CLIENT_ID", "k")],
                "BITBUCKET_CLIENT_SECRET",
            ),
            (
                vec![
                    ("BITBUCKET_CLIENT_ID", "k"),
                    ("BITBUCKET_CLIENT_SECRET", ""),
                ],
                "BITBUCKET_CLIENT_SECRET",
            ),
        ] {
            let err = BitbucketProvider::from_lookup(lookup(&vars)).expect_err("invalid");
            assert!(err.to_string().contains(variable), "{err}");
            assert_eq!(setting(err), variable);
        }
    }

    #[test]
    fn from_env_reads_scopes_and_endpoint_overrides() {
        let mut vars = CREDENTIALS.to_vec();
        vars.extend([
            ("BITBUCKET_SCOPE", "account,email pullrequest custom:thing"),
            (
                "BITBUCKET_AUTHORIZE_URL",
                "http://127.0.0.1:9/site/oauth2/authorize",
            ),
            (
                "BITBUCKET_TOKEN_URL",
                "http://localhost:9/site/oauth2/access_token",
            ),
            ("BITBUCKET_API_URL", "http://[::1]:9/2.0/"),
        ]);
        let provider = BitbucketProvider::from_lookup(lookup(&vars)).expect("valid");
        assert_eq!(
            provider.scopes(),
            [
                BitbucketScope::Account,
                BitbucketScope::Email,
                BitbucketScope::PullRequest,
                BitbucketScope::Other("custom:thing".into()),
            ]
        );
        assert_eq!(
            provider.authorize_url().as_str(),
            "http://127.0.0.1:9/site/oauth2/authorize"
        );
        assert_eq!(provider.token_url().port(), Some(9));
        assert_eq!(provider.api_url().as_str(), "http://[::1]:9/2.0/");
    }

    #[test]
    fn invalid_endpoints_name_the_variable() {
        for (variable, value) in [
            ("BITBUCKET_TOKEN_URL", "not a url"),
            ("BITBUCKET_TOKEN_URL", "ftp://bitbucket.org/token"),
            (
                "BITBUCKET_AUTHORIZE_URL",
                "http://bitbucket.example/authorize",
            ),
            ("BITBUCKET_API_URL", "https://user:pw@api.example/2.0"),
            ("BITBUCKET_API_URL", "https://api.example/2.0?x=1"),
        ] {
            let mut vars = CREDENTIALS.to_vec();
            vars.push((variable, value));
            let err = BitbucketProvider::from_lookup(lookup(&vars)).expect_err(value);
            assert_eq!(setting(err), variable, "{value}");
        }
    }

    #[test]
    fn builder_errors_name_the_option_and_the_variable() {
        let err = BitbucketProvider::new("  ", ClientSecret::new("s")).expect_err("empty id");
        assert_eq!(setting(err), "client_id (BITBUCKET_CLIENT_ID)");
        let err = BitbucketProvider::new("k", ClientSecret::new(" ")).expect_err("empty secret");
        assert_eq!(setting(err), "client_secret (BITBUCKET_CLIENT_SECRET)");
    }

    #[test]
    fn plain_http_needs_loopback_or_the_danger_option() {
        let builder = || {
            BitbucketProvider::builder("k", ClientSecret::new("s"))
                .api_url("http://bitbucket-proxy.internal/2.0")
        };
        assert!(builder().build().is_err());
        assert!(builder().danger_allow_http_endpoints().build().is_ok());
    }

    #[test]
    fn credentials_are_trimmed() {
        let provider =
            BitbucketProvider::new(" key\n", ClientSecret::new("secret\n")).expect("valid");
        assert_eq!(provider.client_id(), "key");
    }

    #[test]
    fn debug_never_shows_the_client_secret() {
        let provider =
            BitbucketProvider::new("key", ClientSecret::new("S3NTINEL-secret")).expect("valid");
        let printed = format!("{provider:?}");
        assert!(!printed.contains("S3NTINEL"), "{printed}");
        let builder = BitbucketProvider::builder("key", ClientSecret::new("S3NTINEL-secret"));
        assert!(!format!("{builder:?}").contains("S3NTINEL"));
    }

    #[test]
    fn scopes_replace_and_scope_appends_without_duplicates() {
        let provider = BitbucketProvider::builder("k", ClientSecret::new("s"))
            .scopes([BitbucketScope::Email])
            .scope(BitbucketScope::Email)
            .scope(BitbucketScope::Wiki)
            .build()
            .expect("valid");
        assert_eq!(
            provider.scopes(),
            [BitbucketScope::Email, BitbucketScope::Wiki]
        );
    }
}
