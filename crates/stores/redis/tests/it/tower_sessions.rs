//! `RedisSessionStore` (the tower-sessions store for the Axum adapter) against a real Redis.

use oauth_kit_redis::RedisSessionStore;
use oauth_kit_testkit::RedisServer;
use tower_sessions::SessionStore;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::Error as StoreError;

use crate::common::{connect, keys, pttl};

fn record(ttl: Duration) -> Record {
    let mut data = std::collections::HashMap::new();
    data.insert("user".to_owned(), serde_json::json!({"name": "Mira"}));
    Record {
        id: Id::default(),
        data,
        expiry_date: OffsetDateTime::now_utc() + ttl,
    }
}

#[tokio::test]
async fn a_session_written_on_one_instance_is_read_on_another() {
    let redis = RedisServer::start().unwrap();
    let a = RedisSessionStore::new(connect(&redis, "t:").await);
    let b = RedisSessionStore::new(connect(&redis, "t:").await);
    let mut record = record(Duration::hours(1));
    a.create(&mut record).await.unwrap();
    let loaded = b.load(&record.id).await.unwrap().unwrap();
    assert_eq!(loaded, record);
    assert_eq!(keys(&redis, "t:"), [format!("t:session:{}", record.id)]);
}

#[tokio::test]
async fn a_deleted_session_is_gone_everywhere_and_is_not_written_back() {
    let redis = RedisServer::start().unwrap();
    let a = RedisSessionStore::new(connect(&redis, "t:").await);
    let b = RedisSessionStore::new(connect(&redis, "t:").await);
    let mut record = record(Duration::hours(1));
    a.create(&mut record).await.unwrap();
    let mut in_flight = b.load(&record.id).await.unwrap().unwrap();

    a.delete(&record.id).await.unwrap();
    assert!(b.load(&record.id).await.unwrap().is_none());
    // A request still running on the other instance saves its copy after the logout.
    in_flight
        .data
        .insert("seen".to_owned(), serde_json::json!(true));
    b.save(&in_flight).await.unwrap();
    assert!(
        a.load(&record.id).await.unwrap().is_none(),
        "the session came back"
    );
}

#[tokio::test]
async fn the_expiry_follows_the_session_at_every_write() {
    let redis = RedisServer::start().unwrap();
    let store = RedisSessionStore::new(connect(&redis, "t:").await);
    let mut record = record(Duration::minutes(10));
    store.create(&mut record).await.unwrap();
    let key = format!("t:session:{}", record.id);
    let first = pttl(&redis, &key);
    assert!(first > 0 && first <= 600_000, "PTTL {first}");
    record.expiry_date = OffsetDateTime::now_utc() + Duration::hours(2);
    store.save(&record).await.unwrap();
    let second = pttl(&redis, &key);
    assert!(second > 600_000 && second <= 7_200_000, "PTTL {second}");
}

#[tokio::test]
async fn creating_with_an_id_in_use_picks_a_new_id() {
    let redis = RedisServer::start().unwrap();
    let store = RedisSessionStore::new(connect(&redis, "t:").await);
    let mut first = record(Duration::hours(1));
    store.create(&mut first).await.unwrap();
    let mut second = record(Duration::hours(1));
    second.id = first.id;
    store.create(&mut second).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(keys(&redis, "t:").len(), 2);
}

#[tokio::test]
async fn a_stopped_redis_is_a_backend_error_and_recovery_needs_no_new_store() {
    let mut redis = RedisServer::start().unwrap();
    let store = RedisSessionStore::new(connect(&redis, "t:").await);
    let mut record = record(Duration::hours(1));
    redis.stop().unwrap();
    let failed = store.create(&mut record).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");
    assert!(matches!(
        store.load(&record.id).await,
        Err(StoreError::Backend(_))
    ));
    redis.restart().unwrap();
    let mut recovered = false;
    for _ in 0..50 {
        if store.create(&mut record).await.is_ok() {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(recovered);
    assert!(store.load(&record.id).await.unwrap().is_some());
}
