//! A whole login against the mock: authorize, token, `/2.0/user` and both pages of emails.

use oauth_kit_testkit::MockBitbucket;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{
    REDIRECT_URI, api_get, authorize_url, client, json, location, query_param, token_request,
};

#[tokio::test]
async fn authorize_token_user_and_two_pages_of_emails_round_trip() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();

    // Authorize: a 302 back to the redirect URI, its own query kept, code and state added.
    let response = client
        .get(authorize_url(&mock, REDIRECT_URI, "xyz-state").as_str())
        .send()
        .await
        .expect("authorize answers");
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = location(&response);
    assert_eq!(back.origin().ascii_serialization(), "http://localhost:3000");
    assert_eq!(back.path(), "/auth/bitbucket/callback");
    assert_eq!(query_param(&back, "from").as_deref(), Some("test"));
    assert_eq!(query_param(&back, "state").as_deref(), Some("xyz-state"));
    let code = query_param(&back, "code").expect("a code");
    assert!(
        (16..=24).contains(&code.len()),
        "code length {}",
        code.len()
    );

    // Token: Bitbucket's shape, with "scopes" and the grant type in "state".
    let response = token_request(
        &mock,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(
        response.headers()["content-type"].to_str().ok(),
        Some("application/json")
    );
    let (status, token) = json(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(token["scopes"], "account email");
    assert_eq!(token["state"], "authorization_code");
    let access_token = token["access_token"].as_str().expect("access_token");

    // User: exactly fixture 8.4.
    let (status, user) =
        json(api_get(&client, &format!("{}/user", mock.api_url()), access_token).await).await;
    assert_eq!(status, StatusCode::OK);
    let fixture = json!({
      "display_name": "Mira Okonkwo-Lind",
      "links": {
        "self": {"href": "https://api.bitbucket.org/2.0/users/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D"},
        "avatar": {"href": "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/712020:6b0f4c2e-91d3-4a57-8e2b-0c9a5d7f1e34/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b/128"},
        "repositories": {"href": "https://api.bitbucket.org/2.0/repositories/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D"},
        "snippets": {"href": "https://api.bitbucket.org/2.0/snippets/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D"},
        "html": {"href": "https://bitbucket.org/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D/"},
        "hooks": {"href": "https://api.bitbucket.org/2.0/users/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D/hooks"}
      },
      "created_on": "2021-03-14T09:26:53.589793+00:00",
      "type": "user",
      "uuid": "{3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73}",
      "has_2fa_enabled": null,
      "username": "mira-ol",
      "is_staff": false,
      "account_id": "712020:6b0f4c2e-91d3-4a57-8e2b-0c9a5d7f1e34",
      "nickname": "Mira O-L",
      "account_status": "active",
      "location": null
    });
    assert_eq!(user, fixture);

    // Emails page 1: fixture 8.5, with `next` an absolute URL on the mock.
    let base = mock.base_url();
    let (status, page1) = json(
        api_get(
            &client,
            &format!("{}/user/emails", mock.api_url()),
            access_token,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page1,
        json!({
          "pagelen": 2,
          "size": 3,
          "page": 1,
          "next": format!("{base}/2.0/user/emails?page=2&pagelen=2"),
          "values": [
            {"is_primary": false, "is_confirmed": false, "type": "email", "email": "mira.old@example.org",
             "links": {"self": {"href": "https://api.bitbucket.org/2.0/user/emails/mira.old@example.org"}}},
            {"is_primary": false, "is_confirmed": true, "type": "email", "email": "m.okonkwo@example.net",
             "links": {"self": {"href": "https://api.bitbucket.org/2.0/user/emails/m.okonkwo@example.net"}}}
          ]
        })
    );

    // Following `next` as an opaque URL gives page 2: fixture 8.6, the last page.
    let next = page1["next"].as_str().expect("next link");
    let (status, page2) = json(api_get(&client, next, access_token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page2,
        json!({
          "pagelen": 2,
          "size": 3,
          "page": 2,
          "previous": format!("{base}/2.0/user/emails?page=1&pagelen=2"),
          "values": [
            {"is_primary": true, "is_confirmed": true, "type": "email", "email": "mira@example.com",
             "links": {"self": {"href": "https://api.bitbucket.org/2.0/user/emails/mira@example.com"}}}
          ]
        })
    );

    let counters = mock.counters();
    assert_eq!(
        (
            counters.authorize,
            counters.token,
            counters.user,
            counters.emails
        ),
        (1, 1, 1, 2)
    );
}

#[tokio::test]
async fn login_acts_for_the_current_user_and_omits_a_missing_username() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    assert!(mock.set_current_user("Tomás F Q"));
    let token = crate::common::access_token(&mock, &client).await;

    let (_, user) = json(api_get(&client, &format!("{}/user", mock.api_url()), &token).await).await;
    assert_eq!(user["display_name"], "Tomás Ferreira Quist");
    assert_eq!(user["has_2fa_enabled"], true);
    assert!(
        user.get("username").is_none(),
        "username must be absent: {user}"
    );

    let (_, emails) =
        json(api_get(&client, &format!("{}/user/emails", mock.api_url()), &token).await).await;
    assert_eq!(emails["values"][0]["email"], "tomas@example.com");
    assert_eq!(emails["values"][0]["is_primary"], true);
    assert!(emails.get("next").is_none());
}

#[tokio::test]
async fn tokens_keep_acting_for_the_user_who_approved() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let token = crate::common::access_token(&mock, &client).await;
    assert!(mock.set_current_user("{8d1b6c3e-2f4a-4b9d-a0c7-5e3f1d2b9a64}"));

    let (_, user) = json(api_get(&client, &format!("{}/user", mock.api_url()), &token).await).await;
    assert_eq!(user["username"], "mira-ol");
}

#[tokio::test]
async fn set_current_user_with_an_unknown_name_changes_nothing() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    assert!(!mock.set_current_user("nobody"));
    let client = client();
    let token = crate::common::access_token(&mock, &client).await;
    let (_, user) = json(api_get(&client, &format!("{}/user", mock.api_url()), &token).await).await;
    assert_eq!(user["username"], "mira-ol");
}

#[tokio::test]
async fn added_users_can_log_in() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    mock.add_user(oauth_kit_testkit::MockUser {
        uuid: "{00000000-0000-4000-8000-000000000001}".to_owned(),
        username: Some("zed".to_owned()),
        display_name: "Zed <script>".to_owned(),
        emails: vec![],
        ..oauth_kit_testkit::MockUser::mira()
    });
    assert!(mock.set_current_user("zed"));
    let client = client();
    let token = crate::common::access_token(&mock, &client).await;

    let (_, user) = json(api_get(&client, &format!("{}/user", mock.api_url()), &token).await).await;
    assert_eq!(user["display_name"], "Zed <script>");
    let (_, emails) =
        json(api_get(&client, &format!("{}/user/emails", mock.api_url()), &token).await).await;
    assert_eq!(emails["size"], 0);
    assert_eq!(emails["values"], json!([]));
}

#[tokio::test]
async fn a_login_hint_naming_an_account_logs_that_account_in_for_one_authorization() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let client = client();
    let mut url = authorize_url(&mock, REDIRECT_URI, "hinted");
    url.query_pairs_mut().append_pair("login_hint", "Tomás F Q");
    let response = client
        .get(url.as_str())
        .send()
        .await
        .expect("authorize answers");
    let code = query_param(&location(&response), "code").expect("a code");
    let response = token_request(
        &mock,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    let (_, token) = json(response).await;
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let (_, user) = json(api_get(&client, &format!("{}/user", mock.api_url()), &token).await).await;
    assert_eq!(user["display_name"], "Tomás Ferreira Quist");

    // Unknown hints, and requests without one, act for the current user.
    let mut url = authorize_url(&mock, REDIRECT_URI, "unknown");
    url.query_pairs_mut().append_pair("login_hint", "nobody");
    let response = client
        .get(url.as_str())
        .send()
        .await
        .expect("authorize answers");
    assert!(query_param(&location(&response), "code").is_some());
    let token = crate::common::access_token(&mock, &client).await;
    let (_, user) = json(api_get(&client, &format!("{}/user", mock.api_url()), &token).await).await;
    assert_eq!(user["username"], "mira-ol");
}
