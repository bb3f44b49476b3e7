//! A hostile provider cannot forge log lines: its error codes, descriptions, hints and user ids
//! reach logs and error messages only with control characters escaped and a capped length.

use oauth_kit_core::sanitize::MAX_PROVIDER_TEXT;
use oauth_kit_core::{Error, ProviderContext, Stage};
use oauth_kit_testkit::LogCapture;
use serde_json::json;

use crate::flow_support::*;

/// What a forged line would look like if a newline got through.
const FORGED: &str =
    "FORGED 2026-01-01T00:00:00Z  INFO oauth_kit_core: login completed oauth_id=admin";

/// Every line of `logs` that starts like a log line of the subscriber (a timestamp) or is empty
/// is genuine; a line starting with the forged text is not.
fn assert_no_forged_line(logs: &str) {
    for line in logs.lines() {
        assert!(!line.starts_with("FORGED"), "forged log line: {line:?}");
    }
}

#[tokio::test]
async fn token_error_with_newlines_cannot_forge_log_lines() {
    let hostile_error = format!("invalid_grant\n{FORGED}\r\n{FORGED}\u{2028}{FORGED}");
    let idp = Idp::start_with(IdpOptions {
        token_response: (
            400,
            json!({
                "error": hostile_error,
                "error_description": format!("bad\n{FORGED}{}", "x".repeat(5000)),
                "error_uri": format!("https://idp.example/\n{FORGED}"),
            }),
        ),
        ..IdpOptions::default()
    })
    .await;
    let service = service(&idp, StoreKind::Cookie, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let (capture, guard) = LogCapture::capture();
    let completion = service
        .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
        .await;
    drop(guard);
    let err = completion.result.err().unwrap();
    let Error::OAuth { body, .. } = &err else {
        panic!("expected Error::OAuth, got {err:?}");
    };
    for field in [
        Some(&body.error),
        body.error_description.as_ref(),
        body.error_uri.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(!field.contains(['\n', '\r', '\u{2028}']), "{field:?}");
        assert!(
            field.chars().count() <= 501,
            "{} chars",
            field.chars().count()
        );
    }
    assert!(
        body.error.starts_with("invalid_grant\\nFORGED"),
        "{}",
        body.error
    );
    let display = err.to_string();
    assert!(!display.contains('\n'), "{display}");
    let logs = capture.text();
    assert!(logs.contains("invalid_grant"), "{logs}");
    assert_no_forged_line(&logs);
}

#[tokio::test]
async fn user_id_with_newlines_cannot_forge_log_lines() {
    let idp = Idp::start_with(IdpOptions {
        user_response: (
            200,
            json!({ "id": format!("42\n{FORGED}"), "username": "mira" }),
        ),
        ..IdpOptions::default()
    })
    .await;
    let service = service(&idp, StoreKind::Cookie, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let (capture, guard) = LogCapture::capture();
    let completion = service
        .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
        .await;
    drop(guard);
    // The id itself is the provider's and is returned as it is; only logs are sanitized.
    assert!(completion.result.unwrap().user.oauth_id.contains('\n'));
    let logs = capture.text();
    assert!(logs.contains("login completed"), "{logs}");
    assert!(logs.contains("42\\nFORGED"), "{logs}");
    assert_no_forged_line(&logs);
}

#[test]
fn error_messages_escape_and_cap_provider_text() {
    let context = ProviderContext::new("kitprovider", Stage::UserInfo);
    let hinted = Error::HttpStatus {
        context: context.clone(),
        status: 403,
        message: None,
        hint: Some(format!("scope\n{FORGED}")),
        detail: None,
        excerpt: None,
    };
    assert!(!hinted.to_string().contains('\n'), "{hinted}");
    let oauth = Error::OAuth {
        context,
        status: 400,
        body: oauth_kit_core::OAuthErrorBody {
            error: format!("{}\n", "e".repeat(10_000)),
            error_description: None,
            error_uri: None,
        },
    };
    let display = oauth.to_string();
    assert!(!display.contains('\n'));
    assert!(
        display.chars().count() < MAX_PROVIDER_TEXT + 100,
        "{display}"
    );
}

#[tokio::test]
async fn callback_error_description_is_escaped() {
    let idp = Idp::start().await;
    let service = service(&idp, StoreKind::Cookie, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let callback = query(&[
        ("error", "access_denied"),
        ("error_description", &format!("no\n{FORGED}")),
        ("state", &begun.state),
    ]);
    let (capture, guard) = LogCapture::capture();
    let completion = service
        .complete(PROVIDER, &callback, Some(&begun.cookie))
        .await;
    drop(guard);
    match completion.result {
        Err(Error::AuthorizationDenied { description, .. }) => {
            assert_eq!(
                description.as_deref(),
                Some(format!("no\\n{FORGED}").as_str())
            );
        }
        other => panic!("expected AuthorizationDenied, got {other:?}"),
    }
    assert_no_forged_line(&capture.text());
    assert_eq!(idp.token_requests().await, 0);
}
