//! The guards: 401 without a login, 403 with the guard's code, the handler otherwise.

use actix_web::http::StatusCode;
use oauth_kit_actix::{Guard, Rejection, SessionUser};
use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::flow;

use crate::common::{Browser, oauth};

#[actix_web::test]
async fn guards_reject_an_anonymous_request_with_401_json() {
    let app = test_app!(oauth());
    for path in [
        "/guarded/any",
        "/guarded/fake",
        "/guarded/verified",
        "/guarded/fake-verified",
    ] {
        let reply = Browser::default().get(&app, path).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            reply.json(),
            serde_json::json!({"error": "unauthenticated", "message": "log in first"}),
            "{path}"
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
}

#[actix_web::test]
async fn logged_in_guard_lets_any_user_through() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "other", "no-email", None).await;
    let reply = browser.get(&app, "/guarded/any").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "in");
}

#[actix_web::test]
async fn provider_guard_rejects_another_provider_with_403() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "other", "verified", None).await;
    let reply = browser.get(&app, "/guarded/fake").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.json(),
        serde_json::json!({"error": "wrong_provider", "message": "access denied"})
    );
    let reply = browser.get(&app, "/guarded/fake-verified").await;
    assert_eq!(reply.json()["error"], "wrong_provider");
}

#[actix_web::test]
async fn verified_email_guard_rejects_an_unverified_email_with_403() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "unverified", None).await;
    let reply = browser.get(&app, "/guarded/verified").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["error"], "email_not_verified");
    assert_eq!(
        browser.get(&app, "/guarded/fake").await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn stacked_guards_let_a_matching_user_through() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    for path in [
        "/guarded/any",
        "/guarded/fake",
        "/guarded/verified",
        "/guarded/fake-verified",
    ] {
        let reply = browser.get(&app, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    }
}

#[actix_web::test]
async fn guards_reject_a_logged_out_session() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let old = browser.clone();
    browser.post(&app, "/auth/logout").await;
    let reply = old.clone().get(&app, "/guarded/any").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn check_maps_each_condition_to_its_rejection() {
    let mut user = OAuthUserInfo::new("fake", "42");
    user.email = Some("mira@example.com".to_owned());
    let unverified = SessionUser::new(user.clone(), None, false);
    user.email_verified = true;
    let verified = SessionUser::new(user, None, false);

    assert_eq!(
        Guard::logged_in().check(None),
        Err(Rejection(flow::Rejection::Unauthenticated))
    );
    assert_eq!(Guard::logged_in().check(Some(&unverified)), Ok(()));
    assert_eq!(Guard::provider("fake").check(Some(&unverified)), Ok(()));
    assert_eq!(
        Guard::provider("bitbucket").check(Some(&verified)),
        Err(Rejection(flow::Rejection::Forbidden("wrong_provider")))
    );
    assert_eq!(
        Guard::verified_email().check(Some(&unverified)),
        Err(Rejection(flow::Rejection::Forbidden("email_not_verified")))
    );
    assert_eq!(Guard::verified_email().check(Some(&verified)), Ok(()));
}
