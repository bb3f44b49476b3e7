//! The generic provider over a `ProviderSpec`: configuration from the builder and the
//! environment, instance names, endpoint templates, client authentication methods and the ways
//! a user is fetched.

use std::collections::HashMap;
use std::sync::Arc;

use oauth_kit_core::spec::{
    CallbackParam, CallbackRole, HeaderSource, Pkce, Profile, ProviderSpec, RevokedToken,
    SpecParam, UserSource,
};
use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, AuthorizeOptions, BeginOptions,
    ClientAssertion, ClientAuth, ClientSecret, CsrfState, Error, HttpClient, LoginContext,
    LoginService, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier, ProviderRegistry,
    RefreshToken, Revocation, RevocationMethod, SpecProvider, TokenEncoding, TokenQuirks,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::flow_support::{Begun, CODE, config, cookie_key, query, success};

fn gitlab_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    user.email = profile.str("/email");
    Ok(user)
}

/// A self-hostable provider laid out like GitLab.
static GITLAB_LIKE: ProviderSpec = ProviderSpec {
    id: "gitlab",
    title: "GitLab",
    env_prefix: "GITLAB",
    base_url: Some("https://gitlab.com"),
    authorization_url: "{base}/oauth/authorize",
    token_url: "{base}/oauth/token",
    api_url: "{base}/api/v4",
    user_info_url: "{api}/user",
    revocation_url: Some("{base}/oauth/revoke"),
    scopes: &["read_user"],
    client_auth: ClientAuth::FormBody,
    map_user: gitlab_user,
    ..ProviderSpec::DEFAULT
};

/// A provider with a tenant parameter, like Microsoft's.
static TENANTED: ProviderSpec = ProviderSpec {
    id: "tenanted",
    title: "Tenanted",
    env_prefix: "TENANTED",
    authorization_url: "https://login.example/{tenant}/authorize",
    token_url: "https://login.example/{tenant}/token",
    api_url: "https://graph.example",
    user_info_url: "{api}/me",
    params: &[SpecParam {
        name: "tenant",
        default: Some("common"),
        help: "use common, organizations, consumers or a tenant id",
    }],
    ..ProviderSpec::DEFAULT
};

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

fn setting(result: Result<SpecProvider, Error>) -> String {
    match result {
        Err(Error::Config { setting, .. }) => setting,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

const GITLAB_CREDENTIALS: [(&str, &str); 2] = [
    ("GITLAB_CLIENT_ID", "gl-id"),
    ("GITLAB_CLIENT_SECRET", "gl-secret-S3NTINEL"),
];

#[test]
fn from_env_resolves_the_templates_under_the_default_base_url() {
    let provider = SpecProvider::from_lookup(&GITLAB_LIKE, lookup(&GITLAB_CREDENTIALS)).unwrap();
    assert_eq!(provider.name(), "gitlab");
    assert_eq!(provider.client_id(), "gl-id");
    assert_eq!(
        provider.authorization_endpoint().as_str(),
        "https://gitlab.com/oauth/authorize"
    );
    assert_eq!(
        provider.token_url().as_str(),
        "https://gitlab.com/oauth/token"
    );
    assert_eq!(provider.api_url().as_str(), "https://gitlab.com/api/v4");
    assert_eq!(
        provider.user_info_url().as_str(),
        "https://gitlab.com/api/v4/user"
    );
    assert_eq!(provider.scopes(), ["read_user"]);
    assert!(provider.capabilities().revocation && provider.capabilities().pkce);
}

#[test]
fn from_env_reads_name_base_url_scopes_and_overrides() {
    let mut vars = GITLAB_CREDENTIALS.to_vec();
    vars.extend([
        ("GITLAB_NAME", "gitlab-corp"),
        ("GITLAB_BASE_URL", "https://git.corp.example/"),
        ("GITLAB_SCOPE", "read_user,openid  read_user"),
        ("GITLAB_TOKEN_URL", "http://127.0.0.1:9/token"),
    ]);
    let provider = SpecProvider::from_lookup(&GITLAB_LIKE, lookup(&vars)).unwrap();
    assert_eq!(provider.name(), "gitlab-corp");
    assert_eq!(
        provider.authorization_endpoint().as_str(),
        "https://git.corp.example/oauth/authorize"
    );
    assert_eq!(provider.token_url().as_str(), "http://127.0.0.1:9/token");
    assert_eq!(
        provider.user_info_url().as_str(),
        "https://git.corp.example/api/v4/user"
    );
    assert_eq!(provider.scopes(), ["read_user", "openid"]);
}

#[test]
fn a_second_instance_reads_its_own_prefix() {
    let vars = [
        ("GITLAB_CORP_CLIENT_ID", "corp-id"),
        ("GITLAB_CORP_CLIENT_SECRET", "corp-secret"),
        ("GITLAB_CORP_NAME", "gitlab-corp"),
        ("GITLAB_CORP_BASE_URL", "https://git.corp.example"),
    ];
    let provider =
        SpecProvider::from_prefixed_lookup(&GITLAB_LIKE, "GITLAB_CORP", lookup(&vars)).unwrap();
    assert_eq!(provider.name(), "gitlab-corp");
    assert_eq!(provider.client_id(), "corp-id");
    let err = SpecProvider::from_prefixed_lookup(&GITLAB_LIKE, "GITLAB_CORP", lookup(&[]));
    assert_eq!(setting(err), "GITLAB_CORP_CLIENT_ID");
}

#[test]
fn missing_or_empty_credentials_name_the_variable() {
    for (vars, variable) in [
        (vec![], "GITLAB_CLIENT_ID"),
        (vec![("GITLAB_CLIENT_ID", "  ")], "GITLAB_CLIENT_ID"),
        (vec![("GITLAB_CLIENT_ID", "k")], "GITLAB_CLIENT_SECRET"),
        (
            vec![("GITLAB_CLIENT_ID", "k"), ("GITLAB_CLIENT_SECRET", "")],
            "GITLAB_CLIENT_SECRET",
        ),
    ] {
        let result = SpecProvider::from_lookup(&GITLAB_LIKE, lookup(&vars));
        let message = result.as_ref().unwrap_err().to_string();
        assert!(message.contains(variable), "{message}");
        assert_eq!(setting(result), variable);
    }
}

#[test]
fn invalid_values_name_the_variable() {
    for (variable, value) in [
        ("GITLAB_TOKEN_URL", "not a url"),
        ("GITLAB_TOKEN_URL", "ftp://gitlab.example/token"),
        ("GITLAB_AUTHORIZE_URL", "http://gitlab.example/authorize"),
        ("GITLAB_API_URL", "https://user:pw@gitlab.example/api/v4"),
        ("GITLAB_API_URL", "https://gitlab.example/api/v4?x=1"),
        ("GITLAB_BASE_URL", "http://gitlab.internal"),
        ("GITLAB_NAME", "GitLab Corp"),
    ] {
        let mut vars = GITLAB_CREDENTIALS.to_vec();
        vars.push((variable, value));
        let result = SpecProvider::from_lookup(&GITLAB_LIKE, lookup(&vars));
        assert_eq!(setting(result), variable, "{value}");
    }
}

#[test]
fn builder_errors_name_the_option_and_the_variable() {
    let err = SpecProvider::builder(&GITLAB_LIKE, "  ", ClientSecret::new("s")).build();
    assert_eq!(setting(err), "client_id (GITLAB_CLIENT_ID)");
    let err = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new(" ")).build();
    assert_eq!(setting(err), "client_secret (GITLAB_CLIENT_SECRET)");
    let err = SpecProvider::builder(&TENANTED, "k", ClientSecret::new("s"))
        .base_url("https://elsewhere.example")
        .build();
    assert_eq!(setting(err), "base_url (TENANTED_BASE_URL)");
}

#[test]
fn plain_http_needs_loopback_or_the_danger_option() {
    let builder = || {
        SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
            .base_url("http://gitlab.internal")
    };
    assert!(builder().build().is_err());
    let provider = builder().danger_allow_http_endpoints().build().unwrap();
    assert_eq!(
        provider.token_url().as_str(),
        "http://gitlab.internal/oauth/token"
    );
}

#[test]
fn credentials_are_trimmed_and_never_in_debug() {
    let provider = SpecProvider::builder(
        &GITLAB_LIKE,
        " key\n",
        ClientSecret::new("S3NTINEL-secret\n"),
    )
    .build()
    .unwrap();
    assert_eq!(provider.client_id(), "key");
    assert!(!format!("{provider:?}").contains("S3NTINEL"));
    let builder = SpecProvider::builder(&GITLAB_LIKE, "key", ClientSecret::new("S3NTINEL"));
    assert!(!format!("{builder:?}").contains("S3NTINEL"));
}

#[test]
fn scopes_replace_and_scope_appends_without_duplicates() {
    let provider = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
        .scopes(["api"])
        .scope("api")
        .scope("openid")
        .build()
        .unwrap();
    assert_eq!(provider.scopes(), ["api", "openid"]);
    let appended = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
        .scope("openid")
        .build()
        .unwrap();
    assert_eq!(appended.scopes(), ["read_user", "openid"]);
}

#[test]
fn template_parameters_have_defaults_variables_and_validation() {
    let creds = [
        ("TENANTED_CLIENT_ID", "id"),
        ("TENANTED_CLIENT_SECRET", "secret"),
    ];
    let default = SpecProvider::from_lookup(&TENANTED, lookup(&creds)).unwrap();
    assert_eq!(
        default.token_url().as_str(),
        "https://login.example/common/token"
    );
    let mut vars = creds.to_vec();
    vars.push(("TENANTED_TENANT", "contoso.onmicrosoft.com"));
    let tenant = SpecProvider::from_lookup(&TENANTED, lookup(&vars)).unwrap();
    assert_eq!(
        tenant.authorization_endpoint().as_str(),
        "https://login.example/contoso.onmicrosoft.com/authorize"
    );
    let mut bad = creds.to_vec();
    bad.push(("TENANTED_TENANT", "a/../b"));
    assert_eq!(
        setting(SpecProvider::from_lookup(&TENANTED, lookup(&bad))),
        "TENANTED_TENANT"
    );
    let unknown = SpecProvider::builder(&TENANTED, "k", ClientSecret::new("s"))
        .param("realm", "x")
        .build();
    assert_eq!(setting(unknown), "realm (TENANTED_REALM)");
}

/// The GitLab-like user of `id`.
fn user_json(id: u64, username: &str) -> Value {
    json!({"id": id, "username": username, "email": format!("{username}@example.com")})
}

async fn gitlab_server(id: u64, username: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("client_secret="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("at-{username}"), "token_type": "bearer", "expires_in": 7200
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/user"))
        .and(header("authorization", format!("Bearer at-{username}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json(id, username)))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn two_instances_of_one_spec_log_in_side_by_side() {
    let public = gitlab_server(1, "alice").await;
    let corp = gitlab_server(2, "bob").await;
    let gitlab = SpecProvider::builder(&GITLAB_LIKE, "public-id", ClientSecret::new("s1"))
        .base_url(public.uri())
        .build()
        .unwrap();
    let gitlab_corp = SpecProvider::builder(&GITLAB_LIKE, "corp-id", ClientSecret::new("s2"))
        .name("gitlab-corp")
        .base_url(corp.uri())
        .build()
        .unwrap();
    let registry = ProviderRegistry::new()
        .with(gitlab)
        .unwrap()
        .with(gitlab_corp)
        .unwrap();
    assert_eq!(
        registry.names().collect::<Vec<_>>(),
        ["gitlab", "gitlab-corp"]
    );
    let flow = config().cookie_key(cookie_key()).build().unwrap();
    let service = LoginService::new(registry, flow).unwrap();

    for (name, server, id, client_id) in [
        ("gitlab", &public, "1", "public-id"),
        ("gitlab-corp", &corp, "2", "corp-id"),
    ] {
        let begun =
            Begun::from_outcome(service.begin(name, BeginOptions::default()).await.unwrap());
        assert!(
            begun.url.as_str().starts_with(&server.uri()),
            "{}",
            begun.url
        );
        assert!(
            begun
                .url
                .query_pairs()
                .any(|(k, v)| k == "client_id" && v == client_id)
        );
        assert!(
            begun
                .url
                .query_pairs()
                .any(|(k, v)| k == "redirect_uri" && v.ends_with(&format!("/auth/{name}/callback")))
        );
        let login = success(
            service
                .complete(
                    name,
                    &query(&[("code", CODE), ("state", &begun.state)]),
                    Some(&begun.cookie),
                )
                .await,
        );
        assert_eq!(login.user.provider, name);
        assert_eq!(login.user.oauth_id, id);
    }
    // Each server saw exactly its own instance's token and user requests (`expect(1)`).
    public.verify().await;
    corp.verify().await;
}

#[tokio::test]
async fn a_callback_for_one_instance_cannot_complete_on_the_other() {
    let public = MockServer::start().await;
    let corp = MockServer::start().await;
    let registry = ProviderRegistry::new()
        .with(
            SpecProvider::builder(&GITLAB_LIKE, "a", ClientSecret::new("s"))
                .base_url(public.uri())
                .build()
                .unwrap(),
        )
        .unwrap()
        .with(
            SpecProvider::builder(&GITLAB_LIKE, "b", ClientSecret::new("s"))
                .name("gitlab-corp")
                .base_url(corp.uri())
                .build()
                .unwrap(),
        )
        .unwrap();
    let flow = config().cookie_key(cookie_key()).build().unwrap();
    let service = LoginService::new(registry, flow).unwrap();
    let begun = Begun::from_outcome(
        service
            .begin("gitlab", BeginOptions::default())
            .await
            .unwrap(),
    );
    let completion = service
        .complete("gitlab-corp", &begun.callback(), Some(&begun.cookie))
        .await;
    assert!(matches!(completion.result, Err(Error::ProviderMismatch)));
    assert!(corp.received_requests().await.unwrap().is_empty());
    assert!(public.received_requests().await.unwrap().is_empty());
}

fn public_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    Ok(profile.user(profile.id("/user/id")?))
}

/// A public client (no secret) that must use PKCE, with the user read by POST with headers.
static PUBLIC_CLIENT: ProviderSpec = ProviderSpec {
    id: "public",
    title: "Public",
    env_prefix: "PUBLIC",
    authorization_url: "http://127.0.0.1:1/authorize",
    token_url: "{api}/token",
    api_url: "http://127.0.0.1:1",
    user_info_url: "{api}/users/me",
    client_auth: ClientAuth::None,
    pkce: Pkce::Required,
    user_source: UserSource::Post,
    user_headers: &[
        ("Client-Id", HeaderSource::ClientId),
        ("Api-Version", HeaderSource::Static("2024-01-01")),
    ],
    map_user: public_user,
    ..ProviderSpec::DEFAULT
};

fn verifier() -> PkceVerifier {
    PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap()
}

#[tokio::test]
async fn public_clients_send_the_verifier_and_no_secret_and_post_for_the_user() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at", "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/users/me"))
        .and(header("client-id", "pub-id"))
        .and(header("api-version", "2024-01-01"))
        .and(header("authorization", "Bearer at"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": {"id": 7}})))
        .expect(1)
        .mount(&server)
        .await;
    let vars = [
        ("PUBLIC_CLIENT_ID", "pub-id"),
        ("PUBLIC_API_URL", server.uri().leak() as &str),
    ];
    let provider = SpecProvider::from_lookup(&PUBLIC_CLIENT, lookup(&vars)).unwrap();
    let http = HttpClient::new().unwrap();
    let token = provider
        .exchange_code(
            &http,
            &AuthorizationCode::new("c"),
            "http://localhost/cb",
            Some(&verifier()),
        )
        .await
        .unwrap();
    let form =
        String::from_utf8(server.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(form.contains("client_id=pub-id"), "{form}");
    assert!(form.contains("code_verifier="), "{form}");
    assert!(!form.contains("client_secret"), "{form}");
    let user = provider.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "7");
    assert_eq!(user.provider, "public");
    server.verify().await;
}

#[derive(Debug)]
struct FakeSigner;

impl ClientAssertion for FakeSigner {
    fn sign(&self, client_id: &str, audience: &str) -> Result<ClientSecret, Error> {
        Ok(ClientSecret::new(format!(
            "signed.{client_id}.{}",
            audience.len()
        )))
    }
}

/// A provider that authenticates with `private_key_jwt`.
static ASSERTING: ProviderSpec = ProviderSpec {
    id: "asserting",
    title: "Asserting",
    env_prefix: "ASSERTING",
    authorization_url: "http://127.0.0.1:1/authorize",
    token_url: "{api}/token",
    api_url: "http://127.0.0.1:1",
    user_info_url: "",
    client_auth: ClientAuth::PrivateKeyJwt,
    user_source: UserSource::TokenResponse(""),
    token_quirks: TokenQuirks::STRICT.form_encoded(true),
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn private_key_jwt_sends_a_fresh_assertion_and_users_come_from_the_token_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("client_assertion=signed.jwt-client."))
        .and(body_string_contains(
            "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(
                "access_token=AT-S3NTINEL&token_type=bearer&sub=u-1&email=a%40b.example",
                "application/x-www-form-urlencoded",
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&ASSERTING, "jwt-client", ClientSecret::new(""))
        .api_url(server.uri())
        .client_assertion(Arc::new(FakeSigner))
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let token = provider
        .exchange_code(
            &http,
            &AuthorizationCode::new("c"),
            "http://localhost/cb",
            None,
        )
        .await
        .unwrap();
    let user = provider.user_info(&http, &token).await.unwrap();
    assert_eq!(user.oauth_id, "u-1");
    assert_eq!(user.email.as_deref(), Some("a@b.example"));
    assert!(
        !user.raw_data.to_string().contains("S3NTINEL"),
        "{}",
        user.raw_data
    );
    // Without a signer, private_key_jwt cannot authenticate: a configuration error, no request.
    let unsigned = SpecProvider::builder(&ASSERTING, "jwt-client", ClientSecret::new(""))
        .api_url(server.uri())
        .build()
        .unwrap();
    let err = unsigned
        .exchange_code(
            &http,
            &AuthorizationCode::new("c"),
            "http://localhost/cb",
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    server.verify().await;
}

#[tokio::test]
async fn revocation_uses_the_spec_endpoint_and_its_absence_names_the_manage_page() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/revoke"))
        .and(body_string_contains("token=at"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
        .base_url(server.uri())
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("at"));
    assert_eq!(
        provider.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    let tenanted = SpecProvider::builder(&TENANTED, "k", ClientSecret::new("s"))
        .build()
        .unwrap();
    assert_eq!(
        tenanted.revoke(&http, &token).await.unwrap(),
        Revocation::Unsupported { manage_url: None }
    );
    server.verify().await;
}

/// A provider whose authorization response carries a further parameter for the mapping, like
/// Intuit's `realmId`.
static CALLBACK_PARAMS: ProviderSpec = ProviderSpec {
    id: "callbackparams",
    title: "Callback params",
    env_prefix: "CALLBACKPARAMS",
    callback_params: &[
        CallbackParam {
            name: "realmId",
            role: CallbackRole::Claim,
            example: "9341453172470652",
        },
        CallbackParam {
            name: "username",
            role: CallbackRole::Claim,
            example: "mallory",
        },
    ],
    base_url: Some("https://gitlab.com"),
    authorization_url: "{base}/oauth/authorize",
    token_url: "{base}/oauth/token",
    api_url: "{base}/api/v4",
    user_info_url: "{api}/user",
    revocation_url: Some("{base}/oauth/revoke"),
    client_auth: ClientAuth::FormBody,
    map_user: gitlab_user,
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn callback_params_reach_the_mapping_as_strings_without_overriding_the_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json(7, "ada")))
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&CALLBACK_PARAMS, "k", ClientSecret::new("s"))
        .base_url(server.uri())
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("at"));
    let callback = [
        ("realmId".to_owned(), "9341453172470652".to_owned()),
        ("username".to_owned(), "mallory".to_owned()),
        ("other".to_owned(), "x".to_owned()),
    ];
    let login = LoginContext::new().with_callback(&callback);
    let user = provider.login_user(&http, &token, &login).await.unwrap();
    assert_eq!(user.raw_data["realmId"], json!("9341453172470652"));
    assert_eq!(user.raw_data["username"], json!("ada"));
    assert_eq!(user.username.as_deref(), Some("ada"));
    assert_eq!(user.raw_data.get("other"), None);

    let long = [("realmId".to_owned(), "9".repeat(257))];
    let login = LoginContext::new().with_callback(&long);
    let user = provider.login_user(&http, &token, &login).await.unwrap();
    assert_eq!(user.raw_data.get("realmId"), None);
    // A spec without callback parameters ignores them.
    let plain = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
        .base_url(server.uri())
        .build()
        .unwrap();
    let login = LoginContext::new().with_callback(&callback);
    let user = plain.login_user(&http, &token, &login).await.unwrap();
    assert_eq!(user.raw_data.get("realmId"), None);
}

#[tokio::test]
async fn api_errors_carry_the_message_and_a_generic_hint_naming_the_variable() {
    let server = MockServer::start().await;
    for (status, body) in [
        (404, json!({"message": "404 Not Found"})),
        (
            401,
            json!({"error": "invalid_token", "error_description": "Token was revoked\n\u{1b}[31m"}),
        ),
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path("/api/v4/user"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        let provider = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
            .base_url(server.uri())
            .build()
            .unwrap();
        let err = provider
            .user_info(
                &HttpClient::new().unwrap(),
                &OAuthToken::bearer(AccessToken::new("at")),
            )
            .await
            .unwrap_err();
        let Error::HttpStatus { message, hint, .. } = err else {
            panic!("expected an HTTP status error, got {err:?}");
        };
        let message = message.unwrap();
        assert!(!message.chars().any(char::is_control), "{message:?}");
        match status {
            404 => assert!(hint.unwrap().contains("GITLAB_API_URL")),
            _ => assert!(hint.unwrap().contains("log in again")),
        }
    }
}

#[test]
fn pkce_and_nonce_are_sent_only_when_the_spec_supports_them() {
    static NO_PKCE: ProviderSpec = ProviderSpec {
        id: "nopkce",
        title: "No PKCE",
        env_prefix: "NOPKCE",
        authorization_url: "https://id.example/authorize",
        token_url: "https://id.example/token",
        user_info_url: "https://id.example/me",
        pkce: Pkce::Unsupported,
        ..ProviderSpec::DEFAULT
    };
    let state = CsrfState::new("s");
    let options = AuthorizeOptions::default();
    let challenge = verifier().challenge();
    let nonce = oauth_kit_core::Nonce::new("n");
    let request = AuthorizationRequest::new("https://app/cb", &state, &options)
        .with_pkce(&challenge)
        .with_nonce(&nonce);
    let without = SpecProvider::builder(&NO_PKCE, "k", ClientSecret::new("s"))
        .build()
        .unwrap()
        .authorization_url(&request)
        .unwrap();
    assert!(!without.as_str().contains("code_challenge"), "{without}");
    assert!(!without.as_str().contains("nonce"), "{without}");
    let with = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
        .build()
        .unwrap()
        .authorization_url(&request)
        .unwrap();
    assert!(
        with.as_str().contains("code_challenge_method=S256"),
        "{with}"
    );
}

/// A provider with fixed authorization parameters, like Reddit's `duration` and Atlassian's
/// `audience` and `prompt`.
static FIXED_PARAMS: ProviderSpec = ProviderSpec {
    id: "fixed",
    title: "Fixed",
    env_prefix: "FIXED",
    authorization_url: "https://id.example/authorize",
    token_url: "https://id.example/token",
    user_info_url: "https://id.example/me",
    authorize_params: &[
        ("duration", "permanent"),
        ("audience", "api.example"),
        ("prompt", "consent"),
    ],
    ..ProviderSpec::DEFAULT
};

fn pairs(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

#[test]
fn fixed_authorization_parameters_are_sent_unless_the_request_sets_them() {
    let provider = SpecProvider::builder(&FIXED_PARAMS, "k", ClientSecret::new("s"))
        .build()
        .unwrap();
    let state = CsrfState::new("s");
    let defaults = AuthorizeOptions::default();
    let url = provider
        .authorization_url(&AuthorizationRequest::new(
            "https://app/cb",
            &state,
            &defaults,
        ))
        .unwrap();
    let sent = pairs(&url);
    for expected in [
        ("duration", "permanent"),
        ("audience", "api.example"),
        ("prompt", "consent"),
    ] {
        let expected = (expected.0.to_owned(), expected.1.to_owned());
        assert_eq!(sent.iter().filter(|p| **p == expected).count(), 1, "{url}");
    }
    let options = AuthorizeOptions::default()
        .prompt("login")
        .param("duration", "temporary");
    let url = provider
        .authorization_url(&AuthorizationRequest::new(
            "https://app/cb",
            &state,
            &options,
        ))
        .unwrap();
    let sent = pairs(&url);
    let values = |name: &str| {
        sent.iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(values("prompt"), ["login"]);
    assert_eq!(values("duration"), ["temporary"]);
    assert_eq!(values("audience"), ["api.example"]);
}

/// A provider whose token endpoint takes JSON with the credentials in the body (Atlassian).
static JSON_TOKEN: ProviderSpec = ProviderSpec {
    id: "jsontoken",
    title: "JSON token",
    env_prefix: "JSONTOKEN",
    authorization_url: "https://id.example/authorize",
    token_url: "{api}/oauth/token",
    api_url: "https://id.example",
    user_info_url: "{api}/me",
    client_auth: ClientAuth::FormBody,
    token_encoding: TokenEncoding::Json,
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn json_token_requests_carry_every_parameter_in_a_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "grant_type": "authorization_code",
            "code": "the-code",
            "redirect_uri": "http://localhost/cb",
            "client_id": "json-id",
            "client_secret": "json-secret"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at", "token_type": "Bearer", "refresh_token": "rt-2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_json(json!({
            "grant_type": "refresh_token",
            "refresh_token": "rt-1",
            "client_id": "json-id",
            "client_secret": "json-secret"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at-2", "token_type": "Bearer", "refresh_token": "rt-3"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&JSON_TOKEN, "json-id", ClientSecret::new("json-secret"))
        .api_url(server.uri())
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let token = provider
        .exchange_code(
            &http,
            &AuthorizationCode::new("the-code"),
            "http://localhost/cb",
            None,
        )
        .await
        .unwrap();
    assert_eq!(token.access_token.secret(), "at");
    let refreshed = provider
        .refresh(&http, &RefreshToken::new("rt-1"))
        .await
        .unwrap();
    let rotated = refreshed.refresh_token.as_ref().map(RefreshToken::secret);
    assert_eq!(rotated, Some("rt-3"));
    server.verify().await;
}

/// A provider whose token request is a GET with the credentials in the query (Facebook).
static QUERY_TOKEN: ProviderSpec = ProviderSpec {
    id: "querytoken",
    title: "Query token",
    env_prefix: "QUERYTOKEN",
    authorization_url: "https://id.example/dialog/oauth",
    token_url: "{api}/oauth/access_token",
    api_url: "https://graph.example/v1.0",
    user_info_url: "{api}/me",
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    token_encoding: TokenEncoding::Query,
    capabilities: oauth_kit_core::Capabilities::NONE,
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn query_token_requests_are_gets_and_their_failures_never_show_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/oauth/access_token"))
        .and(query_param("client_id", "q-id"))
        .and(query_param("client_secret", "q-S3NTINEL"))
        .and(query_param("code", "the-code"))
        .and(query_param("redirect_uri", "http://localhost/cb"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at", "token_type": "bearer", "expires_in": 5183944
        })))
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&QUERY_TOKEN, "q-id", ClientSecret::new("q-S3NTINEL"))
        .api_url(format!("{}/v1.0", server.uri()))
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let code = AuthorizationCode::new("the-code");
    let token = provider
        .exchange_code(&http, &code, "http://localhost/cb", None)
        .await
        .unwrap();
    assert_eq!(token.access_token.secret(), "at");
    server.verify().await;

    // A failure at the transport level names neither the URL nor the secret.
    let closed = SpecProvider::builder(&QUERY_TOKEN, "q-id", ClientSecret::new("q-S3NTINEL"))
        .token_url("http://127.0.0.1:9/oauth/access_token")
        .build()
        .unwrap();
    let err = closed
        .exchange_code(&http, &code, "http://localhost/cb", None)
        .await
        .unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("S3NTINEL"), "{text}");
    }
    let refresh = provider
        .refresh(&http, &RefreshToken::new("rt"))
        .await
        .unwrap_err();
    assert!(matches!(refresh, Error::Unsupported { .. }), "{refresh:?}");
}

/// A provider that revokes with a DELETE naming its client id in the path (GitHub).
static DELETE_REVOCATION: ProviderSpec = ProviderSpec {
    id: "deleterevoke",
    title: "Delete revoke",
    env_prefix: "DELETEREVOKE",
    authorization_url: "https://id.example/authorize",
    token_url: "https://id.example/token",
    api_url: "https://api.id.example",
    user_info_url: "{api}/user",
    revocation_url: Some("{api}/applications/{client_id}/token"),
    revocation_method: RevocationMethod::DeleteJson {
        member: "access_token",
    },
    client_auth: ClientAuth::FormBody,
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn delete_revocation_sends_basic_auth_and_the_token_in_json() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/applications/Iv1.app%20id/token"))
        .and(header("authorization", "Basic SXYxLmFwcCtpZDpzZWNyZXQ="))
        .and(body_json(json!({"access_token": "gho_token"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(
        &DELETE_REVOCATION,
        "Iv1.app id",
        ClientSecret::new("secret"),
    )
    .api_url(server.uri())
    .build()
    .unwrap();
    assert!(provider.capabilities().revocation);
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("gho_token"));
    assert_eq!(
        provider.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    server.verify().await;

    server.reset().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    let err = provider.revoke(&http, &token).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
}

/// A provider whose revocation endpoint takes the refresh token (Roblox).
static REFRESH_REVOCATION: ProviderSpec = ProviderSpec {
    id: "rtrevoke",
    title: "Refresh-token revocation",
    env_prefix: "RTREVOKE",
    authorization_url: "https://id.example/authorize",
    token_url: "https://id.example/token",
    api_url: "https://api.id.example",
    user_info_url: "{api}/user",
    revocation_url: Some("{api}/token/revoke"),
    revoked_token: RevokedToken::RefreshToken,
    client_auth: ClientAuth::FormBody,
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn refresh_token_revocation_sends_the_refresh_token_never_the_access_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token/revoke"))
        .and(body_string_contains("token=rt-1"))
        .and(body_string_contains("token_type_hint=refresh_token"))
        .and(body_string_contains("client_secret=secret"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&REFRESH_REVOCATION, "app", ClientSecret::new("secret"))
        .api_url(server.uri())
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let mut token = OAuthToken::bearer(AccessToken::new("at-1"));
    token.refresh_token = Some(RefreshToken::new("rt-1"));
    assert_eq!(
        provider.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    server.verify().await;
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .all(|r| !String::from_utf8_lossy(&r.body).contains("at-1"))
    );

    // Without a refresh token there is nothing to revoke: a typed answer, no request.
    let err = provider
        .revoke(&http, &OAuthToken::bearer(AccessToken::new("at-1")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

fn header_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/slug");
    Ok(user)
}

/// Finds the user from a response header, then reads them (Bitbucket Data Center).
fn find_user<'a>(
    ctx: &'a oauth_kit_core::spec::UserContext<'a>,
    _user: OAuthUserInfo,
) -> oauth_kit_core::spec::UserStepFuture<'a> {
    Box::pin(async move {
        let response = ctx.get(ctx.endpoint("whoami")?).await?;
        let name = response
            .headers
            .get("x-ausername")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if name.is_empty() {
            return Ok(OAuthUserInfo::new(ctx.name(), ""));
        }
        let mut url = ctx.endpoint("users")?.clone();
        url.path_segments_mut().unwrap().push(&name);
        ctx.map_user(ctx.get_json(&url).await?)
    })
}

static STEP_SOURCE: ProviderSpec = ProviderSpec {
    id: "selfhosted",
    title: "Self-hosted",
    env_prefix: "SELFHOSTED",
    base_url: Some(""),
    authorization_url: "{base}/oauth/authorize",
    token_url: "{base}/oauth/token",
    api_url: "{base}/rest/api",
    user_info_url: "",
    extra_endpoints: &[("whoami", "{api}/properties"), ("users", "{api}/users")],
    user_source: UserSource::Step,
    map_user: header_user,
    user_step: Some(find_user),
    ..ProviderSpec::DEFAULT
};

#[test]
fn self_hosted_only_specs_need_a_base_url() {
    let creds = [
        ("SELFHOSTED_CLIENT_ID", "id"),
        ("SELFHOSTED_CLIENT_SECRET", "secret"),
    ];
    let result = SpecProvider::from_lookup(&STEP_SOURCE, lookup(&creds));
    let message = result.as_ref().unwrap_err().to_string();
    assert!(message.contains("self-hosted"), "{message}");
    assert_eq!(setting(result), "SELFHOSTED_BASE_URL");
    let mut vars = creds.to_vec();
    vars.push(("SELFHOSTED_BASE_URL", "https://git.example/"));
    let provider = SpecProvider::from_lookup(&STEP_SOURCE, lookup(&vars)).unwrap();
    assert_eq!(
        provider.token_url().as_str(),
        "https://git.example/oauth/token"
    );
    assert_eq!(
        provider.endpoint("users").unwrap().as_str(),
        "https://git.example/rest/api/users"
    );
}

#[tokio::test]
async fn a_step_source_finds_the_user_and_maps_it_with_the_spec() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/properties"))
        .and(header("authorization", "Bearer at"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-AUSERNAME", "erin")
                .set_body_json(json!({"version": "9.4.0"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/users/erin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 41, "slug": "erin"})))
        .expect(1)
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&STEP_SOURCE, "id", ClientSecret::new("s"))
        .name("bbdc")
        .base_url(server.uri())
        .build()
        .unwrap();
    let http = HttpClient::new().unwrap();
    let token = OAuthToken::bearer(AccessToken::new("at"));
    let user = provider.user_info(&http, &token).await.unwrap();
    assert_eq!(
        (user.provider.as_str(), user.oauth_id.as_str()),
        ("bbdc", "41")
    );
    assert_eq!(user.username.as_deref(), Some("erin"));
    assert_eq!(user.raw_data, json!({"id": 41, "slug": "erin"}));
    server.verify().await;

    // A step that finds nobody is an invalid response, not a user without an id.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/properties"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let err = provider.user_info(&http, &token).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}

#[test]
fn the_revocation_endpoint_is_overridden_like_the_others() {
    let mut vars = GITLAB_CREDENTIALS.to_vec();
    vars.push(("GITLAB_REVOCATION_URL", "http://127.0.0.1:9/revoke"));
    let provider = SpecProvider::from_lookup(&GITLAB_LIKE, lookup(&vars)).unwrap();
    assert_eq!(
        provider.oauth2().revocation_url().map(url::Url::as_str),
        Some("http://127.0.0.1:9/revoke")
    );
    vars.pop();
    vars.push(("GITLAB_REVOCATION_URL", "http://gitlab.internal/revoke"));
    let err = SpecProvider::from_lookup(&GITLAB_LIKE, lookup(&vars));
    assert_eq!(setting(err), "GITLAB_REVOCATION_URL");
    let builder = SpecProvider::builder(&GITLAB_LIKE, "k", ClientSecret::new("s"))
        .revocation_url("https://revoke.example/oauth/revoke")
        .build()
        .unwrap();
    assert_eq!(
        builder.oauth2().revocation_url().map(url::Url::as_str),
        Some("https://revoke.example/oauth/revoke")
    );
}

/// A broker whose every authorization names exactly one of three targets (WorkOS).
static CHOICE: ProviderSpec = ProviderSpec {
    id: "broker",
    title: "Broker",
    env_prefix: "BROKER",
    authorization_url: "https://sso.example/authorize",
    token_url: "https://sso.example/token",
    api_url: "https://sso.example",
    user_info_url: "{api}/profile",
    params: &[
        SpecParam {
            name: "connection",
            default: Some(""),
            help: "a connection id",
        },
        SpecParam {
            name: "organization",
            default: Some(""),
            help: "an organization id",
        },
    ],
    authorize_choice: &["connection", "organization"],
    ..ProviderSpec::DEFAULT
};

#[test]
fn exactly_one_authorization_choice_is_sent_and_none_or_several_name_the_variables() {
    let credentials = [("BROKER_CLIENT_ID", "k"), ("BROKER_CLIENT_SECRET", "s")];
    let with = |extra: &[(&str, &str)]| {
        let mut vars = credentials.to_vec();
        vars.extend_from_slice(extra);
        SpecProvider::from_lookup(&CHOICE, lookup(&vars))
    };
    let state = CsrfState::new("s");
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new("https://app/cb", &state, &options);
    let provider = with(&[("BROKER_ORGANIZATION", "org_42")]).unwrap();
    let sent = pairs(&provider.authorization_url(&request).unwrap());
    assert!(sent.contains(&("organization".to_owned(), "org_42".to_owned())));
    assert!(!sent.iter().any(|(n, _)| n == "connection"), "{sent:?}");
    for vars in [
        &[][..],
        &[
            ("BROKER_CONNECTION", "conn_1"),
            ("BROKER_ORGANIZATION", "org_42"),
        ][..],
    ] {
        assert_eq!(
            setting(with(vars)),
            "BROKER_CONNECTION, BROKER_ORGANIZATION"
        );
    }
    // An empty variable is unset; a request's own parameter wins.
    let provider = with(&[
        ("BROKER_CONNECTION", "conn_1"),
        ("BROKER_ORGANIZATION", " "),
    ])
    .unwrap();
    let options = AuthorizeOptions::default().param("connection", "conn_2");
    let request = AuthorizationRequest::new("https://app/cb", &state, &options);
    let sent = pairs(&provider.authorization_url(&request).unwrap());
    let connections: Vec<&(String, String)> =
        sent.iter().filter(|(n, _)| n == "connection").collect();
    assert_eq!(
        connections,
        [&("connection".to_owned(), "conn_2".to_owned())]
    );
    let built = SpecProvider::builder(&CHOICE, "k", ClientSecret::new("s")).build();
    assert_eq!(
        setting(built),
        "connection (BROKER_CONNECTION), organization (BROKER_ORGANIZATION)"
    );
}
