//! Nothing secret leaks: `Debug` of every secret-bearing type is redacted, and whole exchanges
//! run under a capturing `tracing` subscriber at TRACE level leave no secret in the logs.

use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, BeginOptions, Capabilities, ClientSecret,
    CookieKey, CsrfState, Error, FlowConfig, FlowRecord, HttpClient, IdToken, LoginService, Nonce,
    OAuth2Client, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier, ProviderContext,
    ProviderRegistry, RefreshToken, ReturnPath, Stage, TokenQuirks, async_trait,
    parse_token_response,
};
use oauth_kit_testkit::LogCapture;
use serde_json::{Value, json};
use url::Url;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

use crate::common::{
    ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, CODE, ID_TOKEN, PROVIDER, REDIRECT_URI, REFRESH_TOKEN,
    SECRETS, TOKEN_PATH, USER_PATH, VERIFIER, assert_no_secret_in, engine, engine_at, exchange,
    form_pairs, http, mount_token_once, token_body, user_url,
};

const STATE: &str = "STATE-s3ntinel-csrf-state-0123456789";
const NONCE: &str = "NONCE-s3ntinel-oidc-nonce-0123456789";
const COOKIE_KEY: &str = "CK-s3ntinel-cookie-key-material-0123456789-abcdefghij";

/// Asserts that `printed` shows none of the fixture secrets, nor the cookie key material in
/// either its text or its byte-list form.
fn assert_redacted(printed: &str) {
    assert_no_secret_in(printed);
    for secret in [STATE, NONCE, COOKIE_KEY] {
        assert!(!printed.contains(secret), "a secret leaked into {printed}");
    }
    let bytes = format!("{:?}", &COOKIE_KEY.as_bytes()[..8]);
    let bytes = bytes.trim_end_matches(']');
    assert!(
        !printed.contains(bytes),
        "the cookie key leaked into {printed}"
    );
}

fn cookie_key() -> CookieKey {
    CookieKey::new(COOKIE_KEY.as_bytes().to_vec()).expect("the key is long enough")
}

#[test]
fn debug_of_every_secret_newtype_is_redacted() {
    let printed = [
        format!("{:?}", ClientSecret::new(CLIENT_SECRET)),
        format!("{:?}", AccessToken::new(ACCESS_TOKEN)),
        format!("{:?}", RefreshToken::new(REFRESH_TOKEN)),
        format!("{:?}", IdToken::new(ID_TOKEN)),
        format!("{:?}", AuthorizationCode::new(CODE)),
        format!("{:?}", CsrfState::new(STATE)),
        format!("{:?}", Nonce::new(NONCE)),
        format!("{:?}", PkceVerifier::new(VERIFIER).expect("valid verifier")),
        format!("{:?}", cookie_key()),
    ];
    for p in &printed {
        assert_redacted(p);
        assert!(p.contains("[redacted]"), "{p}");
    }
    // Generated values are redacted as well.
    let state = CsrfState::generate().expect("rng");
    assert!(!format!("{state:?}").contains(state.secret()));
    let verifier = PkceVerifier::generate().expect("rng");
    assert!(!format!("{verifier:?}").contains(verifier.secret()));
}

#[test]
fn debug_of_a_parsed_token_redacts_tokens_and_raw_response() {
    let body = serde_json::to_vec(&token_body()).expect("serializes");
    let token = parse_token_response(
        &ProviderContext::new(PROVIDER, Stage::Token),
        200,
        Some("application/json"),
        &body,
        &TokenQuirks::STRICT,
    )
    .expect("a valid token response");
    for printed in [format!("{token:?}"), format!("{token:#?}")] {
        assert_redacted(&printed);
        // Non-secret fields stay visible for debugging.
        assert!(printed.contains("Bearer"), "{printed}");
        assert!(printed.contains("account"), "{printed}");
    }
    assert_redacted(&format!(
        "{:?}",
        OAuthToken::bearer(AccessToken::new(ACCESS_TOKEN))
    ));
}

#[test]
fn debug_of_the_engine_redacts_the_client_secret() {
    let engine = engine_at(Url::parse("https://idp.example/token").expect("static URL parses"));
    let printed = format!("{engine:?}");
    assert_redacted(&printed);
    assert!(printed.contains(CLIENT_ID), "{printed}");
    assert_redacted(&format!("{engine:#?}"));
}

#[test]
fn debug_of_a_flow_record_redacts_state_verifier_and_nonce() {
    let record = FlowRecord::new(
        PROVIDER,
        &CsrfState::new(STATE),
        Some(&PkceVerifier::new(VERIFIER).expect("valid verifier")),
        Some(&Nonce::new(NONCE)),
        ReturnPath::parse("/dashboard", &[]).expect("a same-site path"),
    );
    let printed = format!("{record:?}");
    assert_redacted(&printed);
    assert!(printed.contains("/dashboard"), "{printed}");
    assert!(printed.contains(PROVIDER), "{printed}");
}

#[test]
fn debug_of_a_flow_config_with_a_cookie_key_redacts_the_key() {
    let config = FlowConfig::builder("https://app.example.com")
        .cookie_key(cookie_key())
        .build()
        .expect("a valid configuration");
    assert_redacted(&format!("{config:?}"));
    assert_redacted(&format!("{config:#?}"));
}

/// A provider made of the engine and a user-info GET, as a provider crate would write it.
#[derive(Debug)]
struct EngineProvider {
    engine: OAuth2Client,
    user_url: Url,
}

#[async_trait]
impl OAuthProvider for EngineProvider {
    fn name(&self) -> &str {
        self.engine.provider()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.pkce(true).refresh(true)
    }

    fn default_scopes(&self) -> Vec<String> {
        vec!["account".to_owned()]
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        Ok(self
            .engine
            .authorization_url(request, &self.default_scopes()))
    }

    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        self.engine
            .exchange_code(http, code, redirect_uri, pkce_verifier)
            .await
    }

    async fn user_info(
        &self,
        http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        let context = ProviderContext::new(self.name(), Stage::UserInfo);
        let raw: Value = http
            .get_json(&context, &self.user_url, &token.access_token)
            .await?;
        let id = raw["uuid"].as_str().unwrap_or_default().to_owned();
        let mut user = OAuthUserInfo::new(self.name(), id);
        user.raw_data = raw;
        Ok(user)
    }
}

fn login_service(server: &MockServer) -> LoginService {
    let provider = EngineProvider {
        engine: engine(server),
        user_url: user_url(server),
    };
    let registry = ProviderRegistry::new()
        .with(provider)
        .expect("a valid provider");
    let config = FlowConfig::builder("http://localhost:8000")
        .cookie_key(cookie_key())
        .build()
        .expect("a valid configuration");
    LoginService::builder(registry, config)
        .http_client(http())
        .build()
        .expect("the service builds")
}

async fn mount_user(server: &MockServer) {
    Mock::given(matchers::method("GET"))
        .and(matchers::path(USER_PATH))
        .and(matchers::header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"uuid": "{u-1}", "username": "octo"})),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn debug_of_the_login_service_and_its_flow_cookie_is_redacted() {
    let server = MockServer::start().await;
    let service = login_service(&server);
    assert_redacted(&format!("{service:?}"));
    assert_redacted(&format!("{service:#?}"));

    let begin = service
        .begin(PROVIDER, BeginOptions::default().return_to("/dashboard"))
        .await
        .expect("a login starts");
    let sealed = begin.cookie.value().to_owned();
    assert!(!sealed.is_empty());
    let printed = format!("{:?}", begin.cookie);
    assert_redacted(&printed);
    assert!(!printed.contains(&sealed), "{printed}");
    assert!(!format!("{begin:?}").contains(&sealed));
}

#[tokio::test]
async fn token_exchange_and_user_info_leave_no_secret_in_trace_logs() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    mount_user(&server).await;
    // A failing refresh as well, so that the warning path is logged too.
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/refresh-fails"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": format!("refresh token {REFRESH_TOKEN} was revoked"),
        })))
        .expect(1)
        .mount(&server)
        .await;
    // And a refresh answered with a redirect whose target carries secrets, which the client
    // reports as a failed request.
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/refresh-redirects"))
        .respond_with(
            ResponseTemplate::new(302).insert_header(
                "location",
                format!("https://elsewhere.example/cb?code={CODE}&refresh_token={REFRESH_TOKEN}")
                    .as_str(),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;

    let (capture, guard) = LogCapture::capture();
    let http = http();
    let token = exchange(&engine(&server), &http).await.expect("a token");
    let context = ProviderContext::new(PROVIDER, Stage::UserInfo);
    let user: Value = http
        .get_json(&context, &user_url(&server), &token.access_token)
        .await
        .expect("a user");
    let failing = engine_at(
        Url::parse(&format!("{}/refresh-fails", server.uri())).expect("the mock's URL parses"),
    );
    let err = failing
        .refresh(&http, &RefreshToken::new(REFRESH_TOKEN))
        .await
        .expect_err("the refresh is refused");
    let redirected = engine_at(
        Url::parse(&format!("{}/refresh-redirects", server.uri())).expect("the mock's URL parses"),
    )
    .refresh(&http, &RefreshToken::new(REFRESH_TOKEN))
    .await
    .expect_err("the redirect is not followed");
    assert!(
        matches!(redirected, Error::Redirect { status: 302, .. }),
        "{redirected:?}"
    );
    tracing::info!(error = %err, token = ?token, "the test's own log line, with the token's Debug");
    drop(guard);

    assert_eq!(user["username"], "octo");
    server.verify().await;
    let logs = capture.text();
    assert_redacted(&logs);
    for secret in SECRETS {
        assert!(!logs.contains(secret), "{logs}");
    }
    // The logs do say which provider and which stage.
    assert!(logs.contains(PROVIDER), "{logs}");
    for stage in ["token exchange", "user info", "token refresh"] {
        assert!(logs.contains(stage), "no `{stage}` in {logs}");
    }
    assert!(logs.contains("provider request"), "{logs}");
    // The redirect was logged as a failed provider request, without its target.
    assert!(logs.contains("provider request failed"), "{logs}");
    assert!(!logs.contains("elsewhere.example"), "{logs}");
}

#[tokio::test]
async fn whole_login_flow_leaves_no_secret_in_trace_logs_or_debug() {
    let server = MockServer::start().await;
    mount_token_once(
        &server,
        ResponseTemplate::new(200).set_body_json(token_body()),
    )
    .await;
    mount_user(&server).await;

    let (capture, guard) = LogCapture::capture();
    let service = login_service(&server);
    let begin = service
        .begin(PROVIDER, BeginOptions::default().return_to("/dashboard"))
        .await
        .expect("a login starts");
    let state = begin
        .authorization_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("the URL carries the state");
    let query = format!("code={CODE}&state={state}");
    let completion = service
        .complete(PROVIDER, &query, Some(begin.cookie.value()))
        .await;
    let printed_completion = format!("{completion:?}");
    drop(guard);

    let login = completion.result.expect("the login completes");
    assert_eq!(login.user.oauth_id, "{u-1}");
    assert_eq!(login.return_to.as_str(), "/dashboard");
    server.verify().await;

    // The verifier only travelled in the token request body; read it back from there.
    let requests = server.received_requests().await.expect("recording is on");
    let token_request = requests
        .iter()
        .find(|r| r.url.path() == TOKEN_PATH)
        .expect("the code was exchanged");
    let form = form_pairs(&token_request.body);
    let verifier = form
        .iter()
        .find(|(k, _)| k == "code_verifier")
        .map(|(_, v)| v.clone())
        .expect("PKCE is on");
    assert!(form.contains(&("redirect_uri".to_owned(), REDIRECT_URI.to_owned())));

    let logs = capture.text();
    for text in [&logs, &printed_completion] {
        assert_redacted(text);
        for secret in [&state, &verifier, &begin.cookie.value().to_owned()] {
            assert!(
                !text.contains(secret.as_str()),
                "a flow secret leaked into {text}"
            );
        }
    }
    assert!(logs.contains(PROVIDER), "{logs}");
    assert!(logs.contains("login completed"), "{logs}");
}
