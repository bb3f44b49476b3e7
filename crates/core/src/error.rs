//! The error type of oauth-kit-core, shared by providers and adapters.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::sanitize::LogSafe;

/// The step of the protocol that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// Building the authorization URL or reading the authorization response.
    Authorize,
    /// Exchanging the authorization code for a token.
    Token,
    /// Refreshing a token.
    Refresh,
    /// Revoking a token.
    Revoke,
    /// Fetching the user's profile.
    UserInfo,
    /// Requesting a token with the client's own credentials (RFC 6749 section 4.4).
    ClientCredentials,
    /// Starting a device authorization (RFC 8628 section 3.1).
    DeviceAuthorization,
    /// Polling the token endpoint during a device authorization (RFC 8628 section 3.4).
    DeviceToken,
    /// Fetching the OpenID Connect discovery document.
    Discovery,
    /// Fetching the issuer's signing keys (JWKS).
    Jwks,
    /// Validating the OpenID Connect ID token.
    IdToken,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Authorize => "authorization",
            Stage::Token => "token exchange",
            Stage::Refresh => "token refresh",
            Stage::Revoke => "token revocation",
            Stage::UserInfo => "user info",
            Stage::ClientCredentials => "client credentials grant",
            Stage::DeviceAuthorization => "device authorization",
            Stage::DeviceToken => "device token polling",
            Stage::Discovery => "discovery",
            Stage::Jwks => "key set (JWKS)",
            Stage::IdToken => "ID token validation",
        })
    }
}

/// An RFC 6749 section 5.2 error body (`error`, `error_description`, `error_uri`).
///
/// `Debug` shows the description only as a [`redacted_excerpt`], since providers sometimes
/// echo the code or a token in it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    /// The error code, for example `invalid_grant`.
    pub error: String,
    /// The provider's human-readable description. Treat it as data, never as HTML.
    #[serde(default)]
    pub error_description: Option<String>,
    /// A link to a page about the error.
    #[serde(default)]
    pub error_uri: Option<String>,
}

impl fmt::Debug for OAuthErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let description = self
            .error_description
            .as_deref()
            .and_then(|d| redacted_excerpt(d.as_bytes()));
        f.debug_struct("OAuthErrorBody")
            .field(
                "error",
                &redacted_excerpt(self.error.as_bytes()).unwrap_or_default(),
            )
            .field("error_description", &description)
            .field(
                "error_uri",
                &self
                    .error_uri
                    .as_deref()
                    .and_then(|u| redacted_excerpt(u.as_bytes())),
            )
            .finish()
    }
}

/// Context shared by every error that a provider's HTTP exchange produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderContext {
    /// The provider's registry name.
    pub provider: String,
    /// The protocol step.
    pub stage: Stage,
}

impl ProviderContext {
    /// Creates a context for `provider` at `stage`.
    pub fn new(provider: impl Into<String>, stage: Stage) -> Self {
        Self {
            provider: provider.into(),
            stage,
        }
    }
}

impl fmt::Display for ProviderContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.provider, self.stage)
    }
}

/// Everything that can go wrong in oauth-kit.
///
/// `Display` is short, lowercase and never contains a secret or a raw response body; details
/// such as the provider's error description and a redacted body excerpt are available from the
/// variant's fields and from the accessor methods.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider answered with an OAuth error body (RFC 6749 section 5.2), with a 4xx status
    /// or, for providers that do so, with HTTP 200.
    #[error("{context} failed: the provider answered `{}`", LogSafe(&.body.error))]
    OAuth {
        /// Provider and stage.
        context: ProviderContext,
        /// The HTTP status.
        status: u16,
        /// The parsed error body.
        body: OAuthErrorBody,
    },
    /// The provider answered with a status that this stage does not accept.
    #[error("{context} failed: the provider answered HTTP {status}{}", hint_suffix(.hint))]
    HttpStatus {
        /// Provider and stage.
        context: ProviderContext,
        /// The HTTP status.
        status: u16,
        /// The provider's own error message, when its error envelope could be read.
        message: Option<String>,
        /// What to check, when the provider knows a likely cause.
        hint: Option<String>,
        /// Extra structured detail from the provider (for example granted and required scopes).
        detail: Option<serde_json::Value>,
        /// A short excerpt of the body with anything that looks like a credential removed.
        excerpt: Option<String>,
    },
    /// The response could not be understood: not JSON, wrong field types, a required field
    /// missing.
    #[error("{context} failed: unexpected response ({reason})")]
    InvalidResponse {
        /// Provider and stage.
        context: ProviderContext,
        /// The HTTP status.
        status: u16,
        /// What was wrong, without any value from the body.
        reason: String,
        /// A short excerpt of the body with anything that looks like a credential removed.
        excerpt: Option<String>,
    },
    /// The response body was larger than the configured cap; reading stopped at the cap.
    #[error("{context} failed: the response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// Provider and stage.
        context: ProviderContext,
        /// The configured cap in bytes.
        limit: usize,
    },
    /// No complete response arrived within the configured timeout.
    #[error("{context} failed: no response within {}", fmt_duration(*.timeout))]
    Timeout {
        /// Provider and stage.
        context: ProviderContext,
        /// The configured total timeout.
        timeout: Duration,
    },
    /// The provider answered with a redirect, which is never followed.
    #[error(
        "{context} failed: the provider answered with a redirect (HTTP {status}), which is not followed"
    )]
    Redirect {
        /// Provider and stage.
        context: ProviderContext,
        /// The HTTP status.
        status: u16,
    },
    /// The provider could not be reached.
    #[error("{context} failed: could not connect to the provider")]
    Connect {
        /// Provider and stage.
        context: ProviderContext,
        /// The transport error, with any URL removed.
        #[source]
        source: reqwest::Error,
    },
    /// Another transport failure while talking to the provider.
    #[error("{context} failed: the HTTP request failed")]
    Transport {
        /// Provider and stage.
        context: ProviderContext,
        /// The transport error, with any URL removed.
        #[source]
        source: reqwest::Error,
    },
    /// The ID token failed one of the checks of OpenID Connect Core §3.1.3.7; `kind` says
    /// which.
    #[error("{context} failed: the ID token {kind}")]
    IdToken {
        /// Provider and stage.
        context: ProviderContext,
        /// The check that failed.
        kind: crate::oidc::IdTokenError,
    },
    /// The user-info endpoint answered for another subject than the ID token's `sub`.
    #[error("{context} failed: the user-info `sub` differs from the ID token's")]
    SubjectMismatch {
        /// Provider and stage.
        context: ProviderContext,
    },
    /// The discovery document names another issuer than the configured one: a configuration
    /// error (check the issuer URL, including any trailing `/`).
    #[error(
        "{context} failed: the discovery document names the issuer `{found}`, not the configured `{expected}`"
    )]
    DiscoveryIssuerMismatch {
        /// Provider and stage.
        context: ProviderContext,
        /// The configured issuer.
        expected: String,
        /// The document's issuer (control characters removed, at most 200 characters).
        found: String,
    },
    /// The provider does not offer this operation.
    #[error("{provider} does not support {operation}")]
    Unsupported {
        /// The provider's registry name.
        provider: String,
        /// The operation, for example `"token revocation"`.
        operation: &'static str,
    },

    /// A configuration value is missing or invalid. Raised at start-up.
    #[error("invalid configuration: {setting}: {reason}")]
    Config {
        /// The setting or environment variable, for example `OAUTH_REDIRECT_BASE_URL`.
        setting: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// No provider is registered under this name.
    #[error("unknown provider `{name}`")]
    UnknownProvider {
        /// The requested name (already checked to be a plain identifier before it is shown).
        name: String,
    },
    /// The callback query string is malformed or repeats a parameter.
    #[error("malformed callback: {reason}")]
    MalformedCallback {
        /// What is wrong.
        reason: String,
    },
    /// The callback carries no `state` (or an empty one).
    #[error("the callback has no state parameter")]
    MissingState,
    /// The callback carries neither `code` nor `error`.
    #[error("the callback has no authorization code")]
    MissingCode,
    /// The browser did not send the flow cookie: the login was started elsewhere, the cookie
    /// expired, or it was already used.
    #[error("no login flow is in progress in this browser")]
    MissingFlowCookie,
    /// The flow cookie was tampered with, truncated, sealed with another key, or its flow was
    /// already completed; or its flow record lacks what the login needs (a PKCE verifier that
    /// parses, the nonce of an OpenID Connect login).
    #[error("the login flow cookie is invalid or was already used")]
    InvalidFlowCookie,
    /// The flow was already completed once: a replayed callback.
    #[error("the login flow was already completed")]
    FlowReplayed,
    /// The callback's `state` is not the one this browser's flow was started with.
    #[error("the callback state does not match this browser's login flow")]
    StateMismatch,
    /// The flow is older than the state TTL.
    #[error("the login flow expired")]
    StateExpired,
    /// The flow was started for another provider.
    #[error("the login flow was started for another provider")]
    ProviderMismatch,
    /// The `iss` parameter (RFC 9207) is missing or names another issuer.
    #[error("the callback issuer does not match the provider")]
    IssuerMismatch,
    /// The provider redirected back with `error=` (for example the user pressed "Deny").
    #[error("the provider refused the authorization: `{error}`")]
    AuthorizationDenied {
        /// The provider's error code, for example `access_denied`.
        error: String,
        /// The provider's description, as data (never render it as HTML).
        description: Option<String>,
    },
    /// The client sent more callbacks that reach the token endpoint than the limit allows
    /// ([`FlowConfig::callback_rate_limit`](crate::FlowConfig::callback_rate_limit)).
    #[error("too many callbacks from this client; try again in a minute")]
    RateLimited,
    /// The request carried several session cookies (one may have been planted from a sibling
    /// subdomain); the adapters refuse to pick one.
    #[error("the request carried several session cookies")]
    DuplicateSessionCookie,
    /// The session would not fit in a cookie (browsers drop cookies over 4096 bytes).
    #[error("the session would be {bytes} bytes, more than a cookie can hold")]
    SessionTooLarge {
        /// The estimated size of the `Set-Cookie` value.
        bytes: usize,
    },
    /// A PKCE verifier does not satisfy RFC 7636.
    #[error("invalid PKCE verifier: {reason}")]
    InvalidPkceVerifier {
        /// What is wrong.
        reason: &'static str,
    },
    /// The operating system's random number generator failed.
    #[error("the OS random number generator failed: {0}")]
    Random(String),
    /// The state store failed or refused to store another flow.
    #[error("state store: {reason}")]
    Store {
        /// What went wrong.
        reason: String,
    },
    /// A shared store (for example Redis) could not be reached or did not answer in time.
    /// Nothing was written; the same request can succeed once the store is back.
    #[error("the store is unavailable: {reason}")]
    StoreUnavailable {
        /// What went wrong, without addresses or credentials (for example "timed out").
        reason: String,
    },
    /// The token store failed or refused to keep another token set.
    #[error("token store: {reason}")]
    TokenStore {
        /// What went wrong.
        reason: String,
    },
    /// No usable token is kept for this user any more: send the user through the login again.
    #[error("{provider}: {reason}; the user must log in again")]
    LoginRequired {
        /// The provider's registry name.
        provider: String,
        /// Why the kept tokens cannot be used.
        reason: LoginRequiredReason,
    },
    /// The device code expired before the user approved the login (RFC 8628 `expired_token`,
    /// or its `expires_in` passed while polling). Start a new device authorization.
    #[error("{provider}: the device code expired before the user approved the login")]
    DeviceCodeExpired {
        /// The provider's registry name.
        provider: String,
    },
    /// The device flow's own deadline passed before the user approved the login.
    #[error("{provider}: the user did not approve the device login within {}", fmt_duration(*.waited))]
    DeviceFlowTimedOut {
        /// The provider's registry name.
        provider: String,
        /// How long the flow waited.
        waited: Duration,
    },
}

/// Why [`Error::LoginRequired`] was returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoginRequiredReason {
    /// No tokens are kept for this user (never logged in, logged out, or removed).
    NoStoredToken,
    /// The access token expired and there is no refresh token, or the provider cannot refresh.
    NoRefreshToken,
    /// The provider refused the refresh token (`invalid_grant`: expired, revoked or rotated
    /// away). The kept tokens were removed.
    RefreshRejected,
}

impl fmt::Display for LoginRequiredReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoginRequiredReason::NoStoredToken => "no token is kept for this user",
            LoginRequiredReason::NoRefreshToken => {
                "the access token expired and cannot be refreshed"
            }
            LoginRequiredReason::RefreshRejected => "the provider refused the refresh token",
        })
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    match hint {
        Some(h) => format!(" ({})", LogSafe(h)),
        None => String::new(),
    }
}

fn fmt_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

impl Error {
    /// A configuration error for `setting`.
    pub fn config(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Config {
            setting: setting.into(),
            reason: reason.into(),
        }
    }

    /// The provider and stage, for errors raised while talking to a provider.
    pub fn context(&self) -> Option<&ProviderContext> {
        match self {
            Error::OAuth { context, .. }
            | Error::HttpStatus { context, .. }
            | Error::InvalidResponse { context, .. }
            | Error::BodyTooLarge { context, .. }
            | Error::Timeout { context, .. }
            | Error::Redirect { context, .. }
            | Error::Connect { context, .. }
            | Error::Transport { context, .. }
            | Error::IdToken { context, .. }
            | Error::SubjectMismatch { context }
            | Error::DiscoveryIssuerMismatch { context, .. } => Some(context),
            _ => None,
        }
    }

    /// The provider's name, for errors raised while talking to a provider.
    pub fn provider(&self) -> Option<&str> {
        match self {
            Error::Unsupported { provider, .. }
            | Error::LoginRequired { provider, .. }
            | Error::DeviceCodeExpired { provider }
            | Error::DeviceFlowTimedOut { provider, .. } => Some(provider),
            _ => self.context().map(|c| c.provider.as_str()),
        }
    }

    /// The protocol stage, for errors raised while talking to a provider.
    pub fn stage(&self) -> Option<Stage> {
        self.context().map(|c| c.stage)
    }

    /// The HTTP status of the provider's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::OAuth { status, .. }
            | Error::HttpStatus { status, .. }
            | Error::InvalidResponse { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The OAuth error body, when the provider sent one.
    pub fn oauth_error(&self) -> Option<&OAuthErrorBody> {
        match self {
            Error::OAuth { body, .. } => Some(body),
            _ => None,
        }
    }

    /// A short, redacted excerpt of an unexpected response body.
    pub fn body_excerpt(&self) -> Option<&str> {
        match self {
            Error::HttpStatus { excerpt, .. } | Error::InvalidResponse { excerpt, .. } => {
                excerpt.as_deref()
            }
            _ => None,
        }
    }

    /// Whether the provider did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether a shared store could not be reached: a transient failure worth retrying later
    /// (adapters answer 503, or redirect with `store_unavailable`).
    pub fn is_store_unavailable(&self) -> bool {
        matches!(self, Error::StoreUnavailable { .. })
    }

    /// Whether the user has to log in again before the application can act for them
    /// ([`Error::LoginRequired`]).
    pub fn is_login_required(&self) -> bool {
        matches!(self, Error::LoginRequired { .. })
    }

    /// Whether the failure came from the callback's checks (state, cookie, provider, issuer).
    pub fn is_callback_rejection(&self) -> bool {
        matches!(
            self,
            Error::MalformedCallback { .. }
                | Error::MissingState
                | Error::MissingCode
                | Error::MissingFlowCookie
                | Error::InvalidFlowCookie
                | Error::FlowReplayed
                | Error::StateMismatch
                | Error::StateExpired
                | Error::ProviderMismatch
                | Error::IssuerMismatch
        )
    }

    /// A fixed, machine-readable code for this error, suitable for a failure redirect's
    /// `error` query parameter. The list is documented in the adapters' docs and never contains
    /// provider-controlled text.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MalformedCallback { .. } | Error::MissingCode => "invalid_callback",
            Error::MissingState => "state_missing",
            Error::MissingFlowCookie => "flow_missing",
            Error::InvalidFlowCookie => "flow_invalid",
            Error::FlowReplayed => "flow_replayed",
            Error::StateMismatch => "state_mismatch",
            Error::StateExpired => "state_expired",
            Error::ProviderMismatch => "provider_mismatch",
            Error::IssuerMismatch => "issuer_mismatch",
            Error::AuthorizationDenied { error, .. } if error == "access_denied" => "access_denied",
            Error::AuthorizationDenied { .. } => "authorization_failed",
            Error::RateLimited => "rate_limited",
            Error::DuplicateSessionCookie => "session_conflict",
            Error::SessionTooLarge { .. } => "session_too_large",
            Error::UnknownProvider { .. } => "unknown_provider",
            Error::LoginRequired { .. } => "login_required",
            Error::DeviceCodeExpired { .. } => "device_code_expired",
            Error::DeviceFlowTimedOut { .. } => "device_flow_timeout",
            Error::Timeout { .. } | Error::Connect { .. } => "provider_unavailable",
            Error::StoreUnavailable { .. } => "store_unavailable",
            Error::IdToken { kind, .. } => kind.code(),
            Error::SubjectMismatch { .. } => "subject_mismatch",
            Error::DiscoveryIssuerMismatch { .. } => "discovery_issuer_mismatch",
            _ => match self.stage() {
                Some(Stage::Token) => "token_error",
                Some(Stage::UserInfo) => "user_info_error",
                Some(Stage::Discovery) => "discovery_error",
                Some(Stage::Jwks) => "jwks_error",
                _ => "server_error",
            },
        }
    }
}

/// The result type of oauth-kit-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest excerpt kept from an unexpected body.
const EXCERPT_CHARS: usize = 160;
/// Runs of token-like characters at least this long are replaced by `[redacted]`.
const REDACT_RUN: usize = 16;

/// A short excerpt of `body` that is safe to log: at most 160 characters, control characters
/// replaced, and every run of 16 or more token-like characters replaced by `[redacted]`.
pub fn redacted_excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let token_char = |c: char| c.is_ascii_alphanumeric() || "-_.~+/=%:".contains(c);
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= REDACT_RUN {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    // Read a little past the excerpt length: redacted runs shrink to ten characters, so text
    // read after them can still end up in the excerpt.
    let mut chars = text.chars();
    for c in chars.by_ref().take(EXCERPT_CHARS + REDACT_RUN * 4) {
        if token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    // A run that the read limit cut is measured to its end, so a token that straddles the
    // limit is redacted rather than shown in part.
    if !run.is_empty() {
        run.extend(chars.take_while(|c| token_char(*c)).take(REDACT_RUN));
    }
    flush(&mut run, &mut out);
    let mut excerpt: String = out.chars().take(EXCERPT_CHARS).collect();
    if out.chars().count() > EXCERPT_CHARS || text.chars().count() > EXCERPT_CHARS + REDACT_RUN * 4
    {
        excerpt.push('…');
    }
    Some(excerpt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_redacts_token_like_runs() {
        let body = br#"{"access_token":"AT-S3NTINEL-abcdefghijklmnop","note":"short"}"#;
        let excerpt = redacted_excerpt(body).expect("non-empty");
        assert!(!excerpt.contains("S3NTINEL"), "{excerpt}");
        assert!(excerpt.contains("[redacted]"));
        assert!(excerpt.contains("short"));
    }

    #[test]
    fn excerpt_redacts_a_token_cut_by_the_read_limit() {
        // Found by the `token_response` fuzz target: the read limit cut the refresh token after
        // ten characters, and that short piece was shown because redacting the long access
        // token before it had made room in the excerpt.
        let body = "{\n  \"access_token\": \"Wd3Hs9Lk1Fn7Qa0Pz5Rt2Yb8Vx4Cm6Ej-Gu1Io3Nk7Tl9Sa2Df5Hg8Jk0Lz4\
                    Xc6Vb1Nm3Qw5Er7Ty9Ui2Op4As6Dg8Fh0Jk2Lq4Wz6Xe8Rc0Tv_Ym3Bn5Mu\",\n  \"scopes\": \
                    \"account email\",\n  \"expires_in\": 7200,\n  \"refresh_token\": \
                    \"Zq4PsB7mKd2VhX9nTc\",\n  \"token_type\": \"bearer:\",\n  \"state\": \
                    \"refresh_tok,\n      \"email\": \"mira.olen\"\n}\n";
        let excerpt = redacted_excerpt(body.as_bytes()).expect("non-empty");
        assert!(!excerpt.contains("Zq4P"), "{excerpt}");
        assert!(
            excerpt.contains("\"refresh_token\": \"[redacted]"),
            "{excerpt}"
        );
    }

    #[test]
    fn excerpt_keeps_a_short_run_cut_by_the_read_limit() {
        // The read limit falls inside `short`; the long run before it shrinks to `[redacted]`,
        // so `short` is within the excerpt, and shown whole.
        let body = format!("{}{}short tail", "A".repeat(100), " ".repeat(122));
        let excerpt = redacted_excerpt(body.as_bytes()).expect("non-empty");
        assert!(excerpt.starts_with("[redacted] "), "{excerpt}");
        assert!(excerpt.contains(" short"), "{excerpt}");
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = format!("<html>\n{}</html>", "word ".repeat(200));
        let excerpt = redacted_excerpt(body.as_bytes()).expect("non-empty");
        assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1);
        assert!(!excerpt.contains('\n'));
        assert!(excerpt.ends_with('…'));
    }

    #[test]
    fn excerpt_of_empty_body_is_none() {
        assert_eq!(redacted_excerpt(b"  \n"), None);
    }

    #[test]
    fn codes_never_echo_provider_text() {
        let err = Error::AuthorizationDenied {
            error: "<script>".into(),
            description: None,
        };
        assert_eq!(err.code(), "authorization_failed");
    }
}
