//! The POST callback of providers that answer with `response_mode=form_post`.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use oauth_kit_actix::OAuth;
use oauth_kit_core::{LoginService, ProviderRegistry};

use crate::common::{BASE, Browser, FakeProvider, config};

fn oauth() -> OAuth {
    let mut registry = ProviderRegistry::new();
    registry.register(FakeProvider::form_post("apple")).unwrap();
    registry.register(FakeProvider::named("fake")).unwrap();
    OAuth::new(LoginService::new(registry, config(BASE).build().unwrap()).unwrap())
}

fn form_post(uri: &str, body: String) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .set_payload(body)
}

#[actix_web::test]
async fn form_post_callback_logs_in_with_a_same_site_none_flow_cookie() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    let start = browser.get(&app, "/auth/apple/login").await;
    let flow = start.set_cookie("oauth_kit_flow").expect("a flow cookie");
    assert!(
        flow.contains("SameSite=None") && flow.contains("Secure"),
        "{flow}"
    );
    let state = start.location_param("state").unwrap();
    let reply = browser
        .send(
            &app,
            form_post(
                "/auth/apple/callback",
                format!("code=verified&state={state}"),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/");
    assert!(browser.session().is_some());
}

#[actix_web::test]
async fn form_post_callback_with_another_state_is_refused() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    browser.get(&app, "/auth/apple/login").await;
    let reply = browser
        .send(
            &app,
            form_post(
                "/auth/apple/callback",
                "code=verified&state=forged".to_owned(),
            ),
        )
        .await;
    assert_eq!(reply.location(), "/login?error=state_mismatch");
    assert!(browser.session().is_none());
}

#[actix_web::test]
async fn post_callback_of_a_query_provider_is_405() {
    let app = test_app!(oauth());
    let mut browser = Browser::default();
    let start = browser.get(&app, "/auth/fake/login").await;
    let state = start.location_param("state").unwrap();
    let reply = browser
        .send(
            &app,
            form_post(
                "/auth/fake/callback",
                format!("code=verified&state={state}"),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(browser.session().is_none());
}
