//! The one shared, hardened HTTP client that every provider talks through.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::error::{Error, ProviderContext, redacted_excerpt};
use crate::secret::{AccessToken, ClientSecret};

/// Limits and retry policy of an [`HttpClient`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Total time for one request, from connecting to the end of the body. Default 10 s.
    pub timeout: Duration,
    /// Time to establish a connection. Default 5 s (capped at `timeout`).
    pub connect_timeout: Duration,
    /// Largest response body read, enforced while streaming. Default 1 MiB.
    pub max_body_bytes: usize,
    /// How many times a GET answered with 429 or 503 is retried. Default 2.
    pub max_retries: u32,
    /// The longest `Retry-After` honoured; a longer one ends the retries. Default 2 s.
    pub max_retry_after: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body_bytes: 1024 * 1024,
            max_retries: 2,
            max_retry_after: Duration::from_secs(2),
        }
    }
}

impl HttpConfig {
    /// Sets the total timeout per request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the response body cap in bytes.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets the retry budget for GET requests answered with 429 or 503.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the longest `Retry-After` that is honoured.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }
}

/// A response whose body was read within the cap. `Debug` shows the body's length and a
/// [`redacted_excerpt`] only, since token responses carry secrets.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, at most [`HttpConfig::max_body_bytes`] long.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("body_len", &self.body.len())
            .field("body_excerpt", &redacted_excerpt(&self.body))
            .finish_non_exhaustive()
    }
}

impl HttpResponse {
    /// The `Content-Type` header, if it is valid text.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses a 2xx JSON body into `T`, mapping every other outcome to a typed error.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        context: &ProviderContext,
    ) -> Result<T, Error> {
        if !self.is_success() {
            return Err(self.status_error(context));
        }
        serde_json::from_slice(&self.body).map_err(|e| Error::InvalidResponse {
            context: context.clone(),
            status: self.status,
            reason: json_reason(&e, self.content_type()),
            excerpt: redacted_excerpt(&self.body),
        })
    }

    /// The generic error for a status this stage does not accept.
    pub fn status_error(&self, context: &ProviderContext) -> Error {
        Error::HttpStatus {
            context: context.clone(),
            status: self.status,
            message: None,
            hint: None,
            detail: None,
            excerpt: redacted_excerpt(&self.body),
        }
    }
}

/// Describes a JSON error without quoting the body.
pub(crate) fn json_reason(err: &serde_json::Error, content_type: Option<&str>) -> String {
    use serde_json::error::Category;
    match (err.classify(), content_type) {
        (Category::Syntax | Category::Eof, Some(ct)) if !ct.contains("json") => {
            let mime = ct.split(';').next().unwrap_or(ct).trim();
            format!(
                "expected JSON, got `{}`",
                if mime.len() > 64 { "unknown" } else { mime }
            )
        }
        (Category::Syntax | Category::Eof, _) => "the body is not valid JSON".to_owned(),
        (Category::Data, _) => {
            // serde's messages quote the offending value ("invalid type: string \"...\""),
            // which may be a token: only the field name of a missing field is kept.
            let msg = err.to_string();
            match msg.strip_prefix("missing field ") {
                Some(rest) => {
                    let field = rest.split(" at line ").next().unwrap_or(rest);
                    format!("unexpected JSON shape: missing field {field}")
                }
                None => format!(
                    "unexpected JSON shape: a value has the wrong type or is out of range \
                     (line {}, column {})",
                    err.line(),
                    err.column()
                ),
            }
        }
        (Category::Io, _) => "the body could not be read".to_owned(),
    }
}

/// How a client authenticates at the token endpoint (RFC 6749 section 2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body.
    FormBody,
    /// A public client (RFC 6749 section 2.1): `client_id` in the form body and no secret.
    /// Only safe together with PKCE.
    None,
    /// `private_key_jwt` (RFC 7523 section 2.2): `client_id`, `client_assertion_type` and a
    /// signed `client_assertion` in the form body, made by a
    /// [`ClientAssertion`](crate::ClientAssertion) for every request.
    PrivateKeyJwt,
}

/// An API request made with an access token: method, URL, extra headers and an optional JSON
/// body. See [`HttpClient::bearer_request`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BearerRequest<'a> {
    /// The URL.
    pub url: &'a Url,
    /// POST instead of GET.
    pub post: bool,
    /// Extra headers (for example Twitch's `Client-Id`).
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
    /// A JSON body, sent with `Content-Type: application/json`.
    pub json_body: Option<&'a serde_json::Value>,
    /// The scheme of the `Authorization` header (`Bearer`; Yandex's API says `OAuth`).
    pub scheme: &'static str,
}

impl<'a> BearerRequest<'a> {
    /// A GET of `url`.
    pub fn get(url: &'a Url) -> Self {
        Self {
            url,
            post: false,
            headers: Vec::new(),
            json_body: None,
            scheme: "Bearer",
        }
    }

    /// A POST to `url` with no body.
    pub fn post(url: &'a Url) -> Self {
        Self {
            post: true,
            ..Self::get(url)
        }
    }

    /// Adds a header. A name or value that is not valid in HTTP is an [`Error::Config`].
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let invalid = || Error::config("header", format!("`{name}` is not a valid HTTP header"));
        let name = header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        self.headers.push((name, value));
        Ok(self)
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &'a serde_json::Value) -> Self {
        self.json_body = Some(body);
        self
    }
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    config: HttpConfig,
}

/// The shared, hardened HTTP client of one engine or login service.
///
/// Cloning is cheap and shares the connection pool. Every client built here uses rustls, never
/// follows redirects (a redirect is an [`Error::Redirect`]), applies a connect and a total
/// timeout, caps response bodies while streaming, and sends `Accept: application/json` and
/// `User-Agent: oauth-kit/<version>`. Providers never build clients of their own.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

/// The `User-Agent` header value.
pub const USER_AGENT: &str = concat!("oauth-kit/", env!("CARGO_PKG_VERSION"));

impl HttpClient {
    /// A client with the default [`HttpConfig`].
    pub fn new() -> Result<Self, Error> {
        Self::with_config(HttpConfig::default())
    }

    /// A client with the given limits.
    ///
    /// It connects to providers directly: proxy environment variables (`HTTP_PROXY`,
    /// `HTTPS_PROXY`, `ALL_PROXY` and their lowercase forms) are ignored, so a variable set for
    /// other tools cannot route token requests, with the client's credentials and the code,
    /// through a proxy. To use a proxy, configure it explicitly with
    /// [`from_builder`](Self::from_builder).
    pub fn with_config(config: HttpConfig) -> Result<Self, Error> {
        Self::from_builder(reqwest::Client::builder().no_proxy(), config)
    }

    /// A client from your own builder (proxies, root certificates, local address, ...).
    ///
    /// The hardening is applied on top of your settings and cannot be switched off here:
    /// redirects are disabled and the timeouts, headers and body cap of `config` apply. The
    /// proxies are yours: a builder with `.proxy(...)` uses exactly those, one with
    /// `.no_proxy()` none, and a builder with neither follows reqwest's default of reading the
    /// proxy environment variables.
    pub fn from_builder(
        builder: reqwest::ClientBuilder,
        config: HttpConfig,
    ) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout.min(config.timeout))
            .timeout(config.timeout)
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .build()
            .map_err(|e| {
                Error::config("http client", format!("cannot build the HTTP client: {e}"))
            })?;
        Ok(Self {
            inner: Arc::new(Inner { client, config }),
        })
    }

    /// The limits in force.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// POSTs a form (token, refresh and revocation requests). Never retried.
    pub async fn post_form(
        &self,
        context: &ProviderContext,
        url: &Url,
        client_auth: Option<(&str, &ClientSecret)>,
        form: &[(&str, &str)],
    ) -> Result<HttpResponse, Error> {
        let body = serde_urlencoded::to_string(form)
            .map_err(|e| Error::config("form", format!("cannot encode the form: {e}")))?;
        let mut request = self
            .inner
            .client
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some((id, secret)) = client_auth {
            request = request.header(header::AUTHORIZATION, basic_auth_header(id, secret));
        }
        self.send(context, request).await
    }

    /// GETs a public document (an OpenID Connect discovery document, a JWKS) without
    /// credentials. Never retried; returns the response whatever its status.
    pub async fn get(&self, context: &ProviderContext, url: &Url) -> Result<HttpResponse, Error> {
        let request = self.inner.client.get(url.clone());
        self.send(context, request).await
    }

    /// GETs with the access token in `Authorization: Bearer` (and nowhere else), retrying 429
    /// and 503 answers up to [`HttpConfig::max_retries`] times when `Retry-After` is absent or
    /// short. Returns the final response whatever its status.
    pub async fn get_bearer(
        &self,
        context: &ProviderContext,
        url: &Url,
        token: &AccessToken,
    ) -> Result<HttpResponse, Error> {
        self.bearer_request(context, &BearerRequest::get(url), token)
            .await
    }

    /// Sends an API request with the access token in `Authorization: Bearer` (and nowhere
    /// else), with the request's method, extra headers and optional JSON body. GET requests are
    /// retried like [`get_bearer`](Self::get_bearer); other methods never are. Returns the final
    /// response whatever its status.
    pub async fn bearer_request(
        &self,
        context: &ProviderContext,
        request: &BearerRequest<'_>,
        token: &AccessToken,
    ) -> Result<HttpResponse, Error> {
        let retries = if request.post {
            0
        } else {
            self.inner.config.max_retries
        };
        let mut attempt = 0;
        loop {
            let mut builder = if request.post {
                self.inner.client.post(request.url.clone())
            } else {
                self.inner.client.get(request.url.clone())
            };
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = request.json_body {
                builder = builder
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body.to_string());
            }
            let authorization = if request.scheme.eq_ignore_ascii_case("bearer") {
                bearer_header(token)
            } else {
                sensitive(format!("{} {}", request.scheme, token.secret()))
            };
            let builder = builder.header(header::AUTHORIZATION, authorization);
            let response = self.send(context, builder).await?;
            if !matches!(response.status, 429 | 503) || attempt >= retries {
                return Ok(response);
            }
            let wait = match retry_after(&response.headers) {
                Some(wait) if wait > self.inner.config.max_retry_after => return Ok(response),
                Some(wait) => wait,
                None => Duration::from_millis(200 * (1 << attempt.min(4))),
            };
            attempt += 1;
            tracing::debug!(
                provider = %context.provider,
                stage = %context.stage,
                status = response.status,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying provider request"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// POSTs a form of the access token (as `access_token`) and the client id (under the given
    /// parameter name), with no `Authorization` header (VK ID's user info). Never retried.
    pub async fn post_token_form(
        &self,
        context: &ProviderContext,
        url: &Url,
        token: &AccessToken,
        client_id: (&str, &str),
    ) -> Result<HttpResponse, Error> {
        let form = [("access_token", token.secret()), client_id];
        self.post_form(context, url, None, &form).await
    }

    /// GETs `url` with the access token appended as its last path segment (percent-encoded)
    /// and no `Authorization` header (HubSpot's access-token metadata). Never retried. That URL
    /// never appears in errors or events.
    pub async fn get_token_in_path(
        &self,
        context: &ProviderContext,
        url: &Url,
        token: &AccessToken,
    ) -> Result<HttpResponse, Error> {
        let mut url = url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::config("user-info URL", "the URL cannot take a path"))?
            .pop_if_empty()
            .push(token.secret());
        self.get(context, &url).await
    }

    /// GETs a 2xx JSON body into `T` with [`get_bearer`](Self::get_bearer).
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        context: &ProviderContext,
        url: &Url,
        token: &AccessToken,
    ) -> Result<T, Error> {
        self.get_bearer(context, url, token).await?.json(context)
    }

    /// POSTs a JSON body (Atlassian's token requests). Never retried.
    pub async fn post_json(
        &self,
        context: &ProviderContext,
        url: &Url,
        client_auth: Option<(&str, &ClientSecret)>,
        body: &serde_json::Value,
    ) -> Result<HttpResponse, Error> {
        let request = self.inner.client.post(url.clone());
        self.send_json(context, request, client_auth, body).await
    }

    /// DELETEs with a JSON body (GitHub's token revocation). Never retried.
    pub async fn delete_json(
        &self,
        context: &ProviderContext,
        url: &Url,
        client_auth: Option<(&str, &ClientSecret)>,
        body: &serde_json::Value,
    ) -> Result<HttpResponse, Error> {
        let request = self.inner.client.delete(url.clone());
        self.send_json(context, request, client_auth, body).await
    }

    /// GETs `url` with `query` appended to its query string (Facebook's token request, which
    /// carries the client credentials there). Never retried. Errors and events never include
    /// the URL.
    pub async fn get_query(
        &self,
        context: &ProviderContext,
        url: &Url,
        client_auth: Option<(&str, &ClientSecret)>,
        query: &[(&str, &str)],
    ) -> Result<HttpResponse, Error> {
        let mut url = url.clone();
        url.query_pairs_mut().extend_pairs(query);
        let mut request = self.inner.client.get(url);
        if let Some((id, secret)) = client_auth {
            request = request.header(header::AUTHORIZATION, basic_auth_header(id, secret));
        }
        self.send(context, request).await
    }

    async fn send_json(
        &self,
        context: &ProviderContext,
        mut request: reqwest::RequestBuilder,
        client_auth: Option<(&str, &ClientSecret)>,
        body: &serde_json::Value,
    ) -> Result<HttpResponse, Error> {
        request = request
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some((id, secret)) = client_auth {
            request = request.header(header::AUTHORIZATION, basic_auth_header(id, secret));
        }
        self.send(context, request).await
    }

    async fn send(
        &self,
        context: &ProviderContext,
        request: reqwest::RequestBuilder,
    ) -> Result<HttpResponse, Error> {
        let started = Instant::now();
        let timeout = self.inner.config.timeout;
        // The total timeout is enforced here as well, so a body that trickles in slowly is
        // bounded whatever the transport does.
        let outcome = tokio::time::timeout(timeout, self.exchange(context, request)).await;
        let outcome = match outcome {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                context: context.clone(),
                timeout,
            }),
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &outcome {
            Ok(response) => tracing::debug!(
                provider = %context.provider,
                stage = %context.stage,
                status = response.status,
                elapsed_ms,
                "provider request"
            ),
            Err(err) => tracing::warn!(
                provider = %context.provider,
                stage = %context.stage,
                status = err.status(),
                elapsed_ms,
                error = %err,
                "provider request failed"
            ),
        }
        outcome
    }

    async fn exchange(
        &self,
        context: &ProviderContext,
        request: reqwest::RequestBuilder,
    ) -> Result<HttpResponse, Error> {
        let transport = |e: reqwest::Error| self.transport_error(context, e);
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(Error::Redirect {
                context: context.clone(),
                status,
            });
        }
        let limit = self.inner.config.max_body_bytes;
        let too_large = || Error::BodyTooLarge {
            context: context.clone(),
            limit,
        };
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(too_large());
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn transport_error(&self, context: &ProviderContext, err: reqwest::Error) -> Error {
        let err = err.without_url();
        if err.is_timeout() {
            Error::Timeout {
                context: context.clone(),
                timeout: self.inner.config.timeout,
            }
        } else if err.is_connect() {
            Error::Connect {
                context: context.clone(),
                source: err,
            }
        } else {
            Error::Transport {
                context: context.clone(),
                source: err,
            }
        }
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` as RFC 6749 section 2.3.1 requires.
fn basic_auth_header(client_id: &str, secret: &ClientSecret) -> HeaderValue {
    use base64::Engine as _;
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let credentials = format!("{}:{}", encode(client_id), encode(secret.secret()));
    let value = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    );
    sensitive(value)
}

fn bearer_header(token: &AccessToken) -> HeaderValue {
    sensitive(format!("Bearer {}", token.secret()))
}

fn sensitive(value: String) -> HeaderValue {
    // Tokens and base64 are visible ASCII; anything else is replaced by an empty value that the
    // provider rejects, rather than a panic.
    let mut header = HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""));
    header.set_sensitive(true);
    header
}

/// Reads `Retry-After` given in seconds (an HTTP date is not honoured).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_form_encodes_id_and_secret() {
        use base64::Engine as _;
        let header = basic_auth_header("id with:colon", &ClientSecret::new("s&cret é"));
        let value = header.to_str().expect("ascii");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value.trim_start_matches("Basic "))
            .expect("base64");
        assert_eq!(
            String::from_utf8(decoded).expect("utf8"),
            "id+with%3Acolon:s%26cret+%C3%A9"
        );
        assert!(header.is_sensitive());
    }

    #[test]
    fn basic_auth_matches_the_bitbucket_fixture() {
        let header = basic_auth_header("bbClientKey123", &ClientSecret::new("bbClientSecret456"));
        assert_eq!(
            header.to_str().expect("ascii"),
            "Basic YmJDbGllbnRLZXkxMjM6YmJDbGllbnRTZWNyZXQ0NTY="
        );
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(1)));
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
