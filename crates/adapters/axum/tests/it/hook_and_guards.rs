//! The on-login hook and the guards, over real HTTP against the mock Bitbucket.

use std::ops::{Deref, DerefMut};

use axum::routing::get;
use axum::{Json, Router, middleware};
use oauth_kit_axum::{
    CurrentUser, Guard, LoginDecision, LoginHook, OAuth, OptionalUser, VerifiedUser, guard,
};
use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{
    ClientSecret, CookieKey, FlowConfig, LoginService, LoginSuccess, ProviderRegistry,
};
use oauth_kit_testkit::{MockBitbucket, MockEmail, MockUser};

use crate::common::{Browser, listen, serve};

struct Hook(LoginDecision);

#[async_trait::async_trait]
impl LoginHook for Hook {
    async fn on_login(&self, login: &LoginSuccess) -> LoginDecision {
        assert_eq!(login.user.provider, "bitbucket");
        assert!(login.token.access_token.secret().len() > 10);
        self.0.clone()
    }
}

/// The application under test, its mock Bitbucket, and a browser of the application (which
/// the app derefs to).
struct App {
    browser: Browser,
    mock: MockBitbucket,
}

impl Deref for App {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

impl DerefMut for App {
    fn deref_mut(&mut self) -> &mut Browser {
        &mut self.browser
    }
}

async fn start(hook: Option<LoginDecision>) -> App {
    start_at(hook, "").await
}

/// Starts the app with `base_path` as the path of its public base URL.
async fn start_at(hook: Option<LoginDecision>, base_path: &str) -> App {
    let mock = MockBitbucket::start().await.unwrap();
    let (listener, base) = listen().await;
    let provider =
        BitbucketProvider::builder(mock.client_id(), ClientSecret::new(mock.client_secret()))
            .authorize_url(mock.authorize_url())
            .token_url(mock.token_url())
            .api_url(mock.api_url())
            .build()
            .unwrap();
    let config = FlowConfig::builder(format!("{base}{base_path}"))
        .cookie_key(CookieKey::new(vec![7u8; 32]).unwrap())
        .build()
        .unwrap();
    let service =
        LoginService::new(ProviderRegistry::new().with(provider).unwrap(), config).unwrap();
    let mut oauth = OAuth::new(service);
    if let Some(decision) = hook {
        oauth = oauth.on_login(Hook(decision));
    }
    let app = Router::new()
        .route(
            "/me",
            get(|CurrentUser(u): CurrentUser| async move { Json(u) }),
        )
        .route(
            "/maybe",
            get(|OptionalUser(u): OptionalUser| async move { Json(u.is_some()) }),
        )
        .route(
            "/verified",
            get(|VerifiedUser(_): VerifiedUser| async { "ok" }),
        )
        .route(
            "/bitbucket-only",
            get(|| async { "ok" }).route_layer(middleware::from_fn_with_state(
                Guard::provider("bitbucket"),
                guard,
            )),
        )
        .route(
            "/github-only",
            get(|| async { "ok" }).route_layer(middleware::from_fn_with_state(
                Guard::provider("github"),
                guard,
            )),
        )
        .route(
            "/verified-guard",
            get(|| async { "ok" }).route_layer(middleware::from_fn_with_state(
                Guard::verified_email(),
                guard,
            )),
        )
        .route(
            "/logged-in",
            get(|| async { "ok" })
                .route_layer(middleware::from_fn_with_state(Guard::logged_in(), guard)),
        )
        .merge(oauth.router())
        .layer(oauth.session_layer());
    serve(listener, app);
    App {
        browser: Browser::new(base),
        mock,
    }
}

impl App {
    /// Runs a whole login and returns the callback's Location.
    async fn login(&mut self) -> String {
        self.browser.login("bitbucket").await
    }
}

#[tokio::test]
async fn hook_refusal_redirects_with_its_code_and_creates_no_session() {
    let mut app = start(Some(LoginDecision::reject("not_a_member"))).await;
    assert_eq!(app.login().await, "/login?error=not_a_member");
    assert!(!app.cookies.contains_key("oauth_kit_session"));
    assert_eq!(app.get("/me").await.0, 401);
    assert_eq!(app.mock.counters().token, 1);
}

#[tokio::test]
async fn hook_refusal_with_an_unsafe_code_uses_login_refused() {
    let mut app = start(Some(LoginDecision::reject("<script>"))).await;
    assert_eq!(app.login().await, "/login?error=login_refused");
}

#[tokio::test]
async fn hook_account_data_is_kept_in_the_session_without_tokens_or_raw_data() {
    let mut app = start(Some(LoginDecision::accept_with(
        serde_json::json!({"account_id": 42}),
    )))
    .await;
    assert_eq!(app.login().await, "/home");
    let (status, _, body) = app.get("/me").await;
    assert_eq!(status, 200);
    let user: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(user["account"]["account_id"], 42);
    assert!(user["user"]["raw_data"].is_null());
    for token in app.mock.issued_tokens() {
        assert!(!body.contains(&token));
    }
}

#[tokio::test]
async fn guards_answer_401_for_anonymous_users() {
    let mut app = start(None).await;
    for path in [
        "/me",
        "/verified",
        "/bitbucket-only",
        "/verified-guard",
        "/logged-in",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, 401, "{path}");
        assert!(body.contains("unauthenticated"), "{path}: {body}");
    }
    assert_eq!(app.get("/maybe").await.2, "false");
}

#[tokio::test]
async fn provider_guard_admits_only_its_provider() {
    let mut app = start(None).await;
    app.login().await;
    assert_eq!(app.get("/bitbucket-only").await.0, 200);
    assert_eq!(app.get("/logged-in").await.0, 200);
    let (status, _, body) = app.get("/github-only").await;
    assert_eq!(status, 403);
    assert!(body.contains("wrong_provider"));
    assert_eq!(app.get("/maybe").await.2, "true");
}

#[tokio::test]
async fn verified_email_guard_refuses_unconfirmed_addresses() {
    let mut app = start(None).await;
    app.mock.add_user(MockUser {
        emails: vec![MockEmail::new("unconfirmed@example.org", true, false)],
        ..MockUser::mira()
    });
    app.login().await;
    assert_eq!(app.get("/me").await.0, 200);
    for path in ["/verified", "/verified-guard"] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, 403, "{path}");
        assert!(body.contains("email_not_verified"));
    }
}

#[tokio::test]
async fn verified_email_guard_admits_a_confirmed_primary() {
    let mut app = start(None).await;
    app.login().await;
    assert_eq!(app.get("/verified").await.0, 200);
    assert_eq!(app.get("/verified-guard").await.0, 200);
}

#[tokio::test]
async fn a_base_url_with_a_path_mounts_the_routes_under_it() {
    let mut app = start_at(None, "/app").await;
    let (status, authorize, _) = app.get("/app/auth/bitbucket/login?next=/app/home").await;
    assert_eq!(status, 303);
    assert!(
        authorize.contains("redirect_uri=http%3A%2F%2F127.0.0.1"),
        "{authorize}"
    );
    assert!(
        authorize.contains("%2Fapp%2Fauth%2Fbitbucket%2Fcallback"),
        "{authorize}"
    );
    let (status, callback, _) = app.get(&authorize).await;
    assert_eq!(status, 302);
    let (status, location, _) = app.get(&callback).await;
    assert_eq!(status, 303);
    assert_eq!(location, "/app/home");
    assert_eq!(app.get("/me").await.0, 200);
    let logout = app
        .client
        .post(format!("{}/app/auth/logout", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 303);
    assert_eq!(logout.headers()["location"], "/app/");
    assert_eq!(app.get("/auth/bitbucket/login").await.0, 404);
}
