//! A flood of logins: the memory store stays under its cap, and the cookie store keeps no
//! per-flow state on the server at all.

use std::sync::Arc;

use oauth_kit_core::{BeginOptions, Error, MemoryStore, ProviderRegistry};

use crate::flow_support::{
    Idp, PROVIDER, StoreKind, assert_is_test_user, begin, config, memory_service, plain, rejection,
    service, success,
};

#[tokio::test]
async fn login_flood_keeps_the_memory_store_under_its_cap_and_the_latest_flow_completes() {
    const CAP: usize = 1000;
    const FLOOD: usize = 50_000;
    let idp = Idp::start().await;
    let store = Arc::new(MemoryStore::new(CAP));
    let mut registry = ProviderRegistry::new();
    registry.register(idp.provider(PROVIDER, plain())).unwrap();
    let service = memory_service(config(), registry, store.clone());
    assert_eq!(store.capacity(), CAP);

    let first = begin(&service, PROVIDER, None).await;
    for i in 1..FLOOD - 1 {
        service
            .begin(PROVIDER, BeginOptions::default())
            .await
            .unwrap();
        assert!(
            store.len() <= CAP,
            "{} flows held after {i} logins",
            store.len()
        );
    }
    let latest = begin(&service, PROVIDER, None).await;
    assert!(store.len() <= CAP, "{} flows held", store.len());
    assert_eq!(store.len(), CAP, "a full store holds exactly its cap");

    let login = success(
        service
            .complete(PROVIDER, &latest.callback(), Some(&latest.cookie))
            .await,
    );
    assert_is_test_user(&login, PROVIDER);
    assert_eq!(
        store.len(),
        CAP - 1,
        "the completed flow was taken out of the store"
    );

    // The oldest flow was evicted to make room: it fails cleanly, without a token request.
    let err = rejection(
        service
            .complete(PROVIDER, &first.callback(), Some(&first.cookie))
            .await,
    );
    assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}");
    assert_eq!(idp.token_requests().await, 1);
}

#[tokio::test]
async fn login_flood_with_the_cookie_store_keeps_no_server_state() {
    // The cookie store has no server-side table of flows that could be inspected, so "no
    // server memory per flow" is checked by its consequence: after a flood of 10 000 begins,
    // the very first flow still completes. A server-side table with any bound below 10 000
    // would have evicted it; an unbounded one is what this test cannot see, which is why the
    // store's code keeps nothing in `save` (only completed states are remembered, for replay
    // detection, and those are bounded too).
    const FLOOD: usize = 10_000;
    let idp = Idp::start().await;
    let service = service(&idp, StoreKind::Cookie, plain());

    let first = begin(&service, PROVIDER, None).await;
    for _ in 1..FLOOD - 1 {
        service
            .begin(PROVIDER, BeginOptions::default())
            .await
            .unwrap();
    }
    let last = begin(&service, PROVIDER, None).await;

    for flow in [&first, &last] {
        let login = success(
            service
                .complete(PROVIDER, &flow.callback(), Some(&flow.cookie))
                .await,
        );
        assert_is_test_user(&login, PROVIDER);
    }
    assert_eq!(idp.token_requests().await, 2);
}
