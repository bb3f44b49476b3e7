//! Bitbucket Data Center's own cases: the required base URL, the user found through the
//! `X-AUSERNAME` header and the user list (exact name match, URL-decoded), the mapping with a
//! relative avatar made absolute and an email that is never verified, PKCE with the
//! credentials in the body, rotated refresh tokens, and Bitbucket's error envelope.

#![allow(clippy::unwrap_used)]

use oauth_kit_bitbucket_dc::{BitbucketDcProvider, SPEC};
use oauth_kit_core::{
    AccessToken, AuthorizationCode, Error, HttpClient, OAuthProvider, OAuthToken, PkceVerifier,
    RefreshToken, Revocation,
};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "7f3c1a9e5b2d4f60";
const CLIENT_SECRET: &str = "c2b9e4f1a7d3c8e5b0f6a2d9c4e1b7f3";
const REDIRECT_URI: &str = "http://localhost:8000/auth/bitbucket-dc/callback";
const TOKEN: &str = "NjQ4NzE1MjcyNjM2OpL6xWq0tHkV8yJz1fTn3cGm5Rb7";

/// The provider for the instance at `server`, from the environment.
fn provider(server: &MockServer) -> BitbucketDcProvider {
    BitbucketDcProvider::from_lookup(env_lookup([
        ("BITBUCKET_DC_CLIENT_ID", CLIENT_ID.to_owned()),
        ("BITBUCKET_DC_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("BITBUCKET_DC_BASE_URL", server.uri()),
    ]))
    .unwrap()
}

/// Serves `application-properties` with `X-AUSERNAME: header` and the user list for `filter`.
async fn serve_user(server: &MockServer, header_value: &str, filter: &str) {
    Mock::given(method("GET"))
        .and(path("/rest/api/latest/application-properties"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-AUSERNAME", header_value)
                .set_body_json(fixture!("application_properties.json")),
        )
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/latest/users"))
        .and(query_param("filter", filter))
        .and(query_param("avatarSize", "48"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("users.json")))
        .expect(1)
        .mount(server)
        .await;
}

fn token() -> OAuthToken {
    OAuthToken::bearer(AccessToken::new(TOKEN))
}

#[test]
fn a_user_entry_maps_and_its_email_is_never_verified() {
    let user = map_fixture(&SPEC, &fixture!("users.json")["values"][0]).unwrap();
    assert_eq!(user.oauth_id, "52");
    assert_eq!(user.username.as_deref(), Some("erlich-bachmann"));
    assert_eq!(user.first_name.as_deref(), Some("Erlich"));
    assert_eq!(user.last_name.as_deref(), Some("Bachmann"));
    assert_eq!(user.email.as_deref(), Some("erlich.b@example.com"));
    assert!(!user.email_verified);
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://bitbucket.example.com/users/erlich-bachmann")
    );
    assert!(map_fixture(&SPEC, &json!({"slug": "x"})).is_err());
}

#[test]
fn the_base_url_is_required_and_places_every_endpoint() {
    let err = BitbucketDcProvider::from_lookup(|name| match name {
        "BITBUCKET_DC_CLIENT_ID" | "BITBUCKET_DC_CLIENT_SECRET" => Some("x".to_owned()),
        _ => None,
    })
    .unwrap_err();
    let Error::Config { setting, reason } = err else {
        panic!("expected a configuration error, got {err:?}");
    };
    assert_eq!(setting, "BITBUCKET_DC_BASE_URL");
    assert!(reason.contains("self-hosted"), "{reason}");
    let dc =
        BitbucketDcProvider::builder(CLIENT_ID, oauth_kit_core::ClientSecret::new(CLIENT_SECRET))
            .base_url("https://git.example.com/bitbucket")
            .build()
            .unwrap();
    assert_eq!(
        dc.authorization_endpoint().as_str(),
        "https://git.example.com/bitbucket/rest/oauth2/latest/authorize"
    );
    assert_eq!(
        dc.api_url().as_str(),
        "https://git.example.com/bitbucket/rest/api/latest"
    );
}

#[tokio::test]
async fn the_user_is_found_by_the_header_and_an_exact_name_match() {
    let server = MockServer::start().await;
    // The filter matches both accounts; only the exact name is the user.
    serve_user(&server, "erlich", "erlich").await;
    let http = HttpClient::new().unwrap();
    let user = provider(&server).user_info(&http, &token()).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("bitbucket-dc", "7")
    );
    assert_eq!(user.email.as_deref(), Some("erlich@example.com"));
    assert!(!user.email_verified);
    assert!(
        user.avatar_url
            .unwrap()
            .starts_with("https://secure.gravatar.com/avatar/")
    );
    assert_eq!(user.raw_data["slug"], "erlich");
    server.verify().await;
}

#[tokio::test]
async fn a_url_encoded_name_is_decoded_and_a_relative_avatar_made_absolute() {
    let server = MockServer::start().await;
    serve_user(&server, "erlich%2Dbachmann", "erlich-bachmann").await;
    let http = HttpClient::new().unwrap();
    let user = provider(&server).user_info(&http, &token()).await.unwrap();
    assert_eq!(user.oauth_id, "52");
    assert_eq!(
        user.avatar_url.as_deref(),
        Some(
            format!(
                "{}/users/erlich-bachmann/avatar.png?s=48&v=1767225600000",
                server.uri()
            )
            .as_str()
        )
    );
    server.verify().await;
}

#[tokio::test]
async fn no_header_or_no_matching_user_is_an_invalid_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/latest/application-properties"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture!("application_properties.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .user_info(&http, &token())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert!(
        server.received_requests().await.unwrap().len() == 1,
        "no user list request"
    );

    let other = MockServer::start().await;
    serve_user(&other, "richard", "richard").await;
    let err = provider(&other)
        .user_info(&http, &token())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn a_login_sends_pkce_and_the_credentials_and_refresh_rotates() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/oauth2/latest/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(
            format!("client_secret={CLIENT_SECRET}").as_str(),
        ))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/oauth2/latest/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token_refresh.json")))
        .expect(1)
        .mount(&server)
        .await;
    let dc = provider(&server);
    let http = HttpClient::new().unwrap();
    let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let token = dc
        .exchange_code(
            &http,
            &AuthorizationCode::new("c0de"),
            REDIRECT_URI,
            Some(&verifier),
        )
        .await
        .unwrap();
    assert_eq!(token.scopes, ["PUBLIC_REPOS"]);
    let refresh = token.refresh_token.clone().unwrap();
    let renewed = dc.refresh(&http, &refresh).await.unwrap();
    assert_ne!(
        renewed.refresh_token.as_ref().map(RefreshToken::secret),
        Some(refresh.secret())
    );
    assert!(matches!(
        dc.revoke(&http, &renewed).await.unwrap(),
        Revocation::Unsupported { .. }
    ));
    server.verify().await;
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_bitbucket_dc::SPEC,
    // No user-info endpoint: the step reads `X-AUSERNAME` from the first endpoint, then finds
    // that user in the user list.
    fixtures: oauth_kit_testkit::conformance::Fixtures::new("{}", "{}")
        .endpoint("whoami", include_str!("fixtures/application_properties.json"))
        .endpoint("users", include_str!("fixtures/users.json"))
        .minimal_endpoint(
            "users",
            r#"{"size": 1, "isLastPage": true, "values": [{"id": 52, "name": "erlich-bachmann"}]}"#,
        )
        .header("whoami", "X-AUSERNAME", "erlich-bachmann")
        .error(401, include_str!("fixtures/error_401.json")),
}
