//! `RedisStateStore` against a real Redis: single use, expiry set at write, key prefix.

use std::time::Duration;

use oauth_kit_core::{CookieKey, CsrfState, Error, FlowConfig, FlowRecord, ReturnPath, StateStore};
use oauth_kit_redis::EXPIRED_GRACE;
use oauth_kit_testkit::{MockBitbucket, RedisServer};

use crate::common::{COOKIE_KEY, Mode, PROVIDER, begin, connect, instance_with, keys, pttl};

const TTL: Duration = Duration::from_secs(600);

fn record() -> FlowRecord {
    let state = CsrfState::generate().unwrap();
    FlowRecord::new(
        "bitbucket",
        &state,
        None,
        None,
        ReturnPath::parse("/after", &[]).unwrap(),
    )
}

#[tokio::test]
async fn a_saved_record_is_taken_back_once() {
    let redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.state_store();
    let record = record();
    let handle = store.save(&record, TTL).await.unwrap();

    let taken = store.take(&handle, TTL).await.unwrap();
    assert_eq!(taken.state().secret(), record.state().secret());
    assert_eq!(taken.return_path(), "/after");
    let again = store.take(&handle, TTL).await;
    assert!(matches!(again, Err(Error::InvalidFlowCookie)), "{again:?}");
    assert!(keys(&redis, "t:").is_empty(), "the record was deleted");
}

#[tokio::test]
async fn a_record_taken_on_one_connection_is_gone_for_the_others() {
    let redis = RedisServer::start().unwrap();
    let a = connect(&redis, "t:").await.state_store();
    let b = connect(&redis, "t:").await.state_store();
    let handle = a.save(&record(), TTL).await.unwrap();
    assert!(b.take(&handle, TTL).await.is_ok());
    assert!(matches!(
        a.take(&handle, TTL).await,
        Err(Error::InvalidFlowCookie)
    ));
}

#[tokio::test]
async fn racing_takes_of_one_record_have_exactly_one_winner() {
    let redis = RedisServer::start().unwrap();
    let connection = connect(&redis, "t:").await;
    let handle = connection.state_store().save(&record(), TTL).await.unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = connection.state_store();
            let handle = handle.clone();
            tokio::spawn(async move { store.take(&handle, TTL).await })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => winners += 1,
            Err(err) => assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}"),
        }
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn a_callback_with_another_state_leaves_the_record_for_the_real_one() {
    let redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.state_store();
    let record = record();
    let handle = store.save(&record, TTL).await.unwrap();

    let junk = store.take_matching(&handle, "junk-state", TTL).await;
    assert!(matches!(junk, Err(Error::StateMismatch)), "{junk:?}");
    let real = store
        .take_matching(&handle, record.state().secret(), TTL)
        .await
        .unwrap();
    assert_eq!(real.return_path(), "/after");
    let again = store
        .take_matching(&handle, record.state().secret(), TTL)
        .await;
    assert!(matches!(again, Err(Error::InvalidFlowCookie)), "{again:?}");
}

#[tokio::test]
async fn racing_matching_takes_have_exactly_one_winner() {
    let redis = RedisServer::start().unwrap();
    let connection = connect(&redis, "t:").await;
    let record = record();
    let handle = connection.state_store().save(&record, TTL).await.unwrap();
    let state = record.state().secret().to_owned();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = connection.state_store();
            let (handle, state) = (handle.clone(), state.clone());
            tokio::spawn(async move { store.take_matching(&handle, &state, TTL).await })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => winners += 1,
            Err(err) => assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}"),
        }
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn the_expiry_is_set_when_the_record_is_written() {
    let redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.state_store();
    store.save(&record(), TTL).await.unwrap();
    let keys = keys(&redis, "t:");
    assert_eq!(keys.len(), 1);
    let left = pttl(&redis, &keys[0]);
    let most = i64::try_from((TTL + EXPIRED_GRACE).as_millis()).unwrap();
    assert!(left > 0 && left <= most, "PTTL {left} ms");
}

#[tokio::test]
async fn an_expired_flow_is_reported_as_expired_during_the_grace_period() {
    let redis = RedisServer::start().unwrap();
    let mock = MockBitbucket::start().await.unwrap();
    let config = FlowConfig::builder("http://127.0.0.1:8000")
        .cookie_key(CookieKey::new(COOKIE_KEY).unwrap())
        .state_ttl(Duration::from_millis(50))
        .build()
        .unwrap();
    let service = instance_with(&mock, &redis, Mode::State, config).await;
    let begun = begin(&service, &mock).await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    // Past the state TTL the record is still in Redis, for the grace period.
    let stored = keys(&redis, "test:");
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(pttl(&redis, &stored[0]) > 0);

    let done = service
        .complete(PROVIDER, &begun.query, Some(&begun.cookie))
        .await;
    assert!(
        matches!(done.result, Err(Error::StateExpired)),
        "{:?}",
        done.result
    );
    assert_eq!(mock.counters().token, 0);
}

#[tokio::test]
async fn keys_carry_the_prefix_and_not_the_cookie_value() {
    let redis = RedisServer::start().unwrap();
    let store = connect(&redis, "shop-a:").await.state_store();
    let handle = store.save(&record(), TTL).await.unwrap();
    let keys = keys(&redis, "");
    assert_eq!(keys.len(), 1);
    assert!(keys[0].starts_with("shop-a:flow:"), "{}", keys[0]);
    assert!(
        !keys[0].contains(&handle),
        "the key reveals the cookie value"
    );
    // Another application with another prefix does not see the flow.
    let other = connect(&redis, "shop-b:").await.state_store();
    assert!(matches!(
        other.take(&handle, TTL).await,
        Err(Error::InvalidFlowCookie)
    ));
}

#[tokio::test]
async fn malformed_cookie_values_are_invalid() {
    let redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.state_store();
    let forty_three = "A".repeat(43);
    for value in [
        "",
        "short",
        "has space",
        "x".repeat(200).as_str(),
        forty_three.as_str(),
    ] {
        let taken = store.take(value, TTL).await;
        assert!(matches!(taken, Err(Error::InvalidFlowCookie)), "{value:?}");
    }
}
