//! Helpers shared by the integration tests of the OAuth 2.0 engine: recognisable secrets, an
//! engine pointed at a wiremock server, and checks that no secret reaches a printed error.

use std::time::Duration;

use oauth_kit_core::{
    AuthorizationCode, ClientSecret, Error, HttpClient, HttpConfig, OAuth2Client, OAuthToken,
};
use serde_json::{Value, json};
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

/// The provider name the engine reports in errors and events.
pub(crate) const PROVIDER: &str = "kitprovider";
/// The client id (public).
pub(crate) const CLIENT_ID: &str = "kit-client-id";
/// The client secret; it must never be printed.
pub(crate) const CLIENT_SECRET: &str = "CS-s3ntinel-client-secret-0123456789";
/// The authorization code; it must never be printed.
pub(crate) const CODE: &str = "CODE-s3ntinel-authorization-code-0123456789";
/// The access token the mock issues; it must never be printed.
pub(crate) const ACCESS_TOKEN: &str = "AT-s3ntinel-access-token-0123456789";
/// The refresh token the mock issues; it must never be printed.
pub(crate) const REFRESH_TOKEN: &str = "RT-s3ntinel-refresh-token-0123456789";
/// The ID token the mock issues; it must never be printed.
pub(crate) const ID_TOKEN: &str = "IDT-s3ntinel-id-token-0123456789";
/// A valid PKCE verifier (43 characters); it must never be printed.
pub(crate) const VERIFIER: &str = "VER-s3ntinel-pkce-verifier-0123456789abcdef";
/// The exact callback URL registered with the provider.
pub(crate) const REDIRECT_URI: &str = "http://localhost:8000/auth/kitprovider/callback";
/// The token endpoint's path on the mock.
pub(crate) const TOKEN_PATH: &str = "/oauth/token";
/// The user endpoint's path on the mock.
pub(crate) const USER_PATH: &str = "/api/user";

/// Every secret value of the fixtures.
pub(crate) const SECRETS: &[&str] = &[
    CLIENT_SECRET,
    CODE,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    ID_TOKEN,
    VERIFIER,
];

/// The absolute token endpoint URL on `server`.
pub(crate) fn token_url(server: &MockServer) -> Url {
    Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).expect("the mock's URL parses")
}

/// The absolute user endpoint URL on `server`.
pub(crate) fn user_url(server: &MockServer) -> Url {
    Url::parse(&format!("{}{USER_PATH}", server.uri())).expect("the mock's URL parses")
}

/// An engine (HTTP Basic client authentication, strict parsing) whose token endpoint is `url`.
pub(crate) fn engine_at(url: Url) -> OAuth2Client {
    OAuth2Client::new(
        PROVIDER,
        CLIENT_ID,
        ClientSecret::new(CLIENT_SECRET),
        Url::parse("https://idp.example/oauth/authorize").expect("static URL parses"),
        url,
    )
}

/// An engine whose token endpoint is the mock's [`TOKEN_PATH`].
pub(crate) fn engine(server: &MockServer) -> OAuth2Client {
    engine_at(token_url(server))
}

/// An HTTP client with `config`.
pub(crate) fn http_with(config: HttpConfig) -> HttpClient {
    HttpClient::with_config(config).expect("the HTTP client builds")
}

/// An HTTP client with short limits so that failing tests fail fast.
pub(crate) fn http() -> HttpClient {
    http_with(HttpConfig::default().timeout(Duration::from_secs(5)))
}

/// A standard RFC 6749 section 5.1 token response carrying every fixture token.
pub(crate) fn token_body() -> Value {
    json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": REFRESH_TOKEN,
        "id_token": ID_TOKEN,
        "scope": "account email",
    })
}

/// Mounts `response` on `POST {TOKEN_PATH}` and expects exactly one request.
pub(crate) async fn mount_token_once(server: &MockServer, response: ResponseTemplate) {
    Mock::given(matchers::method("POST"))
        .and(matchers::path(TOKEN_PATH))
        .respond_with(response)
        .expect(1)
        .named("token endpoint")
        .mount(server)
        .await;
}

/// Exchanges the fixture code (with the fixture verifier) through `engine`.
pub(crate) async fn exchange(
    engine: &OAuth2Client,
    http: &HttpClient,
) -> Result<OAuthToken, Error> {
    let verifier =
        oauth_kit_core::PkceVerifier::new(VERIFIER).expect("the fixture verifier is valid");
    engine
        .exchange_code(
            http,
            &AuthorizationCode::new(CODE),
            REDIRECT_URI,
            Some(&verifier),
        )
        .await
}

/// Asserts that `text` contains none of the fixture secrets.
pub(crate) fn assert_no_secret_in(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "a secret leaked into {text:?}");
    }
    // A secret cut in half by an excerpt would still be a leak.
    assert!(
        !text.contains("s3ntinel"),
        "part of a secret leaked into {text:?}"
    );
}

/// Asserts that neither `Display` nor `Debug` of `err` contains a fixture secret.
pub(crate) fn assert_error_is_clean(err: &Error) {
    assert_no_secret_in(&format!("{err}"));
    assert_no_secret_in(&format!("{err:?}"));
    assert_no_secret_in(&format!("{err:#?}"));
}

/// The form pairs of a request body, in order.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The value of header `name` of a received request, as text.
pub(crate) fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Owned copies of `list`, to compare with [`form_pairs`].
pub(crate) fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The one request the mock received, once its expectations are verified.
pub(crate) async fn only_request(server: &MockServer) -> wiremock::Request {
    server.verify().await;
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}
