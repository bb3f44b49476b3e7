//! Redis down or frozen: clean, typed failures before any token request, an error event in
//! the log, and recovery without a restart once Redis is back.

use std::time::Duration;

use oauth_kit_core::{BeginOptions, Error};
use oauth_kit_redis::RedisConfig;
use oauth_kit_testkit::{LogCapture, MockBitbucket, RedisServer};

use crate::common::{Mode, PROVIDER, TIMEOUT, begin, instance};

/// A safety net for the tests themselves: a hung call fails the test instead of blocking CI.
async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not return"))
}

async fn redis_stopped_then_restarted(mode: Mode) {
    let (logs, _guard) = LogCapture::capture();
    let mut redis = RedisServer::start().unwrap();
    let mock = MockBitbucket::start().await.unwrap();
    let service = instance(&mock, &redis, mode).await;
    let begun = begin(&service, &mock).await;

    redis.stop().unwrap();
    if mode == Mode::State {
        let started = bounded("begin", service.begin(PROVIDER, BeginOptions::default())).await;
        assert!(
            matches!(&started, Err(Error::StoreUnavailable { .. })),
            "{started:?}"
        );
    }
    let done = bounded(
        "complete",
        service.complete(PROVIDER, &begun.query, Some(&begun.cookie)),
    )
    .await;
    let err = done.result.unwrap_err();
    assert!(err.is_store_unavailable(), "{err:?}");
    assert_eq!(err.code(), "store_unavailable");
    assert_eq!(mock.counters().token, 0, "a token request without Redis");
    let text = logs.text();
    assert!(
        text.lines()
            .any(|l| l.contains("ERROR") && l.contains("store_unavailable")),
        "no error event:\n{text}"
    );

    // Redis comes back (empty): the same service logs in again, with no restart.
    redis.restart().unwrap();
    let mut recovered = false;
    for _ in 0..50 {
        if bounded("begin", service.begin(PROVIDER, BeginOptions::default()))
            .await
            .is_ok()
        {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        recovered,
        "the service did not recover after Redis came back"
    );
    let again = begin(&service, &mock).await;
    let done = bounded(
        "complete",
        service.complete(PROVIDER, &again.query, Some(&again.cookie)),
    )
    .await;
    assert!(done.result.is_ok(), "{:?}", done.result);
    assert_eq!(mock.counters().token, 1);
}

#[tokio::test]
async fn with_the_state_store_a_stopped_redis_fails_cleanly_and_recovery_needs_no_restart() {
    redis_stopped_then_restarted(Mode::State).await;
}

#[tokio::test]
async fn with_the_shared_replay_set_a_stopped_redis_fails_cleanly_and_recovery_needs_no_restart() {
    redis_stopped_then_restarted(Mode::SharedReplay).await;
}

#[tokio::test]
async fn a_frozen_redis_fails_within_the_timeout_and_recovers_when_it_resumes() {
    let redis = RedisServer::start().unwrap();
    let mock = MockBitbucket::start().await.unwrap();
    let service = instance(&mock, &redis, Mode::State).await;
    let begun = begin(&service, &mock).await;

    redis.pause().unwrap();
    let started = bounded("begin", service.begin(PROVIDER, BeginOptions::default())).await;
    let resumed = redis.resume();
    assert!(
        matches!(&started, Err(Error::StoreUnavailable { .. })),
        "{started:?}"
    );
    resumed.unwrap();

    let done = bounded(
        "complete",
        service.complete(PROVIDER, &begun.query, Some(&begun.cookie)),
    )
    .await;
    assert!(done.result.is_ok(), "{:?}", done.result);
    assert_eq!(mock.counters().token, 1);
}

#[tokio::test]
async fn connecting_to_a_redis_that_is_not_there_is_unavailable() {
    let mut redis = RedisServer::start().unwrap();
    let url = redis.url();
    redis.stop().unwrap();
    let connected = bounded(
        "connect",
        RedisConfig::new(url)
            .with_connect_timeout(TIMEOUT)
            .with_timeout(TIMEOUT)
            .connect(),
    )
    .await;
    assert!(
        matches!(&connected, Err(Error::StoreUnavailable { .. })),
        "{connected:?}"
    );
}

#[tokio::test]
async fn a_url_that_is_not_redis_is_a_configuration_error() {
    let connected = RedisConfig::new("http://127.0.0.1:1").connect().await;
    assert!(
        matches!(&connected, Err(Error::Config { setting, .. }) if setting == "OAUTH_REDIS_URL"),
        "{connected:?}"
    );
}
