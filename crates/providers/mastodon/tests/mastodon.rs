//! Mastodon's own cases: the id namespaced by the configured server's host with the raw id
//! kept, no email, tokens without expiry or refresh, the credentials in the form body, the
//! base URL required, and the application registration on a server.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_mastodon::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    ),
}

use oauth_kit_core::{ClientSecret, Error, HttpClient, OAuthProvider, Revocation};
use oauth_kit_mastodon::{MastodonProvider, SPEC, register_app};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{MockProviderConfig, fixture, map_fixture, parse_token, start_mock};
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn the_account_maps_without_an_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "109823746152839471");
    assert_eq!(user.username.as_deref(), Some("flora"));
    assert_eq!(user.full_name().as_deref(), Some("Flora Quinn 🌿"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://fedi.example/@flora")
    );
    assert!(user.avatar_url.unwrap().ends_with("/a1b2c3.png"));
    assert_eq!((user.email, user.email_verified), (None, false));
    let mut raw = fixture!("user.json");
    raw["display_name"] = json!("");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().full_name(), None);
    assert!(map_fixture(&SPEC, &json!({"username": "flora"})).is_err());
}

#[test]
fn the_id_is_namespaced_by_the_configured_host_and_the_raw_id_kept() {
    run(async {
        let (mock, mastodon, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            MastodonProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&mastodon, &http).await.unwrap();
        let user = mastodon.user_info(&http, &token).await.unwrap();
        // The server's own `url` names fedi.example; the namespace is the configured host.
        assert_eq!(user.oauth_id, "109823746152839471@127.0.0.1");
        assert_eq!(user.raw_data["id"], "109823746152839471");
    });
}

#[test]
fn the_base_url_is_required() {
    let lookup = |name: &str| match name {
        "MASTODON_CLIENT_ID" => Some("TWhM".to_owned()),
        "MASTODON_CLIENT_SECRET" => Some("ZEaF".to_owned()),
        _ => None,
    };
    let error = MastodonProvider::from_lookup(lookup).unwrap_err();
    assert!(
        matches!(&error, Error::Config { setting, .. } if setting == "MASTODON_BASE_URL"),
        "{error:?}"
    );
    let built = MastodonProvider::builder("TWhM", ClientSecret::new("ZEaF"))
        .base_url("https://fedi.example/")
        .build()
        .unwrap();
    assert_eq!(
        built.authorization_endpoint().as_str(),
        "https://fedi.example/oauth/authorize"
    );
}

#[test]
fn tokens_have_no_expiry_and_no_refresh() {
    let body = br#"{"access_token":"ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0","token_type":"Bearer","scope":"read:accounts","created_at":1767225600}"#;
    let token = parse_token(&SPEC, body).unwrap();
    assert_eq!((token.expires_in, token.expires_at), (None, None));
    assert!(token.refresh_token.is_none());
    assert_eq!(token.scopes, ["read:accounts"]);
    assert!(!SPEC.capabilities().refresh);
}

#[test]
fn a_login_sends_credentials_in_the_form_with_pkce_and_revokes() {
    run(async {
        let (mock, mastodon, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            MastodonProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&mastodon, &http).await.unwrap();
        let counters = mock.counters();
        assert_eq!(counters.last_client_auth, Some("client_secret_post"));
        assert_eq!(counters.pkce_verified, 1);
        assert_eq!(
            mastodon.revoke(&http, &token).await.unwrap(),
            Revocation::Revoked
        );
        assert_eq!(mock.counters().revoke, 1);
    });
}

#[test]
fn register_app_posts_the_form_and_returns_the_credentials() {
    run(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/apps"))
            .and(body_string_contains("client_name=Fern+Notes"))
            .and(body_string_contains(
                "redirect_uris=https%3A%2F%2Fapp.example%2Fauth%2Fmastodon%2Fcallback",
            ))
            .and(body_string_contains("scopes=read%3Aaccounts+profile"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(include_str!("fixtures/app.json"), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let http = HttpClient::new().unwrap();
        let app = register_app(
            &http,
            &format!("{}/", server.uri()),
            "Fern Notes",
            "https://app.example/auth/mastodon/callback",
            &["read:accounts", "profile"],
        )
        .await
        .unwrap();
        assert_eq!(app.client_id, "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM");
        assert_eq!(
            app.client_secret.secret(),
            "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw"
        );
        assert!(!format!("{app:?}").contains("ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw"));
    });
}

#[test]
fn register_app_reports_a_refusal_an_incomplete_answer_and_an_insecure_base() {
    run(async {
        let server = MockServer::start().await;
        Mock::given(path("/refused/api/v1/apps"))
            .respond_with(ResponseTemplate::new(422).set_body_raw(
                r#"{"error":"Validation failed: Redirect URI must be an absolute URI."}"#,
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(path("/partial/api/v1/apps"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"id":"563419","client_id":"TWhM","client_secret_expires_at":0}"#,
                "application/json",
            ))
            .mount(&server)
            .await;
        let http = HttpClient::new().unwrap();
        let register = |base: String| {
            let http = http.clone();
            async move { register_app(&http, &base, "Fern Notes", "/cb", &["read"]).await }
        };
        let refused = register(format!("{}/refused", server.uri()))
            .await
            .unwrap_err();
        assert!(
            matches!(refused, Error::HttpStatus { status: 422, .. }),
            "{refused:?}"
        );
        let partial = register(format!("{}/partial", server.uri()))
            .await
            .unwrap_err();
        assert!(
            matches!(partial, Error::InvalidResponse { .. }),
            "{partial:?}"
        );
        let insecure = register("http://fedi.example".to_owned())
            .await
            .unwrap_err();
        assert!(matches!(insecure, Error::Config { .. }), "{insecure:?}");
    });
}
