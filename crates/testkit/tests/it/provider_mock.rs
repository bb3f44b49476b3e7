//! `MockProvider` on the wire: where a spec's endpoints land, what its token endpoint accepts
//! for each client authentication method, PKCE, response formats, the API's checks, revocation,
//! extensions and the start-up errors.

use std::sync::Arc;

use oauth_kit_core::spec::{HeaderSource, Pkce, ProviderSpec, SpecParam, UserSource};
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, AuthorizeOptions, ClientAuth, CsrfState, Error,
    HttpClient, Nonce, OAuthProvider, OAuthToken, PkceVerifier, Revocation, RevocationMethod,
    SpecProvider, TokenEncoding, TokenQuirks,
};
use oauth_kit_testkit::axum::routing::{MethodRouter, get};
use oauth_kit_testkit::{
    Consent, IssuedGrant, MOCK_CLIENT_SECRET, MockContext, MockExtension, MockProvider,
    MockProviderConfig,
};
use reqwest::StatusCode;
use serde_json::{Map, Value, json};

use crate::common::client;

const USER: &str = r#"{"sub": "u-7", "name": "Ada Quill", "email": "ada@example.com"}"#;
const REDIRECT_URI: &str = "http://localhost:3000/auth/callback?from=test";

static BASIC: ProviderSpec = ProviderSpec {
    id: "basic",
    title: "Basic Co",
    env_prefix: "BASIC",
    base_url: Some("https://basic.example"),
    authorization_url: "{base}/{realm}/authorize",
    token_url: "{base}/{realm}/token",
    api_url: "{base}/api",
    user_info_url: "{api}/userinfo",
    revocation_url: Some("{base}/{realm}/revoke"),
    extra_endpoints: &[("groups", "{api}/groups")],
    params: &[SpecParam {
        name: "realm",
        default: Some("main"),
        help: "the realm",
    }],
    scopes: &["openid", "email"],
    ..ProviderSpec::DEFAULT
};

static FORM_BODY: ProviderSpec = ProviderSpec {
    id: "formy",
    title: "Formy",
    env_prefix: "FORMY",
    authorization_url: "https://formy.example/authorize",
    token_url: "https://formy.example/token",
    api_url: "https://api.formy.example",
    user_info_url: "https://users.formy.example/me",
    user_source: UserSource::Post,
    user_headers: &[("Client-Id", HeaderSource::ClientId)],
    scopes: &["a", "b"],
    scope_separator: ',',
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_quirks: TokenQuirks::STRICT
        .scope_field("scopes")
        .scope_separator(',')
        .form_encoded(true),
    ..ProviderSpec::DEFAULT
};

static PUBLIC: ProviderSpec = ProviderSpec {
    id: "public",
    title: "Public",
    env_prefix: "PUBLIC",
    authorization_url: "https://public.example/authorize",
    token_url: "https://public.example/token",
    api_url: "https://public.example/api",
    user_info_url: "{api}/me",
    client_auth: ClientAuth::None,
    pkce: Pkce::Required,
    ..ProviderSpec::DEFAULT
};

static JSON_TOKEN: ProviderSpec = ProviderSpec {
    id: "jsony",
    title: "Jsony",
    env_prefix: "JSONY",
    authorization_url: "https://auth.jsony.example/authorize",
    token_url: "https://auth.jsony.example/oauth/token",
    api_url: "https://api.jsony.example",
    user_info_url: "{api}/me",
    client_auth: ClientAuth::FormBody,
    token_encoding: TokenEncoding::Json,
    ..ProviderSpec::DEFAULT
};

static QUERY_TOKEN: ProviderSpec = ProviderSpec {
    id: "query",
    title: "Query",
    env_prefix: "QUERY",
    authorization_url: "https://www.query.example/dialog/oauth",
    token_url: "https://graph.query.example/oauth/access_token",
    api_url: "https://graph.query.example",
    user_info_url: "{api}/me",
    client_auth: ClientAuth::FormBody,
    token_encoding: TokenEncoding::Query,
    revocation_url: Some("{api}/applications/{client_id}/token"),
    revocation_method: RevocationMethod::DeleteJson {
        member: "access_token",
    },
    ..ProviderSpec::DEFAULT
};

async fn start(spec: &'static ProviderSpec) -> MockProvider {
    MockProvider::start(spec, MockProviderConfig::new(USER))
        .await
        .expect("mock starts")
}

fn http() -> HttpClient {
    HttpClient::new().expect("client")
}

/// Authorizes with the given extra parameters and returns the callback URL.
async fn callback(mock: &MockProvider, extra: &[(&str, &str)]) -> url::Url {
    let mut url = url::Url::parse(&mock.authorize_url()).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", &mock.client_id())
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("state", "st4te");
    for (k, v) in extra {
        url.query_pairs_mut().append_pair(k, v);
    }
    mock.authorize(url.as_str()).await.expect("redirects back")
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn code(mock: &MockProvider, extra: &[(&str, &str)]) -> String {
    param(&callback(mock, extra).await, "code").expect("a code")
}

async fn body(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn spec_templates_land_on_the_mock_and_point_builder_and_environment_alike() {
    let mock = start(&BASIC).await;
    let base = mock.base_url();
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(mock.authorize_url(), format!("{base}/main/authorize"));
    assert_eq!(mock.token_url(), format!("{base}/main/token"));
    assert_eq!(mock.api_url(), Some(format!("{base}/api")));
    assert_eq!(mock.user_info_url(), Some(format!("{base}/api/userinfo")));
    assert_eq!(
        mock.endpoint_url("groups"),
        Some(format!("{base}/api/groups"))
    );
    assert_eq!(mock.revocation_url(), Some(format!("{base}/main/revoke")));
    let vars = mock.env_vars();
    let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "BASIC_CLIENT_ID",
            "BASIC_CLIENT_SECRET",
            "BASIC_BASE_URL",
            "BASIC_AUTHORIZE_URL",
            "BASIC_TOKEN_URL",
            "BASIC_API_URL"
        ]
    );
    let built = mock.provider_builder().build().expect("builds");
    let from_env = SpecProvider::from_lookup(&BASIC, mock.env_lookup()).expect("builds");
    for provider in [&built, &from_env] {
        assert_eq!(provider.token_url().as_str(), mock.token_url());
        assert_eq!(
            provider.endpoint("groups").map(|u| u.to_string()),
            mock.endpoint_url("groups")
        );
    }
}

#[tokio::test]
async fn a_user_info_url_on_another_host_is_given_explicitly() {
    let mock = start(&FORM_BODY).await;
    assert_eq!(
        mock.user_info_url(),
        Some(format!("{}/me", mock.base_url()))
    );
    assert!(
        mock.env_vars()
            .iter()
            .any(|(n, v)| n == "FORMY_USERINFO_URL" && Some(v) == mock.user_info_url().as_ref())
    );
}

#[tokio::test]
async fn start_refuses_what_a_provider_could_not_be_pointed_at() {
    static FOREIGN_EXTRA: ProviderSpec = ProviderSpec {
        id: "foreign",
        authorization_url: "https://f.example/authorize",
        token_url: "https://f.example/token",
        user_info_url: "https://f.example/me",
        extra_endpoints: &[("emails", "https://elsewhere.example/emails")],
        ..ProviderSpec::DEFAULT
    };
    static SHARED_PATH: ProviderSpec = ProviderSpec {
        id: "shared",
        authorization_url: "https://a.example/oauth",
        token_url: "https://b.example/oauth",
        user_info_url: "https://c.example/me",
        ..ProviderSpec::DEFAULT
    };
    for spec in [&FOREIGN_EXTRA, &SHARED_PATH] {
        let err = MockProvider::start(spec, MockProviderConfig::new(USER))
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    }
    let unknown_param = MockProviderConfig::new(USER).param("tenant", "x");
    let err = MockProvider::start(&BASIC, unknown_param)
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let lan = MockProviderConfig::new(USER).addr("0.0.0.0:0".parse().expect("addr"));
    let err = MockProvider::start(&BASIC, lan).await.expect_err("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn basic_spec_refuses_credentials_in_the_form_body() {
    let mock = start(&BASIC).await;
    let code = code(&mock, &[]).await;
    let (status, text) = body(
        client()
            .post(mock.token_url())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT_URI),
                ("client_id", &mock.client_id()),
                ("client_secret", &mock.client_secret()),
            ])
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let json: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["error"], "invalid_client");
    assert_eq!(mock.counters().last_client_auth, None);
}

#[tokio::test]
async fn form_body_spec_refuses_basic_credentials_and_answers_form_encoded() {
    let mock = start(&FORM_BODY).await;
    let code = code(&mock, &[("scope", "a,b")]).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
    ];
    let refused = client()
        .post(mock.token_url())
        .basic_auth(mock.client_id(), Some(mock.client_secret()))
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );

    let code = self::code(&mock, &[("scope", "a,b")]).await;
    let client_id = mock.client_id();
    let client_secret = mock.client_secret();
    let accepted = client()
        .post(mock.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
        ])
        .send()
        .await
        .expect("answers");
    let (status, text) = body(accepted).await;
    assert_eq!(status, StatusCode::OK);
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    assert!(
        pairs.contains(&("scopes".to_owned(), "a,b".to_owned())),
        "{text}"
    );
    assert!(pairs.contains(&("token_type".to_owned(), "Bearer".to_owned())));
    assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
}

#[tokio::test]
async fn public_client_without_a_challenge_is_sent_back_with_invalid_request() {
    let mock = start(&PUBLIC).await;
    let back = callback(&mock, &[]).await;
    assert_eq!(param(&back, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&back, "state").as_deref(), Some("st4te"));
    assert_eq!(param(&back, "code"), None);
}

#[tokio::test]
async fn wrong_or_missing_verifier_is_invalid_grant_and_burns_the_code() {
    let mock = start(&PUBLIC).await;
    let verifier = PkceVerifier::generate().expect("random");
    let challenge = verifier.challenge();
    let pkce = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let exchange = |code: String, verifier: Option<String>| {
        let mock = mock.clone();
        async move {
            let mut form = vec![
                ("grant_type".to_owned(), "authorization_code".to_owned()),
                ("code".to_owned(), code),
                ("redirect_uri".to_owned(), REDIRECT_URI.to_owned()),
                ("client_id".to_owned(), mock.client_id()),
            ];
            if let Some(v) = verifier {
                form.push(("code_verifier".to_owned(), v));
            }
            body(
                client()
                    .post(mock.token_url())
                    .form(&form)
                    .send()
                    .await
                    .expect("answers"),
            )
            .await
        }
    };
    let code = self::code(&mock, &pkce).await;
    let other = PkceVerifier::generate()
        .expect("random")
        .secret()
        .to_owned();
    let (status, text) = exchange(code.clone(), Some(other)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("invalid_grant"), "{text}");
    let (status, _) = exchange(code, Some(verifier.secret().to_owned())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the code was burnt");
    let code = self::code(&mock, &pkce).await;
    let (status, _) = exchange(code, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let code = self::code(&mock, &pkce).await;
    let (status, _) = exchange(code, Some(verifier.secret().to_owned())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mock.counters().pkce_verified, 1);
    assert_eq!(mock.counters().last_client_auth, Some("none"));
}

#[tokio::test]
async fn token_request_must_repeat_the_redirect_uri() {
    let mock = start(&BASIC).await;
    for redirect in [None, Some("http://localhost:3000/auth/callback")] {
        let code = code(&mock, &[]).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ];
        if let Some(redirect) = redirect {
            form.push(("redirect_uri", redirect));
        }
        let (status, text) = body(
            client()
                .post(mock.token_url())
                .basic_auth(mock.client_id(), Some(mock.client_secret()))
                .form(&form)
                .send()
                .await
                .expect("answers"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{redirect:?}");
        assert!(text.contains("invalid_grant"));
    }
}

#[tokio::test]
async fn user_info_by_post_checks_method_bearer_and_required_headers() {
    let mock = start(&FORM_BODY).await;
    let provider = mock.provider_builder().build().expect("builds");
    let http = http();
    let state = CsrfState::generate().expect("random");
    let options = AuthorizeOptions::default();
    let url = provider
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .expect("url");
    let back = mock.authorize(url.as_str()).await.expect("redirects");
    let token = provider
        .exchange_code(
            &http,
            &AuthorizationCode::new(param(&back, "code").expect("code")),
            REDIRECT_URI,
            None,
        )
        .await
        .expect("exchanges");
    assert_eq!(token.scopes, ["a", "b"]);
    let user = provider.user_info(&http, &token).await.expect("user");
    assert_eq!(user.oauth_id, "u-7");

    let user_url = mock.user_info_url().expect("a user endpoint");
    let access = token.access_token.secret().to_owned();
    let get = client()
        .get(&user_url)
        .bearer_auth(&access)
        .header("Client-Id", mock.client_id())
        .send()
        .await
        .expect("answers");
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    let no_header = client()
        .post(&user_url)
        .bearer_auth(&access)
        .send()
        .await
        .expect("answers");
    assert_eq!(no_header.status(), StatusCode::BAD_REQUEST);
    let (status, text) = body(
        client()
            .post(&user_url)
            .header("Client-Id", mock.client_id())
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("json"),
        json!({"error_description": "The access token is invalid or expired."})
    );
    mock.expire_access_tokens();
    let expired = provider.user_info(&http, &token).await;
    assert!(
        matches!(expired, Err(Error::HttpStatus { status: 401, .. })),
        "{expired:?}"
    );
}

#[tokio::test]
async fn further_endpoints_answer_their_fixture_or_404() {
    let mock = MockProvider::start(
        &BASIC,
        MockProviderConfig::new(USER).endpoint("groups", r#"["admins"]"#),
    )
    .await
    .expect("starts");
    let provider = mock.provider_builder().build().expect("builds");
    let http = http();
    let code = code(&mock, &[]).await;
    let token = provider
        .exchange_code(&http, &AuthorizationCode::new(code), REDIRECT_URI, None)
        .await
        .expect("exchanges");
    let groups = mock.endpoint_url("groups").expect("groups");
    let access = token.access_token.secret().to_owned();
    let (status, text) = body(
        client()
            .get(&groups)
            .bearer_auth(&access)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, r#"["admins"]"#));
    let fresh = start(&BASIC).await;
    let code = self::code(&fresh, &[]).await;
    let token = fresh
        .provider_builder()
        .build()
        .expect("builds")
        .exchange_code(&http, &AuthorizationCode::new(code), REDIRECT_URI, None)
        .await
        .expect("exchanges");
    let missing = client()
        .get(fresh.endpoint_url("groups").expect("groups"))
        .bearer_auth(token.access_token.secret())
        .send()
        .await
        .expect("answers");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(fresh.counters().extra.get("groups"), Some(&1));
}

#[tokio::test]
async fn revocation_makes_the_token_stop_working() {
    let mock = start(&BASIC).await;
    let provider = mock.provider_builder().build().expect("builds");
    let http = http();
    let code = code(&mock, &[]).await;
    let token = provider
        .exchange_code(&http, &AuthorizationCode::new(code), REDIRECT_URI, None)
        .await
        .expect("exchanges");
    assert!(provider.user_info(&http, &token).await.is_ok());
    let revoked = provider.revoke(&http, &token).await.expect("revokes");
    assert!(matches!(revoked, Revocation::Revoked));
    assert_eq!(mock.counters().revoke, 1);
    let after = provider.user_info(&http, &token).await;
    assert!(
        matches!(after, Err(Error::HttpStatus { status: 401, .. })),
        "{after:?}"
    );
}

#[tokio::test]
async fn interactive_consent_names_the_provider_the_scopes_and_the_user() {
    let mock = MockProvider::start(
        &BASIC,
        MockProviderConfig::new(USER).consent(Consent::Interactive),
    )
    .await
    .expect("starts");
    let mut url = url::Url::parse(&mock.authorize_url()).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", &mock.client_id())
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("scope", "openid email");
    let (status, page) = body(client().get(url.as_str()).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Mock Basic Co from oauth-kit-testkit"),
        "{page}"
    );
    assert!(page.contains("Ada Quill"));
    assert!(page.contains("<code>openid</code>") && page.contains("<code>email</code>"));
    assert!(page.contains("action=\"/main/authorize/decision\""));
    let allowed = client()
        .post(format!("{}/main/authorize/decision", mock.base_url()))
        .form(&[
            ("client_id", mock.client_id().as_str()),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT_URI),
            ("decision", "allow"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(allowed.status(), StatusCode::SEE_OTHER);
    assert_eq!(mock.counters().authorize_decision, 1);
}

/// A discovery document and an `id_token` carrying the authorization request's nonce.
#[derive(Debug)]
struct Discovery;

impl MockExtension for Discovery {
    fn routes(&self, mock: &MockContext) -> Vec<(String, MethodRouter)> {
        let document = json!({
            "issuer": mock.base_url(),
            "token_endpoint": mock.token_url(),
            "userinfo_endpoint": mock.user_info_url(),
        });
        vec![(
            "/.well-known/openid-configuration".to_owned(),
            get(move || async move { oauth_kit_testkit::axum::Json(document) }),
        )]
    }

    fn authorization_response(
        &self,
        mock: &MockContext,
        _request: &[(String, String)],
        response: &mut Vec<(String, String)>,
    ) {
        response.push(("iss".to_owned(), mock.base_url().to_owned()));
    }

    fn token_response(
        &self,
        mock: &MockContext,
        grant: &IssuedGrant<'_>,
        response: &mut Map<String, Value>,
    ) {
        let claims = json!({
            "iss": mock.base_url(),
            "sub": grant.user["sub"],
            "nonce": grant.authorization_param("nonce"),
            "grant": grant.grant_type,
        });
        response.insert(
            "id_token".to_owned(),
            Value::String(format!("h.{claims}.s")),
        );
    }
}

#[tokio::test]
async fn extensions_add_routes_and_authorization_and_token_response_members() {
    let mock = MockProvider::start(
        &BASIC,
        MockProviderConfig::new(USER).extension(Arc::new(Discovery)),
    )
    .await
    .expect("starts");
    let (_, text) = body(
        client()
            .get(format!(
                "{}/.well-known/openid-configuration",
                mock.base_url()
            ))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let document: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(document["issuer"], mock.base_url());
    assert_eq!(document["token_endpoint"], mock.token_url());

    let nonce = Nonce::generate().expect("random");
    let back = callback(&mock, &[("nonce", nonce.secret())]).await;
    assert_eq!(
        param(&back, "iss"),
        Some(mock.base_url()),
        "RFC 9207 `iss` added"
    );
    let code = param(&back, "code").expect("a code");
    let (status, text) = body(
        client()
            .post(mock.token_url())
            .basic_auth(mock.client_id(), Some(mock.client_secret()))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT_URI),
            ])
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token: Value = serde_json::from_str(&text).expect("json");
    let id_token = token["id_token"].as_str().expect("an id_token");
    assert!(
        id_token.contains(nonce.secret()) && id_token.contains("\"sub\":\"u-7\""),
        "{id_token}"
    );
}

#[tokio::test]
async fn an_extension_route_on_a_served_path_is_refused() {
    #[derive(Debug)]
    struct Clash;
    impl MockExtension for Clash {
        fn routes(&self, _: &MockContext) -> Vec<(String, MethodRouter)> {
            vec![("/api/userinfo".to_owned(), get(|| async { "shadow" }))]
        }
    }
    let err = MockProvider::start(
        &BASIC,
        MockProviderConfig::new(USER).extension(Arc::new(Clash)),
    )
    .await
    .expect_err("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn debug_of_the_handle_and_the_config_hides_the_secret() {
    let config = MockProviderConfig::new(USER);
    assert!(!format!("{config:?}").contains(MOCK_CLIENT_SECRET));
    let mock = MockProvider::start(&BASIC, config).await.expect("starts");
    assert!(!format!("{mock:?}").contains(MOCK_CLIENT_SECRET));
}

/// A login through the spec's provider pointed at `mock`.
async fn login(mock: &MockProvider) -> (SpecProvider, OAuthToken) {
    let provider = mock.provider_builder().build().expect("builds");
    let state = CsrfState::generate().expect("random");
    let verifier = PkceVerifier::generate().expect("random");
    let challenge = verifier.challenge();
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new(REDIRECT_URI, &state, &options).with_pkce(&challenge);
    let url = provider.authorization_url(&request).expect("url");
    let back = mock.authorize(url.as_str()).await.expect("redirects");
    let code = AuthorizationCode::new(param(&back, "code").expect("code"));
    let token = provider
        .exchange_code(&http(), &code, REDIRECT_URI, Some(&verifier))
        .await
        .expect("exchanges");
    (provider, token)
}

#[tokio::test]
async fn json_token_requests_are_read_and_forms_refused() {
    let mock = start(&JSON_TOKEN).await;
    let (provider, token) = login(&mock).await;
    assert!(provider.user_info(&http(), &token).await.is_ok());
    let counters = mock.counters();
    assert_eq!(counters.last_client_auth, Some("client_secret_post"));
    assert!(
        counters
            .last_token_form
            .iter()
            .any(|k| k == "code_verifier")
    );
    let code = code(&mock, &[]).await;
    let client_id = mock.client_id();
    let client_secret = mock.client_secret();
    let form = client()
        .post(mock.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(form.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn query_token_requests_and_revocation_by_delete_work_end_to_end() {
    let mock = start(&QUERY_TOKEN).await;
    assert_eq!(
        mock.revocation_url(),
        Some(format!(
            "{}/applications/{}/token",
            mock.base_url(),
            mock.client_id()
        ))
    );
    let (provider, token) = login(&mock).await;
    let http = http();
    assert!(provider.user_info(&http, &token).await.is_ok());
    let post = client()
        .post(mock.token_url())
        .send()
        .await
        .expect("answers");
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    let revoked = provider.revoke(&http, &token).await.expect("revokes");
    assert!(matches!(revoked, Revocation::Revoked));
    assert_eq!(mock.counters().revoke, 1);
    let after = provider.user_info(&http, &token).await;
    assert!(
        matches!(after, Err(Error::HttpStatus { status: 401, .. })),
        "{after:?}"
    );
    let anonymous = client()
        .delete(mock.revocation_url().expect("revocation"))
        .header("content-type", "application/json")
        .body(json!({"access_token": "x"}).to_string())
        .send()
        .await
        .expect("answers");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
