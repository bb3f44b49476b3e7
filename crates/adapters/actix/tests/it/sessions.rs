//! Sessions: renewal at login, logout, revocation of copied cookies, and a server-side store.

use actix_web::http::StatusCode;

use crate::common::{Browser, MemoryStore, oauth};

#[actix_web::test]
async fn login_renews_the_session_cookie_and_ends_the_previous_login() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let first = browser.session().unwrap();
    browser.login(&app, "fake", "verified", None).await;
    let second = browser.session().unwrap();
    assert_ne!(first, second, "the session cookie did not change at login");
    assert_eq!(browser.get(&app, "/me").await.status, StatusCode::OK);
    // The first login was replaced: its cookie no longer logs anyone in.
    let mut copy = Browser::default();
    copy.cookies.insert("oauth_kit_session".into(), first);
    assert_eq!(copy.get(&app, "/me").await.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn planted_session_cookie_is_replaced_at_login() {
    let app = test_app!(oauth());
    let mut attacker = Browser::default();
    attacker.login(&app, "other", "verified", None).await;
    let planted = attacker.session().unwrap();
    let mut victim = Browser::default();
    victim
        .cookies
        .insert("oauth_kit_session".into(), planted.clone());
    victim.login(&app, "fake", "verified", None).await;
    assert_ne!(victim.session(), Some(planted));
    let me = victim.get(&app, "/me").await;
    assert_eq!(me.json()["user"]["provider"], "fake");
}

#[actix_web::test]
async fn logout_purges_the_session_and_redirects_home() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let out = browser.post(&app, "/auth/logout").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/");
    assert_eq!(out.header("cache-control"), Some("no-store"));
    let removal = out
        .set_cookie("oauth_kit_session")
        .expect("a removal cookie");
    assert!(
        removal.contains("Max-Age=0") && removal.contains("Path=/"),
        "{removal}"
    );
    assert!(browser.session().is_none());
    assert_eq!(
        browser.get(&app, "/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn copy_of_a_logged_out_session_cookie_is_dead() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let copy = browser.clone();
    browser.post(&app, "/auth/logout").await;
    let reply = copy.clone().get(&app, "/me").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // The dead cookie is removed from the browser that presents it.
    assert!(
        reply
            .set_cookie("oauth_kit_session")
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[actix_web::test]
async fn logout_without_a_session_still_redirects_home() {
    let app = test_app!(oauth());
    let out = Browser::default().post(&app, "/auth/logout").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/");
    assert!(out.set_cookie("oauth_kit_session").is_none());
}

#[actix_web::test]
async fn logout_is_post_only() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.login(&app, "fake", "verified", None).await;
    let reply = browser.get(&app, "/auth/logout").await;
    assert_ne!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get(&app, "/me").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn full_registry_ends_the_least_recently_active_login() {
    let app = test_app!(oauth().max_live_sessions(1));
    let mut first = Browser::default();
    first.login(&app, "fake", "verified", None).await;
    let mut second = Browser::default();
    second.login(&app, "fake", "verified", None).await;
    assert_eq!(second.get(&app, "/me").await.status, StatusCode::OK);
    assert_eq!(
        first.get(&app, "/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn server_side_store_works_across_instances_and_logout_is_final() {
    let store = MemoryStore::default();
    let first = oauth().server_side_sessions(true);
    let second = oauth().server_side_sessions(true);
    let first_app = test_app!(first.clone(), first.session_middleware_with(store.clone()));
    let second_app = test_app!(
        second.clone(),
        second.session_middleware_with(store.clone())
    );

    let mut browser = Browser::default();
    browser.login(&first_app, "fake", "verified", None).await;
    let cookie = browser.session().unwrap();
    assert!(
        cookie.len() < 200,
        "the cookie holds only an id with a server-side store"
    );
    assert_eq!(browser.get(&second_app, "/me").await.status, StatusCode::OK);

    let copy = browser.clone();
    browser.post(&second_app, "/auth/logout").await;
    assert!(
        store.sessions.lock().unwrap().is_empty(),
        "logout deletes the server-side state"
    );
    assert_eq!(
        copy.clone().get(&first_app, "/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}
