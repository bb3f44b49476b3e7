//! A session store that fails (Redis down or too slow): 503 JSON on API routes, the failure
//! redirect with `store_unavailable` on the callback, no session written, a logout that says
//! it failed, and recovery once the store answers again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use oauth_kit_axum::tower_sessions::session::{Id, Record};
use oauth_kit_axum::tower_sessions::{SessionStore, session_store};
use oauth_kit_axum::{CurrentUser, OAuth};
use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{ClientSecret, CookieKey, FlowConfig, LoginService, ProviderRegistry};
use oauth_kit_testkit::MockBitbucket;

use crate::common::{client, listen, serve};

/// A session store in memory that fails every call while `down` is set, as a Redis store
/// does when Redis is unreachable.
#[derive(Debug, Clone, Default)]
struct FlakyStore {
    records: Arc<Mutex<HashMap<Id, Record>>>,
    down: Arc<AtomicBool>,
}

impl FlakyStore {
    fn check(&self) -> session_store::Result<()> {
        if self.down.load(Ordering::SeqCst) {
            Err(session_store::Error::Backend(
                "the store is down".to_owned(),
            ))
        } else {
            Ok(())
        }
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl SessionStore for FlakyStore {
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.check()?;
        self.records
            .lock()
            .unwrap()
            .insert(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.check()?;
        Ok(self.records.lock().unwrap().get(id).cloned())
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.check()?;
        self.records.lock().unwrap().remove(id);
        Ok(())
    }
}

struct App {
    base: String,
    mock: MockBitbucket,
    store: FlakyStore,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
    set_cookies: Vec<String>,
}

async fn start() -> App {
    let mock = MockBitbucket::start().await.unwrap();
    let (listener, base) = listen().await;
    let provider =
        BitbucketProvider::builder(mock.client_id(), ClientSecret::new(mock.client_secret()))
            .authorize_url(mock.authorize_url())
            .token_url(mock.token_url())
            .api_url(mock.api_url())
            .build()
            .unwrap();
    let config = FlowConfig::builder(base.clone())
        .cookie_key(CookieKey::new(vec![7u8; 32]).unwrap())
        .build()
        .unwrap();
    let service =
        LoginService::new(ProviderRegistry::new().with(provider).unwrap(), config).unwrap();
    let oauth = OAuth::new(service);
    let store = FlakyStore::default();
    let app = Router::new()
        .route(
            "/me",
            get(|CurrentUser(u): CurrentUser| async move { Json(u) }),
        )
        .merge(oauth.router())
        .layer(oauth.session_layer_with(store.clone()));
    serve(listener, app);
    App {
        base,
        mock,
        store,
        client: client(),
        cookies: HashMap::new(),
    }
}

impl App {
    async fn send(&mut self, method: reqwest::Method, url: &str) -> Reply {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.base)
        };
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let response = self
            .client
            .request(method, &url)
            .header("cookie", cookie.join("; "))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for set in &set_cookies {
            let first = set.split(';').next().unwrap();
            let (name, value) = first.split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Reply {
            status,
            location,
            body: response.text().await.unwrap(),
            set_cookies,
        }
    }

    async fn get(&mut self, url: &str) -> Reply {
        self.send(reqwest::Method::GET, url).await
    }

    /// Starts a login and returns the callback URL the mock sends the browser back to.
    async fn begin(&mut self) -> String {
        let start = self.get("/auth/bitbucket/login").await;
        assert_eq!(start.status, 303);
        let approve = self.get(&start.location).await;
        assert_eq!(approve.status, 302);
        approve.location
    }
}

fn assert_unavailable_json(reply: &Reply) {
    assert_eq!(reply.status, 503, "{}", reply.body);
    let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["error"], "store_unavailable");
}

#[tokio::test]
async fn a_failing_store_answers_503_json_and_recovers_when_it_answers_again() {
    let mut app = start().await;
    let callback = app.begin().await;
    assert_eq!(app.get(&callback).await.status, 303);
    assert_eq!(app.get("/me").await.status, 200);

    app.store.set_down(true);
    assert_unavailable_json(&app.get("/me").await);
    // A logout that cannot delete the session says so, and the browser keeps its cookie.
    let out = app.send(reqwest::Method::POST, "/auth/logout").await;
    assert_unavailable_json(&out);
    assert!(
        app.cookies.contains_key("oauth_kit_session"),
        "{:?}",
        out.set_cookies
    );

    app.store.set_down(false);
    assert_eq!(app.get("/me").await.status, 200);
    let out = app.send(reqwest::Method::POST, "/auth/logout").await;
    assert_eq!(out.status, 303);
    assert!(app.store.records.lock().unwrap().is_empty());
    assert_eq!(app.get("/me").await.status, 401);
}

#[tokio::test]
async fn a_failing_store_sends_the_callback_to_the_failure_page_without_a_session() {
    let mut app = start().await;
    let callback = app.begin().await;
    app.store.set_down(true);
    let done = app.get(&callback).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location, "/login?error=store_unavailable");
    assert!(
        done.set_cookies
            .iter()
            .all(|c| !c.starts_with("oauth_kit_session=") || c.contains("Max-Age=0")),
        "{:?}",
        done.set_cookies
    );
    assert!(app.store.records.lock().unwrap().is_empty());
    assert_eq!(app.mock.counters().token, 1);

    app.store.set_down(false);
    assert_eq!(app.get("/me").await.status, 401);
    let callback = app.begin().await;
    let done = app.get(&callback).await;
    assert_eq!(done.location, "/");
    assert_eq!(app.get("/me").await.status, 200);
}
