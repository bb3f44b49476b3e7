//! OpenID Connect in the spec machinery, against the testkit's mock issuer: discovery once,
//! signatures with every allowed algorithm, the JWKS refetch policy, the nonce from this
//! browser's flow record with both stores, and client authentication from discovery.

use std::sync::Arc;
use std::time::Duration;

use oauth_kit_core::oidc::{IdTokenError, IdTokenHeader, SigningAlgorithm};
use oauth_kit_core::spec::{IdTokenKey, OpenIdSpec, Pkce, ProviderSpec};
use oauth_kit_core::{
    BeginOptions, ClientSecret, Completion, CookieKey, Error, FlowConfig, FlowRecord, HttpClient,
    LoginService, MemoryStore, OAuthProvider, ProviderRegistry, SpecProvider, StateStore,
};
use oauth_kit_testkit::{MockAlg, MockOidc, OidcConfig, OidcFault};

static OIDC: ProviderSpec = ProviderSpec {
    id: "oidc",
    title: "OpenID Connect",
    env_prefix: "OIDC",
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::Required,
    openid: Some(OpenIdSpec::DEFAULT),
    ..ProviderSpec::DEFAULT
};

/// A provider whose ID tokens are HS256 keyed with the client secret (LINE's web login).
static HS256_OIDC: ProviderSpec = ProviderSpec {
    openid: Some(OpenIdSpec {
        id_token_key: IdTokenKey::ClientSecretHs256,
        ..OpenIdSpec::DEFAULT
    }),
    ..oidc_spec()
};

/// A provider that lists HS256 among its algorithms without declaring the client secret as
/// the key: HS256 must still be refused.
static HS256_LISTED: ProviderSpec = ProviderSpec {
    openid: Some(OpenIdSpec {
        algorithms: &[SigningAlgorithm::HS256, SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    ..oidc_spec()
};

/// The generic OpenID Connect spec of these tests.
const fn oidc_spec() -> ProviderSpec {
    ProviderSpec {
        id: "oidc",
        title: "OpenID Connect",
        env_prefix: "OIDC",
        scopes: &["openid", "email", "profile"],
        pkce: Pkce::Required,
        openid: Some(OpenIdSpec::DEFAULT),
        ..ProviderSpec::DEFAULT
    }
}

fn provider(mock: &MockOidc) -> SpecProvider {
    provider_of(&OIDC, mock)
}

fn provider_of(spec: &'static ProviderSpec, mock: &MockOidc) -> SpecProvider {
    SpecProvider::builder(
        spec,
        mock.client_id(),
        ClientSecret::new(mock.client_secret()),
    )
    .issuer(mock.issuer())
    .build()
    .unwrap()
}

fn service(provider: SpecProvider, memory_store: bool) -> LoginService {
    let config = FlowConfig::builder("http://localhost:8000")
        .cookie_key(
            CookieKey::new(b"oidc-tests-cookie-key-0123456789-abcdefghijkl".to_vec()).unwrap(),
        )
        .build()
        .unwrap();
    let registry = ProviderRegistry::new().with(provider).unwrap();
    let mut builder = LoginService::builder(registry, config);
    if memory_store {
        builder = builder.store(Arc::new(MemoryStore::new(1000)));
    }
    builder.build().unwrap()
}

/// A whole login: `begin`, the mock's authorization answer, `complete` with the flow cookie.
async fn login(service: &LoginService) -> Completion {
    let begin = service
        .begin("oidc", BeginOptions::default())
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .get(begin.authorization_url.clone())
        .send()
        .await
        .unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let query = url::Url::parse(&location)
        .unwrap()
        .query()
        .unwrap_or("")
        .to_owned();
    let cookie = format!("{}={}", begin.cookie.name(), begin.cookie.value());
    service
        .complete_with_cookie_headers("oidc", &query, [cookie.as_str()])
        .await
}

fn id_token_error(completion: Completion) -> IdTokenError {
    match completion.result {
        Err(Error::IdToken { kind, .. }) => kind,
        other => panic!("expected an ID-token error, got {other:?}"),
    }
}

#[tokio::test]
async fn login_maps_id_token_claims_merged_with_user_info() {
    let mock = MockOidc::start().await.unwrap();
    let service = service(provider(&mock), false);
    let login = login(&service).await.result.unwrap();
    assert_eq!(login.user.provider, "oidc");
    assert_eq!(login.user.oauth_id, "248289761001");
    assert_eq!(login.user.email.as_deref(), Some("ada@example.com"));
    assert!(login.user.email_verified);
    assert_eq!(login.user.username.as_deref(), Some("ada"));
    assert_eq!(login.user.last_name.as_deref(), Some("Lovelace"));
    assert!(login.user.raw_data.get("nonce").is_none());
    let counters = mock.counters();
    assert_eq!((counters.token, counters.userinfo), (1, 1));
    assert!(counters.last_token_had_verifier);
    assert!(counters.last_authorize_params.iter().any(|p| p == "nonce"));
}

#[tokio::test]
async fn discovery_and_jwks_are_fetched_once_for_many_logins() {
    let mock = MockOidc::start().await.unwrap();
    let service = service(provider(&mock), false);
    for _ in 0..3 {
        login(&service).await.result.unwrap();
    }
    let counters = mock.counters();
    assert_eq!(
        (counters.discovery, counters.jwks, counters.token),
        (1, 1, 3)
    );
}

#[tokio::test]
async fn every_allowed_algorithm_verifies() {
    let mock = MockOidc::start().await.unwrap();
    let service = service(provider(&mock), false);
    for alg in [
        MockAlg::RS256,
        MockAlg::PS256,
        MockAlg::ES256,
        MockAlg::EdDSA,
    ] {
        mock.set_signing_alg(alg);
        let login = match login(&service).await.result {
            Ok(login) => login,
            Err(error) => panic!("{alg:?}: {error:?}"),
        };
        // The token that verified was really signed with this algorithm.
        let id_token = login.token.id_token.as_ref().unwrap().secret();
        let header = IdTokenHeader::parse(id_token, SigningAlgorithm::DEFAULT_ALLOWED).unwrap();
        assert_eq!(header.alg.as_str(), format!("{alg:?}"));
    }
}

#[tokio::test]
async fn hs256_id_tokens_keyed_with_the_client_secret_pass_where_the_spec_declares_them() {
    let mock = MockOidc::start().await.unwrap();
    mock.set_signing_alg(MockAlg::HS256);
    let service = service(provider_of(&HS256_OIDC, &mock), false);
    let login = login(&service).await.result.unwrap();
    assert_eq!(login.user.oauth_id, "248289761001");
    // The key is the client secret: the JWKS is never fetched.
    assert_eq!(mock.counters().jwks, 0);
}

#[tokio::test]
async fn hs256_id_tokens_are_refused_for_specs_that_do_not_declare_the_client_secret_key() {
    let mock = MockOidc::start().await.unwrap();
    mock.set_signing_alg(MockAlg::HS256);
    for spec in [&OIDC, &HS256_LISTED] {
        let service = service(provider_of(spec, &mock), false);
        assert!(matches!(
            id_token_error(login(&service).await),
            IdTokenError::AlgorithmNotAllowed { .. }
        ));
    }
}

#[tokio::test]
async fn hs256_id_tokens_keyed_with_another_secret_are_refused() {
    let mock = MockOidc::start().await.unwrap();
    mock.set_signing_alg(MockAlg::HS256);
    let service = service(provider_of(&HS256_OIDC, &mock), false);
    for fault in [
        OidcFault::Hs256WithSecret("another-channel-secret".into()),
        OidcFault::Hs256WithPublicKey,
    ] {
        mock.clear_faults();
        mock.set_fault(fault.clone());
        assert_eq!(
            id_token_error(login(&service).await),
            IdTokenError::InvalidSignature,
            "{fault:?}"
        );
    }
}

#[tokio::test]
async fn a_spec_with_hs256_id_tokens_refuses_every_other_algorithm() {
    let mock = MockOidc::start().await.unwrap();
    let service = service(provider_of(&HS256_OIDC, &mock), false);
    for alg in [MockAlg::RS256, MockAlg::ES256, MockAlg::EdDSA] {
        mock.set_signing_alg(alg);
        assert!(
            matches!(
                id_token_error(login(&service).await),
                IdTokenError::AlgorithmNotAllowed { .. }
            ),
            "{alg:?}"
        );
    }
    mock.clear_faults();
    mock.set_signing_alg(MockAlg::RS256);
    mock.set_fault(OidcFault::AlgNone);
    assert!(matches!(
        id_token_error(login(&service).await),
        IdTokenError::AlgorithmNotAllowed { .. }
    ));
}

#[test]
fn a_spec_with_hs256_id_tokens_requires_the_client_secret_even_for_a_public_client() {
    static PUBLIC_HS256: ProviderSpec = ProviderSpec {
        client_auth: oauth_kit_core::ClientAuth::None,
        openid: Some(OpenIdSpec {
            id_token_key: IdTokenKey::ClientSecretHs256,
            ..OpenIdSpec::DEFAULT
        }),
        ..oidc_spec()
    };
    let err = SpecProvider::builder(&PUBLIC_HS256, "client", ClientSecret::new(""))
        .issuer("https://id.example")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("client_secret"), "{err}");
}

#[tokio::test]
async fn nonce_comes_from_this_browsers_flow_record_with_both_stores() {
    for memory_store in [false, true] {
        let mock = MockOidc::start().await.unwrap();
        let service = service(provider(&mock), memory_store);
        assert!(login(&service).await.result.is_ok());
        mock.set_fault(OidcFault::Nonce("another-browsers-nonce".into()));
        assert_eq!(
            id_token_error(login(&service).await),
            IdTokenError::NonceMismatch
        );
        mock.clear_faults();
        mock.set_fault(OidcFault::NoNonce);
        assert_eq!(
            id_token_error(login(&service).await),
            IdTokenError::NonceMissing
        );
    }
}

/// A server-side store that rewrites each record it saves: a custom store, or a record written
/// by another version, that lost or garbled part of the flow.
#[derive(Debug)]
struct RewritingStore {
    inner: MemoryStore,
    rewrite: fn(&mut serde_json::Map<String, serde_json::Value>),
}

#[async_trait::async_trait]
impl StateStore for RewritingStore {
    async fn save(&self, record: &FlowRecord, ttl: Duration) -> Result<String, Error> {
        let mut json: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&record.to_json()).unwrap();
        (self.rewrite)(&mut json);
        let rewritten = FlowRecord::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
        self.inner.save(&rewritten, ttl).await
    }

    async fn take(&self, cookie_value: &str, ttl: Duration) -> Result<FlowRecord, Error> {
        self.inner.take(cookie_value, ttl).await
    }
}

fn rewriting_service(
    mock: &MockOidc,
    rewrite: fn(&mut serde_json::Map<String, serde_json::Value>),
) -> LoginService {
    let config = FlowConfig::builder("http://localhost:8000")
        .build()
        .unwrap();
    let registry = ProviderRegistry::new().with(provider(mock)).unwrap();
    LoginService::builder(registry, config)
        .store(Arc::new(RewritingStore {
            inner: MemoryStore::new(1000),
            rewrite,
        }))
        .build()
        .unwrap()
}

#[tokio::test]
async fn flow_record_without_a_nonce_is_refused_before_the_code_exchange() {
    let mock = MockOidc::start().await.unwrap();
    let service = rewriting_service(&mock, |record| {
        record.remove("n");
    });
    // Whatever the ID token would carry: the same nonce as sent, or none at all.
    for fault in [None, Some(OidcFault::NoNonce)] {
        mock.clear_faults();
        if let Some(fault) = fault {
            mock.set_fault(fault);
        }
        let result = login(&service).await.result;
        assert!(
            matches!(result, Err(Error::InvalidFlowCookie)),
            "{result:?}"
        );
    }
    let counters = mock.counters();
    assert_eq!((counters.token, counters.userinfo), (0, 0));
}

#[tokio::test]
async fn flow_record_with_an_unparsable_verifier_is_refused_before_the_code_exchange() {
    let mock = MockOidc::start().await.unwrap();
    let service = rewriting_service(&mock, |record| {
        record.insert("v".to_owned(), "too-short".into());
    });
    let result = login(&service).await.result;
    assert!(
        matches!(result, Err(Error::InvalidFlowCookie)),
        "{result:?}"
    );
    assert_eq!(mock.counters().token, 0);
}

#[tokio::test]
async fn unknown_key_id_refetches_once_at_once_then_is_rate_limited() {
    let mock = MockOidc::start().await.unwrap();
    let provider = SpecProvider::builder(
        &OIDC,
        mock.client_id(),
        ClientSecret::new(mock.client_secret()),
    )
    .issuer(mock.issuer())
    .jwks_refetch_interval(Duration::from_secs(3600))
    .build()
    .unwrap();
    let service = service(provider, false);
    login(&service).await.result.unwrap();
    assert_eq!(mock.counters().jwks, 1);
    mock.set_fault(OidcFault::UnknownKid);
    assert_eq!(
        id_token_error(login(&service).await),
        IdTokenError::UnknownKey
    );
    assert_eq!(mock.counters().jwks, 2, "one refetch at once");
    for _ in 0..5 {
        assert_eq!(
            id_token_error(login(&service).await),
            IdTokenError::UnknownKey
        );
    }
    assert_eq!(
        mock.counters().jwks,
        2,
        "no further refetch within the interval"
    );
}

#[tokio::test]
async fn refetch_interval_zero_allows_a_refetch_per_unknown_key_id() {
    let mock = MockOidc::start().await.unwrap();
    let provider = SpecProvider::builder(
        &OIDC,
        mock.client_id(),
        ClientSecret::new(mock.client_secret()),
    )
    .issuer(mock.issuer())
    .jwks_refetch_interval(Duration::ZERO)
    .build()
    .unwrap();
    let service = service(provider, false);
    login(&service).await.result.unwrap();
    mock.set_fault(OidcFault::UnknownKid);
    for _ in 0..3 {
        login(&service).await;
    }
    assert_eq!(mock.counters().jwks, 4);
}

#[tokio::test]
async fn a_withdrawn_key_stops_verifying_once_the_jwks_max_age_has_passed() {
    let mock = MockOidc::start().await.unwrap();
    let provider = |max_age| {
        SpecProvider::builder(
            &OIDC,
            mock.client_id(),
            ClientSecret::new(mock.client_secret()),
        )
        .issuer(mock.issuer())
        .jwks_refetch_interval(Duration::from_secs(3600))
        .jwks_max_age(max_age)
        .build()
        .unwrap()
    };
    let aged = service(provider(Duration::ZERO), false);
    let cached = service(provider(Duration::from_secs(3600)), false);
    login(&aged).await.result.unwrap();
    login(&cached).await.result.unwrap();
    assert_eq!(mock.counters().jwks, 2);

    // The issuer withdraws its signing key, yet a token signed with it turns up.
    mock.set_fault(OidcFault::WithdrawnKey("rsa-0".into()));
    assert_eq!(
        id_token_error(login(&aged).await),
        IdTokenError::UnknownKey,
        "the set past its max age is fetched again, without the key"
    );
    assert_eq!(mock.counters().jwks, 3);
    // Within the max age the cached set still holds the key: that is the window it bounds.
    login(&cached).await.result.unwrap();
    assert_eq!(mock.counters().jwks, 3);
}

#[tokio::test]
async fn rotated_key_is_found_with_one_refetch() {
    let mock = MockOidc::start().await.unwrap();
    let service = service(provider(&mock), false);
    login(&service).await.result.unwrap();
    mock.rotate_keys().unwrap();
    login(&service).await.result.unwrap();
    assert_eq!(mock.counters().jwks, 2);
}

#[tokio::test]
async fn discovery_issuer_mismatch_fails_before_the_authorization_request() {
    let mock = MockOidc::start().await.unwrap();
    mock.set_fault(OidcFault::DiscoveryIssuer(format!("{}/", mock.issuer())));
    let service = service(provider(&mock), false);
    let err = service
        .begin("oidc", BeginOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::DiscoveryIssuerMismatch { .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), "discovery_issuer_mismatch");
    assert_eq!(mock.counters().authorize, 0);
}

#[tokio::test]
async fn token_requests_use_the_first_listed_client_authentication() {
    for (methods, expected) in [
        (
            vec!["client_secret_post", "client_secret_basic"],
            "client_secret_post",
        ),
        (
            vec!["private_key_jwt", "client_secret_basic"],
            "client_secret_basic",
        ),
    ] {
        let mock = MockOidc::start_with(OidcConfig {
            auth_methods: methods.iter().map(|m| (*m).to_owned()).collect(),
            ..OidcConfig::default()
        })
        .await
        .unwrap();
        let service = service(provider(&mock), false);
        login(&service).await.result.unwrap();
        assert_eq!(mock.counters().last_client_auth.as_deref(), Some(expected));
    }
}

#[tokio::test]
async fn standalone_use_needs_prepare_before_the_authorization_url() {
    let mock = MockOidc::start().await.unwrap();
    let provider = provider(&mock);
    assert!(!provider.is_discovered());
    let state = oauth_kit_core::CsrfState::new("state");
    let options = oauth_kit_core::AuthorizeOptions::default();
    let request =
        oauth_kit_core::AuthorizationRequest::new("http://localhost/cb", &state, &options);
    assert!(matches!(
        provider.authorization_url(&request),
        Err(Error::Config { .. })
    ));
    provider.prepare(&HttpClient::new().unwrap()).await.unwrap();
    let url = provider.authorization_url(&request).unwrap();
    assert!(url.as_str().starts_with(&mock.issuer()));
    assert!(provider.capabilities().pkce && provider.capabilities().openid_connect);
}

#[tokio::test]
async fn trailing_slash_issuer_is_kept_byte_for_byte() {
    let mock = MockOidc::start_with(OidcConfig {
        trailing_slash: true,
        ..OidcConfig::default()
    })
    .await
    .unwrap();
    let service = service(provider(&mock), false);
    login(&service).await.result.unwrap();
}

static FORM_POST: ProviderSpec = ProviderSpec {
    id: "oidc",
    title: "OpenID Connect with form_post",
    env_prefix: "OIDC",
    scopes: &["openid", "email"],
    pkce: Pkce::Required,
    openid: Some(OpenIdSpec::DEFAULT),
    response_mode: oauth_kit_core::spec::ResponseMode::FormPost,
    ..ProviderSpec::DEFAULT
};

/// The hidden fields of the mock's auto-submitting form, as a form body.
fn form_body(page: &str) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for input in page.split("<input ").skip(1) {
        let attr = |name: &str| {
            let start = input.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + input[start..].find('"').unwrap();
            input[start..end].replace("&amp;", "&")
        };
        body.append_pair(&attr("name"), &attr("value"));
    }
    body.finish()
}

#[tokio::test]
async fn form_post_login_uses_a_same_site_none_cookie_still_bound_to_the_state() {
    let mock = MockOidc::start().await.unwrap();
    let provider = SpecProvider::builder(
        &FORM_POST,
        mock.client_id(),
        ClientSecret::new(mock.client_secret()),
    )
    .issuer(mock.issuer())
    .build()
    .unwrap();
    let service = service(provider, false);
    assert!(service.uses_form_post("oidc"));
    let begin = service
        .begin("oidc", BeginOptions::default())
        .await
        .unwrap();
    let header = begin.cookie.to_header_value();
    assert!(
        header.contains("; SameSite=None;") && header.split("; ").any(|a| a == "Secure"),
        "{header}"
    );
    assert!(
        begin
            .authorization_url
            .query_pairs()
            .any(|(k, v)| k == "response_mode" && v == "form_post")
    );
    let page = reqwest::get(begin.authorization_url.clone())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body = form_body(&page);
    let cookie = format!("{}={}", begin.cookie.name(), begin.cookie.value());

    // Another state in the POST is refused: the cookie still binds the callback to this login.
    let forged = body.replace("state=", "state=x");
    let refused = service
        .complete_with_cookie_headers("oidc", &forged, [cookie.as_str()])
        .await;
    assert!(
        matches!(refused.result, Err(Error::StateMismatch)),
        "{:?}",
        refused.result
    );
    assert_eq!(mock.counters().token, 0);

    let begin = service
        .begin("oidc", BeginOptions::default())
        .await
        .unwrap();
    let page = reqwest::get(begin.authorization_url.clone())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cookie = format!("{}={}", begin.cookie.name(), begin.cookie.value());
    let done = service
        .complete_with_cookie_headers("oidc", &form_body(&page), [cookie.as_str()])
        .await;
    assert_eq!(done.result.unwrap().user.oauth_id, "248289761001");
    let clear = done.clear_cookie.as_ref().unwrap().to_header_value();
    assert!(
        clear.contains("Max-Age=0") && clear.contains("SameSite=None"),
        "{clear}"
    );
}

/// A multi-tenant issuer like Microsoft's, with RFC 9207 support.
static TENANTED_OIDC: ProviderSpec = ProviderSpec {
    id: "tenanted",
    title: "Tenanted",
    env_prefix: "TENANTED",
    scopes: &["openid"],
    pkce: Pkce::Required,
    openid: Some(OpenIdSpec {
        tenant_issuer: Some("https://login.example/{tenantid}/v2.0"),
        ..OpenIdSpec::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

/// Begins a login with a multi-tenant issuer whose discovery document names `discovered`
/// (relative to the mock), and completes it with `iss` (relative to the mock). Returns the
/// result and the number of token requests.
async fn tenanted_callback_with_iss(discovered: &str, iss: &str) -> (Result<(), Error>, usize) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/common/v2.0/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "issuer": format!("{base}{discovered}"),
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "jwks_uri": format!("{base}/keys"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "authorization_response_iss_parameter_supported": true,
        })))
        .mount(&server)
        .await;
    // The token endpoint refuses the code: reaching it shows that the `iss` check passed.
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"})),
        )
        .mount(&server)
        .await;
    let provider = SpecProvider::builder(&TENANTED_OIDC, "client", ClientSecret::new("secret"))
        .issuer(format!("{base}/common/v2.0"))
        .build()
        .unwrap();
    let service = service(provider, false);
    let begin = service
        .begin("tenanted", BeginOptions::default())
        .await
        .unwrap();
    let state = begin
        .authorization_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("code", "code-1")
        .append_pair("state", &state)
        .append_pair("iss", &format!("{base}{iss}"))
        .finish();
    let cookie = format!("{}={}", begin.cookie.name(), begin.cookie.value());
    let result = service
        .complete_with_cookie_headers("tenanted", &query, [cookie.as_str()])
        .await
        .result
        .map(|_| ());
    let tokens = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/token")
        .count();
    (result, tokens)
}

#[tokio::test]
async fn rfc9207_iss_is_compared_with_the_issuer_discovery_names() {
    // Discovery names one tenant's issuer (Microsoft's `consumers`): the callback's `iss` is
    // that issuer, not the configured `common` one.
    let tenant = "/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
    let (result, tokens) = tenanted_callback_with_iss(tenant, tenant).await;
    assert!(matches!(result, Err(Error::OAuth { .. })), "{result:?}");
    assert_eq!(tokens, 1);
    let (result, tokens) = tenanted_callback_with_iss(tenant, "/common/v2.0").await;
    assert!(matches!(result, Err(Error::IssuerMismatch)), "{result:?}");
    assert_eq!(tokens, 0);
}

#[tokio::test]
async fn rfc9207_iss_of_a_multi_tenant_template_names_one_tenant() {
    // Discovery names the template itself: any single tenant's issuer matches it, and nothing
    // else does.
    let template = "/{tenantid}/v2.0";
    let (result, tokens) =
        tenanted_callback_with_iss(template, "/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0").await;
    assert!(matches!(result, Err(Error::OAuth { .. })), "{result:?}");
    assert_eq!(tokens, 1);
    for other in ["/a/b/v2.0", "/v2.0", "//v2.0", "/{tenantid}/v2.0/x"] {
        let (result, tokens) = tenanted_callback_with_iss(template, other).await;
        assert!(
            matches!(result, Err(Error::IssuerMismatch)),
            "{other}: {result:?}"
        );
        assert_eq!(tokens, 0, "{other}");
    }
}

/// A provider that learns from its discovery document, read in `prepare`, that it sends the
/// RFC 9207 `iss` parameter; a code exchange would be recorded.
#[derive(Debug, Default)]
struct LearnsIssuerSupport {
    prepared: std::sync::atomic::AtomicBool,
    exchanged: std::sync::atomic::AtomicBool,
}

#[oauth_kit_core::async_trait]
impl oauth_kit_core::OAuthProvider for LearnsIssuerSupport {
    fn name(&self) -> &str {
        "learns"
    }

    fn capabilities(&self) -> oauth_kit_core::Capabilities {
        let prepared = self.prepared.load(std::sync::atomic::Ordering::SeqCst);
        oauth_kit_core::Capabilities::NONE.authorization_response_iss(prepared)
    }

    fn default_scopes(&self) -> Vec<String> {
        Vec::new()
    }

    fn issuer(&self) -> Option<&str> {
        Some("https://id.example")
    }

    async fn prepare(&self, _: &oauth_kit_core::HttpClient) -> Result<(), Error> {
        self.prepared
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    fn authorization_url(
        &self,
        request: &oauth_kit_core::AuthorizationRequest<'_>,
    ) -> Result<url::Url, Error> {
        let state = request.state.secret();
        Ok(url::Url::parse(&format!("https://id.example/authorize?state={state}")).unwrap())
    }

    async fn exchange_code(
        &self,
        _: &oauth_kit_core::HttpClient,
        _: &oauth_kit_core::AuthorizationCode,
        _: &str,
        _: Option<&oauth_kit_core::PkceVerifier>,
    ) -> Result<oauth_kit_core::OAuthToken, Error> {
        self.exchanged
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Err(Error::MissingCode)
    }

    async fn user_info(
        &self,
        _: &oauth_kit_core::HttpClient,
        _: &oauth_kit_core::OAuthToken,
    ) -> Result<oauth_kit_core::OAuthUserInfo, Error> {
        Err(Error::MissingCode)
    }
}

#[tokio::test]
async fn the_provider_client_checks_iss_once_discovery_says_the_provider_sends_it() {
    let provider = Arc::new(LearnsIssuerSupport::default());
    let client = oauth_kit_core::ProviderClient::from_arc(
        provider.clone(),
        "http://localhost:8000/auth/learns/callback",
    )
    .unwrap();
    let start = client.authorization_url().unwrap();
    let state = start.pending.state().secret().to_owned();
    for iss in ["", "&iss=https%3A%2F%2Fevil.example"] {
        let callback =
            format!("http://localhost:8000/auth/learns/callback?code=c&state={state}{iss}");
        let err = client
            .exchange_code(&callback, &start.pending)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::IssuerMismatch), "{iss}: {err:?}");
    }
    assert!(!provider.exchanged.load(std::sync::atomic::Ordering::SeqCst));
    let good = format!(
        "http://localhost:8000/auth/learns/callback?code=c&state={state}&iss=https%3A%2F%2Fid.example"
    );
    let err = client
        .exchange_code(&good, &start.pending)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingCode), "{err:?}");
    assert!(provider.exchanged.load(std::sync::atomic::Ordering::SeqCst));
}
