//! A server-side session store that fails (Redis down or too slow): 503 JSON on API routes,
//! the failure redirect with `store_unavailable` on the callback, no session written, and
//! recovery once the store answers again.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_web::cookie::time::Duration;
use actix_web::http::StatusCode;
use common::{Browser, oauth};

/// A server-side store in memory that fails every call while `down` is set.
#[derive(Clone, Default)]
struct FlakyStore {
    sessions: Arc<Mutex<HashMap<String, HashMap<String, String>>>>,
    down: Arc<AtomicBool>,
}

impl FlakyStore {
    fn check(&self) -> Result<(), anyhow::Error> {
        if self.down.load(Ordering::SeqCst) {
            Err(anyhow::anyhow!("the store is down"))
        } else {
            Ok(())
        }
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

impl SessionStore for FlakyStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        self.check().map_err(LoadError::Other)?;
        Ok(self.sessions.lock().unwrap().get(key.as_ref()).cloned())
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        _ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        self.check().map_err(SaveError::Other)?;
        let key = generate_session_key();
        self.sessions
            .lock()
            .unwrap()
            .insert(key.as_ref().to_owned(), state);
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        _ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        self.check().map_err(UpdateError::Other)?;
        self.sessions
            .lock()
            .unwrap()
            .insert(key.as_ref().to_owned(), state);
        Ok(key)
    }

    async fn update_ttl(&self, _key: &SessionKey, _ttl: &Duration) -> Result<(), anyhow::Error> {
        self.check()
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        self.check()?;
        self.sessions.lock().unwrap().remove(key.as_ref());
        Ok(())
    }
}

fn assert_unavailable_json(reply: &common::Reply) {
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
    let store = FlakyStore::default();
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
    let store = FlakyStore::default();
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
