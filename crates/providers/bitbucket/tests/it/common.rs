//! Shared helpers of the wiremock-backed tests: fixtures, a provider pointed at the mock, and
//! a capturing `tracing` subscriber.
#![allow(unreachable_pub)]

use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{AccessToken, ClientSecret, HttpClient, HttpConfig, OAuthToken};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The consumer Key of the reference fixtures.
pub const CLIENT_ID: &str = "bbClientKey123";
/// The consumer Secret of the reference fixtures.
pub const CLIENT_SECRET: &str = "bbClientSecret456";
/// `Basic base64(bbClientKey123:bbClientSecret456)`, from the reference.
pub const BASIC_AUTH: &str = "Basic YmJDbGllbnRLZXkxMjM6YmJDbGllbnRTZWNyZXQ0NTY=";
/// The access token of `token_success.json`.
pub const ACCESS_TOKEN: &str = "Jk8yN3Rd0fQx2LmPz9Ws4VbT1cHeUaYo6GiKn5RjXq7Ml3Bf0SdZpWt8Ec2Nv-Ah1Gr9Ku4Lx6Oy3Ts5Qw7Zi0Jm2Pb8Fd1Ve6Hn4Cu9Ya3Sl5Xk7Rt_Wo2Mq";
/// The refresh token of `token_success.json` and `token_refresh.json`.
pub const REFRESH_TOKEN: &str = "Zq4PsB7mKd2VhX9nTc";
/// The redirect URI used in the tests.
pub const REDIRECT_URI: &str = "http://localhost:8000/auth/bitbucket/callback";

pub const TOKEN_PATH: &str = "/site/oauth2/access_token";
pub const USER_PATH: &str = "/2.0/user";
pub const EMAILS_PATH: &str = "/2.0/user/emails";

/// The production API base that fixture links use.
const BITBUCKET_API: &str = "https://api.bitbucket.org/2.0";

/// A fixture file's text.
pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// A fixture as JSON, unchanged.
pub fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

/// A fixture whose links to api.bitbucket.org point at `server` instead.
pub fn fixture_for(server: &MockServer, name: &str) -> Value {
    let text = fixture_text(name).replace(BITBUCKET_API, &format!("{}/2.0", server.uri()));
    serde_json::from_str(&text).unwrap()
}

/// A JSON response with Bitbucket's content type.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// The provider with the reference credentials, every endpoint on `server`.
pub fn provider(server: &MockServer) -> BitbucketProvider {
    BitbucketProvider::builder(CLIENT_ID, ClientSecret::new(CLIENT_SECRET))
        .authorize_url(format!("{}/site/oauth2/authorize", server.uri()))
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .api_url(format!("{}/2.0", server.uri()))
        .build()
        .unwrap()
}

/// An HTTP client with the default limits.
pub fn http() -> HttpClient {
    HttpClient::with_config(HttpConfig::default()).unwrap()
}

/// An HTTP client with the given limits.
pub fn http_with(config: HttpConfig) -> HttpClient {
    HttpClient::with_config(config).unwrap()
}

/// A token holding the fixture's access token.
pub fn token() -> OAuthToken {
    OAuthToken::bearer(AccessToken::new(ACCESS_TOKEN))
}

/// Serves a user fixture, unchanged, on `/2.0/user`.
pub async fn mount_user(server: &MockServer, fixture_name: &str) {
    Mock::given(method("GET"))
        .and(path(USER_PATH))
        .respond_with(json(200, fixture(fixture_name)))
        .mount(server)
        .await;
}

/// The requests `server` received on `request_path`.
pub async fn requests_to(server: &MockServer, request_path: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == request_path)
        .collect()
}

/// The form pairs of a request body.
pub fn form(request: &wiremock::Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

/// Everything logged while the guard lives, as text.
#[allow(unused_imports)]
pub use oauth_kit_testkit::LogCapture as Logs;
