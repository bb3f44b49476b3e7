//! GitLab's own cases: the mapping of `/api/v4/user` (and what `email_verified` means there),
//! self-managed instances by base URL, two instances side by side, and the token endpoint's
//! behaviour (credentials in the body, rotated refresh tokens, RFC 7009 revocation).

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{
    AccessToken, AuthorizationCode, ClientSecret, Error, HttpClient, OAuthProvider, OAuthToken,
    PkceVerifier, RefreshToken, Revocation, SpecProvider,
};
use oauth_kit_gitlab::{GitLabProvider, SPEC};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP_ID: &str = "3b6f0d7c9a1e4b2f8c5d0a7e6b9f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c";
const SECRET: &str = "gloas-5e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f";
const REDIRECT_URI: &str = "http://localhost:8000/auth/gitlab/callback";

/// A self-managed instance on `server`, configured from the environment.
fn provider(server: &MockServer) -> GitLabProvider {
    GitLabProvider::from_lookup(env_lookup([
        ("GITLAB_CLIENT_ID", APP_ID.to_owned()),
        ("GITLAB_CLIENT_SECRET", SECRET.to_owned()),
        ("GITLAB_BASE_URL", server.uri()),
    ]))
    .unwrap()
}

#[test]
fn numeric_id_is_written_out_and_the_profile_maps() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "7301");
    assert_eq!(user.username.as_deref(), Some("ada.quill"));
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.last_name.as_deref(), Some("Quill Lovelace"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://gitlab.com/uploads/-/system/user/avatar/7301/avatar.png")
    );
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://gitlab.com/ada.quill")
    );
    assert_eq!(user.email.as_deref(), Some("ada@quill.example"));
    assert!(user.email_verified);
}

#[test]
fn an_unconfirmed_account_s_email_is_not_verified() {
    let user = map_fixture(&SPEC, &fixture!("user_unconfirmed.json")).unwrap();
    assert_eq!(user.email.as_deref(), Some("newcomer@example.net"));
    assert!(!user.email_verified);
    assert_eq!(user.first_name.as_deref(), Some("Cher"));
    assert_eq!((user.last_name, user.avatar_url), (None, None));
    // A confirmed account without a readable address has nothing to verify.
    let mut raw = fixture!("user.json");
    raw["email"] = Value::Null;
    let user = map_fixture(&SPEC, &raw).unwrap();
    assert_eq!(user.email, None);
    assert!(!user.email_verified);
}

#[test]
fn a_user_without_an_id_is_rejected() {
    for bad in [
        json!({"username": "x"}),
        json!({"id": null}),
        json!({"id": 7.5}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[test]
fn a_self_managed_base_url_moves_every_endpoint_and_overrides_win() {
    let vars = [
        ("GITLAB_CLIENT_ID", APP_ID.to_owned()),
        ("GITLAB_CLIENT_SECRET", SECRET.to_owned()),
        ("GITLAB_BASE_URL", "https://gitlab.example.com".to_owned()),
        (
            "GITLAB_TOKEN_URL",
            "http://127.0.0.1:9/oauth/token".to_owned(),
        ),
    ];
    let gitlab = GitLabProvider::from_lookup(env_lookup(vars.clone())).unwrap();
    assert_eq!(
        gitlab.authorization_endpoint().as_str(),
        "https://gitlab.example.com/oauth/authorize"
    );
    assert_eq!(
        gitlab.token_url().as_str(),
        "http://127.0.0.1:9/oauth/token"
    );
    assert_eq!(
        gitlab.user_info_url().as_str(),
        "https://gitlab.example.com/api/v4/user"
    );
    let public = GitLabProvider::new(APP_ID, ClientSecret::new(SECRET)).unwrap();
    assert_eq!(
        public.user_info_url().as_str(),
        "https://gitlab.com/api/v4/user"
    );
    assert_eq!(public.scopes(), ["read_user"]);
}

#[test]
fn gitlab_com_and_a_self_managed_instance_register_side_by_side() {
    let vars = [
        ("GITLAB_CLIENT_ID", "public-app".to_owned()),
        ("GITLAB_CLIENT_SECRET", "public-secret".to_owned()),
        ("GITLAB_CORP_CLIENT_ID", "corp-app".to_owned()),
        ("GITLAB_CORP_CLIENT_SECRET", "corp-secret".to_owned()),
        ("GITLAB_CORP_NAME", "gitlab-corp".to_owned()),
        (
            "GITLAB_CORP_BASE_URL",
            "https://git.corp.example".to_owned(),
        ),
    ];
    let public = GitLabProvider::from_lookup(env_lookup(vars.clone())).unwrap();
    let corp =
        SpecProvider::from_prefixed_lookup(&SPEC, "GITLAB_CORP", env_lookup(vars.clone())).unwrap();
    assert_eq!((public.name(), corp.name()), ("gitlab", "gitlab-corp"));
    assert_eq!(corp.client_id(), "corp-app");
    assert_eq!(corp.api_url().as_str(), "https://git.corp.example/api/v4");
    let missing = GitLabProvider::from_lookup(env_lookup(vars[..1].to_vec())).unwrap_err();
    let Error::Config { setting, reason } = missing else {
        panic!("expected a configuration error, got {missing:?}");
    };
    assert_eq!(setting, "GITLAB_CLIENT_SECRET");
    assert!(reason.contains("GitLab application"), "{reason}");
}

#[tokio::test]
async fn a_login_sends_the_credentials_in_the_body_and_reads_the_user() {
    let server = MockServer::start().await;
    let token = fixture!("token.json");
    let access = token["access_token"].as_str().unwrap().to_owned();
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(format!("client_id={APP_ID}").as_str()))
        .and(body_string_contains(
            format!("client_secret={SECRET}").as_str(),
        ))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/user"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let gitlab = provider(&server);
    let http = HttpClient::new().unwrap();
    let verifier = PkceVerifier::new("ks02i3jdikdo2k0dkfodf3m39rjfjsdk0wk349rj3jrhf").unwrap();
    let code = AuthorizationCode::new("a1b2c3d4");
    let token = gitlab
        .exchange_code(&http, &code, REDIRECT_URI, Some(&verifier))
        .await
        .unwrap();
    assert_eq!(token.scopes, ["read_user"]);
    let user = gitlab.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("gitlab", "7301")
    );
    assert!(user.email_verified);
    let request = &server.received_requests().await.unwrap()[0];
    assert!(!request.headers.contains_key("authorization"));
    server.verify().await;
}

#[tokio::test]
async fn a_refresh_returns_the_rotated_refresh_token() {
    let server = MockServer::start().await;
    let old = fixture!("token.json")["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(
            format!("refresh_token={old}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token_refresh.json")))
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let token = provider(&server)
        .refresh(&http, &RefreshToken::new(old.clone()))
        .await
        .unwrap();
    let new = token
        .refresh_token
        .as_ref()
        .map(RefreshToken::secret)
        .unwrap();
    assert_ne!(new, old);
    assert!(new.starts_with("803c1fd4"));
    server.verify().await;
}

#[tokio::test]
async fn an_invalid_code_is_an_oauth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture!("token_error_invalid_grant.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .exchange_code(&http, &AuthorizationCode::new("old"), REDIRECT_URI, None)
        .await
        .unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_grant")
    );
}

#[tokio::test]
async fn revocation_posts_the_token_with_the_client_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/revoke"))
        .and(body_string_contains("token=glpat-revoke-me"))
        .and(body_string_contains(format!("client_id={APP_ID}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("glpat-revoke-me"));
    let outcome = provider(&server).revoke(&http, &token).await.unwrap();
    assert_eq!(outcome, Revocation::Revoked);
    server.verify().await;
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_gitlab::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"id": 7301}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
