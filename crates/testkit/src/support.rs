//! Small helpers that a provider crate's own test cases share: its JSON fixtures, its mapping
//! function applied to them, the variables of `from_lookup`, and the parts of a status error.

use oauth_kit_core::spec::{Profile, ProviderSpec};
use oauth_kit_core::{Error, OAuthUserInfo};
use serde_json::Value;

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
