//! What a provider's further user step works with.

use serde_json::Value;
use url::Url;

use super::provider::{SpecProvider, context};
use super::{HeaderSource, ProviderSpec, UserSource};
use crate::error::{Error, ProviderContext, Stage, redacted_excerpt};
use crate::http::{BearerRequest, HttpClient, HttpResponse};
use crate::token::OAuthToken;

/// Longest error message kept from a provider's error body.
const MAX_MESSAGE_CHARS: usize = 300;

/// The context of a [`UserStep`](super::UserStep): the instance (its name, API base and named
/// endpoints), the shared [`HttpClient`] and the token, with helpers that send API requests
/// and turn unexpected answers into typed errors the way the spec says.
#[derive(Debug, Clone, Copy)]
pub struct UserContext<'a> {
    provider: &'a SpecProvider,
    http: &'a HttpClient,
    token: &'a OAuthToken,
}

impl<'a> UserContext<'a> {
    pub(super) fn new(
        provider: &'a SpecProvider,
        http: &'a HttpClient,
        token: &'a OAuthToken,
    ) -> Self {
        Self {
            provider,
            http,
            token,
        }
    }

    /// The instance name.
    pub fn name(&self) -> &'a str {
        crate::OAuthProvider::name(self.provider)
    }

    /// The instance.
    pub fn provider(&self) -> &'a SpecProvider {
        self.provider
    }

    /// The spec.
    pub fn spec(&self) -> &'static ProviderSpec {
        self.provider.spec()
    }

    /// The API base URL.
    pub fn api_url(&self) -> &'a Url {
        self.provider.api_url()
    }

    /// A named endpoint of the spec. A missing name is a configuration error naming it.
    pub fn endpoint(&self, name: &str) -> Result<&'a Url, Error> {
        self.provider.endpoint(name).ok_or_else(|| {
            Error::config(
                "provider spec",
                format!("{} has no endpoint named `{name}`", self.spec().id),
            )
        })
    }

    /// The instance's base URL, for self-hostable providers.
    pub fn base_url(&self) -> Option<&'a Url> {
        self.provider.base_url()
    }

    /// Maps a user JSON with the spec's mapping and sets `provider` and `raw_data`, as the
    /// generic provider does with the user-info response; for a step under
    /// [`UserSource::Step`](super::UserSource::Step). A mapping error is an
    /// [`Error::InvalidResponse`].
    pub fn map_user(&self, raw: Value) -> Result<crate::OAuthUserInfo, Error> {
        self.provider.map_raw(raw)
    }

    /// The shared HTTP client.
    pub fn http(&self) -> &'a HttpClient {
        self.http
    }

    /// The token.
    pub fn token(&self) -> &'a OAuthToken {
        self.token
    }

    /// The error context (this instance, the user-info stage).
    pub fn context(&self) -> ProviderContext {
        context(self.provider, Stage::UserInfo)
    }

    /// GETs `url` with the token and the spec's user-info headers; see
    /// [`HttpClient::bearer_request`].
    pub async fn get(&self, url: &Url) -> Result<HttpResponse, Error> {
        self.send(url, UserSource::Get).await
    }

    /// GETs `url` and parses a 2xx JSON answer; any other status is
    /// [`status_error`](Self::status_error).
    pub async fn get_json(&self, url: &Url) -> Result<Value, Error> {
        let response = self.get(url).await?;
        if !response.is_success() {
            return Err(self.status_error(&response));
        }
        response.json(&self.context())
    }

    /// Sends the user-info request of `source` (a GET, a POST without a body, or a POST of a
    /// fixed JSON body) with the token in the spec's authorization scheme; or, for the sources
    /// that say so, with the token in a form body or in the URL's path.
    pub(super) async fn send(&self, url: &Url, source: UserSource) -> Result<HttpResponse, Error> {
        let token = &self.token.access_token;
        match source {
            UserSource::PostForm => {
                let client_id = (self.spec().client_id_param, self.provider.client_id());
                return self
                    .http
                    .post_token_form(&self.context(), url, token, client_id)
                    .await;
            }
            UserSource::TokenInPath => {
                return self
                    .http
                    .get_token_in_path(&self.context(), url, token)
                    .await;
            }
            _ => {}
        }
        let body = match source {
            UserSource::PostJson(body) => {
                Some(serde_json::from_str::<Value>(body).map_err(|e| {
                    Error::config(
                        "provider spec",
                        format!(
                            "{}: the user-info request body is not JSON: {e}",
                            self.spec().id
                        ),
                    )
                })?)
            }
            _ => None,
        };
        let mut request = match (source, &body) {
            (_, Some(body)) => BearerRequest::post(url).json(body),
            (UserSource::Post, None) => BearerRequest::post(url),
            _ => BearerRequest::get(url),
        };
        request.scheme = self.spec().user_auth_scheme;
        for (name, value) in self.spec().user_headers {
            let value = match value {
                HeaderSource::Static(value) => value,
                HeaderSource::ClientId => self.provider.client_id(),
            };
            request = request.header(name, value)?;
        }
        self.http
            .bearer_request(&self.context(), &request, &self.token.access_token)
            .await
    }

    /// An [`Error::InvalidResponse`] for a body that does not have the expected shape.
    pub fn invalid(&self, response: &HttpResponse, reason: impl Into<String>) -> Error {
        Error::InvalidResponse {
            context: self.context(),
            status: response.status,
            reason: reason.into(),
            excerpt: redacted_excerpt(&response.body),
        }
    }

    /// An [`Error::HttpStatus`] for an unexpected status, with the message and detail read from
    /// the body by the spec's pointers and a hint from the spec's table.
    pub fn status_error(&self, response: &HttpResponse) -> Error {
        self.status_error_with(response, self.spec().hints)
    }

    /// Like [`status_error`](Self::status_error) with another hint table (for endpoints other
    /// than the user-info one); statuses without an entry get the generic hints.
    pub fn status_error_with(&self, response: &HttpResponse, hints: &[(u16, &str)]) -> Error {
        let spec = self.spec();
        let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        let message = spec
            .error_message
            .iter()
            .find_map(|p| body.pointer(p).and_then(Value::as_str))
            .map(clean_message)
            .filter(|m| !m.is_empty());
        let detail = spec
            .error_detail
            .iter()
            .find_map(|p| body.pointer(p).filter(|d| !d.is_null()))
            .cloned();
        let status = response.status;
        let hint = spec
            .error_hint
            .and_then(|hint| hint(status, &body))
            .or_else(|| table_hint(hints, status).map(str::to_owned))
            .or_else(|| generic_hint(spec, status));
        Error::HttpStatus {
            context: self.context(),
            status,
            message,
            hint,
            detail,
            excerpt: redacted_excerpt(&response.body),
        }
    }
}

/// The hint for `status`: an exact entry, else the entry for its class (`500` for 5xx).
fn table_hint<'h>(hints: &[(u16, &'h str)], status: u16) -> Option<&'h str> {
    let class = status / 100 * 100;
    hints
        .iter()
        .find(|(s, _)| *s == status)
        .or_else(|| hints.iter().find(|(s, _)| *s == class))
        .map(|(_, h)| *h)
}

fn generic_hint(spec: &ProviderSpec, status: u16) -> Option<String> {
    let title = spec.title;
    Some(match status {
        401 => "the access token is invalid or expired: refresh it or log in again".to_owned(),
        403 => format!(
            "the token lacks a scope or permission: check the scopes ({}) and the {}'s \
             permissions, then log in again",
            spec.env_var("SCOPE"),
            spec.credentials.app
        ),
        404 => format!("check the API base URL ({})", spec.env_var("API_URL")),
        429 => format!("rate limited by {title}; retry later"),
        500..=599 => format!("{title} is unavailable; retry later"),
        _ => return None,
    })
}

/// A provider's message without control characters, at most [`MAX_MESSAGE_CHARS`] long.
fn clean_message(message: &str) -> String {
    message
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MESSAGE_CHARS)
        .collect()
}
