//! Every token-endpoint fault of the security model's "Provider faults" catalogue, against the
//! engine: each one is a typed error, the token endpoint is called exactly once, and no secret
//! (client secret, code, verifier, token from the body) appears in the error's `Display` or
//! `Debug`.

use std::time::{Duration, Instant};

use oauth_kit_core::{Error, HttpConfig, Stage, TokenQuirks};
use serde_json::json;
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

use crate::common::{
    ACCESS_TOKEN, CODE, PROVIDER, REFRESH_TOKEN, TOKEN_PATH, assert_error_is_clean, engine,
    engine_at, exchange, http, http_with, mount_token_once,
};

/// Checks the provider and stage every provider error carries.
fn assert_token_context(err: &Error) {
    assert_eq!(err.provider(), Some(PROVIDER), "{err:?}");
    assert_eq!(err.stage(), Some(Stage::Token), "{err:?}");
}

async fn exchange_against(server: &MockServer, response: ResponseTemplate) -> Error {
    mount_token_once(server, response).await;
    let err = exchange(&engine(server), &http())
        .await
        .expect_err("the exchange must fail");
    server.verify().await;
    assert_token_context(&err);
    assert_error_is_clean(&err);
    err
}

#[tokio::test]
async fn rfc6749_error_body_with_400_is_an_oauth_error() {
    let server = MockServer::start().await;
    let body = json!({
        "error": "invalid_grant",
        "error_description": "The provided authorization grant is invalid or expired",
        "error_uri": "https://idp.example/docs/errors#invalid_grant",
    });
    let err = exchange_against(&server, ResponseTemplate::new(400).set_body_json(body)).await;
    assert!(
        matches!(
            err,
            Error::OAuth { status: 400, ref body, .. }
                if body.error == "invalid_grant"
                    && body.error_uri.as_deref() == Some("https://idp.example/docs/errors#invalid_grant")
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), "token_error");
}

#[tokio::test]
async fn oauth_error_description_echoing_the_code_is_redacted_in_debug() {
    // Some providers quote the rejected code in `error_description`. The description is kept
    // as data, but printing the error (as adapters and applications do in their logs) must
    // not print the code, just as body excerpts are redacted.
    let server = MockServer::start().await;
    let body = json!({
        "error": "invalid_grant",
        "error_description": format!("The code {CODE} was already used"),
    });
    let err = exchange_against(&server, ResponseTemplate::new(400).set_body_json(body)).await;
    assert!(
        matches!(err, Error::OAuth { status: 400, ref body, .. } if body.error == "invalid_grant"),
        "{err:?}"
    );
}

#[tokio::test]
async fn rfc6749_error_body_with_401_is_an_oauth_error() {
    let server = MockServer::start().await;
    let body =
        json!({"error": "invalid_client", "error_description": "Client authentication failed"});
    let response = ResponseTemplate::new(401)
        .insert_header("www-authenticate", "Basic realm=\"idp\"")
        .set_body_json(body);
    let err = exchange_against(&server, response).await;
    assert!(
        matches!(
            err,
            Error::OAuth { status: 401, ref body, .. }
                if body.error == "invalid_client"
                    && body.error_description.as_deref() == Some("Client authentication failed")
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_200_with_an_error_body_is_an_invalid_response_when_strict() {
    let server = MockServer::start().await;
    let body = json!({"error": "bad_verification_code", "error_description": "The code is wrong"});
    let err = exchange_against(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("error")),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_200_with_an_error_body_is_an_oauth_error_with_the_quirk() {
    let server = MockServer::start().await;
    let body = json!({"error": "bad_verification_code", "error_description": "The code is wrong"});
    mount_token_once(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let engine = engine(&server).with_quirks(TokenQuirks::STRICT.error_with_http_200(true));
    let err = exchange(&engine, &http())
        .await
        .expect_err("an OAuth error");
    server.verify().await;
    assert!(
        matches!(
            err,
            Error::OAuth { status: 200, ref body, .. }
                if body.error == "bad_verification_code"
                    && body.error_description.as_deref() == Some("The code is wrong")
        ),
        "{err:?}"
    );
    assert_token_context(&err);
    assert_error_is_clean(&err);
}

#[tokio::test]
async fn http_500_without_an_oauth_body_is_an_http_status_error() {
    let server = MockServer::start().await;
    let body = json!({"message": "internal error", "trace": ACCESS_TOKEN});
    let err = exchange_against(&server, ResponseTemplate::new(500).set_body_json(body)).await;
    assert!(
        matches!(err, Error::HttpStatus { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn html_page_with_200_is_an_invalid_response_naming_text_html() {
    let server = MockServer::start().await;
    let page = format!(
        "<!doctype html><html><body><h1>Sign in</h1><input name=\"code\" value=\"{CODE}\"></body></html>"
    );
    let response = ResponseTemplate::new(200).set_body_raw(page, "text/html; charset=utf-8");
    let err = exchange_against(&server, response).await;
    assert!(
        matches!(
            err,
            Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("text/html")
        ),
        "{err:?}"
    );
    // The media type is reported without its parameters.
    assert!(!format!("{err}").contains("charset"), "{err}");
}

#[tokio::test]
async fn html_page_with_503_is_an_http_status_error() {
    let server = MockServer::start().await;
    let page = "<html><body>Service Unavailable</body></html>";
    let response = ResponseTemplate::new(503).set_body_raw(page, "text/html");
    let err = exchange_against(&server, response).await;
    assert!(
        matches!(err, Error::HttpStatus { status: 503, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_json_is_an_invalid_response() {
    let server = MockServer::start().await;
    let truncated = format!(r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","#);
    let response = ResponseTemplate::new(200).set_body_raw(truncated, "application/json");
    let err = exchange_against(&server, response).await;
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn expires_in_as_an_object_is_an_invalid_response() {
    let server = MockServer::start().await;
    let body = json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "refresh_token": REFRESH_TOKEN,
        "expires_in": {"seconds": 3600},
    });
    let err = exchange_against(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    assert!(
        matches!(
            err,
            Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("expires_in")
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn access_token_as_a_number_is_an_invalid_response() {
    let server = MockServer::start().await;
    let body = json!({
        "access_token": 12_345_678_901_234_567_u64,
        "token_type": "Bearer",
        "refresh_token": REFRESH_TOKEN,
    });
    let err = exchange_against(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    assert!(
        matches!(
            err,
            Error::InvalidResponse { status: 200, ref reason, .. } if reason.contains("access_token")
        ),
        "{err:?}"
    );
    assert!(!format!("{err:?}").contains("12345678901234567"), "{err:?}");
}

#[tokio::test]
async fn missing_access_token_is_an_invalid_response() {
    let server = MockServer::start().await;
    let body = json!({"token_type": "Bearer", "refresh_token": REFRESH_TOKEN, "expires_in": 3600});
    let err = exchange_against(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    assert!(
        matches!(
            err,
            Error::InvalidResponse { status: 200, ref reason, .. }
                if reason.contains("access_token") && reason.contains("missing")
        ),
        "{err:?}"
    );
}

async fn exchange_with_a_1_kib_cap(server: &MockServer, response: ResponseTemplate) -> Error {
    mount_token_once(server, response).await;
    let http = http_with(
        HttpConfig::default()
            .timeout(Duration::from_secs(5))
            .max_body_bytes(1024),
    );
    let err = exchange(&engine(server), &http)
        .await
        .expect_err("the body is over the cap");
    server.verify().await;
    assert_token_context(&err);
    assert_error_is_clean(&err);
    err
}

/// A JSON token response padded to `len` bytes, with the tokens at the front.
fn padded_token_body(len: usize) -> String {
    let head = format!(
        r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","refresh_token":"{REFRESH_TOKEN}","padding":""#
    );
    let padding = "x".repeat(len.saturating_sub(head.len() + 2));
    format!("{head}{padding}\"}}")
}

#[tokio::test]
async fn token_response_of_4_kib_over_a_1_kib_cap_is_body_too_large() {
    let server = MockServer::start().await;
    let response =
        ResponseTemplate::new(200).set_body_raw(padded_token_body(4 * 1024), "application/json");
    let err = exchange_with_a_1_kib_cap(&server, response).await;
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn token_response_of_2_mib_over_a_1_kib_cap_is_body_too_large() {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(200)
        .set_body_raw(padded_token_body(2 * 1024 * 1024), "application/json");
    let err = exchange_with_a_1_kib_cap(&server, response).await;
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn chunked_token_response_without_content_length_over_the_cap_is_body_too_large() {
    // wiremock answers with a fixed body, but hyper honours a `Transfer-Encoding: chunked` set
    // by the responder: the body is then sent chunked and without `Content-Length`, so the cap
    // has to be enforced while streaming rather than from the announced length.
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(200)
        .insert_header("transfer-encoding", "chunked")
        .set_body_raw(padded_token_body(64 * 1024), "application/json");
    Mock::given(matchers::method("GET"))
        .and(matchers::path("/probe"))
        .respond_with(response.clone())
        .expect(1)
        .mount(&server)
        .await;
    // Make sure the variant really exercises the streaming path.
    let probe = reqwest::get(format!("{}/probe", server.uri()))
        .await
        .expect("the probe request succeeds");
    assert_eq!(probe.content_length(), None, "{:?}", probe.headers());
    assert_eq!(
        probe
            .headers()
            .get("transfer-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("chunked")
    );
    drop(probe);

    let err = exchange_with_a_1_kib_cap(&server, response).await;
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn token_response_slower_than_the_timeout_is_a_timeout() {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(200)
        .set_body_json(crate::common::token_body())
        .set_delay(Duration::from_secs(2));
    mount_token_once(&server, response).await;
    let http = http_with(HttpConfig::default().timeout(Duration::from_millis(200)));

    let started = Instant::now();
    let err = exchange(&engine(&server), &http)
        .await
        .expect_err("the provider is too slow");
    let elapsed = started.elapsed();

    // A sanity bound, not a benchmark: the call must not wait for the 2 s response.
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert_token_context(&err);
    assert_error_is_clean(&err);
    server.verify().await;
}

#[tokio::test]
async fn redirect_from_the_token_endpoint_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(crate::common::token_body()))
        .expect(0)
        .named("the redirect target")
        .mount(&elsewhere)
        .await;
    let response = ResponseTemplate::new(302).insert_header(
        "location",
        format!("{}{TOKEN_PATH}", elsewhere.uri()).as_str(),
    );
    let err = exchange_against(&server, response).await;
    assert!(
        matches!(err, Error::Redirect { status: 302, .. }),
        "{err:?}"
    );
    elsewhere.verify().await;
    assert_eq!(
        elsewhere.received_requests().await.map(|r| r.len()),
        Some(0),
        "the redirect target was contacted"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    // No mock server here: nothing listens on the port, so there is no endpoint to count
    // requests on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("bound address").port();
    drop(listener);
    let url = Url::parse(&format!("http://127.0.0.1:{port}{TOKEN_PATH}")).expect("URL parses");

    let err = exchange(&engine_at(url), &http())
        .await
        .expect_err("nothing listens on the port");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(err.code(), "provider_unavailable");
    assert_token_context(&err);
    assert_error_is_clean(&err);
    // The transport error is kept as the source, without the URL.
    let source = std::error::Error::source(&err).expect("the transport error is the source");
    assert!(!source.to_string().contains(&port.to_string()), "{source}");
}

#[tokio::test]
async fn successful_exchange_against_the_same_mock_yields_the_token() {
    // The control case: the fixtures above fail only because of the fault they inject.
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(crate::common::token_body()),
    )
    .await;
    let token = exchange(&engine(&server), &http()).await.expect("a token");
    server.verify().await;
    assert_eq!(token.access_token.secret(), ACCESS_TOKEN);
    assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
}
