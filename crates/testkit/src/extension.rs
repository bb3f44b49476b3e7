//! Adding behaviour to a [`MockProvider`](crate::MockProvider): further routes, and members of
//! token responses. A mode that needs more than the spec describes (an OpenID Connect
//! discovery document, a JWKS, signed ID tokens) plugs in here instead of forking the server.

use std::fmt;

use axum::routing::MethodRouter;
use oauth_kit_core::spec::ProviderSpec;
use serde_json::{Map, Value};

use crate::state::Shared;

/// Behaviour added to a [`MockProvider`](crate::MockProvider) through
/// [`MockProviderConfig::extension`](crate::MockProviderConfig::extension).
///
/// An extension keeps its own state (behind an `Arc` the test can also hold, to change it while
/// the mock runs); the mock gives it its address and endpoints when it starts, each redirect
/// back with a code, and each successful token response before it is written. Every hook has
/// a default that does nothing.
///
/// ```
/// use oauth_kit_testkit::axum::routing::{MethodRouter, get};
/// use oauth_kit_testkit::{IssuedGrant, MockContext, MockExtension};
/// use serde_json::{Map, Value, json};
///
/// /// Serves a discovery document and adds an `id_token` member to every token response.
/// #[derive(Debug)]
/// struct Discovery;
///
/// impl MockExtension for Discovery {
///     fn routes(&self, mock: &MockContext) -> Vec<(String, MethodRouter)> {
///         let document = json!({
///             "issuer": mock.base_url(),
///             "authorization_endpoint": mock.authorize_url(),
///             "token_endpoint": mock.token_url(),
///         });
///         let route = get(move || async move { oauth_kit_testkit::axum::Json(document) });
///         vec![("/.well-known/openid-configuration".to_owned(), route)]
///     }
///
///     fn token_response(&self, _: &MockContext, grant: &IssuedGrant<'_>, response: &mut Map<String, Value>) {
///         let nonce = grant.authorization_param("nonce").unwrap_or_default();
///         response.insert("id_token".to_owned(), Value::String(format!("unsigned.{nonce}.x")));
///     }
/// }
/// ```
pub trait MockExtension: Send + Sync + fmt::Debug + 'static {
    /// Routes served next to the mock's own, as `(path, handler)` pairs. A path the mock
    /// already serves (or another extension's) makes the start fail with
    /// [`io::ErrorKind::InvalidInput`](std::io::ErrorKind::InvalidInput) rather than shadow it.
    fn routes(&self, mock: &MockContext) -> Vec<(String, MethodRouter)> {
        let _ = mock;
        Vec::new()
    }

    /// Called when the mock redirects back with a code; parameters pushed here are appended to
    /// the redirect (an RFC 9207 `iss`, for example). `request` holds the authorization
    /// request's parameters.
    fn authorization_response(
        &self,
        mock: &MockContext,
        request: &[(String, String)],
        response: &mut Vec<(String, String)>,
    ) {
        let _ = (mock, request, response);
    }

    /// Called for every successful token response (JSON or form-encoded alike) with the grant
    /// it answers; members inserted here are sent with it. Form-encoded responses send
    /// non-string values as their JSON text.
    fn token_response(
        &self,
        mock: &MockContext,
        grant: &IssuedGrant<'_>,
        response: &mut Map<String, Value>,
    ) {
        let _ = (mock, grant, response);
    }
}

/// Where a running mock is and what it stands in for, as given to a [`MockExtension`].
#[derive(Debug, Clone)]
pub struct MockContext {
    pub(crate) base_url: String,
    pub(crate) client_id: String,
    pub(crate) spec: Option<&'static ProviderSpec>,
    pub(crate) authorize_url: String,
    pub(crate) token_url: String,
    pub(crate) api_url: Option<String>,
    pub(crate) user_info_url: Option<String>,
    pub(crate) revocation_url: Option<String>,
    pub(crate) issuer: Option<String>,
}

impl MockContext {
    /// The context of the mock sharing `shared`.
    pub(crate) fn of(shared: &Shared) -> Self {
        let wire = &shared.wire;
        Self {
            base_url: shared.base_url.clone(),
            client_id: shared.client_id.clone(),
            spec: shared.spec,
            authorize_url: wire.authorize.to_string(),
            token_url: wire.token.to_string(),
            api_url: wire
                .api
                .as_ref()
                .map(|u| u.as_str().trim_end_matches('/').to_owned()),
            user_info_url: wire.user_info.as_ref().map(ToString::to_string),
            revocation_url: wire.revocation.as_ref().map(ToString::to_string),
            issuer: wire.openid.as_ref().map(|o| o.issuer.clone()),
        }
    }

    /// The mock's origin, `http://127.0.0.1:PORT` (an OpenID issuer, for example).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The client id the mock accepts.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The spec the mock stands in for.
    pub fn spec(&self) -> Option<&'static ProviderSpec> {
        self.spec
    }

    /// The authorization endpoint on the mock.
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// The token endpoint on the mock.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The API base on the mock, if the spec has an API.
    pub fn api_url(&self) -> Option<&str> {
        self.api_url.as_deref()
    }

    /// The user-info endpoint on the mock, if the spec has one.
    pub fn user_info_url(&self) -> Option<&str> {
        self.user_info_url.as_deref()
    }

    /// The revocation endpoint on the mock, if the spec has one the mock serves.
    pub fn revocation_url(&self) -> Option<&str> {
        self.revocation_url.as_deref()
    }

    /// The OpenID Connect issuer the mock plays, for a spec with an OpenID Connect part.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }
}

/// A grant the token endpoint is answering, as given to
/// [`MockExtension::token_response`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct IssuedGrant<'a> {
    /// The `grant_type` of the request (`authorization_code`, `refresh_token`).
    pub grant_type: &'a str,
    /// The user the token acts for: the mock's user fixture (the claims of an ID token).
    pub user: &'a Value,
    /// The scopes granted.
    pub scopes: &'a [String],
    /// The parameters of the authorization request that issued the code, in order; empty for
    /// other grants.
    pub authorization_params: &'a [(String, String)],
}

impl IssuedGrant<'_> {
    /// The first value of an authorization request parameter (`nonce`, `claims`, ...).
    pub fn authorization_param(&self, name: &str) -> Option<&str> {
        self.authorization_params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
