//! Concurrent callbacks with the same state: the store's single use must let exactly one of
//! them reach the token endpoint, whatever the store.

use std::time::Duration;

use oauth_kit_core::{Completion, Error};

use crate::flow_support::{Idp, PROVIDER, StoreKind, assert_is_test_user, begin, plain, service};

/// The token endpoint answers slowly, so that both callbacks are in flight at once.
const TOKEN_DELAY: Duration = Duration::from_millis(200);

/// Checks the outcome of a race: one login, every other callback rejected as a replay.
fn assert_one_winner(store: StoreKind, completions: Vec<Completion>) {
    let mut winners = 0;
    for completion in completions {
        let cleared = completion.clear_cookie.is_some_and(|c| c.is_removal());
        match completion.result {
            Ok(login) => {
                assert!(cleared, "the winner clears the flow cookie");
                winners += 1;
                assert_is_test_user(&login, PROVIDER);
            }
            Err(err) => match store {
                StoreKind::Cookie => assert!(matches!(err, Error::FlowReplayed), "{err:?}"),
                StoreKind::Memory => assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}"),
            },
        }
    }
    assert_eq!(winners, 1, "exactly one of the racing callbacks logs in");
}

async fn two_racing_callbacks_make_one_token_request(store: StoreKind) {
    let idp = Idp::start_with_token_delay(TOKEN_DELAY).await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let query = begun.callback();

    let (first, second) = tokio::join!(
        service.complete(PROVIDER, &query, Some(&begun.cookie)),
        service.complete(PROVIDER, &query, Some(&begun.cookie)),
    );

    assert_one_winner(store, vec![first, second]);
    assert_eq!(idp.token_requests().await, 1);
}

async fn parallel_callbacks_on_several_threads_make_one_token_request(store: StoreKind) {
    let idp = Idp::start_with_token_delay(TOKEN_DELAY).await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let query = begun.callback();

    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let service = service.clone();
            let query = query.clone();
            let cookie = begun.cookie.clone();
            tokio::spawn(async move { service.complete(PROVIDER, &query, Some(&cookie)).await })
        })
        .collect();
    let mut completions = Vec::new();
    for task in tasks {
        completions.push(task.await.unwrap());
    }

    assert_one_winner(store, completions);
    assert_eq!(idp.token_requests().await, 1);
}

#[tokio::test]
async fn two_racing_callbacks_with_the_memory_store_make_one_token_request() {
    two_racing_callbacks_make_one_token_request(StoreKind::Memory).await;
}

#[tokio::test]
async fn two_racing_callbacks_with_the_cookie_store_make_one_token_request() {
    two_racing_callbacks_make_one_token_request(StoreKind::Cookie).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_callbacks_with_the_memory_store_make_one_token_request() {
    parallel_callbacks_on_several_threads_make_one_token_request(StoreKind::Memory).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_callbacks_with_the_cookie_store_make_one_token_request() {
    parallel_callbacks_on_several_threads_make_one_token_request(StoreKind::Cookie).await;
}
