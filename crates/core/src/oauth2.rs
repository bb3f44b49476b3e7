//! The OAuth 2.0 engine: authorization URLs and token, refresh and revocation requests.

use std::fmt;
use std::sync::Arc;

use url::Url;

use crate::device::{DeviceAuthorization, parse_device_authorization};
use crate::error::{Error, ProviderContext, Stage};
use crate::http::{ClientAuth, HttpClient};
use crate::pkce::PkceVerifier;
use crate::provider::AuthorizationRequest;
use crate::secret::{AuthorizationCode, ClientSecret, DeviceCode, RefreshToken};
use crate::token::{OAuthToken, TokenQuirks, oauth_error_body, parse_token_response};

/// The `grant_type` of a device access token request (RFC 8628 section 3.4).
pub const DEVICE_CODE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Parameters the engine sets itself; an extra parameter with one of these names is dropped.
const RESERVED_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "prompt",
    "login_hint",
];

/// Writes every space in `url`'s query as `%20` instead of the `+` of form encoding.
///
/// Some providers (Amazon Cognito, Webex) refuse `+` for a space in the authorization URL, and
/// `%20` is accepted everywhere. Form encoding writes a literal `+` as `%2B`, so every `+` left
/// in a query it serialized stands for a space.
pub(crate) fn encode_query_spaces_as_percent20(url: &mut Url) {
    if let Some(query) = url.query().filter(|query| query.contains('+')) {
        let query = query.replace('+', "%20");
        url.set_query(Some(&query));
    }
}

/// The `client_assertion_type` of RFC 7523 section 2.2.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How token requests (code exchange and refresh) are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TokenEncoding {
    /// A POST with an `application/x-www-form-urlencoded` body (RFC 6749 section 4.1.3).
    #[default]
    Form,
    /// A POST with the same parameters as a JSON object of strings (Atlassian).
    Json,
    /// A GET with the parameters, client credentials included, in the query string
    /// (Facebook). Use only where the provider documents it: the URL then carries the secret.
    Query,
}

/// How a token is revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RevocationMethod {
    /// RFC 7009: a form POST of `token` and `token_type_hint`, with the client
    /// authentication of the token endpoint.
    #[default]
    Rfc7009,
    /// A DELETE with HTTP Basic client authentication and the token as the member `member`
    /// of a JSON body (GitHub's `DELETE /applications/{client_id}/token`).
    DeleteJson {
        /// The JSON member that carries the token (`access_token`).
        member: &'static str,
    },
    /// A form POST with the token endpoint's client authentication and the token as the form
    /// field `member` (Strava's `POST /oauth/deauthorize` with `access_token`).
    Form {
        /// The form field that carries the token (`access_token`).
        member: &'static str,
    },
    /// A POST with the token to revoke as the request's own `Authorization: Bearer` and no
    /// body (Dropbox's `POST /2/auth/token/revoke`).
    Bearer,
}

/// Makes the signed JWT a client authenticates with, for every token request: the
/// `client_assertion` of `private_key_jwt` (RFC 7523), or a client secret that is itself a
/// signed JWT (Apple's ES256 client secret).
///
/// Implement it with a JOSE library; oauth-kit never signs by hand. `Debug` must not print the
/// key.
///
/// ```
/// use oauth_kit_core::{ClientAssertion, ClientSecret, Error};
///
/// #[derive(Debug)]
/// struct Fixed;
///
/// impl ClientAssertion for Fixed {
///     fn sign(&self, client_id: &str, audience: &str) -> Result<ClientSecret, Error> {
///         // A real implementation signs {"iss": client_id, "sub": client_id, "aud": audience, ...}.
///         Ok(ClientSecret::new(format!("header.{client_id}.{}", audience.len())))
///     }
/// }
/// assert!(Fixed.sign("id", "https://id.example/token").is_ok());
/// ```
pub trait ClientAssertion: Send + Sync + fmt::Debug {
    /// A fresh signed JWT for `client_id`, addressed to `audience` (the token endpoint).
    fn sign(&self, client_id: &str, audience: &str) -> Result<ClientSecret, Error>;
}

/// The data half of an OAuth 2.0 provider: credentials, endpoints, client authentication and
/// quirks, with the requests built on top of them.
///
/// ```
/// use oauth_kit_core::{ClientAuth, ClientSecret, OAuth2Client, TokenQuirks};
/// use url::Url;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = OAuth2Client::new(
///     "example",
///     "my-client-id",
///     ClientSecret::new("my-secret"),
///     Url::parse("https://id.example.com/authorize")?,
///     Url::parse("https://id.example.com/token")?,
/// )
/// .with_client_auth(ClientAuth::FormBody)
/// .with_quirks(TokenQuirks::STRICT.expires_in_as_string(true));
/// assert_eq!(client.client_id(), "my-client-id");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct OAuth2Client {
    provider: String,
    client_id: String,
    client_secret: ClientSecret,
    authorize_url: Url,
    token_url: Url,
    revocation_url: Option<Url>,
    device_authorization_url: Option<Url>,
    client_auth: ClientAuth,
    assertion: Option<Arc<dyn ClientAssertion>>,
    quirks: TokenQuirks,
    scope_separator: char,
    token_encoding: TokenEncoding,
    revocation_method: RevocationMethod,
    client_id_param: &'static str,
}

impl OAuth2Client {
    /// Creates an engine for `provider` with HTTP Basic client authentication and strict
    /// parsing.
    pub fn new(
        provider: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: ClientSecret,
        authorize_url: Url,
        token_url: Url,
    ) -> Self {
        Self {
            provider: provider.into(),
            client_id: client_id.into(),
            client_secret,
            authorize_url,
            token_url,
            revocation_url: None,
            device_authorization_url: None,
            client_auth: ClientAuth::Basic,
            assertion: None,
            quirks: TokenQuirks::STRICT,
            scope_separator: ' ',
            token_encoding: TokenEncoding::Form,
            revocation_method: RevocationMethod::Rfc7009,
            client_id_param: "client_id",
        }
    }

    /// Sets how the client authenticates at the token endpoint.
    pub fn with_client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// Signs a JWT for every token request: the `client_assertion` with
    /// [`ClientAuth::PrivateKeyJwt`], or the client secret itself with [`ClientAuth::Basic`] and
    /// [`ClientAuth::FormBody`] (Apple).
    pub fn with_client_assertion(mut self, assertion: Arc<dyn ClientAssertion>) -> Self {
        self.assertion = Some(assertion);
        self
    }

    /// Switches on token-response quirks.
    pub fn with_quirks(mut self, quirks: TokenQuirks) -> Self {
        self.quirks = quirks;
        self
    }

    /// Sets the RFC 7009 revocation endpoint.
    pub fn with_revocation_url(mut self, url: Url) -> Self {
        self.revocation_url = Some(url);
        self
    }

    /// Sets how token requests are sent (default a form POST).
    pub fn with_token_encoding(mut self, encoding: TokenEncoding) -> Self {
        self.token_encoding = encoding;
        self
    }

    /// Sets how tokens are revoked at the revocation endpoint (default RFC 7009).
    pub fn with_revocation_method(mut self, method: RevocationMethod) -> Self {
        self.revocation_method = method;
        self
    }

    /// Sets the name of the client id parameter in authorization URLs and request bodies
    /// (default `client_id`; TikTok says `client_key`).
    pub fn with_client_id_param(mut self, name: &'static str) -> Self {
        self.client_id_param = name;
        self
    }

    /// Sets the RFC 8628 device authorization endpoint.
    pub fn with_device_authorization_url(mut self, url: Url) -> Self {
        self.device_authorization_url = Some(url);
        self
    }

    /// Sets the separator between scopes in the authorization URL (default a space).
    pub fn with_scope_separator(mut self, separator: char) -> Self {
        self.scope_separator = separator;
        self
    }

    /// The provider name used in errors and events.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret (the key of HS256 ID tokens where a spec declares them).
    pub(crate) fn client_secret(&self) -> &ClientSecret {
        &self.client_secret
    }

    /// The authorization endpoint.
    pub fn authorization_endpoint(&self) -> &Url {
        &self.authorize_url
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// The RFC 8628 device authorization endpoint, if configured.
    pub fn device_authorization_url(&self) -> Option<&Url> {
        self.device_authorization_url.as_ref()
    }

    /// The revocation endpoint, if any.
    pub fn revocation_url(&self) -> Option<&Url> {
        self.revocation_url.as_ref()
    }

    /// A copy with other authorization and token endpoints (the ones discovery found).
    pub(crate) fn with_endpoints(&self, authorize_url: Url, token_url: Url) -> Self {
        Self {
            authorize_url,
            token_url,
            ..self.clone()
        }
    }

    /// The client authentication method.
    pub fn client_auth(&self) -> ClientAuth {
        self.client_auth
    }

    /// The token-response quirks.
    pub fn quirks(&self) -> &TokenQuirks {
        &self.quirks
    }

    /// Builds the authorization URL.
    ///
    /// `scopes` are the provider's configured scopes; the request's extra scopes are appended
    /// and duplicates removed. No `scope` parameter is sent when the list is empty.
    pub fn authorization_url(&self, request: &AuthorizationRequest<'_>, scopes: &[String]) -> Url {
        let mut url = self.authorize_url.clone();
        let mut all_scopes: Vec<&str> = Vec::new();
        for scope in scopes.iter().chain(&request.options.extra_scopes) {
            let scope = scope.trim();
            if !scope.is_empty() && !all_scopes.contains(&scope) {
                all_scopes.push(scope);
            }
        }
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair(self.client_id_param, &self.client_id)
                .append_pair("redirect_uri", request.redirect_uri);
            if !all_scopes.is_empty() {
                query.append_pair("scope", &all_scopes.join(&self.scope_separator.to_string()));
            }
            query.append_pair("state", request.state.secret());
            if let Some(challenge) = request.pkce_challenge {
                query
                    .append_pair("code_challenge", challenge.as_str())
                    .append_pair("code_challenge_method", challenge.method());
            }
            if let Some(nonce) = request.nonce {
                query.append_pair("nonce", nonce.secret());
            }
            if let Some(prompt) = &request.options.prompt {
                query.append_pair("prompt", prompt);
            }
            if let Some(hint) = &request.options.login_hint {
                query.append_pair("login_hint", hint);
            }
            for (name, value) in &request.options.extra_params {
                if RESERVED_PARAMS.contains(&name.as_str()) || name == self.client_id_param {
                    tracing::debug!(
                        provider = %self.provider,
                        parameter = %name,
                        "extra authorization parameter dropped: it cannot override a protocol parameter"
                    );
                    continue;
                }
                query.append_pair(name, value);
            }
        }
        encode_query_spaces_as_percent20(&mut url);
        url
    }

    /// Exchanges an authorization code (RFC 6749 section 4.1.3). Never retried.
    pub async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        self.exchange_code_with(http, code, redirect_uri, pkce_verifier, &[])
            .await
    }

    /// Exchanges an authorization code with further parameters in the token request (VK ID's
    /// `device_id`). A further parameter never replaces a protocol parameter (`grant_type`,
    /// `code`, `redirect_uri`, `code_verifier`, the client id or the client credentials): such
    /// entries are dropped. Never retried.
    pub async fn exchange_code_with(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
        further: &[(&str, &str)],
    ) -> Result<OAuthToken, Error> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.secret()),
            ("redirect_uri", redirect_uri),
        ];
        if let Some(verifier) = pkce_verifier {
            form.push(("code_verifier", verifier.secret()));
        }
        for (name, value) in further {
            let protocol = matches!(
                *name,
                "grant_type"
                    | "code"
                    | "redirect_uri"
                    | "code_verifier"
                    | "client_id"
                    | "client_secret"
                    | "client_assertion"
                    | "client_assertion_type"
            ) || *name == self.client_id_param;
            if !protocol && !form.iter().any(|(n, _)| n == name) {
                form.push((name, value));
            }
        }
        self.token_request(http, Stage::Token, form).await
    }

    /// Refreshes a token (RFC 6749 section 6). When the response carries no refresh token,
    /// the one used is kept in the result.
    pub async fn refresh(
        &self,
        http: &HttpClient,
        refresh_token: &RefreshToken,
    ) -> Result<OAuthToken, Error> {
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
        ];
        let mut token = self.token_request(http, Stage::Refresh, form).await?;
        if token.refresh_token.is_none() {
            token.refresh_token = Some(refresh_token.clone());
        }
        Ok(token)
    }

    /// Requests a token for the client itself (RFC 6749 section 4.4): the client-credentials
    /// grant, authenticated like every token request. `scopes` are joined with the scope
    /// separator; no `scope` parameter is sent when the list is empty.
    pub async fn client_credentials(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<OAuthToken, Error> {
        let scope = self.join_scopes(scopes);
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = &scope {
            form.push(("scope", scope));
        }
        self.token_request(http, Stage::ClientCredentials, form)
            .await
    }

    /// Starts a device authorization (RFC 8628 section 3.1) at the configured device
    /// authorization endpoint, and parses its answer.
    ///
    /// Fails with [`Error::Unsupported`] when no endpoint is configured.
    pub async fn device_authorization(
        &self,
        http: &HttpClient,
        scopes: &[String],
    ) -> Result<DeviceAuthorization, Error> {
        let context = ProviderContext::new(&self.provider, Stage::DeviceAuthorization);
        let Some(url) = &self.device_authorization_url else {
            return Err(Error::Unsupported {
                provider: self.provider.clone(),
                operation: "the device authorization grant",
            });
        };
        let scope = self.join_scopes(scopes);
        let mut form = Vec::new();
        if let Some(scope) = &scope {
            form.push(("scope", scope.as_str()));
        }
        let response = self
            .post(http, &context, url, form, TokenEncoding::Form)
            .await?;
        parse_device_authorization(
            &context,
            response.status,
            response.content_type(),
            &response.body,
        )
    }

    /// Sends one device access token request (RFC 8628 section 3.4). While the user has not
    /// decided, the provider answers with an OAuth error (`authorization_pending`,
    /// `slow_down`, ...), returned as [`Error::OAuth`]; [`DeviceFlow`](crate::DeviceFlow)
    /// turns those answers into waiting.
    pub async fn poll_device_token(
        &self,
        http: &HttpClient,
        device_code: &DeviceCode,
    ) -> Result<OAuthToken, Error> {
        let form = vec![
            ("grant_type", DEVICE_CODE_GRANT_TYPE),
            ("device_code", device_code.secret()),
        ];
        self.token_request(http, Stage::DeviceToken, form).await
    }

    /// Revokes a token at the RFC 7009 endpoint.
    pub async fn revoke(
        &self,
        http: &HttpClient,
        token: &str,
        token_type_hint: Option<&str>,
    ) -> Result<(), Error> {
        let context = ProviderContext::new(&self.provider, Stage::Revoke);
        let Some(url) = &self.revocation_url else {
            return Err(Error::Unsupported {
                provider: self.provider.clone(),
                operation: "token revocation",
            });
        };
        let response = match self.revocation_method {
            RevocationMethod::Rfc7009 => {
                let mut form = vec![("token", token)];
                if let Some(hint) = token_type_hint {
                    form.push(("token_type_hint", hint));
                }
                // A provider whose token endpoint takes JSON takes it here too (Notion, Trakt).
                let encoding = match self.token_encoding {
                    TokenEncoding::Json => TokenEncoding::Json,
                    _ => TokenEncoding::Form,
                };
                self.post(http, &context, url, form, encoding).await?
            }
            RevocationMethod::Form { member } => {
                self.post(
                    http,
                    &context,
                    url,
                    vec![(member, token)],
                    TokenEncoding::Form,
                )
                .await?
            }
            RevocationMethod::Bearer => {
                let token = crate::secret::AccessToken::new(token);
                http.bearer_request(&context, &crate::http::BearerRequest::post(url), &token)
                    .await?
            }
            RevocationMethod::DeleteJson { member } => {
                let body = serde_json::json!({ member: token });
                let basic = Some((self.client_id.as_str(), &self.client_secret));
                http.delete_json(&context, url, basic, &body).await?
            }
        };
        if response.is_success() {
            return Ok(());
        }
        let json = serde_json::from_slice::<serde_json::Value>(&response.body).ok();
        match json
            .as_ref()
            .and_then(|v| v.as_object())
            .and_then(oauth_error_body)
        {
            Some(body) => Err(Error::OAuth {
                context,
                status: response.status,
                body,
            }),
            None => Err(response.status_error(&context)),
        }
    }

    fn join_scopes(&self, scopes: &[String]) -> Option<String> {
        let mut kept: Vec<&str> = Vec::new();
        for scope in scopes.iter().map(|s| s.trim()) {
            if !scope.is_empty() && !kept.contains(&scope) {
                kept.push(scope);
            }
        }
        (!kept.is_empty()).then(|| kept.join(&self.scope_separator.to_string()))
    }

    async fn token_request(
        &self,
        http: &HttpClient,
        stage: Stage,
        form: Vec<(&str, &str)>,
    ) -> Result<OAuthToken, Error> {
        let context = ProviderContext::new(&self.provider, stage);
        let response = self
            .post(http, &context, &self.token_url, form, self.token_encoding)
            .await?;
        parse_token_response(
            &context,
            response.status,
            response.content_type(),
            &response.body,
            &self.quirks,
        )
    }

    async fn post(
        &self,
        http: &HttpClient,
        context: &ProviderContext,
        url: &Url,
        mut form: Vec<(&str, &str)>,
        encoding: TokenEncoding,
    ) -> Result<crate::http::HttpResponse, Error> {
        let signed = match &self.assertion {
            Some(assertion) => Some(assertion.sign(&self.client_id, self.token_url.as_str())?),
            None => None,
        };
        let secret = signed.as_ref().unwrap_or(&self.client_secret);
        let mut basic = None;
        match self.client_auth {
            ClientAuth::Basic => basic = Some((self.client_id.as_str(), secret)),
            ClientAuth::FormBody => {
                form.push((self.client_id_param, &self.client_id));
                form.push(("client_secret", secret.secret()));
            }
            ClientAuth::None => form.push((self.client_id_param, &self.client_id)),
            ClientAuth::PrivateKeyJwt => {
                let Some(signed) = &signed else {
                    return Err(Error::config(
                        "client assertion",
                        "private_key_jwt client authentication needs a client assertion signer",
                    ));
                };
                form.push((self.client_id_param, &self.client_id));
                form.push(("client_assertion_type", JWT_BEARER_ASSERTION));
                form.push(("client_assertion", signed.secret()));
            }
        }
        match encoding {
            TokenEncoding::Form => http.post_form(context, url, basic, &form).await,
            TokenEncoding::Json => {
                let body: serde_json::Map<String, serde_json::Value> = form
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
                    .collect();
                http.post_json(context, url, basic, &body.into()).await
            }
            TokenEncoding::Query => http.get_query(context, url, basic, &form).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::AuthorizeOptions;
    use crate::secret::CsrfState;

    fn client() -> OAuth2Client {
        OAuth2Client::new(
            "test",
            "cid",
            ClientSecret::new("secret"),
            Url::parse("https://idp.example/authorize?tenant=x").expect("url"),
            Url::parse("https://idp.example/token").expect("url"),
        )
    }

    #[test]
    fn authorization_url_encodes_spaces_as_percent20_never_plus() {
        let state = CsrfState::new("the-state");
        let options = AuthorizeOptions::default()
            .param("claims", "a b+c")
            .prompt("login consent");
        let request = AuthorizationRequest::new("https://app/cb?x=1 2", &state, &options);
        let url = client().authorization_url(
            &request,
            &[
                "openid".to_owned(),
                "email".to_owned(),
                "profile".to_owned(),
            ],
        );
        let query = url.query().unwrap_or_default();
        assert!(!query.contains('+'), "a `+` in {query}");
        assert!(query.contains("scope=openid%20email%20profile"), "{query}");
        assert!(query.contains("prompt=login%20consent"), "{query}");
        assert!(query.contains("claims=a%20b%2Bc"), "{query}");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert!(pairs.contains(&("claims".to_owned(), "a b+c".to_owned())));
        assert!(pairs.contains(&("redirect_uri".to_owned(), "https://app/cb?x=1 2".to_owned())));
        assert!(pairs.contains(&("tenant".to_owned(), "x".to_owned())));
    }

    #[test]
    fn extra_params_never_override_protocol_parameters() {
        let state = CsrfState::new("the-state");
        let verifier =
            PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("ok");
        let challenge = verifier.challenge();
        let mut options = AuthorizeOptions::default().param("access_type", "offline");
        for name in RESERVED_PARAMS {
            options = options.param(*name, "evil");
        }
        let request =
            AuthorizationRequest::new("https://app/cb", &state, &options).with_pkce(&challenge);
        let url = client().authorization_url(&request, &["a".to_owned()]);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        for name in RESERVED_PARAMS {
            assert!(
                pairs.iter().all(|(k, v)| k != name || v != "evil"),
                "{name} was overridden: {url}"
            );
            assert!(
                pairs.iter().filter(|(k, _)| k == name).count() <= 1,
                "{name} repeated"
            );
        }
        assert!(pairs.contains(&("tenant".into(), "x".into())));
        assert!(pairs.contains(&("access_type".into(), "offline".into())));
        assert!(pairs.contains(&("state".into(), "the-state".into())));
    }

    #[test]
    fn scopes_are_merged_without_duplicates() {
        let state = CsrfState::new("s");
        let options = AuthorizeOptions::default().scope("b").scope("a");
        let request = AuthorizationRequest::new("https://app/cb", &state, &options);
        let url = client().authorization_url(&request, &["a".to_owned()]);
        assert!(url.query_pairs().any(|(k, v)| k == "scope" && v == "a b"));
    }
}
