//! The POST callback of providers that answer with `response_mode=form_post`, on a real
//! listener against the testkit's mock OpenID issuer.

use axum::Router;
use oauth_kit_axum::OAuth;
use oauth_kit_core::spec::{OpenIdSpec, Pkce, ProviderSpec, ResponseMode};
use oauth_kit_core::{
    ClientSecret, CookieKey, FlowConfig, LoginService, ProviderRegistry, SpecProvider,
};
use oauth_kit_testkit::MockOidc;

use crate::common::{client, listen, serve};

static FORM_POST: ProviderSpec = ProviderSpec {
    id: "formpost",
    title: "Form-post issuer",
    env_prefix: "FORMPOST",
    scopes: &["openid", "email"],
    pkce: Pkce::Required,
    openid: Some(OpenIdSpec::DEFAULT),
    response_mode: ResponseMode::FormPost,
    ..ProviderSpec::DEFAULT
};

/// The same issuer answering with a redirect (the default response mode).
static QUERY: ProviderSpec = ProviderSpec {
    id: "query",
    title: "Query issuer",
    env_prefix: "QUERY",
    scopes: &["openid", "email"],
    pkce: Pkce::Required,
    openid: Some(OpenIdSpec::DEFAULT),
    response_mode: ResponseMode::Query,
    ..ProviderSpec::DEFAULT
};

async fn start() -> (String, MockOidc) {
    let issuer = MockOidc::start().await.unwrap();
    let (listener, base) = listen().await;
    let provider = |spec| {
        SpecProvider::builder(
            spec,
            issuer.client_id(),
            ClientSecret::new(issuer.client_secret()),
        )
        .issuer(issuer.issuer())
        .build()
        .unwrap()
    };
    let config = FlowConfig::builder(base.clone())
        .cookie_key(CookieKey::new(vec![5u8; 32]).unwrap())
        .build()
        .unwrap();
    let registry = ProviderRegistry::new()
        .with(provider(&FORM_POST))
        .unwrap()
        .with(provider(&QUERY))
        .unwrap();
    let service = LoginService::new(registry, config).unwrap();
    let oauth = OAuth::new(service);
    let app = Router::new()
        .merge(oauth.router())
        .layer(oauth.session_layer());
    serve(listener, app);
    (base, issuer)
}

/// The action and the hidden fields of the mock's auto-submitting form.
fn form(page: &str) -> (String, String) {
    let attr = |chunk: &str, name: &str| {
        let start = chunk.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + chunk[start..].find('"').unwrap();
        chunk[start..end].replace("&amp;", "&")
    };
    let action = attr(page.split("<form ").nth(1).unwrap(), "action");
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for input in page.split("<input ").skip(1) {
        body.append_pair(&attr(input, "name"), &attr(input, "value"));
    }
    (action, body.finish())
}

#[tokio::test]
async fn form_post_callback_completes_the_login() {
    let (base, issuer) = start().await;
    let client = client();
    let login = client
        .get(format!("{base}/auth/formpost/login?next=/home"))
        .send()
        .await
        .unwrap();
    let flow = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        flow.contains("SameSite=None") && flow.contains("Secure"),
        "{flow}"
    );
    let authorize = login.headers()["location"].to_str().unwrap().to_owned();
    let page = client
        .get(authorize)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (action, body) = form(&page);
    assert_eq!(action, format!("{base}/auth/formpost/callback"));
    let callback = client
        .post(action)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", flow.split(';').next().unwrap())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 303);
    assert_eq!(callback.headers()["location"], "/home");
    let cookies: Vec<&str> = callback
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("oauth_kit_session=")),
        "{cookies:?}"
    );
    assert_eq!(issuer.counters().token, 1);
}

#[tokio::test]
async fn form_post_callback_without_the_flow_cookie_is_refused() {
    let (base, issuer) = start().await;
    let client = client();
    let login = client
        .get(format!("{base}/auth/formpost/login"))
        .send()
        .await
        .unwrap();
    let authorize = login.headers()["location"].to_str().unwrap().to_owned();
    let page = client
        .get(authorize)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (action, body) = form(&page);
    let callback = client
        .post(action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(callback.headers()["location"], "/login?error=flow_missing");
    assert_eq!(issuer.counters().token, 0);
}

/// Starts a login with `provider`: the flow cookie (`name=value`) and the authorization URL.
async fn begin(client: &reqwest::Client, base: &str, provider: &str) -> (String, url::Url) {
    let login = client
        .get(format!("{base}/auth/{provider}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let flow = login.headers()["set-cookie"].to_str().unwrap();
    let flow = flow.split(';').next().unwrap().to_owned();
    let authorize = login.headers()["location"].to_str().unwrap();
    (flow, url::Url::parse(authorize).unwrap())
}

fn has_session(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("oauth_kit_session="))
}

#[tokio::test]
async fn post_callback_of_a_query_provider_is_405() {
    let (base, issuer) = start().await;
    let client = client();
    let (flow, authorize) = begin(&client, &base, "query").await;
    assert!(!flow.is_empty());
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let callback = client
        .post(format!("{base}/auth/query/callback"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &flow)
        .body(format!("code=any-code&state={state}"))
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 405);
    assert!(!has_session(&callback));
    assert_eq!(issuer.counters().token, 0);
}

#[tokio::test]
async fn form_post_callback_with_another_state_is_refused() {
    let (base, issuer) = start().await;
    let client = client();
    let (flow, _) = begin(&client, &base, "formpost").await;
    let callback = client
        .post(format!("{base}/auth/formpost/callback"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &flow)
        .body("code=any-code&state=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 303);
    assert_eq!(
        callback.headers()["location"],
        "/login?error=state_mismatch"
    );
    assert!(!has_session(&callback));
    assert_eq!(issuer.counters().token, 0);
}
