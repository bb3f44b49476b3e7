//! GitHub's own cases: the mapping of `/user`, the verified address from `/user/emails`, the
//! token endpoint's quirks, revocation by DELETE, and the endpoint variables (github.com,
//! GitHub Enterprise Server and the demo contract's layout).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_core::spec::Profile;
use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientSecret,
    CsrfState, Error, HttpClient, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier,
    RefreshToken, Revocation,
};
use oauth_kit_github::{GitHubProvider, SPEC};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "Ov23liQx7Kp2Wm9Rt4Zb";
const CLIENT_SECRET: &str = "c5e1f0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3";
const REDIRECT_URI: &str = "http://localhost:8000/auth/github/callback";
const ACCESS_TOKEN: &str = "gho_Xk82PqW0Lz5TnB7vRm3YcD9sFh1JuA6eGi4o";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn map(raw: &Value) -> Result<OAuthUserInfo, String> {
    (SPEC.map_user)(&Profile::new("github", raw))
}

fn lookup(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    move |name| vars.get(name).cloned()
}

/// The provider as the demo contract configures it: every endpoint on `server`, the API laid
/// out like GitHub Enterprise Server's `/api/v3`.
fn provider(server: &MockServer) -> GitHubProvider {
    let base = server.uri();
    GitHubProvider::from_lookup(lookup(&[
        ("GITHUB_CLIENT_ID", CLIENT_ID.to_owned()),
        ("GITHUB_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        (
            "GITHUB_AUTHORIZE_URL",
            format!("{base}/login/oauth/authorize"),
        ),
        (
            "GITHUB_TOKEN_URL",
            format!("{base}/login/oauth/access_token"),
        ),
        ("GITHUB_API_URL", format!("{base}/api/v3")),
    ]))
    .unwrap()
}

fn token() -> OAuthToken {
    OAuthToken::bearer(AccessToken::new(ACCESS_TOKEN))
}

async fn serve_user(server: &MockServer, user: &str, emails: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/api/v3/user"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(user)))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/user/emails"))
        .and(query_param("per_page", "100"))
        .respond_with(emails)
        .expect(1)
        .mount(server)
        .await;
}

#[test]
fn numeric_id_is_written_out_and_the_profile_maps() {
    let user = map(&fixture("user.json")).unwrap();
    assert_eq!(user.oauth_id, "48213907");
    assert_eq!(user.username.as_deref(), Some("mira-okonkwo"));
    assert_eq!(user.first_name.as_deref(), Some("Mira"));
    assert_eq!(user.last_name.as_deref(), Some("Okonkwo-Lind"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://avatars.githubusercontent.com/u/48213907?v=4")
    );
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://github.com/mira-okonkwo")
    );
    // The public address alone is never taken as verified.
    assert_eq!(user.email.as_deref(), Some("mira@example.org"));
    assert!(!user.email_verified);
}

#[test]
fn ids_beyond_float_precision_stay_exact_and_nulls_become_none() {
    let user = map(&fixture("user_minimal.json")).unwrap();
    assert_eq!(user.oauth_id, "9007199254740993");
    assert_eq!(user.username.as_deref(), Some("qbit-7"));
    assert_eq!(
        (user.first_name, user.last_name, user.email),
        (None, None, None)
    );
    for bad in [json!({"login": "x"}), json!({"id": 1.5}), json!({"id": ""})] {
        assert!(map(&bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn the_primary_verified_address_is_the_verified_email() {
    let server = MockServer::start().await;
    let emails = ResponseTemplate::new(200).set_body_json(fixture("emails.json"));
    serve_user(&server, "user.json", emails).await;
    let http = HttpClient::new().unwrap();
    let user = provider(&server).user_info(&http, &token()).await.unwrap();
    assert_eq!(user.provider, "github");
    assert_eq!(user.email.as_deref(), Some("mira@example.org"));
    assert!(user.email_verified);
    assert_eq!(user.raw_data, fixture("user.json"));
    server.verify().await;
}

#[tokio::test]
async fn an_unverified_primary_address_is_not_verified() {
    let server = MockServer::start().await;
    let emails =
        ResponseTemplate::new(200).set_body_json(fixture("emails_primary_unverified.json"));
    serve_user(&server, "user_minimal.json", emails).await;
    let http = HttpClient::new().unwrap();
    let user = provider(&server).user_info(&http, &token()).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("new-address@example.net"));
    assert!(!user.email_verified);
}

#[tokio::test]
async fn without_the_email_scope_the_public_address_stays_unverified() {
    let server = MockServer::start().await;
    let refused = ResponseTemplate::new(404).set_body_json(json!({
        "message": "Not Found", "documentation_url": "https://docs.github.com/rest"
    }));
    serve_user(&server, "user.json", refused).await;
    let http = HttpClient::new().unwrap();
    let (logs, guard) = oauth_kit_testkit::LogCapture::capture();
    let user = provider(&server).user_info(&http, &token()).await.unwrap();
    drop(guard);
    assert_eq!(user.email.as_deref(), Some("mira@example.org"));
    assert!(!user.email_verified);
    let logs = logs.text();
    assert!(logs.contains("user:email"), "{logs}");
    assert!(!logs.contains(ACCESS_TOKEN), "{logs}");
}

#[tokio::test]
async fn email_list_failures_fail_the_login_with_github_s_message() {
    let server = MockServer::start().await;
    let broken = ResponseTemplate::new(500).set_body_json(json!({"message": "Server Error"}));
    serve_user(&server, "user.json", broken).await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .user_info(&http, &token())
        .await
        .unwrap_err();
    let Error::HttpStatus {
        status, message, ..
    } = err
    else {
        panic!("expected an HTTP status error, got {err:?}");
    };
    assert_eq!((status, message.as_deref()), (500, Some("Server Error")));
}

#[tokio::test]
async fn bad_credentials_on_user_carry_github_s_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/user"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("error_401.json")))
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .user_info(&http, &token())
        .await
        .unwrap_err();
    let Error::HttpStatus {
        status,
        message,
        hint,
        ..
    } = err
    else {
        panic!("expected an HTTP status error, got {err:?}");
    };
    assert_eq!((status, message.as_deref()), (401, Some("Bad credentials")));
    assert!(hint.unwrap().contains("log in again"));
}

#[tokio::test]
async fn the_code_exchange_sends_the_credentials_in_the_body_and_asks_for_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(header("accept", "application/json"))
        .and(body_string_contains(
            format!("client_id={CLIENT_ID}").as_str(),
        ))
        .and(body_string_contains(
            format!("client_secret={CLIENT_SECRET}").as_str(),
        ))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("token.json")))
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let code = AuthorizationCode::new("9f2c4e1a7b3d5f8e0c6a");
    let token = provider(&server)
        .exchange_code(&http, &code, REDIRECT_URI, Some(&verifier))
        .await
        .unwrap();
    assert_eq!(token.access_token.secret(), ACCESS_TOKEN);
    assert_eq!(token.scopes, ["read:user", "user:email"]);
    assert!(token.refresh_token.is_none());
    let request = &server.received_requests().await.unwrap()[0];
    assert!(!request.headers.contains_key("authorization"));
}

#[tokio::test]
async fn token_errors_with_http_200_are_oauth_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("token_error_bad_code.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let code = AuthorizationCode::new("used-code");
    let err = provider(&server)
        .exchange_code(&http, &code, REDIRECT_URI, None)
        .await
        .unwrap_err();
    let body = err.oauth_error().unwrap();
    assert_eq!(body.error, "bad_verification_code");
    assert_eq!(
        body.error_description.as_deref(),
        Some("The code passed is incorrect or expired.")
    );
}

#[tokio::test]
async fn form_encoded_token_responses_are_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("access_token={ACCESS_TOKEN}&scope=repo%2Cgist&token_type=bearer"),
            "application/x-www-form-urlencoded; charset=utf-8",
        ))
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let code = AuthorizationCode::new("code");
    let token = provider(&server)
        .exchange_code(&http, &code, REDIRECT_URI, None)
        .await
        .unwrap();
    assert_eq!(token.access_token.secret(), ACCESS_TOKEN);
    assert_eq!(token.scopes, ["repo", "gist"]);
}

#[tokio::test]
async fn github_app_user_tokens_refresh_and_the_new_refresh_token_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=ghr_old"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("token_github_app.json")))
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let token = provider(&server)
        .refresh(&http, &RefreshToken::new("ghr_old"))
        .await
        .unwrap();
    assert!(token.expires_at.is_some());
    let rotated = token.refresh_token.as_ref().map(RefreshToken::secret);
    assert!(rotated.unwrap().starts_with("ghr_Lw7"));
    assert!(token.scopes.is_empty());
}

#[tokio::test]
async fn revocation_deletes_the_token_with_basic_client_authentication() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/v3/applications/{CLIENT_ID}/token")))
        .and(header(
            "authorization",
            "Basic T3YyM2xpUXg3S3AyV205UnQ0WmI6YzVlMWYwYTliOGQ3YzZlNWY0YTNiMmMxZDBlOWY4YTdiNmM1ZDRlMw==",
        ))
        .and(body_json(json!({"access_token": ACCESS_TOKEN})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let outcome = provider(&server).revoke(&http, &token()).await.unwrap();
    assert_eq!(outcome, Revocation::Revoked);
    server.verify().await;
}

#[test]
fn the_demo_contract_variables_move_every_endpoint() {
    let vars = [
        ("GITHUB_CLIENT_ID", "smoke-gh".to_owned()),
        ("GITHUB_CLIENT_SECRET", "smoke-secret".to_owned()),
        (
            "GITHUB_AUTHORIZE_URL",
            "http://127.0.0.1:9/login/oauth/authorize".to_owned(),
        ),
        (
            "GITHUB_TOKEN_URL",
            "http://127.0.0.1:9/login/oauth/access_token".to_owned(),
        ),
        ("GITHUB_API_URL", "http://127.0.0.1:9/api/v3".to_owned()),
    ];
    let github = GitHubProvider::from_lookup(lookup(&vars)).unwrap();
    assert_eq!(github.name(), "github");
    assert_eq!(
        github.user_info_url().as_str(),
        "http://127.0.0.1:9/api/v3/user"
    );
    assert_eq!(
        github.endpoint("emails").unwrap().as_str(),
        "http://127.0.0.1:9/api/v3/user/emails?per_page=100"
    );
    let state = CsrfState::new("state-1");
    let options = AuthorizeOptions::default();
    let url = github
        .authorization_url(&AuthorizationRequest::new(
            "http://127.0.0.1:8000/auth/github/callback",
            &state,
            &options,
        ))
        .unwrap();
    assert!(
        url.as_str()
            .starts_with("http://127.0.0.1:9/login/oauth/authorize?")
    );
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], "smoke-gh");
    assert_eq!(
        query["redirect_uri"],
        "http://127.0.0.1:8000/auth/github/callback"
    );
    assert_eq!(query["scope"], "read:user user:email");
    assert_eq!(query["state"], "state-1");
}

#[test]
fn an_enterprise_server_base_url_moves_the_web_flow_and_the_api() {
    let vars = [
        ("GITHUB_CLIENT_ID", CLIENT_ID.to_owned()),
        ("GITHUB_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("GITHUB_BASE_URL", "https://github.corp.example/".to_owned()),
        ("GITHUB_NAME", "github-corp".to_owned()),
    ];
    let ghes = GitHubProvider::from_lookup(lookup(&vars)).unwrap();
    assert_eq!(ghes.name(), "github-corp");
    assert_eq!(
        ghes.authorization_endpoint().as_str(),
        "https://github.corp.example/login/oauth/authorize"
    );
    assert_eq!(
        ghes.api_url().as_str(),
        "https://github.corp.example/api/v3"
    );
    let public = GitHubProvider::new(CLIENT_ID, ClientSecret::new(CLIENT_SECRET)).unwrap();
    assert_eq!(
        public.token_url().as_str(),
        "https://github.com/login/oauth/access_token"
    );
    assert_eq!(public.api_url().as_str(), "https://api.github.com/");
}

#[test]
fn missing_credentials_name_the_variable_and_the_app() {
    let err = GitHubProvider::from_lookup(lookup(&[])).unwrap_err();
    let Error::Config { setting, reason } = err else {
        panic!("expected a configuration error, got {err:?}");
    };
    assert_eq!(setting, "GITHUB_CLIENT_ID");
    assert!(reason.contains("GitHub OAuth app"), "{reason}");
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_github::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"id": 9007199254740993}"#,
    )
    .endpoint("emails", include_str!("fixtures/emails.json"))
    .minimal_endpoint("emails", "[]")
    .error(401, include_str!("fixtures/error_401.json")),
}
