//! What `counters()` records and `reset_counters()` forgets.

use oauth_kit_testkit::{Counters, MockBitbucket};

use crate::common::{REDIRECT_URI, access_token, api_get, authorize_code, client, token_request};

#[tokio::test]
async fn counters_start_at_zero() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    assert_eq!(mock.counters(), Counters::default());
}

#[tokio::test]
async fn counters_count_each_endpoint_and_grant_type() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let _ = token_request(
        &mock,
        &client,
        &[("grant_type", "refresh_token"), ("refresh_token", "bad")],
    )
    .await;
    let _ = token_request(&mock, &client, &[("grant_type", "client_credentials")]).await;
    let _ = client
        .post(mock.token_url())
        .body("{}")
        .header("content-type", "application/json")
        .send()
        .await;
    let _ = api_get(&client, &format!("{}/user", mock.api_url()), &token).await;
    let _ = api_get(&client, &format!("{}/user/emails", mock.api_url()), "wrong").await;

    let c = mock.counters();
    assert_eq!(c.authorize, 1);
    assert_eq!(c.token, 4, "every POST to the token URL counts");
    assert_eq!(c.token_authorization_code, 1);
    assert_eq!(c.token_refresh, 1);
    assert_eq!(c.user, 1);
    assert_eq!(c.emails, 1, "refused requests count too");
    assert!(!c.token_in_query);
}

#[tokio::test]
async fn counters_record_parameter_names_but_no_values() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let code = authorize_code(&mock, &client).await;
    let _ = token_request(
        &mock,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    let c = mock.counters();
    assert_eq!(
        c.last_authorize_params,
        ["client_id", "response_type", "redirect_uri", "state"]
    );
    assert_eq!(c.last_token_form, ["grant_type", "code", "redirect_uri"]);
    let debug = format!("{c:?}");
    assert!(!debug.contains(&code));
    assert!(!debug.contains(&mock.client_secret()));
}

#[tokio::test]
async fn last_token_form_is_empty_for_a_json_body() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let _ = token_request(
        &mock,
        &client,
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    )
    .await;
    let _ = client
        .post(mock.token_url())
        .header("content-type", "application/json")
        .body(r#"{"grant_type":"refresh_token"}"#)
        .send()
        .await;
    assert!(mock.counters().last_token_form.is_empty());
}

#[tokio::test]
async fn reset_counters_forgets_everything_but_keeps_tokens_valid() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = access_token(&mock, &client).await;
    let _ = client
        .get(format!("{}/user?access_token={token}", mock.api_url()))
        .send()
        .await;
    assert!(mock.counters().token_in_query);
    mock.reset_counters();
    assert_eq!(mock.counters(), Counters::default());
    let response = api_get(&client, &format!("{}/user", mock.api_url()), &token).await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(mock.counters().user, 1);
}

#[tokio::test]
async fn debug_output_of_the_handle_and_config_hides_the_secret() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    assert!(!format!("{mock:?}").contains("bbClientSecret456"));
    let config = oauth_kit_testkit::MockConfig::default();
    let debug = format!("{config:?}");
    assert!(!debug.contains("bbClientSecret456"));
    assert!(debug.contains("[redacted]"));
}
