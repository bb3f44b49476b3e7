//! The extractors: 401 JSON without a login, the optional forms, 403 for an unverified email,
//! and sessions that must not count as logged in.

use actix_web::http::StatusCode;

use crate::common::{Browser, oauth};

#[actix_web::test]
async fn current_user_without_a_session_is_401_json() {
    let app = test_app!(oauth());
    let reply = Browser::default().get(&app, "/me").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.json(),
        serde_json::json!({"error": "unauthenticated", "message": "log in first"})
    );
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}

#[actix_web::test]
async fn optional_user_without_a_session_is_none() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    let reply = browser.get(&app, "/optional").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "null");
    let reply = browser.get(&app, "/maybe").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "null");
}

#[actix_web::test]
async fn current_user_after_login_is_the_session_user_without_raw_data() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let me = browser.get(&app, "/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let me = me.json();
    assert_eq!(me["user"]["provider"], "fake");
    assert_eq!(me["user"]["oauth_id"], "42");
    assert_eq!(me["user"]["email"], "mira@example.com");
    assert_eq!(me["user"]["raw_data"], serde_json::Value::Null);
    assert_eq!(me["account"], serde_json::Value::Null);
    assert_eq!(browser.get(&app, "/optional").await.body, "\"42\"");
    assert_eq!(browser.get(&app, "/maybe").await.body, "\"42\"");
}

#[actix_web::test]
async fn raw_data_is_kept_only_when_asked() {
    let app = test_app!(oauth().keep_raw_data(true));
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let me = browser.get(&app, "/me").await.json();
    assert_eq!(me["user"]["raw_data"]["uuid"], "{42}");
}

#[actix_web::test]
async fn verified_user_without_a_session_is_401() {
    let app = test_app!(oauth());
    let reply = Browser::default().get(&app, "/verified").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["error"], "unauthenticated");
}

#[actix_web::test]
async fn verified_user_with_an_unverified_email_is_403() {
    let app = test_app!(oauth());
    for code in ["unverified", "no-email"] {
        let mut browser = Browser::default();
        browser.login(&app, "fake", code, None).await;
        let reply = browser.get(&app, "/verified").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{code}");
        assert_eq!(
            reply.json(),
            serde_json::json!({"error": "email_not_verified", "message": "access denied"})
        );
        assert_eq!(browser.get(&app, "/me").await.status, StatusCode::OK);
    }
}

#[actix_web::test]
async fn verified_user_with_a_verified_email_passes() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let reply = browser.get(&app, "/verified").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "\"mira@example.com\"");
}

#[actix_web::test]
async fn session_cookie_sealed_with_another_key_is_anonymous() {
    let ours = test_app!(oauth());
    let other_key = "another-cookie-key-another-cookie-key-0123";
    let theirs = test_app!(oauth_with_key(other_key));
    let mut foreign = Browser::default();
    foreign.login(&theirs, "fake", "verified", None).await;
    assert_eq!(foreign.get(&theirs, "/me").await.status, StatusCode::OK);
    let reply = foreign.get(&ours, "/me").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn session_of_a_login_on_another_instance_is_anonymous() {
    // Two instances with the same key but their own registries of live logins: the cookie
    // decrypts on both, the login counts only where it happened (documented behaviour).
    let first = test_app!(oauth());
    let second = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&first, "fake", "verified", None).await;
    assert_eq!(browser.get(&first, "/me").await.status, StatusCode::OK);
    let reply = browser.get(&second, "/me").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // The dead session is purged there, not kept alive.
    assert!(
        reply
            .set_cookie("oauth_kit_session")
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[actix_web::test]
async fn extractor_without_the_mounted_routes_is_500_session_error() {
    use actix_web::{App, HttpResponse, web};
    use oauth_kit_actix::CurrentUser;

    let oauth = oauth();
    let with_routes = test_app!(oauth.clone());
    let without_routes = actix_web::test::init_service(
        App::new()
            .route(
                "/me",
                web::get().to(|CurrentUser(user): CurrentUser| async move {
                    HttpResponse::Ok().json(user)
                }),
            )
            .wrap(oauth.session_middleware()),
    )
    .await;
    let mut browser = Browser::default();
    browser.login(&with_routes, "fake", "verified", None).await;
    let reply = browser.get(&without_routes, "/me").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.json()["error"], "session_error");
}

fn oauth_with_key(key: &str) -> oauth_kit_actix::OAuth {
    let config = oauth_kit_core::FlowConfig::builder(crate::common::BASE)
        .cookie_key(oauth_kit_core::CookieKey::new(key.as_bytes().to_vec()).unwrap())
        .build()
        .unwrap();
    oauth_kit_actix::OAuth::new(crate::common::service(config))
}
