//! Two instances of an application (two login services with their own Redis connections and
//! the same cookie key) behind one URL: a login begun on one completes on the other, once.

use oauth_kit_core::Error;
use oauth_kit_testkit::{MockBitbucket, RedisServer};

use crate::common::{Mode, PROVIDER, begin, instance};

async fn login_begun_on_a_completes_on_b_and_its_replay_on_a_fails(mode: Mode) {
    let redis = RedisServer::start().unwrap();
    let mock = MockBitbucket::start().await.unwrap();
    let a = instance(&mock, &redis, mode).await;
    let b = instance(&mock, &redis, mode).await;

    let begun = begin(&a, &mock).await;
    let done = b
        .complete(PROVIDER, &begun.query, Some(&begun.cookie))
        .await;
    let login = done.result.unwrap();
    assert_eq!(login.user.provider, PROVIDER);
    assert_eq!(mock.counters().token, 1);

    let replay = a
        .complete(PROVIDER, &begun.query, Some(&begun.cookie))
        .await;
    match (mode, replay.result) {
        (Mode::State, Err(Error::InvalidFlowCookie)) => {}
        (Mode::SharedReplay, Err(Error::FlowReplayed)) => {}
        (_, other) => panic!("{mode:?}: the replay gave {other:?}"),
    }
    assert_eq!(
        mock.counters().token,
        1,
        "the replay reached the token endpoint"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_redis_state_store_a_login_begun_on_a_completes_on_b_and_its_replay_on_a_fails() {
    login_begun_on_a_completes_on_b_and_its_replay_on_a_fails(Mode::State).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_shared_replay_set_a_login_begun_on_a_completes_on_b_and_its_replay_on_a_fails() {
    login_begun_on_a_completes_on_b_and_its_replay_on_a_fails(Mode::SharedReplay).await;
}

async fn racing_callbacks_on_both_instances_make_one_token_request(mode: Mode) {
    let redis = RedisServer::start().unwrap();
    let mock = MockBitbucket::start().await.unwrap();
    let a = instance(&mock, &redis, mode).await;
    let b = instance(&mock, &redis, mode).await;
    let begun = begin(&a, &mock).await;

    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let service = if i % 2 == 0 { a.clone() } else { b.clone() };
            let (query, cookie) = (begun.query.clone(), begun.cookie.clone());
            tokio::spawn(async move { service.complete(PROVIDER, &query, Some(&cookie)).await })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        // Each loser is refused as a used flow, never with a store failure.
        match task.await.unwrap().result {
            Ok(_) => winners += 1,
            Err(Error::InvalidFlowCookie | Error::FlowReplayed) => {}
            Err(other) => panic!("{mode:?}: a losing callback gave {other:?}"),
        }
    }
    assert_eq!(winners, 1, "{mode:?}");
    assert_eq!(mock.counters().token, 1, "{mode:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_callbacks_on_both_instances_with_the_state_store_make_one_token_request() {
    racing_callbacks_on_both_instances_make_one_token_request(Mode::State).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_callbacks_on_both_instances_with_the_shared_replay_set_make_one_token_request() {
    racing_callbacks_on_both_instances_make_one_token_request(Mode::SharedReplay).await;
}
