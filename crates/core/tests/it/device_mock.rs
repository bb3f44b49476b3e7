//! The device authorization grant (RFC 8628) end to end against the testkit's mock, on
//! Tokio's paused clock: no test sleeps for real. The mock enforces the polling interval
//! itself (a poll that comes too early is answered `slow_down` and counted), so a flow that
//! did not honour `interval` or `slow_down` would show up in its counters.

use std::sync::Arc;
use std::time::Duration;

use oauth_kit_core::{DeviceFlow, DevicePollEvent, Error, HttpClient, OAuthProvider};
use oauth_kit_testkit::{DeviceAnswer, MockBitbucket, MockConfig, MockDevice};
use tokio::time::Instant;

use crate::mock_idp::MockIdp;

async fn mock_with(device: MockDevice) -> MockBitbucket {
    MockBitbucket::start_with(MockConfig {
        device,
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts")
}

fn flow_for(idp: &Arc<MockIdp>) -> DeviceFlow {
    DeviceFlow::new(
        Arc::clone(idp) as Arc<dyn OAuthProvider>,
        HttpClient::new().expect("the HTTP client builds"),
    )
}

/// Starts a device login against `mock` and waits for its end, returning the result, the
/// seconds of each poll and the progress events.
async fn run(
    mock: &MockBitbucket,
    max_wait: Option<Duration>,
) -> (
    Result<oauth_kit_core::OAuthToken, Error>,
    Vec<u64>,
    Vec<DevicePollEvent>,
) {
    let idp = Arc::new(MockIdp::new(mock).holding_the_clock());
    let mut flow = flow_for(&idp);
    if let Some(max_wait) = max_wait {
        flow = flow.max_wait(max_wait);
    }
    let start = Instant::now();
    let authorization = flow
        .start(&[])
        .await
        .expect("the mock starts a device login");
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "the clock is held on the wire"
    );
    let mut events = Vec::new();
    let result = flow
        .wait_with(&authorization, |event| events.push(event.clone()))
        .await;
    (result, idp.poll_times(start), events)
}

#[tokio::test(start_paused = true)]
async fn the_device_login_completes_when_the_mock_approves() {
    let mock = mock_with(MockDevice::default()).await;
    let (result, polls, events) = run(&mock, None).await;
    let token = result.expect("approved");
    assert!(!token.access_token.secret().is_empty());
    assert!(token.refresh_token.is_some());
    assert_eq!(polls, [5, 10]);
    assert_eq!(events.len(), 1, "{events:?}");
    let counters = mock.counters();
    assert_eq!(counters.device_authorization, 1);
    assert_eq!(counters.token_device_code, 2);
    assert_eq!(counters.device_polls_too_early, 0);
}

#[tokio::test(start_paused = true)]
async fn slow_down_adds_five_seconds_to_every_later_poll() {
    let mock = mock_with(MockDevice::default().answers([
        DeviceAnswer::Pending,
        DeviceAnswer::SlowDown,
        DeviceAnswer::Pending,
        DeviceAnswer::Approve,
    ]))
    .await;
    let (result, polls, events) = run(&mock, None).await;
    result.expect("approved");
    assert_eq!(polls, [5, 10, 20, 30]);
    assert!(events.contains(&DevicePollEvent::SlowDown {
        attempt: 2,
        interval: Duration::from_secs(10)
    }));
    assert_eq!(
        mock.counters().device_polls_too_early,
        0,
        "the mock saw no poll sooner than its interval"
    );
}

#[tokio::test(start_paused = true)]
async fn the_mock_answers_a_poll_that_comes_too_early_with_slow_down() {
    let mock = mock_with(MockDevice::default().answers([DeviceAnswer::Pending])).await;
    let idp = MockIdp::new(&mock).holding_the_clock();
    let http = HttpClient::new().expect("builds");
    let authorization = idp.device_authorization(&http, &[]).await.expect("started");
    let first = idp
        .poll_device_token(&http, &authorization)
        .await
        .expect_err("pending");
    assert_eq!(
        first.oauth_error().map(|b| b.error.as_str()),
        Some("authorization_pending")
    );
    let second = idp
        .poll_device_token(&http, &authorization)
        .await
        .expect_err("too early");
    assert_eq!(
        second.oauth_error().map(|b| b.error.as_str()),
        Some("slow_down")
    );
    assert_eq!(mock.counters().device_polls_too_early, 1);
}

#[tokio::test(start_paused = true)]
async fn access_denied_from_the_mock_ends_the_login() {
    let mock =
        mock_with(MockDevice::default().answers([DeviceAnswer::Pending, DeviceAnswer::Deny])).await;
    let (result, polls, _) = run(&mock, None).await;
    let err = result.expect_err("denied");
    assert!(
        matches!(&err, Error::AuthorizationDenied { error, .. } if error == "access_denied"),
        "{err:?}"
    );
    assert_eq!(polls, [5, 10]);
}

#[tokio::test(start_paused = true)]
async fn expired_token_from_the_mock_ends_the_login() {
    let mock = mock_with(MockDevice::default().answers([DeviceAnswer::Expire])).await;
    let (result, polls, _) = run(&mock, None).await;
    assert!(
        matches!(result, Err(Error::DeviceCodeExpired { .. })),
        "{result:?}"
    );
    assert_eq!(polls, [5]);
}

#[tokio::test(start_paused = true)]
async fn polling_stops_when_the_codes_lifetime_ends() {
    let mock = mock_with(
        MockDevice::default()
            .answers([DeviceAnswer::Pending])
            .expires_in(Duration::from_secs(12)),
    )
    .await;
    let start = Instant::now();
    let (result, polls, _) = run(&mock, None).await;
    assert!(
        matches!(result, Err(Error::DeviceCodeExpired { .. })),
        "{result:?}"
    );
    assert_eq!(polls, [5, 10]);
    assert_eq!(start.elapsed(), Duration::from_secs(12));
}

#[tokio::test(start_paused = true)]
async fn the_total_deadline_ends_the_login() {
    let mock = mock_with(MockDevice::default().answers([DeviceAnswer::Pending])).await;
    let start = Instant::now();
    let (result, polls, _) = run(&mock, Some(Duration::from_secs(30))).await;
    assert!(
        matches!(result, Err(Error::DeviceFlowTimedOut { .. })),
        "{result:?}"
    );
    assert_eq!(polls, [5, 10, 15, 20, 25, 30]);
    assert_eq!(start.elapsed(), Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn a_public_client_logs_in_with_its_client_id_alone() {
    let mock = mock_with(MockDevice::default()).await;
    let idp = Arc::new(MockIdp::public_client(&mock).holding_the_clock());
    let flow = flow_for(&idp);
    let authorization = flow.start(&[]).await.expect("started");
    assert!(
        authorization
            .verification_uri
            .as_str()
            .starts_with(&mock.device_verification_url())
    );
    flow.wait(&authorization).await.expect("approved");
    assert_eq!(mock.counters().token_device_code, 2);
}
