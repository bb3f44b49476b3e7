//! `SharedReplayCookieStore`: the sealed cookie works on every instance and a flow can be
//! marked used only once across all of them.

use std::time::Duration;

use oauth_kit_core::{
    CookieKey, CookieStore, CsrfState, Error, FlowRecord, ReturnPath, StateStore,
};
use oauth_kit_testkit::RedisServer;

use crate::common::{COOKIE_KEY, connect, keys, pttl};

const TTL: Duration = Duration::from_secs(600);

fn cookies() -> CookieStore {
    CookieStore::new(&CookieKey::new(COOKIE_KEY).unwrap(), "oauth_kit_flow")
}

fn record() -> FlowRecord {
    let state = CsrfState::generate().unwrap();
    FlowRecord::new(
        "bitbucket",
        &state,
        None,
        None,
        ReturnPath::parse("/", &[]).unwrap(),
    )
}

#[tokio::test]
async fn a_flow_marked_used_on_one_instance_is_a_replay_on_another() {
    let redis = RedisServer::start().unwrap();
    let a = connect(&redis, "t:").await.shared_replay(cookies());
    let b = connect(&redis, "t:").await.shared_replay(cookies());
    let sealed = a.save(&record(), TTL).await.unwrap();

    let opened = b.take(&sealed, TTL).await.unwrap();
    b.mark_used(&opened, TTL).await.unwrap();
    let replay = a.take(&sealed, TTL).await.unwrap();
    assert!(matches!(
        a.mark_used(&replay, TTL).await,
        Err(Error::FlowReplayed)
    ));
    assert!(matches!(
        b.mark_used(&replay, TTL).await,
        Err(Error::FlowReplayed)
    ));
}

#[tokio::test]
async fn the_replay_entry_expires_with_the_flow_and_hides_the_state() {
    let redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.shared_replay(cookies());
    let record = record();
    store.mark_used(&record, TTL).await.unwrap();
    let keys = keys(&redis, "t:");
    assert_eq!(keys, [format!("t:used:{}", record.replay_id())]);
    assert!(!keys[0].contains(record.state().secret()));
    let left = pttl(&redis, &keys[0]);
    assert!(left > 0 && left <= 600_000, "PTTL {left} ms");
}

#[tokio::test]
async fn starting_a_login_needs_no_redis() {
    let mut redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.shared_replay(cookies());
    redis.stop().unwrap();
    let sealed = store.save(&record(), TTL).await.unwrap();
    assert!(store.take(&sealed, TTL).await.is_ok());
}

#[tokio::test]
async fn a_tampered_cookie_is_invalid_before_redis_is_asked() {
    let mut redis = RedisServer::start().unwrap();
    let store = connect(&redis, "t:").await.shared_replay(cookies());
    let record = record();
    let sealed = store.save(&record, TTL).await.unwrap();
    let tampered = format!("{}x", &sealed[..sealed.len() - 1]);
    // With Redis gone, a store that asked it first would answer `StoreUnavailable`.
    redis.stop().unwrap();
    assert!(matches!(
        store.take(&tampered, TTL).await,
        Err(Error::InvalidFlowCookie)
    ));
    assert!(matches!(
        store
            .take_matching(&tampered, record.state().secret(), TTL)
            .await,
        Err(Error::InvalidFlowCookie)
    ));
    // Redis is really gone: the step that needs it fails.
    let marked = store.mark_used(&record, TTL).await;
    assert!(
        matches!(&marked, Err(error) if error.is_store_unavailable()),
        "{marked:?}"
    );
}
