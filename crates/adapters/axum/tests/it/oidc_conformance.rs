//! The local OpenID Connect relying-party conformance suite: the generic OIDC provider behind
//! the Axum adapter on a real listener, against the testkit's mock issuer. One case per check;
//! each asserts the exact failure code of the redirect, how many token requests were made (none
//! where the check comes first), and that no session exists afterwards.

use std::ops::{Deref, DerefMut};

use axum::routing::get;
use axum::{Json, Router};
use oauth_kit_axum::{CurrentUser, OAuth};
use oauth_kit_core::{ClientSecret, CookieKey, FlowConfig, LoginService, ProviderRegistry};
use oauth_kit_oidc::OidcProvider;
use oauth_kit_testkit::{LogCapture, MockOidc, OidcConfig, OidcFault};
use serde_json::{Value, json};

use crate::common::{Browser, listen, serve};

/// The application under test, its mock issuer, and a browser of the application (which the
/// app derefs to).
struct App {
    browser: Browser,
    issuer: MockOidc,
}

impl Deref for App {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

impl DerefMut for App {
    fn deref_mut(&mut self) -> &mut Browser {
        &mut self.browser
    }
}

async fn start() -> App {
    start_with(OidcConfig::default()).await
}

async fn start_with(config: OidcConfig) -> App {
    let issuer = MockOidc::start_with(config).await.unwrap();
    let (listener, base) = listen().await;
    let provider = OidcProvider::builder(
        issuer.client_id(),
        ClientSecret::new(issuer.client_secret()),
    )
    .issuer(issuer.issuer())
    .build()
    .unwrap();
    let config = FlowConfig::builder(base.clone())
        .cookie_key(CookieKey::new(vec![9u8; 32]).unwrap())
        .build()
        .unwrap();
    let service =
        LoginService::new(ProviderRegistry::new().with(provider).unwrap(), config).unwrap();
    let oauth = OAuth::new(service);
    let app = Router::new()
        .route(
            "/me",
            get(|CurrentUser(u): CurrentUser| async move { Json(u) }),
        )
        .merge(oauth.router())
        .layer(oauth.session_layer());
    serve(listener, app);
    App {
        browser: Browser::new(base),
        issuer,
    }
}

impl App {
    /// Runs a whole login and returns where the callback sent the browser.
    async fn login(&mut self) -> String {
        self.browser.login("oidc").await
    }

    /// Asserts that the login fails with `code`, after `tokens` token requests, with no
    /// session.
    async fn assert_login_fails(&mut self, code: &str, tokens: u64) {
        self.issuer.reset_counters();
        assert_eq!(self.login().await, format!("/login?error={code}"));
        assert_eq!(self.issuer.counters().token, tokens, "token requests");
        self.assert_no_session().await;
    }

    async fn assert_no_session(&mut self) {
        assert!(!self.cookies.contains_key("oauth_kit_session"));
        assert_eq!(self.get("/me").await.0, 401);
    }

    async fn me(&mut self) -> Value {
        let (status, _, body) = self.get("/me").await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

#[tokio::test]
async fn happy_path_with_pkce_and_nonce() {
    let mut app = start().await;
    assert_eq!(app.login().await, "/home");
    let me = app.me().await;
    assert_eq!(me["user"]["provider"], "oidc");
    assert_eq!(me["user"]["oauth_id"], "248289761001");
    assert_eq!(me["user"]["email"], "ada@example.com");
    assert_eq!(me["user"]["email_verified"], true);
    assert_eq!(me["user"]["username"], "ada");
    assert_eq!(me["user"]["first_name"], "Ada");
    let counters = app.issuer.counters();
    for param in ["code_challenge", "code_challenge_method", "nonce", "state"] {
        assert!(
            counters.last_authorize_params.iter().any(|p| p == param),
            "{param}"
        );
    }
    assert!(counters.last_token_had_verifier);
    assert_eq!((counters.token, counters.userinfo), (1, 1));
}

#[tokio::test]
async fn signature_by_a_key_not_in_the_jwks_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::SignWithUnpublishedKey);
    app.assert_login_fails("id_token_signature", 1).await;
}

#[tokio::test]
async fn alg_none_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::AlgNone);
    app.assert_login_fails("id_token_algorithm", 1).await;
}

#[tokio::test]
async fn hs256_keyed_with_the_public_key_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::Hs256WithPublicKey);
    app.assert_login_fails("id_token_algorithm", 1).await;
}

#[tokio::test]
async fn key_rotation_refetches_the_jwks_once_and_succeeds() {
    let mut app = start().await;
    assert_eq!(app.login().await, "/home");
    assert_eq!(app.issuer.counters().jwks, 1);
    app.issuer.rotate_keys().unwrap();
    app.cookies.clear();
    assert_eq!(app.login().await, "/home");
    assert_eq!(app.issuer.counters().jwks, 2);
}

#[tokio::test]
async fn unknown_kid_after_refetch_is_rejected() {
    let mut app = start().await;
    assert_eq!(app.login().await, "/home");
    app.cookies.clear();
    app.issuer.set_fault(OidcFault::UnknownKid);
    app.assert_login_fails("id_token_unknown_key", 1).await;
    assert_eq!(app.issuer.counters().jwks, 1, "exactly one refetch");
}

#[tokio::test]
async fn flood_of_forged_kids_causes_one_refetch_per_interval() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::UnknownKid);
    for _ in 0..30 {
        assert_eq!(app.login().await, "/login?error=id_token_unknown_key");
    }
    let counters = app.issuer.counters();
    // The first fetch and the one immediate refetch; the next one is allowed only after the
    // default interval of 60 s, which this test does not reach.
    assert_eq!(counters.jwks, 2, "JWKS fetches");
    assert_eq!(counters.token, 30);
    app.assert_no_session().await;
}

#[tokio::test]
async fn wrong_iss_is_rejected() {
    let mut app = start().await;
    app.issuer
        .set_fault(OidcFault::Issuer("https://evil.example/realms/test".into()));
    app.assert_login_fails("id_token_issuer", 1).await;
}

#[tokio::test]
async fn wrong_aud_is_rejected() {
    let mut app = start().await;
    app.issuer
        .set_fault(OidcFault::Audience(json!("another-client")));
    app.assert_login_fails("id_token_audience", 1).await;
}

#[tokio::test]
async fn aud_array_without_azp_is_rejected() {
    let mut app = start().await;
    let client_id = app.issuer.client_id();
    app.issuer
        .set_fault(OidcFault::Audience(json!([client_id, "another-api"])));
    app.assert_login_fails("id_token_azp_missing", 1).await;
}

#[tokio::test]
async fn aud_array_with_wrong_azp_is_rejected() {
    let mut app = start().await;
    let client_id = app.issuer.client_id();
    app.issuer
        .set_fault(OidcFault::Audience(json!([client_id, "another-api"])));
    app.issuer
        .set_fault(OidcFault::AuthorizedParty("another-api".into()));
    app.assert_login_fails("id_token_azp", 1).await;
}

#[tokio::test]
async fn expired_id_token_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::Expired);
    app.assert_login_fails("id_token_expired", 1).await;
}

#[tokio::test]
async fn iat_in_the_future_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::IssuedInFuture);
    app.assert_login_fails("id_token_iat", 1).await;
}

#[tokio::test]
async fn nonce_mismatch_is_rejected() {
    let mut app = start().await;
    app.issuer
        .set_fault(OidcFault::Nonce("nonce-of-another-login".into()));
    app.assert_login_fails("nonce_mismatch", 1).await;
}

#[tokio::test]
async fn missing_nonce_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::NoNonce);
    app.assert_login_fails("nonce_missing", 1).await;
}

#[tokio::test]
async fn wrong_at_hash_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::WrongAtHash);
    app.assert_login_fails("at_hash_mismatch", 1).await;
}

#[tokio::test]
async fn token_response_without_id_token_is_rejected() {
    let mut app = start().await;
    app.issuer.set_fault(OidcFault::NoIdToken);
    app.assert_login_fails("id_token_missing", 1).await;
    assert_eq!(app.issuer.counters().userinfo, 0, "no user-info request");
}

#[tokio::test]
async fn user_info_sub_mismatch_is_rejected() {
    let mut app = start().await;
    app.issuer
        .set_fault(OidcFault::UserInfoSubject("someone-else".into()));
    app.assert_login_fails("subject_mismatch", 1).await;
}

#[tokio::test]
async fn discovery_issuer_mismatch_stops_the_login_before_the_provider() {
    let (logs, _guard) = LogCapture::capture();
    let mut app = start().await;
    let other = format!("{}/", app.issuer.issuer());
    app.issuer.set_fault(OidcFault::DiscoveryIssuer(other));
    let (status, _, body) = app.get("/auth/oidc/login").await;
    assert_eq!(status, 500);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"],
        "server_error"
    );
    assert!(
        logs.text()
            .contains("the discovery document names the issuer"),
        "{}",
        logs.text()
    );
    let counters = app.issuer.counters();
    assert_eq!((counters.authorize, counters.token), (0, 0));
    app.assert_no_session().await;
}

#[tokio::test]
async fn rfc9207_wrong_iss_is_rejected_before_the_token_request() {
    let mut app = start_with(OidcConfig {
        iss_parameter: true,
        ..OidcConfig::default()
    })
    .await;
    app.issuer
        .set_fault(OidcFault::CallbackIssuer("https://evil.example".into()));
    app.assert_login_fails("issuer_mismatch", 0).await;
}

#[tokio::test]
async fn rfc9207_missing_iss_is_rejected_before_the_token_request() {
    let mut app = start_with(OidcConfig {
        iss_parameter: true,
        ..OidcConfig::default()
    })
    .await;
    app.issuer.set_fault(OidcFault::NoCallbackIssuer);
    app.assert_login_fails("issuer_mismatch", 0).await;
}

#[tokio::test]
async fn rfc9207_correct_iss_logs_in() {
    let mut app = start_with(OidcConfig {
        iss_parameter: true,
        ..OidcConfig::default()
    })
    .await;
    assert_eq!(app.login().await, "/home");
}

#[tokio::test]
async fn email_verified_as_a_string_is_read() {
    let mut app = start().await;
    let mut user = OidcConfig::ada();
    user["email_verified"] = json!("true");
    app.issuer.set_user(user.clone());
    assert_eq!(app.login().await, "/home");
    assert_eq!(app.me().await["user"]["email_verified"], true);

    user["email_verified"] = json!("false");
    app.issuer.set_user(user);
    app.cookies.clear();
    assert_eq!(app.login().await, "/home");
    assert_eq!(app.me().await["user"]["email_verified"], false);
}
