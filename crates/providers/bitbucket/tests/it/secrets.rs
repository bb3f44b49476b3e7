//! No secret in `Debug`, `Display` or the logs of a whole run, successes and failures alike.

use oauth_kit_core::{AuthorizationCode, OAuthProvider, RefreshToken};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

const CODE: &str = "C0DE-S3NTINEL-4f2a";

#[tokio::test]
async fn a_whole_run_logs_and_prints_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(json(200, fixture("token_success.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(json(400, fixture("token_error_invalid_refresh.json")))
        .mount(&server)
        .await;
    mount_user(&server, "user.json").await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(json(403, fixture("error_403_emails_scope.json")))
        .mount(&server)
        .await;
    let (logs, _guard) = Logs::capture();
    let provider = provider(&server);
    let http = http();

    let token = provider
        .exchange_code(&http, &AuthorizationCode::new(CODE), REDIRECT_URI, None)
        .await
        .unwrap();
    let user = provider.user_info(&http, &token).await.unwrap();
    let refresh_error = provider
        .refresh(&http, &RefreshToken::new(REFRESH_TOKEN))
        .await
        .unwrap_err();

    let printed = [
        logs.text(),
        format!("{provider:?}"),
        format!("{token:?}"),
        format!("{user:?}"),
        format!("{refresh_error:?}"),
        refresh_error.to_string(),
    ];
    for text in &printed {
        for secret in [
            CLIENT_SECRET,
            ACCESS_TOKEN,
            REFRESH_TOKEN,
            CODE,
            &BASIC_AUTH[6..],
        ] {
            assert!(!text.contains(secret), "a secret leaked into:\n{text}");
        }
    }
    assert!(
        printed[0].contains("provider request"),
        "the run was logged: {}",
        printed[0]
    );
}
