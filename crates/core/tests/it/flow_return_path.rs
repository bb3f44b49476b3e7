//! The return-path policy through `begin` and `complete`: `next` values that leave the site end
//! at the success path, valid relative paths and allow-listed origins survive, and nothing
//! that could split a `Location` header comes back.

use oauth_kit_core::LoginService;
use oauth_kit_core::flow::FlowConfigBuilder;

use crate::flow_support::{Idp, PROVIDER, StoreKind, begin, config, plain, service_with, success};

/// The configured success path, distinct from the default so a fallback is visible.
const SUCCESS: &str = "/home";

fn service(idp: &Idp, store: StoreKind, config: FlowConfigBuilder) -> LoginService {
    service_with(
        store,
        config.success_redirect(SUCCESS),
        vec![idp.provider(PROVIDER, plain())],
    )
}

/// Logs in with `next` and returns the validated return path.
async fn return_path_after_login(service: &LoginService, next: &str) -> String {
    let begun = begin(service, PROVIDER, Some(next)).await;
    let login = success(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );
    let path = login.return_to.as_str().to_owned();
    assert!(
        !path.contains(['\r', '\n']),
        "{next:?} produced a return path with CR or LF: {path:?}"
    );
    path
}

/// Asserts that every value in `hostile` falls back to the success path, with both stores.
async fn assert_falls_back(hostile: &[&str]) {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service(&idp, store, config());
        for next in hostile {
            assert_eq!(
                return_path_after_login(&service, next).await,
                SUCCESS,
                "{next:?} was accepted ({store:?})"
            );
        }
        assert_eq!(idp.token_requests().await, hostile.len());
    }
}

#[tokio::test]
async fn protocol_relative_next_falls_back_to_the_success_path() {
    assert_falls_back(&[
        "//evil.example",
        "///evil.example",
        "//evil.example/path?x=1",
    ])
    .await;
}

#[tokio::test]
async fn backslash_next_falls_back_to_the_success_path() {
    assert_falls_back(&[
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/x\\y",
    ])
    .await;
}

#[tokio::test]
async fn next_with_another_scheme_or_host_falls_back_to_the_success_path() {
    assert_falls_back(&[
        "https://evil.example",
        "http://evil.example/",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
    ])
    .await;
}

#[tokio::test]
async fn percent_encoded_next_falls_back_to_the_success_path() {
    assert_falls_back(&[
        "/%2F%2Fevil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example",
    ])
    .await;
}

#[tokio::test]
async fn next_with_control_characters_falls_back_to_the_success_path() {
    assert_falls_back(&[
        "/x%0d%0aSet-Cookie:%20a=b",
        "/x%250d%250aSet-Cookie:%20a=b",
        "/x\r\nSet-Cookie: a=b",
        "/x\nLocation: https://evil.example",
        "/x\ty",
        "/x y",
        "/x%00",
    ])
    .await;
}

#[tokio::test]
async fn empty_or_absent_next_ends_at_the_success_path() {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service(&idp, store, config());
        assert_eq!(return_path_after_login(&service, "").await, SUCCESS);

        let begun = begin(&service, PROVIDER, None).await;
        let login = success(
            service
                .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
                .await,
        );
        assert_eq!(login.return_to.as_str(), SUCCESS);
    }
}

#[tokio::test]
async fn relative_next_with_a_query_survives_the_login() {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service(&idp, store, config());
        for next in [
            "/repos?page=2&sort=name",
            "/",
            "/a/b/c",
            "/search?q=caf%C3%A9&x=%20y",
            "/dash#section",
        ] {
            assert_eq!(
                return_path_after_login(&service, next).await,
                next,
                "{store:?}"
            );
        }
    }
}

#[tokio::test]
async fn allow_listed_origin_passes_and_other_origins_fall_back() {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service(
            &idp,
            store,
            config().allow_origin("https://app.example.com"),
        );

        assert_eq!(
            return_path_after_login(&service, "https://app.example.com/welcome?x=1").await,
            "https://app.example.com/welcome?x=1"
        );
        for other in [
            "https://evil.example/",
            "https://app.example.com.evil.example/",
            "https://app.example.com:8443/",
            "http://app.example.com/",
            "https://user@app.example.com/",
            "https://app.example.com/%0d%0aSet-Cookie:a=b",
        ] {
            assert_eq!(
                return_path_after_login(&service, other).await,
                SUCCESS,
                "{other} was accepted ({store:?})"
            );
        }
    }
}

#[tokio::test]
async fn hostile_next_never_reaches_the_flow_cookie_or_the_authorization_url() {
    let idp = Idp::start().await;
    let service = service(&idp, StoreKind::Cookie, config());
    let begun = service
        .begin(
            PROVIDER,
            oauth_kit_core::BeginOptions::default().return_to("/x\r\nSet-Cookie: a=b"),
        )
        .await
        .unwrap();

    let header = begun.cookie.to_header_value();
    assert!(!header.contains(['\r', '\n']), "{header:?}");
    assert!(!begun.authorization_url.as_str().contains("Set-Cookie"));
    let failure = service.config().failure_location("state_mismatch");
    assert!(!failure.contains(['\r', '\n']), "{failure:?}");
}
