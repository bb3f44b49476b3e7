//! A server-side session store that fails (Redis down or too slow): 503 JSON on API routes,
//! the failure redirect with `store_unavailable` on the callback, no session written, and
//! recovery once the store answers again.

use actix_web::http::StatusCode;

use crate::common::{Browser, MemoryStore, oauth};

fn assert_unavailable_json(reply: &crate::common::Reply) {
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.body
    );
    assert_eq!(reply.json()["error"], "store_unavailable");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}

#[actix_web::test]
async fn a_failing_store_answers_503_json_and_recovers_when_it_answers_again() {
    let store = MemoryStore::default();
    let oauth = oauth().server_side_sessions(true);
    let app = test_app!(oauth.clone(), oauth.session_middleware_with(store.clone()));
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    assert_eq!(browser.get(&app, "/me").await.status, StatusCode::OK);

    store.set_down(true);
    assert_unavailable_json(&browser.get(&app, "/me").await);
    assert_unavailable_json(&browser.get(&app, "/guarded/any").await);
    // A logout that cannot delete the session says so, and the browser keeps its cookie.
    let out = browser.post(&app, "/auth/logout").await;
    assert_unavailable_json(&out);
    assert!(browser.session().is_some());

    store.set_down(false);
    assert_eq!(browser.get(&app, "/me").await.status, StatusCode::OK);
    browser.post(&app, "/auth/logout").await;
    assert!(store.sessions.lock().unwrap().is_empty());
}

#[actix_web::test]
async fn a_failing_store_sends_the_callback_to_the_failure_page_without_a_session() {
    let store = MemoryStore::default();
    let oauth = oauth().server_side_sessions(true);
    let app = test_app!(oauth.clone(), oauth.session_middleware_with(store.clone()));

    // The store fails when the session of a successful login is written.
    let mut newcomer = Browser::default();
    let start = newcomer.get(&app, "/auth/fake/login").await;
    let state = start.location_param("state").unwrap();
    store.set_down(true);
    let done = newcomer
        .get(
            &app,
            &format!("/auth/fake/callback?code=verified&state={state}"),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/login?error=store_unavailable");
    assert_eq!(done.header("referrer-policy"), Some("no-referrer"));
    assert!(done.set_cookie("oauth_kit_session").is_none());
    assert!(store.sessions.lock().unwrap().is_empty());

    // The store fails when the session of a logged-in browser is read at the callback.
    store.set_down(false);
    let mut returning = Browser::default();
    returning.login(&app, "fake", "verified", None).await;
    let start = returning.get(&app, "/auth/fake/login").await;
    let state = start.location_param("state").unwrap();
    store.set_down(true);
    let done = returning
        .get(
            &app,
            &format!("/auth/fake/callback?code=verified&state={state}"),
        )
        .await;
    assert_eq!(done.location(), "/login?error=store_unavailable");

    store.set_down(false);
    let mut again = Browser::default();
    let done = again.login(&app, "fake", "verified", None).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(again.get(&app, "/me").await.status, StatusCode::OK);
}
