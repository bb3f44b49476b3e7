//! The "Configuration" items of SECURITY.md through `FlowConfig::from_lookup`: every invalid
//! value is rejected at start-up with an error naming the variable; the defaults; the flow
//! cookie's attributes; the callback URLs listed at start-up; the answers of `LoginRoutes`.

use std::collections::HashMap;
use std::time::Duration;

use oauth_kit_core::flow::{
    CallbackOutcome, CallbackRequest, LoginRoutes, SessionFailure, WebSession,
};
use oauth_kit_core::{
    Error, FlowConfig, LoginDecision, LoginHook, LoginService, LoginSuccess, ProviderRegistry,
};

use crate::flow_support::{Idp, PROVIDER, begin, plain};

const BASE: &str = "OAUTH_REDIRECT_BASE_URL";

/// Reads a configuration from `vars` as if they were the environment. (The error is boxed
/// only to keep clippy's `result_large_err` quiet in this test file.)
fn from_vars(vars: &[(&str, &str)]) -> Result<FlowConfig, Box<Error>> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    FlowConfig::from_lookup(|name| map.get(name).cloned()).map_err(Box::new)
}

/// A valid base URL plus `vars`.
fn with_base(vars: &[(&str, &str)]) -> Result<FlowConfig, Box<Error>> {
    let mut all = vec![(BASE, "http://localhost:8000")];
    all.extend_from_slice(vars);
    from_vars(&all)
}

/// Asserts that `result` is a configuration error naming `variable`, in the field and in the
/// message.
fn assert_rejected(result: Result<FlowConfig, Box<Error>>, variable: &str, case: &str) {
    match result.map_err(|e| *e) {
        Err(err @ Error::Config { .. }) => {
            let Error::Config { setting, reason } = &err else {
                unreachable!()
            };
            assert_eq!(setting, variable, "{case}: {err}");
            assert!(!reason.is_empty(), "{case}");
            assert!(err.to_string().contains(variable), "{case}: {err}");
        }
        Err(other) => panic!("{case}: expected Error::Config for {variable}, got {other:?}"),
        Ok(config) => panic!("{case}: accepted, {config:?}"),
    }
}

#[test]
fn missing_redirect_base_url_is_rejected() {
    assert_rejected(from_vars(&[]), BASE, "unset");
    assert_rejected(from_vars(&[(BASE, "")]), BASE, "empty");
    assert_rejected(from_vars(&[(BASE, "   ")]), BASE, "blank");
}

#[test]
fn plain_http_base_url_is_rejected_unless_loopback() {
    for url in [
        "http://example.com",
        "http://app.example.com:8000",
        "http://10.0.0.1:8000",
        "http://localhost.evil.example",
    ] {
        assert_rejected(from_vars(&[(BASE, url)]), BASE, url);
    }
    for url in [
        "http://localhost:8000",
        "http://127.0.0.1:9000",
        "http://[::1]:8000",
        "https://example.com",
    ] {
        let config = from_vars(&[(BASE, url)]).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(
            config.redirect_base_url().as_str().trim_end_matches('/'),
            url
        );
    }
}

#[test]
fn unparsable_or_non_http_base_url_is_rejected() {
    for url in [
        "not a url",
        "localhost:8000",
        "https://",
        "ftp://example.com",
        "https://example.com/?x=1",
        "https://user:pw@example.com",
    ] {
        assert_rejected(from_vars(&[(BASE, url)]), BASE, url);
    }
}

#[test]
fn cookie_key_shorter_than_32_bytes_is_rejected() {
    let short = "k".repeat(31);
    assert_rejected(
        with_base(&[("OAUTH_COOKIE_KEY", &short)]),
        "OAUTH_COOKIE_KEY",
        "31 bytes",
    );

    let long_enough = "k".repeat(32);
    let config = with_base(&[("OAUTH_COOKIE_KEY", &long_enough)]).unwrap();
    assert!(config.cookie_key().is_some());
    assert!(
        !format!("{config:?}").contains(&long_enough),
        "Debug shows the key"
    );
}

#[test]
fn invalid_state_ttl_is_rejected() {
    for ttl in ["ten", "0", "-5", "1.5", "86401"] {
        assert_rejected(
            with_base(&[("OAUTH_STATE_TTL", ttl)]),
            "OAUTH_STATE_TTL",
            ttl,
        );
    }
    let config = with_base(&[("OAUTH_STATE_TTL", "120")]).unwrap();
    assert_eq!(config.state_ttl(), Duration::from_secs(120));
}

#[test]
fn invalid_http_timeout_is_rejected() {
    for secs in ["soon", "0", "301", "-1"] {
        assert_rejected(
            with_base(&[("OAUTH_HTTP_TIMEOUT_SECS", secs)]),
            "OAUTH_HTTP_TIMEOUT_SECS",
            secs,
        );
    }
    let config = with_base(&[("OAUTH_HTTP_TIMEOUT_SECS", "3")]).unwrap();
    assert_eq!(config.http_timeout(), Duration::from_secs(3));
}

#[test]
fn invalid_route_prefix_is_rejected() {
    for prefix in ["auth", "/a b", "//auth", "/auth?x", "/auth#x", "/<script>"] {
        assert_rejected(
            with_base(&[("OAUTH_ROUTE_PREFIX", prefix)]),
            "OAUTH_ROUTE_PREFIX",
            prefix,
        );
    }
    let config = with_base(&[("OAUTH_ROUTE_PREFIX", "/login-flow/")]).unwrap();
    assert_eq!(config.route_prefix(), "/login-flow");
}

#[test]
fn redirects_that_are_not_paths_on_this_site_are_rejected() {
    for target in ["https://evil.example", "//evil.example", "login", "/x\r\ny"] {
        assert_rejected(
            with_base(&[("OAUTH_FAILURE_REDIRECT", target)]),
            "OAUTH_FAILURE_REDIRECT",
            target,
        );
        assert_rejected(
            with_base(&[("OAUTH_SUCCESS_REDIRECT", target)]),
            "OAUTH_SUCCESS_REDIRECT",
            target,
        );
    }
}

#[test]
fn invalid_allowed_origin_is_rejected() {
    for origin in [
        "app.example.com",
        "https://app.example.com/path",
        "https://user@app.example.com",
        "https://app.example.com#x",
        "javascript:x",
    ] {
        assert_rejected(
            with_base(&[("OAUTH_ALLOWED_ORIGINS", origin)]),
            "OAUTH_ALLOWED_ORIGINS",
            origin,
        );
    }
}

#[test]
fn unset_and_empty_variables_take_the_defaults() {
    let empty = [
        ("OAUTH_ROUTE_PREFIX", ""),
        ("OAUTH_SUCCESS_REDIRECT", " "),
        ("OAUTH_FAILURE_REDIRECT", ""),
        ("OAUTH_STATE_TTL", ""),
        ("OAUTH_HTTP_TIMEOUT_SECS", ""),
        ("OAUTH_COOKIE_KEY", ""),
    ];
    for config in [with_base(&[]).unwrap(), with_base(&empty).unwrap()] {
        assert_eq!(config.route_prefix(), "/auth");
        assert_eq!(config.success_redirect().as_str(), "/");
        assert_eq!(config.failure_redirect().as_str(), "/login");
        assert_eq!(config.state_ttl(), Duration::from_secs(600));
        assert_eq!(config.http_timeout(), Duration::from_secs(10));
        assert!(config.cookie_key().is_none());
        assert!(config.allowed_origins().is_empty());
        assert_eq!(config.cookie_name(), "oauth_kit_flow");
        assert_eq!(
            config.redirect_uri("bitbucket"),
            "http://localhost:8000/auth/bitbucket/callback"
        );
    }
}

async fn flow_cookie_header(base: &str, extra: &[(&str, &str)]) -> (String, String) {
    let idp = Idp::start().await;
    let mut vars = vec![(BASE, base)];
    vars.extend_from_slice(extra);
    let config = from_vars(&vars).unwrap();
    let mut registry = ProviderRegistry::new();
    registry.register(idp.provider(PROVIDER, plain())).unwrap();
    let service = LoginService::new(registry, config).unwrap();
    let outcome = service
        .begin(PROVIDER, oauth_kit_core::BeginOptions::default())
        .await
        .unwrap();
    let begun = begin(&service, PROVIDER, None).await;
    let done = service
        .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
        .await;
    assert!(done.result.is_ok());
    (
        outcome.cookie.to_header_value(),
        done.clear_cookie.expect("cleared").to_header_value(),
    )
}

fn attributes(header: &str) -> Vec<&str> {
    header.split("; ").skip(1).collect()
}

#[tokio::test]
async fn flow_cookie_is_http_only_lax_path_scoped_with_the_ttl_and_not_secure_on_http() {
    let (set, clear) = flow_cookie_header("http://localhost:8000", &[]).await;

    assert!(set.starts_with("oauth_kit_flow="), "{set}");
    let attrs = attributes(&set);
    for expected in ["HttpOnly", "SameSite=Lax", "Path=/auth", "Max-Age=600"] {
        assert!(attrs.contains(&expected), "{expected} missing from {set}");
    }
    assert!(!attrs.contains(&"Secure"), "{set}");

    assert_eq!(
        clear,
        "oauth_kit_flow=; HttpOnly; SameSite=Lax; Path=/auth; Max-Age=0"
    );
}

#[tokio::test]
async fn flow_cookie_is_secure_exactly_when_the_base_url_is_https() {
    let (set, clear) = flow_cookie_header("https://app.example.com", &[]).await;

    let attrs = attributes(&set);
    for expected in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/auth",
        "Max-Age=600",
        "Secure",
    ] {
        assert!(attrs.contains(&expected), "{expected} missing from {set}");
    }
    assert!(attributes(&clear).contains(&"Secure"), "{clear}");
    assert!(attributes(&clear).contains(&"Max-Age=0"), "{clear}");
}

#[tokio::test]
async fn flow_cookie_follows_the_configured_prefix_and_ttl() {
    let (set, clear) = flow_cookie_header(
        "http://127.0.0.1:9000",
        &[
            ("OAUTH_ROUTE_PREFIX", "/login-flow"),
            ("OAUTH_STATE_TTL", "120"),
        ],
    )
    .await;

    let attrs = attributes(&set);
    assert!(attrs.contains(&"Path=/login-flow"), "{set}");
    assert!(attrs.contains(&"Max-Age=120"), "{set}");
    assert!(attributes(&clear).contains(&"Path=/login-flow"), "{clear}");
}

#[tokio::test]
async fn a_base_url_with_a_path_scopes_the_flow_under_it() {
    let (set, clear) = flow_cookie_header("https://example.com/app/", &[]).await;
    assert!(attributes(&set).contains(&"Path=/app/auth"), "{set}");
    assert!(attributes(&clear).contains(&"Path=/app/auth"), "{clear}");

    let config = from_vars(&[(BASE, "https://example.com/app")]).unwrap();
    assert_eq!(
        config.redirect_uri("bitbucket"),
        "https://example.com/app/auth/bitbucket/callback"
    );
    assert_eq!(config.public_prefix(), "/app/auth");
    assert_eq!(config.home_path(), "/app/");
    assert_eq!(config.success_redirect().as_str(), "/app/");
    assert_eq!(
        config.failure_location("access_denied"),
        "/app/login?error=access_denied"
    );
    // Explicit redirects are taken as the browser sees them.
    let explicit = from_vars(&[
        (BASE, "https://example.com/app"),
        ("OAUTH_FAILURE_REDIRECT", "/signin"),
    ])
    .unwrap();
    assert_eq!(explicit.failure_redirect().as_str(), "/signin");
}

#[tokio::test]
async fn callback_urls_list_every_providers_exact_callback() {
    let idp = Idp::start().await;
    let mut registry = ProviderRegistry::new();
    registry.register(idp.provider("beta", plain())).unwrap();
    registry.register(idp.provider("alpha", plain())).unwrap();

    let config = from_vars(&[(BASE, "https://app.example.com/")]).unwrap();
    let service = LoginService::new(registry.clone(), config).unwrap();
    assert_eq!(
        service.callback_urls(),
        vec![
            (
                "alpha".to_owned(),
                "https://app.example.com/auth/alpha/callback".to_owned()
            ),
            (
                "beta".to_owned(),
                "https://app.example.com/auth/beta/callback".to_owned()
            ),
        ]
    );

    let nested = from_vars(&[
        (BASE, "https://example.com/app"),
        ("OAUTH_ROUTE_PREFIX", "/oauth/"),
    ])
    .unwrap();
    let service = LoginService::new(registry, nested).unwrap();
    let urls: Vec<String> = service
        .callback_urls()
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    assert_eq!(
        urls,
        [
            "https://example.com/app/oauth/alpha/callback",
            "https://example.com/app/oauth/beta/callback",
        ]
    );
    // The URL the flow sends to the provider is the one listed.
    let begun = begin(&service, "alpha", None).await;
    assert_eq!(
        crate::flow_support::query_param(&begun.url, "redirect_uri").as_deref(),
        Some("https://example.com/app/oauth/alpha/callback")
    );
}

/// `LoginRoutes` over one test provider, and the flow cookie of a started login as a `Cookie`
/// header.
async fn routes_with_started_login(
    idp: &Idp,
    hook: Option<LoginDecision>,
) -> (LoginRoutes, String, String) {
    let service =
        crate::flow_support::service(idp, crate::flow_support::StoreKind::Cookie, plain());
    let mut routes = LoginRoutes::new(service);
    if let Some(decision) = hook {
        routes = routes.on_login(Decide(decision));
    }
    let started = routes.login(PROVIDER, "next=%2Frepos").await;
    assert_eq!(started.status(), 303);
    let cookie = started.cookies()[0].clone();
    let url = url::Url::parse(started.location().unwrap()).unwrap();
    let state = crate::flow_support::query_param(&url, "state").unwrap();
    let callback =
        crate::flow_support::query(&[("code", crate::flow_support::CODE), ("state", &state)]);
    (
        routes,
        format!("{}={}", cookie.name(), cookie.value()),
        callback,
    )
}

struct Decide(LoginDecision);

#[async_trait::async_trait]
impl LoginHook for Decide {
    async fn on_login(&self, _login: &LoginSuccess) -> LoginDecision {
        self.0.clone()
    }
}

#[tokio::test]
async fn login_routes_log_in_to_the_return_path_clearing_the_flow_cookie() {
    let idp = Idp::start().await;
    let (routes, cookie, callback) = routes_with_started_login(&idp, None).await;
    let request =
        CallbackRequest::new("GET", PROVIDER, &callback).cookie_headers([cookie.as_str()]);
    let CallbackOutcome::Login(login) = routes.callback(request).await else {
        panic!("the callback did not log in");
    };
    assert_eq!(login.user().provider(), PROVIDER);
    let done = login.finish(Ok(()));
    assert_eq!((done.status(), done.location()), (303, Some("/repos")));
    assert!(done.headers().contains(&("referrer-policy", "no-referrer")));
    assert!(done.cookies()[0].is_removal());
}

/// A framework's session for the routes: JSON values behind a shared cell, so a clone is a
/// copy of the same cookie.
#[derive(Clone, Default)]
struct CookieJar(std::rc::Rc<std::cell::RefCell<HashMap<String, serde_json::Value>>>);

impl CookieJar {
    /// A copy of the session as it is now (a cookie kept by someone else).
    fn copy(&self) -> Self {
        CookieJar(std::rc::Rc::new(std::cell::RefCell::new(
            self.0.borrow().clone(),
        )))
    }
}

impl WebSession for CookieJar {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, SessionFailure> {
        Ok(self.0.borrow().get(key).cloned())
    }
    async fn insert(&self, key: &str, value: serde_json::Value) -> Result<(), SessionFailure> {
        self.0.borrow_mut().insert(key.to_owned(), value);
        Ok(())
    }
    async fn renew(&self) -> Result<(), SessionFailure> {
        Ok(())
    }
    async fn end(&self) -> Result<(), SessionFailure> {
        self.0.borrow_mut().clear();
        Ok(())
    }
    async fn discard(&self) {
        self.0.borrow_mut().clear();
    }
    fn json_len(&self) -> usize {
        serde_json::to_string(&*self.0.borrow()).map_or(usize::MAX, |json| json.len())
    }
}

#[tokio::test]
async fn a_cookie_backed_login_written_by_the_routes_is_live_until_logout() {
    let idp = Idp::start().await;
    let (routes, cookie, callback) = routes_with_started_login(&idp, None).await;
    let routes = routes.cookie_backed(true);
    let session = CookieJar::default();
    let request =
        CallbackRequest::new("GET", PROVIDER, &callback).cookie_headers([cookie.as_str()]);
    let done = routes.callback_in(request, &session).await;
    assert_eq!((done.status(), done.location()), (303, Some("/repos")));
    let user = routes.sessions().user(&session).await.unwrap();
    assert_eq!(
        user.map(|u| u.provider().to_owned()).as_deref(),
        Some(PROVIDER)
    );

    let copy = session.copy();
    let origin = routes
        .service()
        .config()
        .redirect_base_url()
        .origin()
        .ascii_serialization();
    let out = routes.logout_in(Some(&origin), None, &session).await;
    assert_eq!((out.status(), out.location()), (303, Some("/")));
    assert_eq!(routes.sessions().user(&session).await, Ok(None));
    assert_eq!(
        routes.sessions().user(&copy).await,
        Ok(None),
        "a copy outlived the logout"
    );
}

#[tokio::test]
async fn a_session_that_cannot_be_written_fails_the_login_with_its_code() {
    let idp = Idp::start().await;
    let (routes, cookie, callback) = routes_with_started_login(&idp, None).await;
    let request =
        CallbackRequest::new("GET", PROVIDER, &callback).cookie_headers([cookie.as_str()]);
    let CallbackOutcome::Login(login) = routes.callback(request).await else {
        panic!("the callback did not log in");
    };
    let failed = login.finish(Err(SessionFailure::TooLarge { bytes: 5000 }));
    assert_eq!(failed.location(), Some("/login?error=session_too_large"));
    assert!(failed.cookies()[0].is_removal(), "the used flow is cleared");
}

#[tokio::test]
async fn a_rejecting_hook_sends_its_code_and_asks_for_no_session() {
    let idp = Idp::start().await;
    let (routes, cookie, callback) =
        routes_with_started_login(&idp, Some(LoginDecision::reject("not_a_member"))).await;
    let request =
        CallbackRequest::new("GET", PROVIDER, &callback).cookie_headers([cookie.as_str()]);
    let CallbackOutcome::Respond(answer) = routes.callback(request).await else {
        panic!("a rejected login asked for a session");
    };
    assert_eq!(answer.location(), Some("/login?error=not_a_member"));
}

#[tokio::test]
async fn a_post_or_head_callback_of_a_query_provider_is_405_and_completes_nothing() {
    let idp = Idp::start().await;
    let (routes, cookie, callback) = routes_with_started_login(&idp, None).await;
    for method in ["POST", "HEAD"] {
        let request =
            CallbackRequest::new(method, PROVIDER, &callback).cookie_headers([cookie.as_str()]);
        let CallbackOutcome::Respond(answer) = routes.callback(request).await else {
            panic!("{method} logged in");
        };
        assert_eq!(answer.status(), 405);
        assert!(answer.headers().contains(&("allow", "GET")));
    }
    assert_eq!(idp.token_requests().await, 0);
}

#[tokio::test]
async fn ambiguous_session_cookies_fail_the_callback_and_leave_the_flow_alone() {
    let idp = Idp::start().await;
    let (routes, cookie, callback) = routes_with_started_login(&idp, None).await;
    let request = CallbackRequest::new("GET", PROVIDER, &callback)
        .cookie_headers([cookie.as_str()])
        .duplicate_session_cookies(true);
    let CallbackOutcome::Respond(answer) = routes.callback(request).await else {
        panic!("an ambiguous session logged in");
    };
    assert_eq!(answer.location(), Some("/login?error=session_conflict"));
    assert!(answer.cookies().is_empty());
    assert_eq!(idp.token_requests().await, 0);
}
