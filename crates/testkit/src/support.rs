//! Small helpers that a provider crate's own test cases share: its JSON fixtures, its mapping
//! function applied to them, its token quirks applied to a token response, the variables of
//! `from_lookup`, a mock with a provider pointed at it, and the parts of a status error.

use std::fmt;

use oauth_kit_core::spec::{Profile, ProviderSpec};
use oauth_kit_core::{
    Error, HttpClient, OAuthToken, OAuthUserInfo, ProviderContext, Stage, parse_token_response,
};
use serde_json::Value;

use crate::provider::{MockProvider, MockProviderConfig};

/// The JSON fixture `tests/fixtures/NAME` of the crate that calls it, as a
/// [`serde_json::Value`].
///
/// The file is read at compile time, so a missing fixture fails the build, not a test run:
/// in a provider crate's integration test, `fixture!("user.json")` is its parsed
/// `tests/fixtures/user.json`.
///
/// # Panics
///
/// When the file is not valid JSON (a test failure naming the fixture).
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        $crate::parse_fixture(
            $name,
            ::core::include_str!(::core::concat!(
                ::core::env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/",
                $name
            )),
        )
    };
}

/// Parses the JSON text of the fixture `name`, as [`fixture!`](crate::fixture) does.
///
/// ```
/// let raw = oauth_kit_testkit::parse_fixture("user.json", r#"{"id": 7}"#);
/// assert_eq!(raw["id"], 7);
/// ```
///
/// # Panics
///
/// When `json` is not valid JSON (a test failure naming the fixture).
pub fn parse_fixture(name: &str, json: &str) -> Value {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(error) => panic!("the fixture {name} is not valid JSON: {error}"),
    }
}

/// Maps `raw`, a provider's user JSON, with `spec`'s mapping function, as the instance named
/// after the spec's id (`Profile::new(spec.id, raw)`).
///
/// ```
/// use oauth_kit_core::spec::ProviderSpec;
/// # fn check(spec: &ProviderSpec) {
/// let user = oauth_kit_testkit::map_fixture(spec, &serde_json::json!({"id": "7"}));
/// # let _ = user;
/// # }
/// ```
///
/// # Errors
///
/// The mapping function's own error, when `raw` lacks what the provider always sends.
pub fn map_fixture(spec: &ProviderSpec, raw: &Value) -> Result<OAuthUserInfo, String> {
    (spec.map_user)(&Profile::new(spec.id, raw))
}

/// Reads `body` as `spec`'s token endpoint answered it with HTTP 200 and `Content-Type:
/// application/json`: with the spec's token quirks, at the token stage of the instance named
/// after the spec's id.
///
/// ```
/// use oauth_kit_core::spec::ProviderSpec;
///
/// static ACME: ProviderSpec = ProviderSpec { id: "acme", ..ProviderSpec::DEFAULT };
///
/// let token = oauth_kit_testkit::parse_token(
///     &ACME,
///     br#"{"access_token": "a", "token_type": "bearer", "expires_in": 3600}"#,
/// )?;
/// assert_eq!(token.expires_in.map(|d| d.as_secs()), Some(3600));
/// // A strict spec reads no error out of HTTP 200: the body is not a token.
/// let err = oauth_kit_testkit::parse_token(&ACME, br#"{"error": "invalid_grant"}"#).unwrap_err();
/// assert!(matches!(err, oauth_kit_core::Error::InvalidResponse { .. }), "{err:?}");
/// # Ok::<(), oauth_kit_core::Error>(())
/// ```
///
/// # Errors
///
/// What the answer means under the spec's quirks: an [`Error::OAuth`] for an error body where
/// the quirks read errors out of HTTP 200 (Naver's, TikTok's), an [`Error::InvalidResponse`]
/// for a body that is not a token.
pub fn parse_token(spec: &ProviderSpec, body: &[u8]) -> Result<OAuthToken, Error> {
    let context = ProviderContext::new(spec.id, Stage::Token);
    parse_token_response(
        &context,
        200,
        Some("application/json"),
        body,
        &spec.token_quirks,
    )
}

/// Starts a [`MockProvider`] of `spec` with `config`, builds the provider under test with
/// `from_lookup` over the mock's variables ([`MockProvider::env_lookup`]) and makes an HTTP
/// client: the first lines of a test that logs in against the mock.
///
/// ```
/// use oauth_kit_core::spec::ProviderSpec;
/// use oauth_kit_core::{OAuthProvider, SpecProvider};
/// use oauth_kit_testkit::{MockProviderConfig, start_mock};
///
/// static ACME: ProviderSpec = ProviderSpec {
///     id: "acme",
///     title: "Acme",
///     env_prefix: "ACME",
///     authorization_url: "https://id.acme.example/oauth/authorize",
///     token_url: "https://id.acme.example/oauth/token",
///     api_url: "https://api.acme.example/v1",
///     user_info_url: "{api}/me",
///     ..ProviderSpec::DEFAULT
/// };
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() -> Result<(), oauth_kit_core::Error> {
///     let (mock, acme, http) = start_mock(
///         &ACME,
///         MockProviderConfig::new(r#"{"sub": "42"}"#),
///         |lookup| SpecProvider::from_lookup(&ACME, lookup),
///     )
///     .await;
///     let token = mock.log_in(&acme, &http).await?;
///     assert_eq!(acme.user_info(&http, &token).await?.oauth_id, "42");
///     Ok(())
/// }
/// ```
///
/// # Panics
///
/// When the mock cannot start, `from_lookup` fails or the HTTP client cannot be made (a test
/// failure showing why).
pub async fn start_mock<P, E: fmt::Debug>(
    spec: &'static ProviderSpec,
    config: MockProviderConfig,
    from_lookup: impl FnOnce(Box<dyn Fn(&str) -> Option<String> + Send + Sync>) -> Result<P, E>,
) -> (MockProvider, P, HttpClient) {
    let mock = match MockProvider::start(spec, config).await {
        Ok(mock) => mock,
        Err(error) => panic!("the mock of {} did not start: {error}", spec.id),
    };
    let provider = match from_lookup(Box::new(mock.env_lookup())) {
        Ok(provider) => provider,
        Err(error) => panic!("{} from the mock's variables: {error:?}", spec.id),
    };
    let http = match HttpClient::new() {
        Ok(http) => http,
        Err(error) => panic!("no HTTP client: {error}"),
    };
    (mock, provider, http)
}

/// A variable lookup over `vars` for a provider's `from_lookup`, so a test needs no
/// process-wide environment. A name that is not in `vars` is unset.
///
/// ```
/// let lookup = oauth_kit_testkit::env_lookup([
///     ("EXAMPLE_CLIENT_ID", "id"),
///     ("EXAMPLE_CLIENT_SECRET", "secret"),
/// ]);
/// assert_eq!(lookup("EXAMPLE_CLIENT_ID").as_deref(), Some("id"));
/// assert_eq!(lookup("EXAMPLE_SCOPE"), None);
/// ```
pub fn env_lookup<K, V>(
    vars: impl IntoIterator<Item = (K, V)>,
) -> impl Fn(&str) -> Option<String> + Clone + Send + Sync + 'static
where
    K: Into<String>,
    V: Into<String>,
{
    let vars: Vec<(String, String)> = vars
        .into_iter()
        .map(|(name, value)| (name.into(), value.into()))
        .collect();
    move |name: &str| {
        vars.iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value.clone())
    }
}

/// The parts of an [`Error::HttpStatus`] that tests assert on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusError {
    /// The HTTP status.
    pub status: u16,
    /// The provider's own error message, when its error envelope could be read.
    pub message: Option<String>,
    /// What to check, when the provider knows a likely cause.
    pub hint: Option<String>,
    /// The redacted excerpt of the body.
    pub excerpt: Option<String>,
}

/// The parts of `err`, which must be an [`Error::HttpStatus`].
///
/// ```
/// use oauth_kit_core::Error;
/// # fn check(err: Error) {
/// let status = oauth_kit_testkit::expect_http_status(&err);
/// assert_eq!(status.status, 401);
/// # }
/// ```
///
/// # Panics
///
/// When `err` is another error (a test failure showing it).
pub fn expect_http_status(err: &Error) -> StatusError {
    match err {
        Error::HttpStatus {
            status,
            message,
            hint,
            excerpt,
            ..
        } => StatusError {
            status: *status,
            message: message.clone(),
            hint: hint.clone(),
            excerpt: excerpt.clone(),
        },
        other => panic!("expected an HTTP status error, got {other:?}"),
    }
}
