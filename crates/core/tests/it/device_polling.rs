//! The device flow's polling rules (RFC 8628 section 3.5) against a provider that answers
//! from a script, on Tokio's paused clock: intervals, `slow_down`, the terminal answers, the
//! deadlines and the back-off when the provider cannot be reached.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, Capabilities, DeviceAuthorization,
    DeviceCode, DeviceFlow, DevicePollEvent, Error, HttpClient, OAuthErrorBody, OAuthProvider,
    OAuthToken, OAuthUserInfo, PkceVerifier, ProviderContext, Stage, async_trait,
};
use tokio::time::Instant;
use url::Url;

/// One scripted answer to a device token poll.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Pending,
    SlowDown,
    Denied,
    Expired,
    Approved,
    TimedOut,
    OtherError,
}

#[derive(Debug)]
struct Scripted {
    answers: Mutex<VecDeque<Answer>>,
    /// The last answer repeats when the script runs out.
    last: Mutex<Answer>,
    polls: Mutex<Vec<Instant>>,
}

impl Scripted {
    fn new(answers: &[Answer]) -> Arc<Self> {
        Arc::new(Self {
            answers: Mutex::new(answers.iter().copied().collect()),
            last: Mutex::new(Answer::Pending),
            polls: Mutex::new(Vec::new()),
        })
    }

    /// The seconds since `start` at which each poll arrived.
    fn poll_times(&self, start: Instant) -> Vec<u64> {
        self.polls
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|t| t.duration_since(start).as_secs())
            .collect()
    }
}

fn oauth_error(code: &str) -> Error {
    Error::OAuth {
        context: ProviderContext::new("scripted", Stage::DeviceToken),
        status: 400,
        body: OAuthErrorBody {
            error: code.to_owned(),
            error_description: Some(format!("the script says {code}")),
            error_uri: None,
        },
    }
}

#[async_trait]
impl OAuthProvider for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.device_flow(true)
    }

    fn default_scopes(&self) -> Vec<String> {
        Vec::new()
    }

    fn authorization_url(&self, _request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        Err(Error::Unsupported {
            provider: "scripted".into(),
            operation: "browser logins",
        })
    }

    async fn exchange_code(
        &self,
        _http: &HttpClient,
        _code: &AuthorizationCode,
        _redirect_uri: &str,
        _verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        Err(Error::Unsupported {
            provider: "scripted".into(),
            operation: "browser logins",
        })
    }

    async fn poll_device_token(
        &self,
        _http: &HttpClient,
        _authorization: &DeviceAuthorization,
    ) -> Result<OAuthToken, Error> {
        self.polls
            .lock()
            .expect("not poisoned")
            .push(Instant::now());
        let answer = {
            let mut answers = self.answers.lock().expect("not poisoned");
            let mut last = self.last.lock().expect("not poisoned");
            if let Some(next) = answers.pop_front() {
                *last = next;
            }
            *last
        };
        match answer {
            Answer::Pending => Err(oauth_error("authorization_pending")),
            Answer::SlowDown => Err(oauth_error("slow_down")),
            Answer::Denied => Err(oauth_error("access_denied")),
            Answer::Expired => Err(oauth_error("expired_token")),
            Answer::OtherError => Err(oauth_error("invalid_client")),
            Answer::TimedOut => Err(Error::Timeout {
                context: ProviderContext::new("scripted", Stage::DeviceToken),
                timeout: Duration::from_secs(10),
            }),
            Answer::Approved => Ok(OAuthToken::bearer(AccessToken::new("device-token"))),
        }
    }

    async fn user_info(
        &self,
        _http: &HttpClient,
        _token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        Ok(OAuthUserInfo::new("scripted", "1"))
    }
}

fn authorization(expires_in: u64, interval: u64) -> DeviceAuthorization {
    DeviceAuthorization::new(
        DeviceCode::new("device-code"),
        "WDJB-MJHT",
        Url::parse("https://idp.example/device").expect("static URL"),
        Duration::from_secs(expires_in),
    )
    .with_interval(Duration::from_secs(interval))
}

fn flow(provider: &Arc<Scripted>) -> DeviceFlow {
    DeviceFlow::new(
        Arc::clone(provider) as Arc<dyn OAuthProvider>,
        HttpClient::new().expect("client builds"),
    )
}

#[tokio::test(start_paused = true)]
async fn pending_answers_are_polled_again_after_the_interval() {
    let provider = Scripted::new(&[Answer::Pending, Answer::Pending, Answer::Approved]);
    let start = Instant::now();
    let mut events = Vec::new();
    let token = flow(&provider)
        .wait_with(&authorization(600, 5), |e| events.push(e.clone()))
        .await
        .expect("approved");
    assert_eq!(token.access_token.secret(), "device-token");
    assert_eq!(provider.poll_times(start), [5, 10, 15]);
    assert_eq!(
        events,
        [
            DevicePollEvent::Pending {
                attempt: 1,
                next_poll_in: Duration::from_secs(5)
            },
            DevicePollEvent::Pending {
                attempt: 2,
                next_poll_in: Duration::from_secs(5)
            },
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn each_slow_down_adds_five_seconds_for_all_later_polls() {
    let provider = Scripted::new(&[
        Answer::SlowDown,
        Answer::Pending,
        Answer::SlowDown,
        Answer::Approved,
    ]);
    let start = Instant::now();
    flow(&provider)
        .wait(&authorization(600, 5))
        .await
        .expect("approved");
    // 5 s, then 10 s after the first slow_down, then 10 s, then 15 s after the second.
    assert_eq!(provider.poll_times(start), [5, 15, 25, 40]);
}

#[tokio::test(start_paused = true)]
async fn access_denied_ends_the_flow_with_authorization_denied() {
    let provider = Scripted::new(&[Answer::Pending, Answer::Denied]);
    let err = flow(&provider)
        .wait(&authorization(600, 5))
        .await
        .expect_err("denied");
    assert!(
        matches!(&err, Error::AuthorizationDenied { error, .. } if error == "access_denied"),
        "{err:?}"
    );
    assert_eq!(err.code(), "access_denied");
}

#[tokio::test(start_paused = true)]
async fn expired_token_ends_the_flow_with_device_code_expired() {
    let provider = Scripted::new(&[Answer::Expired]);
    let err = flow(&provider)
        .wait(&authorization(600, 5))
        .await
        .expect_err("expired");
    assert!(matches!(err, Error::DeviceCodeExpired { .. }), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn polling_stops_when_the_code_expires_without_a_late_request() {
    let provider = Scripted::new(&[Answer::Pending]);
    let start = Instant::now();
    let err = flow(&provider)
        .wait(&authorization(22, 5))
        .await
        .expect_err("expired");
    assert!(matches!(err, Error::DeviceCodeExpired { .. }), "{err:?}");
    assert_eq!(provider.poll_times(start), [5, 10, 15, 20]);
    assert_eq!(start.elapsed(), Duration::from_secs(22));
}

#[tokio::test(start_paused = true)]
async fn the_flow_gives_up_at_its_own_deadline() {
    let provider = Scripted::new(&[Answer::Pending]);
    let start = Instant::now();
    let err = flow(&provider)
        .max_wait(Duration::from_secs(60))
        .wait(&authorization(900, 5))
        .await
        .expect_err("deadline");
    assert!(
        matches!(err, Error::DeviceFlowTimedOut { waited, .. } if waited == Duration::from_secs(60)),
        "{err:?}"
    );
    assert_eq!(provider.poll_times(start).len(), 12);
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_provider_is_polled_less_often_then_given_up() {
    let provider = Scripted::new(&[Answer::TimedOut, Answer::Approved]);
    let start = Instant::now();
    flow(&provider)
        .wait(&authorization(600, 5))
        .await
        .expect("approved after one timeout");
    assert_eq!(provider.poll_times(start), [5, 15]);

    let provider = Scripted::new(&[Answer::TimedOut]);
    let err = flow(&provider)
        .wait(&authorization(600, 5))
        .await
        .expect_err("gives up");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(provider.poll_times(start).len(), 3);
}

#[tokio::test(start_paused = true)]
async fn other_provider_errors_end_the_flow_as_they_came() {
    let provider = Scripted::new(&[Answer::Pending, Answer::OtherError]);
    let err = flow(&provider)
        .wait(&authorization(600, 5))
        .await
        .expect_err("error");
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_client")
    );
}
