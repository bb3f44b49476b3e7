//! Facebook's own cases: the app-scoped id, an email that is never verified, the picture, the
//! Graph API version in every endpoint, the code exchange as a GET, Graph error envelopes, and
//! the capabilities Facebook lacks.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientSecret,
    CsrfState, Error, HttpClient, OAuthProvider, OAuthToken, RefreshToken, Revocation,
};
use oauth_kit_facebook::{FacebookProvider, SPEC};
use oauth_kit_testkit::{StatusError, env_lookup, expect_http_status, fixture, map_fixture};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP_ID: &str = "1187432095561204";
const APP_SECRET: &str = "3f9c2a71d8e4b6051c7a9e2f4d8b6a10";
const REDIRECT_URI: &str = "http://localhost:8000/auth/facebook/callback";

/// The provider with the Graph API on `server` (the token endpoint follows it).
fn provider(server: &MockServer) -> FacebookProvider {
    FacebookProvider::from_lookup(env_lookup([
        ("FACEBOOK_CLIENT_ID", APP_ID.to_owned()),
        ("FACEBOOK_CLIENT_SECRET", APP_SECRET.to_owned()),
        ("FACEBOOK_API_URL", format!("{}/v23.0", server.uri())),
    ]))
    .unwrap()
}

#[test]
fn the_profile_maps_and_the_email_is_never_verified() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "10224716398204581");
    assert_eq!(user.first_name.as_deref(), Some("Tomasz"));
    assert_eq!(user.last_name.as_deref(), Some("Wierzbicki"));
    assert_eq!(user.email.as_deref(), Some("tomasz.w@example.org"));
    assert!(!user.email_verified);
    assert!(user.avatar_url.as_deref().unwrap().starts_with(
        "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10224716398204581"
    ));
    assert_eq!((user.username, user.profile_url), (None, None));
}

#[test]
fn no_email_and_the_default_silhouette_give_none() {
    let user = map_fixture(&SPEC, &fixture!("user_no_email.json")).unwrap();
    assert_eq!(user.email, None);
    assert!(!user.email_verified);
    assert_eq!(user.avatar_url, None);
    // Without first and last names, `name` is split.
    assert_eq!(user.first_name.as_deref(), Some("Oyelaran"));
    assert_eq!(user.last_name, None);
    // Even a claim of verification is not taken: Facebook does not document one.
    let mut raw = fixture!("user.json");
    raw["email_verified"] = json!(true);
    raw["verified"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn the_id_must_be_present() {
    for bad in [
        json!({"name": "x"}),
        json!({"id": ""}),
        json!({"id": {"a": 1}}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn the_graph_version_is_in_every_endpoint_and_scopes_are_comma_separated() {
    let vars: HashMap<&str, &str> = HashMap::from([
        ("FACEBOOK_CLIENT_ID", APP_ID),
        ("FACEBOOK_CLIENT_SECRET", APP_SECRET),
        ("FACEBOOK_VERSION", "v24.0"),
    ]);
    let facebook =
        FacebookProvider::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned())).unwrap();
    assert_eq!(
        facebook.user_info_url().as_str(),
        "https://graph.facebook.com/v24.0/me?fields=id,name,first_name,last_name,email,picture"
    );
    let state = CsrfState::new("st");
    let options = AuthorizeOptions::default();
    let url = facebook
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();
    assert!(
        url.as_str()
            .starts_with("https://www.facebook.com/v24.0/dialog/oauth?")
    );
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "scope" && v == "public_profile,email")
    );

    let bad = FacebookProvider::builder(APP_ID, ClientSecret::new(APP_SECRET))
        .param("version", "v23.0/../x")
        .build();
    assert!(matches!(bad, Err(Error::Config { .. })));
}

#[tokio::test]
async fn the_code_is_exchanged_with_a_get_carrying_the_app_credentials() {
    let server = MockServer::start().await;
    let token = fixture!("token.json");
    let access = token["access_token"].as_str().unwrap().to_owned();
    Mock::given(method("GET"))
        .and(path("/v23.0/oauth/access_token"))
        .and(query_param("client_id", APP_ID))
        .and(query_param("client_secret", APP_SECRET))
        .and(query_param("redirect_uri", REDIRECT_URI))
        .and(query_param("code", "AQBx7-code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v23.0/me"))
        .and(query_param(
            "fields",
            "id,name,first_name,last_name,email,picture",
        ))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let facebook = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = facebook
        .exchange_code(
            &http,
            &AuthorizationCode::new("AQBx7-code"),
            REDIRECT_URI,
            None,
        )
        .await
        .unwrap();
    assert_eq!(token.expires_in.map(|d| d.as_secs()), Some(5_183_944));
    let user = facebook.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.email_verified),
        ("facebook", false)
    );
    server.verify().await;
}

#[tokio::test]
async fn a_reused_code_is_an_error_that_keeps_facebook_s_text_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v23.0/oauth/access_token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture!("token_error_code_used.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .exchange_code(&http, &AuthorizationCode::new("used"), REDIRECT_URI, None)
        .await
        .unwrap_err();
    let StatusError {
        status, excerpt, ..
    } = expect_http_status(&err);
    assert_eq!(status, 400);
    assert!(
        excerpt
            .as_deref()
            .unwrap()
            .contains("This authorization code has been used.")
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(APP_SECRET), "{text}");
    }
}

#[tokio::test]
async fn an_expired_token_gets_the_graph_hint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v23.0/me"))
        .respond_with(ResponseTemplate::new(400).set_body_json(fixture!("error_190.json")))
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("EAAexpired"));
    let err = provider(&server)
        .user_info(&http, &token)
        .await
        .unwrap_err();
    let StatusError {
        status,
        message,
        hint,
        ..
    } = expect_http_status(&err);
    assert_eq!(status, 400);
    assert!(
        message
            .unwrap()
            .starts_with("Error validating access token")
    );
    assert!(hint.unwrap().contains("log in again"));
}

#[tokio::test]
async fn refresh_and_revocation_are_unsupported_without_a_request() {
    let server = MockServer::start().await;
    let facebook = provider(&server);
    let http = HttpClient::new().unwrap();
    let err = facebook
        .refresh(&http, &RefreshToken::new("none"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    let token = OAuthToken::bearer(AccessToken::new("EAA"));
    let outcome = facebook.revoke(&http, &token).await.unwrap();
    assert!(matches!(outcome, Revocation::Unsupported { .. }));
    assert!(server.received_requests().await.unwrap().is_empty());
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_facebook::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"id": "10224716398204581"}"#,
    )
    .error(401, include_str!("fixtures/error_190.json")),
}
