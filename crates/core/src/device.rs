//! The device authorization grant (RFC 8628): logins for command-line tools and devices
//! without a browser redirect.
//!
//! The tool asks the provider for a pair of codes, shows the user a short `user_code` and a
//! URL to open on any device, and polls the token endpoint until the user approves or refuses
//! there. [`DeviceFlow`] does the polling by the rules of RFC 8628 section 3.5: it waits
//! `interval` seconds between requests, adds five seconds on every `slow_down`, keeps waiting
//! on `authorization_pending`, stops on `access_denied` and `expired_token`, backs off when
//! the provider cannot be reached, and gives up when the code expires or its own deadline
//! passes.
//!
//! ```no_run
//! use std::sync::Arc;
//! use oauth_kit_core::{DeviceFlow, DevicePollEvent, HttpClient, OAuthProvider};
//!
//! # async fn run(provider: Arc<dyn OAuthProvider>) -> Result<(), oauth_kit_core::Error> {
//! let flow = DeviceFlow::new(provider, HttpClient::new()?);
//! let authorization = flow.start(&[]).await?;
//! println!(
//!     "Open {} and enter the code {}",
//!     authorization.verification_uri, authorization.user_code
//! );
//! let token = flow
//!     .wait_with(&authorization, |event| {
//!         if let DevicePollEvent::SlowDown { interval, .. } = event {
//!             println!("the provider asked to poll every {} s", interval.as_secs());
//!         }
//!     })
//!     .await?;
//! # let _ = token;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::time::Instant;
use url::Url;

use crate::error::{Error, ProviderContext, redacted_excerpt};
use crate::http::HttpClient;
use crate::provider::OAuthProvider;
use crate::secret::DeviceCode;
use crate::token::{OAuthToken, oauth_error_body};

/// The polling interval when the provider names none (RFC 8628 section 3.2).
pub const DEFAULT_DEVICE_INTERVAL: Duration = Duration::from_secs(5);
/// What every `slow_down` answer adds to the polling interval (RFC 8628 section 3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// How long [`DeviceFlow`] waits for the user at most, unless the code expires earlier.
pub const DEFAULT_DEVICE_MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// The shortest polling interval used, whatever the provider says.
const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// The longest interval reached by backing off from unreachable providers.
const MAX_BACKOFF_INTERVAL: Duration = Duration::from_secs(60);
/// Consecutive transport failures after which polling stops with the last error.
const MAX_TRANSPORT_FAILURES: u32 = 3;
/// The longest user code accepted (they are meant to be typed: RFC 8628 section 6.1).
const MAX_USER_CODE_CHARS: usize = 64;

/// A started device authorization (RFC 8628 section 3.2): what to show the user and what to
/// poll with. `Debug` redacts the device code.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeviceAuthorization {
    /// The code the client polls with. It stands for the pending login: keep it out of logs.
    pub device_code: DeviceCode,
    /// The short code the user types at [`verification_uri`](Self::verification_uri).
    pub user_code: String,
    /// Where the user goes to enter the code.
    pub verification_uri: Url,
    /// A URL that already carries the user code (for a QR code or a link), when the provider
    /// sends one.
    pub verification_uri_complete: Option<Url>,
    /// How long the codes are valid from issuance.
    pub expires_in: Duration,
    /// The minimum time between two polls.
    pub interval: Duration,
    issued_at: Instant,
}

impl DeviceAuthorization {
    /// A device authorization issued now, polled every [`DEFAULT_DEVICE_INTERVAL`] (for
    /// providers that build it themselves, and for tests).
    pub fn new(
        device_code: DeviceCode,
        user_code: impl Into<String>,
        verification_uri: Url,
        expires_in: Duration,
    ) -> Self {
        Self {
            device_code,
            user_code: user_code.into(),
            verification_uri,
            verification_uri_complete: None,
            expires_in,
            interval: DEFAULT_DEVICE_INTERVAL,
            issued_at: Instant::now(),
        }
    }

    /// Sets the polling interval (at least one second is used).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_INTERVAL);
        self
    }

    /// Sets the URL that carries the user code.
    pub fn with_verification_uri_complete(mut self, url: Url) -> Self {
        self.verification_uri_complete = Some(url);
        self
    }

    /// When the codes expire, on Tokio's clock.
    pub fn expires_at(&self) -> Instant {
        self.issued_at + self.expires_in
    }
}

/// Parses a device authorization response (RFC 8628 section 3.2) of any status.
///
/// Google's `verification_url` is accepted for `verification_uri`. The user code and the URLs
/// are shown on a terminal, so a user code with control characters or longer than 64
/// characters, and a URL that is not http(s), are refused as an invalid response.
pub(crate) fn parse_device_authorization(
    context: &ProviderContext,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<DeviceAuthorization, Error> {
    let invalid = |reason: &str| Error::InvalidResponse {
        context: context.clone(),
        status,
        reason: reason.to_owned(),
        excerpt: redacted_excerpt(body),
    };
    let json: Option<Map<String, Value>> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    if !(200..300).contains(&status) {
        if let Some(err) = json.as_ref().and_then(oauth_error_body) {
            return Err(Error::OAuth {
                context: context.clone(),
                status,
                body: err,
            });
        }
        return Err(Error::HttpStatus {
            context: context.clone(),
            status,
            message: None,
            hint: None,
            detail: None,
            excerpt: redacted_excerpt(body),
        });
    }
    let Some(map) = json else {
        return Err(match content_type {
            Some(ct) if !ct.contains("json") => invalid("expected a JSON object"),
            _ => invalid("the body is not a JSON object"),
        });
    };
    if let Some(err) = oauth_error_body(&map) {
        return Err(Error::OAuth {
            context: context.clone(),
            status,
            body: err,
        });
    }
    let text = |key: &str| match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.as_str())),
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err(invalid(&format!("`{key}` is not a non-empty string"))),
    };
    let seconds = |key: &str| match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|s| Some(Duration::from_secs(s)))
            .ok_or_else(|| invalid(&format!("`{key}` is not a non-negative integer"))),
        Some(_) => Err(invalid(&format!("`{key}` is not a number"))),
    };
    let web_url = |value: &str, key: &str| {
        Url::parse(value)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http"))
            .ok_or_else(|| invalid(&format!("`{key}` is not an http(s) URL")))
    };

    let device_code = text("device_code")?.ok_or_else(|| invalid("`device_code` is missing"))?;
    let user_code = text("user_code")?.ok_or_else(|| invalid("`user_code` is missing"))?;
    if user_code.chars().count() > MAX_USER_CODE_CHARS || user_code.chars().any(char::is_control) {
        return Err(invalid(
            "`user_code` is longer than 64 characters or has control characters",
        ));
    }
    let verification_uri = match (text("verification_uri")?, text("verification_url")?) {
        (Some(uri), _) => web_url(uri, "verification_uri")?,
        (None, Some(url)) => web_url(url, "verification_url")?,
        (None, None) => return Err(invalid("`verification_uri` is missing")),
    };
    let verification_uri_complete = text("verification_uri_complete")?
        .map(|uri| web_url(uri, "verification_uri_complete"))
        .transpose()?;
    let expires_in = seconds("expires_in")?.ok_or_else(|| invalid("`expires_in` is missing"))?;
    let interval = seconds("interval")?.unwrap_or(DEFAULT_DEVICE_INTERVAL);

    let mut authorization = DeviceAuthorization::new(
        DeviceCode::new(device_code),
        user_code,
        verification_uri,
        expires_in,
    )
    .with_interval(interval);
    authorization.verification_uri_complete = verification_uri_complete;
    Ok(authorization)
}

/// What happened at one poll, for progress output.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DevicePollEvent {
    /// The user has not decided yet (`authorization_pending`); the next poll follows after
    /// `next_poll_in`.
    Pending {
        /// How many polls were sent so far.
        attempt: u32,
        /// The wait before the next poll.
        next_poll_in: Duration,
    },
    /// The provider asked to poll less often (`slow_down`); the interval is now `interval`.
    SlowDown {
        /// How many polls were sent so far.
        attempt: u32,
        /// The new polling interval.
        interval: Duration,
    },
    /// The provider could not be reached or did not answer in time; polling goes on less
    /// often.
    Unreachable {
        /// How many polls were sent so far.
        attempt: u32,
        /// The new polling interval.
        interval: Duration,
    },
}

/// Drives a device authorization: starts it and polls until the user decides.
///
/// Polling runs on Tokio's clock, so tests can pause time and never sleep for real.
#[derive(Clone)]
pub struct DeviceFlow {
    provider: Arc<dyn OAuthProvider>,
    http: HttpClient,
    max_wait: Duration,
}

impl fmt::Debug for DeviceFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceFlow")
            .field("provider", &self.provider.name())
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

impl DeviceFlow {
    /// A device flow for `provider`, waiting at most [`DEFAULT_DEVICE_MAX_WAIT`].
    pub fn new(provider: Arc<dyn OAuthProvider>, http: HttpClient) -> Self {
        Self {
            provider,
            http,
            max_wait: DEFAULT_DEVICE_MAX_WAIT,
        }
    }

    /// Sets the total time [`wait`](Self::wait) waits for the user (the code's own
    /// `expires_in` still applies when it is shorter).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The provider.
    pub fn provider(&self) -> &Arc<dyn OAuthProvider> {
        &self.provider
    }

    /// Starts a device authorization for `scopes` (the provider's defaults when empty, as the
    /// provider defines them).
    pub async fn start(&self, scopes: &[String]) -> Result<DeviceAuthorization, Error> {
        let authorization = self
            .provider
            .device_authorization(&self.http, scopes)
            .await?;
        tracing::debug!(
            provider = self.provider.name(),
            expires_in = authorization.expires_in.as_secs(),
            interval = authorization.interval.as_secs(),
            "device authorization started"
        );
        Ok(authorization)
    }

    /// Polls until the user approves (the token) or the flow ends with an error:
    /// [`Error::AuthorizationDenied`] for `access_denied`, [`Error::DeviceCodeExpired`] when
    /// the code expired, [`Error::DeviceFlowTimedOut`] when [`max_wait`](Self::max_wait)
    /// passed, and any other provider error as it came.
    pub async fn wait(&self, authorization: &DeviceAuthorization) -> Result<OAuthToken, Error> {
        self.wait_with(authorization, |_| {}).await
    }

    /// Like [`wait`](Self::wait), reporting every poll's outcome to `on_event`.
    pub async fn wait_with(
        &self,
        authorization: &DeviceAuthorization,
        mut on_event: impl FnMut(&DevicePollEvent) + Send,
    ) -> Result<OAuthToken, Error> {
        let provider = self.provider.name().to_owned();
        let started = Instant::now();
        let code_expires = authorization.expires_at();
        let own_deadline = started + self.max_wait;
        let deadline = code_expires.min(own_deadline);
        let mut interval = authorization.interval.max(MIN_INTERVAL);
        let mut attempt = 0_u32;
        let mut transport_failures = 0_u32;
        loop {
            let next_poll = Instant::now() + interval;
            if next_poll > deadline {
                tokio::time::sleep_until(deadline).await;
                return Err(if code_expires <= own_deadline {
                    Error::DeviceCodeExpired { provider }
                } else {
                    Error::DeviceFlowTimedOut {
                        provider,
                        waited: self.max_wait,
                    }
                });
            }
            tokio::time::sleep_until(next_poll).await;
            attempt += 1;
            let error = match self
                .provider
                .poll_device_token(&self.http, authorization)
                .await
            {
                Ok(token) => {
                    tracing::debug!(provider, attempt, "device authorization approved");
                    return Ok(token);
                }
                Err(error) => error,
            };
            if matches!(
                error,
                Error::Timeout { .. } | Error::Connect { .. } | Error::Transport { .. }
            ) {
                transport_failures += 1;
                if transport_failures >= MAX_TRANSPORT_FAILURES {
                    return Err(error);
                }
                // RFC 8628 section 3.5: poll less often after a connection timeout.
                interval = (interval * 2).min(MAX_BACKOFF_INTERVAL).max(interval);
                tracing::debug!(provider, attempt, error = %error, "device token poll failed; backing off");
                on_event(&DevicePollEvent::Unreachable { attempt, interval });
                continue;
            }
            transport_failures = 0;
            let code = error.oauth_error().map(|body| body.error.as_str());
            match code {
                Some("authorization_pending") => {
                    on_event(&DevicePollEvent::Pending {
                        attempt,
                        next_poll_in: interval,
                    });
                }
                Some("slow_down") => {
                    interval += SLOW_DOWN_STEP;
                    tracing::debug!(
                        provider,
                        attempt,
                        interval = interval.as_secs(),
                        "device token polling slowed down"
                    );
                    on_event(&DevicePollEvent::SlowDown { attempt, interval });
                }
                Some("access_denied") => {
                    let description = error
                        .oauth_error()
                        .and_then(|body| body.error_description.clone());
                    return Err(Error::AuthorizationDenied {
                        error: "access_denied".to_owned(),
                        description,
                    });
                }
                Some("expired_token") => return Err(Error::DeviceCodeExpired { provider }),
                _ => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Stage;

    fn ctx() -> ProviderContext {
        ProviderContext::new("test", Stage::DeviceAuthorization)
    }

    fn parse(body: &str) -> Result<DeviceAuthorization, Error> {
        parse_device_authorization(&ctx(), 200, Some("application/json"), body.as_bytes())
    }

    #[tokio::test]
    async fn the_rfc_example_response_is_parsed() {
        let authorization = parse(
            r#"{"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT",
                "verification_uri":"https://example.com/device",
                "verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT",
                "expires_in":1800,"interval":5}"#,
        )
        .expect("valid");
        assert_eq!(authorization.user_code, "WDJB-MJHT");
        assert_eq!(
            authorization.verification_uri.as_str(),
            "https://example.com/device"
        );
        assert!(authorization.verification_uri_complete.is_some());
        assert_eq!(authorization.expires_in, Duration::from_secs(1800));
        assert_eq!(authorization.interval, Duration::from_secs(5));
        assert!(!format!("{authorization:?}").contains("GmRhmhcx"));
    }

    #[tokio::test]
    async fn a_missing_interval_defaults_to_five_seconds_and_google_spelling_is_accepted() {
        let authorization = parse(
            r#"{"device_code":"d","user_code":"ABCD","verification_url":"https://www.google.com/device","expires_in":1800}"#,
        )
        .expect("valid");
        assert_eq!(authorization.interval, DEFAULT_DEVICE_INTERVAL);
        assert_eq!(
            authorization.verification_uri.host_str(),
            Some("www.google.com")
        );
    }

    #[tokio::test]
    async fn user_codes_that_could_drive_a_terminal_are_refused() {
        let escape = r#"{"device_code":"d","user_code":"AB\u001b[2JCD","verification_uri":"https://x.example/d","expires_in":60}"#;
        assert!(matches!(parse(escape), Err(Error::InvalidResponse { .. })));
        let script = r#"{"device_code":"d","user_code":"ABCD","verification_uri":"javascript:alert(1)","expires_in":60}"#;
        assert!(matches!(parse(script), Err(Error::InvalidResponse { .. })));
    }

    #[tokio::test]
    async fn missing_required_members_are_invalid() {
        for body in [
            r#"{"user_code":"A","verification_uri":"https://x.example/d","expires_in":60}"#,
            r#"{"device_code":"d","verification_uri":"https://x.example/d","expires_in":60}"#,
            r#"{"device_code":"d","user_code":"A","expires_in":60}"#,
            r#"{"device_code":"d","user_code":"A","verification_uri":"https://x.example/d"}"#,
            r#"{"device_code":"d","user_code":"A","verification_uri":"https://x.example/d","expires_in":"60"}"#,
        ] {
            assert!(
                matches!(parse(body), Err(Error::InvalidResponse { .. })),
                "{body}"
            );
        }
    }

    #[tokio::test]
    async fn an_error_body_is_an_oauth_error() {
        let err = parse_device_authorization(
            &ctx(),
            400,
            Some("application/json"),
            br#"{"error":"invalid_client"}"#,
        )
        .expect_err("error");
        assert_eq!(
            err.oauth_error().map(|b| b.error.as_str()),
            Some("invalid_client")
        );
        assert_eq!(err.stage(), Some(Stage::DeviceAuthorization));
    }
}
