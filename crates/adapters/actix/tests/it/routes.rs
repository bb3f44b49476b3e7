//! The login and callback routes: redirects, cookies, headers, failure codes, the login hook
//! and the route prefix.

use actix_web::http::StatusCode;
use oauth_kit_actix::{LoginDecision, LoginHook, OAuth};
use oauth_kit_core::{LoginSuccess, async_trait};

use crate::common::{BASE, Browser, config, oauth, service};

#[actix_web::test]
async fn login_redirects_to_the_provider_with_a_flow_cookie() {
    let app = test_app!(oauth());
    let reply = Browser::default()
        .get(&app, "/auth/fake/login?next=%2Frepos")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        reply
            .location()
            .starts_with("https://idp.example/authorize?"),
        "{}",
        reply.location()
    );
    assert_eq!(
        reply.location_param("redirect_uri").as_deref(),
        Some("http://localhost:8080/auth/fake/callback")
    );
    assert_eq!(reply.location_param("state").map(|s| s.len()), Some(43));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let flow = reply.set_cookie("oauth_kit_flow").expect("a flow cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/auth", "Max-Age=600"] {
        assert!(flow.contains(attr), "flow cookie lacks {attr}: {flow}");
    }
    assert!(!flow.contains("Secure"), "{flow}");
    assert!(reply.set_cookie("oauth_kit_session").is_none());
}

#[actix_web::test]
async fn https_base_url_makes_both_cookies_secure() {
    let app = test_app!(OAuth::new(service(
        config("https://app.example").build().unwrap()
    )));
    let mut browser = Browser::default();
    let start = browser.get(&app, "/auth/fake/login").await;
    assert!(
        start
            .set_cookie("oauth_kit_flow")
            .unwrap()
            .contains("; Secure")
    );
    let state = start.location_param("state").unwrap();
    let done = browser
        .get(
            &app,
            &format!("/auth/fake/callback?code=verified&state={state}"),
        )
        .await;
    assert!(
        done.set_cookie("oauth_kit_flow")
            .unwrap()
            .contains("; Secure")
    );
    assert!(
        done.set_cookie("oauth_kit_session")
            .unwrap()
            .contains("; Secure")
    );
}

#[actix_web::test]
async fn unknown_provider_is_404_json() {
    let app = test_app!(oauth());
    for path in [
        "/auth/nosuch/login",
        "/auth/nosuch/callback?code=a&state=b",
        "/auth/..%2Fetc/login",
        "/auth/..%2Fetc/callback",
    ] {
        let reply = Browser::default().get(&app, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            reply.json(),
            serde_json::json!({"error": "unknown_provider", "message": "no such login provider"}),
            "{path}"
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        // Nothing was checked against the flow cookie: it is left alone.
        assert!(reply.set_cookie("oauth_kit_flow").is_none(), "{path}");
    }
}

#[actix_web::test]
async fn successful_callback_stores_the_user_and_goes_to_the_return_path() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    let done = browser
        .login(&app, "fake", "verified", Some("/after?tab=repos"))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/after?tab=repos");
    assert_eq!(done.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(done.header("cache-control"), Some("no-store"));
    let cleared = done
        .set_cookie("oauth_kit_flow")
        .expect("the flow cookie is cleared");
    assert_eq!(
        cleared,
        "oauth_kit_flow=; HttpOnly; SameSite=Lax; Path=/auth; Max-Age=0"
    );
    let session = done
        .set_cookie("oauth_kit_session")
        .expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"] {
        assert!(
            session.contains(attr),
            "session cookie lacks {attr}: {session}"
        );
    }
    assert!(!session.contains("Secure"), "{session}");
    // The cookie is encrypted: nothing of the user can be read from it.
    assert!(!session.contains("mira"), "{session}");
    assert_eq!(browser.get(&app, "/me").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn return_paths_that_leave_the_site_fall_back_to_the_success_path() {
    let app = test_app!(oauth());
    for next in [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let done = Browser::default()
            .login(&app, "fake", "verified", Some(next))
            .await;
        assert_eq!(done.location(), "/", "next={next:?}");
    }
}

/// Asserts a failure redirect with `code`, the callback headers and no session.
fn assert_failure(reply: &crate::common::Reply, location: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), location);
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    // The flow cookie is cleared exactly when the callback's state matched it.
    let code = location.rsplit("error=").next().unwrap_or_default();
    let matched = !matches!(
        code,
        "state_missing" | "state_mismatch" | "invalid_callback" | "flow_missing" | "flow_invalid"
    );
    match reply.set_cookie("oauth_kit_flow") {
        Some(cleared) => assert!(matched && cleared.contains("Max-Age=0"), "{cleared}"),
        None => assert!(!matched, "the flow cookie was not cleared for {code}"),
    }
    assert!(
        reply.set_cookie("oauth_kit_session").is_none(),
        "a session cookie on failure"
    );
}

#[actix_web::test]
async fn callback_failures_redirect_to_the_failure_path_with_their_code() {
    let app = test_app!(oauth());
    let cases: [(&str, &str); 7] = [
        ("code=verified", "state_missing"),
        ("code=verified&state=", "state_missing"),
        ("code=verified&state=forged-state", "state_mismatch"),
        (
            "code=verified&state={state}&state=other",
            "invalid_callback",
        ),
        (
            "error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state={state}",
            "access_denied",
        ),
        ("code=token-error&state={state}", "token_error"),
        ("code=user-error&state={state}", "user_info_error"),
    ];
    for (query, code) in cases {
        let mut browser = Browser::default();
        let start = browser.get(&app, "/auth/fake/login").await;
        let state = start.location_param("state").unwrap();
        let query = query.replace("{state}", &state);
        let reply = browser
            .get(&app, &format!("/auth/fake/callback?{query}"))
            .await;
        assert_failure(&reply, &format!("/login?error={code}"));
        assert_eq!(
            browser.get(&app, "/me").await.status,
            StatusCode::UNAUTHORIZED,
            "{code}"
        );
    }
}

#[actix_web::test]
async fn callback_without_a_flow_cookie_is_flow_missing() {
    let app = test_app!(oauth());
    let mut attacker = Browser::default();
    let start = attacker.get(&app, "/auth/fake/login").await;
    let state = start.location_param("state").unwrap();
    let mut victim = Browser::default();
    let reply = victim
        .get(
            &app,
            &format!("/auth/fake/callback?code=verified&state={state}"),
        )
        .await;
    assert_failure(&reply, "/login?error=flow_missing");
}

#[actix_web::test]
async fn callback_for_another_provider_is_provider_mismatch() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    let start = browser.get(&app, "/auth/fake/login").await;
    let state = start.location_param("state").unwrap();
    let reply = browser
        .get(
            &app,
            &format!("/auth/other/callback?code=verified&state={state}"),
        )
        .await;
    assert_failure(&reply, "/login?error=provider_mismatch");
}

#[actix_web::test]
async fn failure_path_keeps_its_own_query() {
    let config = config(BASE)
        .failure_redirect("/signin?lang=en")
        .build()
        .unwrap();
    let app = test_app!(OAuth::new(service(config)));
    let reply = Browser::default()
        .get(&app, "/auth/fake/callback?code=verified&state=x")
        .await;
    assert_failure(&reply, "/signin?lang=en&error=flow_missing");
}

#[derive(Debug)]
struct Hook;

#[async_trait]
impl LoginHook for Hook {
    async fn on_login(&self, login: &LoginSuccess) -> LoginDecision {
        match login.user.email.as_deref() {
            None => LoginDecision::reject("email_required"),
            Some(_) if !login.user.email_verified => LoginDecision::reject("<b>unverified</b>"),
            Some(_) => LoginDecision::accept_with(serde_json::json!({"account_id": 7})),
        }
    }
}

#[actix_web::test]
async fn hook_refusal_redirects_with_its_code_and_creates_no_session() {
    let app = test_app!(oauth().on_login(Hook));
    let mut browser = Browser::default();
    let reply = browser.login(&app, "fake", "no-email", None).await;
    assert_failure(&reply, "/login?error=email_required");
    assert_eq!(
        browser.get(&app, "/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // A code that is not a plain identifier is replaced.
    let reply = browser.login(&app, "fake", "unverified", None).await;
    assert_failure(&reply, "/login?error=login_refused");
}

#[actix_web::test]
async fn hook_account_is_kept_in_the_session() {
    let app = test_app!(oauth().on_login(Hook));
    let mut browser = Browser::default();
    let reply = browser.login(&app, "fake", "verified", None).await;
    assert_eq!(reply.location(), "/");
    let me = browser.get(&app, "/me").await.json();
    assert_eq!(me["account"], serde_json::json!({"account_id": 7}));
}

#[actix_web::test]
async fn routes_live_under_the_configured_prefix() {
    let config = config(BASE).route_prefix("/oauth").build().unwrap();
    let app = test_app!(OAuth::new(service(config)));
    let mut browser = Browser::default();
    let start = browser.get(&app, "/oauth/fake/login").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    assert_eq!(
        start.location_param("redirect_uri").as_deref(),
        Some("http://localhost:8080/oauth/fake/callback")
    );
    assert!(
        start
            .set_cookie("oauth_kit_flow")
            .unwrap()
            .contains("Path=/oauth;")
    );
    assert_eq!(
        Browser::default()
            .get(&app, "/auth/fake/login")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let out = browser.post(&app, "/oauth/logout").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
}
