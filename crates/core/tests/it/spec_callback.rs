//! Callback parameters of a spec (`ProviderSpec::callback_params`) and the user sources that
//! carry the token outside the `Authorization` header (`UserSource::PostForm`,
//! `UserSource::TokenInPath`): what is sent where, and what is refused before any token
//! request.

use std::collections::HashMap;

use oauth_kit_core::spec::{CallbackParam, CallbackRole, Pkce, Profile, ProviderSpec, UserSource};
use oauth_kit_core::{
    AccessToken, AuthorizationCode, BeginOptions, ClientAuth, ClientSecret, CookieKey, CsrfState,
    Error, FlowConfig, HttpClient, LoginContext, LoginService, OAuthProvider, OAuthToken,
    OAuthUserInfo, ProviderRegistry, SpecProvider,
};
use oauth_kit_testkit::{MockProvider, MockProviderConfig};
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn map_id(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let id = profile.id("/user/id").or_else(|_| profile.id("/id"))?;
    let mut user = profile.user(id);
    user.email = profile.str("/email");
    Ok(user)
}

/// A provider whose callback carries a `device_id` to send back, as VK ID's does; its user
/// comes from a form POST with the token in the body.
static DEVICE: ProviderSpec = ProviderSpec {
    id: "device",
    title: "Device",
    env_prefix: "DEVICE",
    authorization_url: "{api}/authorize",
    token_url: "{api}/oauth2/auth",
    api_url: "https://id.device.example",
    user_info_url: "{api}/oauth2/user_info",
    user_source: UserSource::PostForm,
    callback_params: &[
        CallbackParam {
            name: "device_id",
            role: CallbackRole::TokenParam,
            example: "dev-7f3a",
        },
        CallbackParam {
            name: "state",
            role: CallbackRole::TokenParam,
            example: "",
        },
    ],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Required,
    map_user: map_id,
    ..ProviderSpec::DEFAULT
};

/// A provider with one accounts server per region, named by the callback, as Zoho's.
static REGIONS: ProviderSpec = ProviderSpec {
    id: "regions",
    title: "Regions",
    env_prefix: "REGIONS",
    authorization_url: "{api}/oauth/v2/auth",
    token_url: "{api}/oauth/v2/token",
    api_url: "https://accounts.regions.example",
    user_info_url: "{api}/oauth/user/info",
    callback_params: &[CallbackParam {
        name: "accounts-server",
        role: CallbackRole::AccountsServer {
            hosts: &["accounts.regions.example", "accounts.regions.eu"],
        },
        example: "https://accounts.regions.eu",
    }],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    map_user: map_id,
    ..ProviderSpec::DEFAULT
};

/// A provider whose user comes from a URL that carries the token in its path, as HubSpot's.
static IN_PATH: ProviderSpec = ProviderSpec {
    id: "in-path",
    title: "In path",
    env_prefix: "IN_PATH",
    authorization_url: "{api}/oauth/authorize",
    token_url: "{api}/oauth/v3/token",
    api_url: "https://api.in-path.example",
    user_info_url: "{api}/oauth/v1/access-tokens",
    user_source: UserSource::TokenInPath,
    client_auth: ClientAuth::FormBody,
    map_user: map_id,
    ..ProviderSpec::DEFAULT
};

fn lookup(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    move |name| vars.get(name).cloned()
}

fn provider(spec: &'static ProviderSpec, api: &str) -> SpecProvider {
    let prefix = spec.env_prefix;
    let vars = [
        ("CLIENT_ID", "cid".to_owned()),
        ("CLIENT_SECRET", "CLIENT-SECRET-s3ntinel".to_owned()),
        ("API_URL", api.to_owned()),
    ]
    .map(|(suffix, value)| (format!("{prefix}_{suffix}"), value));
    let vars: Vec<(&str, String)> = vars.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    SpecProvider::from_lookup(spec, lookup(&vars)).unwrap()
}

fn callback(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn token_server(token_path: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(token_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "AT-s3ntinel/with+slash", "token_type": "Bearer"
        })))
        .mount(&server)
        .await;
    server
}

async fn token_requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().contains("token") || r.url.path().ends_with("/auth"))
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect()
}

#[tokio::test]
async fn named_callback_parameters_and_the_state_are_sent_back_in_the_code_exchange() {
    let server = token_server("/oauth2/auth").await;
    let device = provider(&DEVICE, &server.uri());
    let http = HttpClient::new().unwrap();
    let params = callback(&[("device_id", "dev-7f3a"), ("ext_id", "ignored")]);
    let state = CsrfState::new("st-42");
    let login = LoginContext::new()
        .with_callback(&params)
        .with_state(Some(&state));
    let code = AuthorizationCode::new("c0de");
    let verifier = oauth_kit_core::PkceVerifier::generate().unwrap();
    device
        .exchange_login_code(&http, &code, "http://localhost/cb", Some(&verifier), &login)
        .await
        .unwrap();
    let bodies = token_requests(&server).await;
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].contains("device_id=dev-7f3a"), "{}", bodies[0]);
    assert!(bodies[0].contains("state=st-42"), "{}", bodies[0]);
    assert!(bodies[0].contains("code_verifier="), "{}", bodies[0]);
    assert!(!bodies[0].contains("ext_id"), "{}", bodies[0]);
}

#[tokio::test]
async fn a_callback_without_a_parameter_to_send_back_is_refused_without_a_token_request() {
    let server = token_server("/oauth2/auth").await;
    let device = provider(&DEVICE, &server.uri());
    let http = HttpClient::new().unwrap();
    let state = CsrfState::new("st-42");
    for params in [callback(&[]), callback(&[("device_id", "")])] {
        let login = LoginContext::new()
            .with_callback(&params)
            .with_state(Some(&state));
        let result = device
            .exchange_login_code(
                &http,
                &AuthorizationCode::new("c0de"),
                "http://localhost/cb",
                None,
                &login,
            )
            .await;
        match result {
            Err(err @ Error::MalformedCallback { .. }) => {
                assert_eq!(err.code(), "invalid_callback");
                assert!(err.to_string().contains("device_id"), "{err}");
            }
            other => panic!("expected a refused callback, got {other:?}"),
        }
    }
    assert!(token_requests(&server).await.is_empty());
}

#[tokio::test]
async fn the_user_of_a_form_post_source_gets_the_token_and_client_id_in_the_body_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/user_info"))
        .and(body_string_contains("access_token=AT-form"))
        .and(body_string_contains("client_id=cid"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": {"id": "71"}})))
        .expect(1)
        .mount(&server)
        .await;
    let device = provider(&DEVICE, &server.uri());
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("AT-form"));
    let user = device.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "71");
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(
        requests[0].headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
}

#[tokio::test]
async fn a_token_in_the_path_is_percent_encoded_sent_without_a_header_and_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth/v1/access-tokens/AT%2Fs3ntinel%3Fx%20y"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 61039287, "token": "AT/s3ntinel?x y", "email": "a@example.com"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let in_path = provider(&IN_PATH, &server.uri());
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("AT/s3ntinel?x y"));
    let user = in_path.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "61039287");
    // The echoed token is not kept in the raw data.
    assert!(user.raw_data.get("token").is_none());
    assert!(!format!("{user:?}").contains("s3ntinel"));
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
    server.verify().await;

    // An error answer names neither the URL nor the token.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "expired"})))
        .mount(&server)
        .await;
    let err = in_path.user_info(&http, &token).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    for shown in [err.to_string(), format!("{err:?}"), format!("{in_path:?}")] {
        assert!(!shown.contains("s3ntinel"), "{shown}");
    }
    // So does a server that cannot be reached.
    let gone = provider(&IN_PATH, "http://127.0.0.1:9");
    let err = gone.user_info(&http, &token).await.unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("s3ntinel"), "{shown}");
        assert!(!shown.contains("access-tokens"), "{shown}");
    }
}

#[tokio::test]
async fn an_accounts_server_named_by_the_callback_receives_the_exchange_and_the_user_request() {
    // The configured server is the wiremock one; the callback names it too (its origin is
    // trusted as configured), so both requests go there and nowhere else.
    let server = token_server("/oauth/v2/token").await;
    Mock::given(method("GET"))
        .and(path("/oauth/user/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "9"})))
        .expect(2)
        .mount(&server)
        .await;
    let regions = provider(&REGIONS, "https://accounts.regions.example");
    let pointed = SpecProvider::builder(&REGIONS, "cid", ClientSecret::new("secret"))
        .token_url(format!("{}/oauth/v2/token", server.uri()))
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let params = callback(&[("accounts-server", &server.uri())]);
    let login = LoginContext::new().with_callback(&params);
    let token = pointed
        .exchange_login_code(
            &http,
            &AuthorizationCode::new("c"),
            "http://localhost/cb",
            None,
            &login,
        )
        .await
        .unwrap();
    // The user-info endpoint is configured elsewhere, but this login's server answers.
    assert!(!pointed.user_info_url().as_str().starts_with(&server.uri()));
    let user = pointed.login_user(&http, &token, &login).await.unwrap();
    assert_eq!(user.oauth_id, "9");
    // The token remembers its server: `user_info` without the callback asks there as well.
    assert_eq!(
        token.raw["accounts-server"].as_str(),
        Some(server.uri().as_str())
    );
    let user = pointed.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "9");
    assert_eq!(token_requests(&server).await.len(), 1);
    server.verify().await;
    // The configured server is the default of a callback without the parameter.
    assert_eq!(
        regions.token_url().as_str(),
        "https://accounts.regions.example/oauth/v2/token"
    );
}

#[tokio::test]
async fn an_untrusted_accounts_server_refuses_the_login_before_any_request() {
    let server = token_server("/oauth/v2/token").await;
    let regions = SpecProvider::builder(&REGIONS, "cid", ClientSecret::new("secret"))
        .token_url(format!("{}/oauth/v2/token", server.uri()))
        .user_info_url(format!("{}/oauth/user/info", server.uri()))
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let port = server.address().port();
    let untrusted = [
        "https://accounts.evil.example".to_owned(),
        "http://accounts.regions.eu".to_owned(),
        "https://accounts.regions.eu:8443".to_owned(),
        "https://accounts.regions.eu.evil.example".to_owned(),
        "https://evil@accounts.regions.eu".to_owned(),
        "https://accounts.regions.eu/oauth".to_owned(),
        "https://accounts.regions.eu?x=1".to_owned(),
        "https://accounts.regions.eu#x".to_owned(),
        "accounts.regions.eu".to_owned(),
        "//accounts.regions.eu".to_owned(),
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
        String::new(),
    ];
    for value in &untrusted {
        let params = callback(&[("accounts-server", value)]);
        let login = LoginContext::new().with_callback(&params);
        let result = regions
            .exchange_login_code(
                &http,
                &AuthorizationCode::new("c"),
                "http://localhost/cb",
                None,
                &login,
            )
            .await;
        match result {
            Err(err @ Error::MalformedCallback { .. }) => {
                assert_eq!(err.code(), "invalid_callback", "{value}");
                assert!(err.to_string().contains("accounts-server"), "{err}");
                if !value.is_empty() {
                    assert!(!err.to_string().contains(value.as_str()), "{err}");
                }
            }
            other => panic!("{value:?} was accepted: {other:?}"),
        }
        let token = OAuthToken::bearer(AccessToken::new("at"));
        assert!(matches!(
            regions.login_user(&http, &token, &login).await,
            Err(Error::MalformedCallback { .. })
        ));
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The whole flow against the testkit's mock, which adds the spec's callback parameters to its
/// redirect and checks the ones sent back.
async fn mock_service(spec: &'static ProviderSpec) -> (MockProvider, LoginService) {
    let mock = MockProvider::start(spec, MockProviderConfig::new(r#"{"user": {"id": "5"}}"#))
        .await
        .unwrap();
    let registry = ProviderRegistry::new()
        .with(mock.provider_builder().build().unwrap())
        .unwrap();
    let key = CookieKey::new(b"spec-callback-tests-cookie-key-0123456789abcdefgh").unwrap();
    let config = FlowConfig::builder("http://localhost:8000")
        .cookie_key(key)
        .build()
        .unwrap();
    (mock, LoginService::new(registry, config).unwrap())
}

/// Begins a login, follows it at the mock and returns the callback's query with `edit`
/// applied, and the flow cookie.
async fn callback_query(
    mock: &MockProvider,
    service: &LoginService,
    edit: impl Fn(&str, &str) -> Option<String>,
) -> (String, String) {
    let begun = service
        .begin(mock.spec().id, BeginOptions::default())
        .await
        .unwrap();
    let back = mock
        .authorize(begun.authorization_url.as_str())
        .await
        .unwrap();
    let pairs: Vec<(String, String)> = back
        .query_pairs()
        .filter_map(|(k, v)| edit(&k, &v).map(|v| (k.into_owned(), v)))
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    (query, begun.cookie.value().to_owned())
}

#[tokio::test]
async fn a_login_through_the_flow_sends_the_device_id_back() {
    let (mock, service) = mock_service(&DEVICE).await;
    let (query, cookie) = callback_query(&mock, &service, |_, v| Some(v.to_owned())).await;
    assert!(query.contains("device_id=dev-7f3a"), "{query}");
    let done = service.complete("device", &query, Some(&cookie)).await;
    assert_eq!(done.result.unwrap().user.oauth_id, "5");
    assert_eq!(mock.counters().token_authorization_code, 1);

    // Without it, the flow refuses the callback and asks for no token.
    mock.reset_counters();
    let (query, cookie) = callback_query(&mock, &service, |k, v| {
        (k != "device_id").then(|| v.to_owned())
    })
    .await;
    let done = service.complete("device", &query, Some(&cookie)).await;
    assert_eq!(done.result.unwrap_err().code(), "invalid_callback");
    assert_eq!(mock.counters().token, 0);
}

#[tokio::test]
async fn a_login_through_the_flow_refuses_a_foreign_accounts_server() {
    let (mock, service) = mock_service(&REGIONS).await;
    let (query, cookie) = callback_query(&mock, &service, |_, v| Some(v.to_owned())).await;
    let done = service.complete("regions", &query, Some(&cookie)).await;
    assert_eq!(done.result.unwrap().user.oauth_id, "5");

    mock.reset_counters();
    let (query, cookie) = callback_query(&mock, &service, |k, v| {
        Some(match k {
            "accounts-server" => "https://accounts.evil.example".to_owned(),
            _ => v.to_owned(),
        })
    })
    .await;
    let done = service.complete("regions", &query, Some(&cookie)).await;
    assert_eq!(done.result.unwrap_err().code(), "invalid_callback");
    assert!(done.clear_cookie.is_some(), "the flow is used up");
    assert_eq!(mock.counters().token, 0);
    assert_eq!(mock.counters().user, 0);
}
