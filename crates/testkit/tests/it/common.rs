//! Helpers shared by the integration tests: a plain HTTP client and the steps of a login.

use oauth_kit_testkit::MockBitbucket;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;
use url::Url;

/// The redirect URI the tests register, with a query of its own to check that it is kept.
pub(crate) const REDIRECT_URI: &str = "http://localhost:3000/auth/bitbucket/callback?from=test";

/// A client that does not follow redirects, so tests see the mock's 302s.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client without TLS configuration builds")
}

/// The authorization URL for the default consumer with `redirect_uri` and `state`.
pub(crate) fn authorize_url(mock: &MockBitbucket, redirect_uri: &str, state: &str) -> Url {
    let mut url = Url::parse(&mock.authorize_url()).expect("the mock's URL parses");
    url.query_pairs_mut()
        .append_pair("client_id", &mock.client_id())
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state);
    url
}

/// The `Location` of a redirect response, parsed.
pub(crate) fn location(response: &reqwest::Response) -> Url {
    let value = response
        .headers()
        .get(LOCATION)
        .expect("the response is a redirect with a Location")
        .to_str()
        .expect("Location is ASCII");
    Url::parse(value).expect("Location is an absolute URL")
}

/// The first value of `key` in the URL's query.
pub(crate) fn query_param(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Runs the authorization request with auto-approve and returns the code.
pub(crate) async fn authorize_code(mock: &MockBitbucket, client: &reqwest::Client) -> String {
    let response = client
        .get(authorize_url(mock, REDIRECT_URI, "st4te").as_str())
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status(), StatusCode::FOUND);
    query_param(&location(&response), "code").expect("the redirect carries a code")
}

/// A token request with the default consumer's Basic credentials and this form.
pub(crate) async fn token_request(
    mock: &MockBitbucket,
    client: &reqwest::Client,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(mock.token_url())
        .basic_auth(mock.client_id(), Some(mock.client_secret()))
        .form(form)
        .send()
        .await
        .expect("the mock answers")
}

/// Exchanges a fresh code and returns the token response's JSON.
pub(crate) async fn login(mock: &MockBitbucket, client: &reqwest::Client) -> Value {
    let code = authorize_code(mock, client).await;
    let response = token_request(
        mock,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::OK, "token exchange failed: {body}");
    body
}

/// Logs in and returns the access token.
pub(crate) async fn access_token(mock: &MockBitbucket, client: &reqwest::Client) -> String {
    login(mock, client).await["access_token"]
        .as_str()
        .expect("the token response has an access_token")
        .to_owned()
}

/// A GET with `Authorization: Bearer`.
pub(crate) async fn api_get(client: &reqwest::Client, url: &str, token: &str) -> reqwest::Response {
    client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("the mock answers")
}

/// The status and the body parsed as JSON.
pub(crate) async fn json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("the body is readable");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the body is JSON ({e}): {text}"));
    (status, value)
}
