//! Secrets stay secret: a whole login flow, successful or not, run under a capturing `tracing`
//! subscriber at TRACE level leaves no state, code, flow cookie value, PKCE verifier, access or
//! refresh token or client secret in the logs, and none in the `Debug` output of what the flow
//! returns.
//!
//! The tests use the default current-thread runtime, so the thread-local subscriber guard
//! covers every task of the flow.

use oauth_kit_core::BeginOptions;
use oauth_kit_testkit::LogCapture;
use serde_json::json;

use crate::flow_support::{
    ACCESS_TOKEN, Begun, CLIENT_SECRET, CODE, Idp, IdpOptions, PROVIDER, REFRESH_TOKEN, StoreKind,
    begin, plain, query, rejection, service, success, with_pkce,
};

/// Every secret value of one flow, with a label for the failure message.
fn secrets_of(begun: &Begun, verifier: Option<String>) -> Vec<(&'static str, String)> {
    let mut secrets = vec![
        ("state", begun.state.clone()),
        ("code", CODE.to_owned()),
        ("flow cookie", begun.cookie.clone()),
        ("access token", ACCESS_TOKEN.to_owned()),
        ("refresh token", REFRESH_TOKEN.to_owned()),
        ("client secret", CLIENT_SECRET.to_owned()),
    ];
    if let Some(verifier) = verifier {
        secrets.push(("PKCE verifier", verifier));
    }
    secrets
}

fn assert_no_secret(text: &str, secrets: &[(&str, String)], what: &str) {
    for (label, value) in secrets {
        assert!(!value.is_empty(), "{label} is empty");
        assert!(
            !text.contains(value.as_str()),
            "the {label} appears in {what}:\n{text}"
        );
    }
}

/// The PKCE verifier the token endpoint received, if any.
async fn verifier_sent(idp: &Idp) -> Option<String> {
    idp.token_request_bodies().await.iter().find_map(|body| {
        url::form_urlencoded::parse(body.as_bytes())
            .find(|(k, _)| k == "code_verifier")
            .map(|(_, v)| v.into_owned())
    })
}

#[tokio::test]
async fn successful_flow_leaves_no_secret_in_logs_or_debug_output() {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service(&idp, store, with_pkce());
        let (capture, guard) = LogCapture::capture();

        let mut debug = Vec::new();
        let outcome = service
            .begin(PROVIDER, BeginOptions::default().return_to("/repos"))
            .await
            .unwrap();
        debug.push(format!("{:?}", outcome.cookie));
        let begun = Begun::from_outcome(outcome);
        let completion = service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await;
        debug.push(format!("{completion:?}"));
        let login = success(completion);
        debug.push(format!("{login:?}"));
        debug.push(format!("{:?}", login.token));
        drop(guard);

        let verifier = verifier_sent(&idp).await;
        assert!(verifier.is_some(), "the PKCE flow sent a verifier");
        let secrets = secrets_of(&begun, verifier);
        let logs = capture.text();
        assert!(
            logs.contains("login started"),
            "nothing was captured:\n{logs}"
        );
        assert!(logs.contains("login completed"), "{logs}");
        assert_no_secret(&logs, &secrets, &format!("the logs ({store:?})"));
        for text in &debug {
            assert_no_secret(text, &secrets, "Debug output");
        }
    }
}

#[tokio::test]
async fn rejected_callbacks_leave_no_secret_in_logs_or_debug_output() {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service(&idp, store, with_pkce());
        let (capture, guard) = LogCapture::capture();

        let begun = begin(&service, PROVIDER, None).await;
        let forged = query(&[("code", CODE), ("state", "forged-state-value-0123456789")]);
        let mut debug = Vec::new();
        for q in [
            forged,
            query(&[
                ("code", CODE),
                ("state", &begun.state),
                ("state", &begun.state),
            ]),
            query(&[("code", CODE)]),
        ] {
            let completion = service.complete(PROVIDER, &q, Some(&begun.cookie)).await;
            debug.push(format!("{completion:?}"));
            let err = rejection(completion);
            debug.push(format!("{err:?}"));
            debug.push(err.to_string());
        }
        // Without a cookie, and with a tampered one.
        for cookie in [None, Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] {
            let err = rejection(service.complete(PROVIDER, &begun.callback(), cookie).await);
            debug.push(format!("{err:?}"));
            debug.push(err.to_string());
        }
        drop(guard);

        let mut secrets = secrets_of(&begun, None);
        secrets.push(("forged state", "forged-state-value-0123456789".to_owned()));
        let logs = capture.text();
        assert!(
            logs.contains("login failed"),
            "nothing was captured:\n{logs}"
        );
        assert_no_secret(&logs, &secrets, &format!("the logs ({store:?})"));
        for text in &debug {
            assert_no_secret(text, &secrets, "Debug or Display output");
        }
        assert_eq!(idp.token_requests().await, 0);
    }
}

#[tokio::test]
async fn provider_failures_after_the_token_exchange_leave_no_secret_in_logs_or_errors() {
    // The first provider issues a token, then its user endpoint refuses it with a body that
    // echoes the token; the second provider's token endpoint refuses the code.
    let user_refused = Idp::start_with(IdpOptions {
        user_response: (
            401,
            json!({"error": "invalid_token", "token": ACCESS_TOKEN}),
        ),
        ..IdpOptions::default()
    })
    .await;
    let code_refused = Idp::start_with(IdpOptions {
        token_response: (
            400,
            json!({
                "error": "invalid_grant",
                "error_description": "The authorization code is invalid or expired",
            }),
        ),
        ..IdpOptions::default()
    })
    .await;

    for idp in [&user_refused, &code_refused] {
        let service = service(idp, StoreKind::Cookie, with_pkce());
        let (capture, guard) = LogCapture::capture();
        let begun = begin(&service, PROVIDER, None).await;
        let completion = service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await;
        let debug_completion = format!("{completion:?}");
        let err = rejection(completion);
        drop(guard);

        assert!(
            err.context().is_some(),
            "a provider failure names provider and stage: {err:?}"
        );
        let secrets = secrets_of(&begun, verifier_sent(idp).await);
        let logs = capture.text();
        assert!(
            logs.contains("login failed"),
            "nothing was captured:\n{logs}"
        );
        assert_no_secret(&logs, &secrets, "the logs");
        assert_no_secret(&err.to_string(), &secrets, "the error's Display");
        assert_no_secret(&debug_completion, &secrets, "the completion's Debug");
        assert_eq!(idp.token_requests().await, 1);
    }
}

#[tokio::test]
async fn debug_of_begin_outcome_shows_no_state() {
    let idp = Idp::start().await;
    let service = service(&idp, StoreKind::Cookie, with_pkce());

    let outcome = service
        .begin(PROVIDER, BeginOptions::default())
        .await
        .unwrap();
    let state = crate::flow_support::query_param(&outcome.authorization_url, "state").unwrap();
    let printed = format!("{outcome:?}");

    assert!(
        !printed.contains(outcome.cookie.value()),
        "the cookie value: {printed}"
    );
    // The URL itself must carry the state to the provider, but an application that logs the
    // outcome with `?outcome` must not write the state into its logs.
    assert!(
        !printed.contains(&state),
        "the state appears in Debug: {printed}"
    );
}

#[tokio::test]
async fn debug_of_the_service_with_a_memory_store_shows_no_flow_handle() {
    let idp = Idp::start().await;
    let service = service(&idp, StoreKind::Memory, plain());
    let begun = begin(&service, PROVIDER, None).await;

    let printed = format!("{service:?}");

    assert!(
        !printed.contains(CLIENT_SECRET),
        "the client secret: {printed}"
    );
    // The memory store's handle is the flow cookie's value: whoever holds it (with the state)
    // completes the login.
    assert!(
        !printed.contains(&begun.cookie),
        "a flow handle appears in Debug: {printed}"
    );
}
