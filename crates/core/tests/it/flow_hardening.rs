//! Defences beyond the catalogue's basics: the replay memory cannot be flushed by forged
//! callbacks, one deadline bounds a whole callback, ambiguous flow cookies are refused, and a
//! store's return path is checked again.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use oauth_kit_core::flow::FlowRecord;
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, Capabilities, CookieStore, Error, HttpClient,
    OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier, ProviderRegistry, Stage, StateStore,
};
use url::Url;

use crate::flow_support::*;

#[tokio::test]
async fn forged_callbacks_cannot_flush_the_replay_memory() {
    let idp = Idp::start().await;
    let registry = ProviderRegistry::new()
        .with(idp.provider(PROVIDER, plain()))
        .unwrap();
    let store = CookieStore::new(&cookie_key(), "oauth_kit_flow").replay_cap(10);
    let service = oauth_kit_core::LoginService::builder(registry, config().build().unwrap())
        .store(Arc::new(store))
        .build()
        .unwrap();

    let first = begin(&service, PROVIDER, None).await;
    assert!(
        service
            .complete(PROVIDER, &first.callback(), Some(&first.cookie))
            .await
            .result
            .is_ok()
    );

    // Far more forged callbacks than the replay memory holds, each with a valid cookie.
    for _ in 0..50 {
        let (_, cookie) = begin_state_and_cookie(&service, PROVIDER).await;
        let forged = service
            .complete(PROVIDER, "code=x&state=forged", Some(&cookie))
            .await;
        assert!(matches!(forged.result, Err(Error::StateMismatch)));
    }

    let replay = service
        .complete(PROVIDER, &first.callback(), Some(&first.cookie))
        .await;
    assert!(
        matches!(replay.result, Err(Error::FlowReplayed)),
        "{:?}",
        replay.result.err()
    );
    assert_eq!(idp.token_requests().await, 1);
}

/// A provider whose two steps each take 0.7 s: fine one at a time, too slow together.
#[derive(Debug)]
struct Stalling;

#[async_trait]
impl OAuthProvider for Stalling {
    fn name(&self) -> &str {
        "stalling"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE
    }
    fn default_scopes(&self) -> Vec<String> {
        Vec::new()
    }
    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        let mut url = Url::parse("https://idp.example/authorize").unwrap();
        url.query_pairs_mut()
            .append_pair("state", request.state.secret());
        Ok(url)
    }
    async fn exchange_code(
        &self,
        _http: &HttpClient,
        _code: &AuthorizationCode,
        _redirect_uri: &str,
        _verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        Ok(OAuthToken::bearer(oauth_kit_core::AccessToken::new("t")))
    }
    async fn user_info(
        &self,
        _http: &HttpClient,
        _token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        // Many slow pages, each within the per-request timeout.
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}

#[tokio::test]
async fn one_deadline_bounds_the_whole_callback() {
    let registry = ProviderRegistry::new().with(Stalling).unwrap();
    let config = config()
        .cookie_key(cookie_key())
        .http_timeout(Duration::from_secs(1))
        .login_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let service = oauth_kit_core::LoginService::new(registry, config).unwrap();
    let begun = begin(&service, "stalling", None).await;
    let done = service
        .complete(
            "stalling",
            &format!("code=c&state={}", begun.state),
            Some(&begun.cookie),
        )
        .await;
    assert!(
        matches!(&done.result, Err(Error::Timeout { context, .. }) if context.stage == Stage::UserInfo),
        "{:?}",
        done.result.err()
    );
    assert_eq!(
        done.result.as_ref().err().map(Error::code),
        Some("provider_unavailable")
    );
}

#[tokio::test]
async fn login_timeout_shorter_than_the_http_timeout_is_rejected() {
    let err = config()
        .http_timeout(Duration::from_secs(10))
        .login_timeout(Duration::from_secs(5))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::Config { ref setting, .. } if setting.contains("OAUTH_LOGIN_TIMEOUT_SECS"))
    );
}

#[tokio::test]
async fn several_flow_cookies_are_refused() {
    let idp = Idp::start().await;
    let service = service(&idp, StoreKind::Cookie, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let (_, planted) = begin_state_and_cookie(&service, PROVIDER).await;
    let headers = [
        format!("oauth_kit_flow={planted}"),
        format!("other=1; oauth_kit_flow={}", begun.cookie),
    ];
    let done = service
        .complete_with_cookie_headers(
            PROVIDER,
            &begun.callback(),
            headers.iter().map(String::as_str),
        )
        .await;
    assert!(matches!(done.result, Err(Error::InvalidFlowCookie)));
    assert!(
        done.clear_cookie.is_none(),
        "a request with several flow cookies leaves them alone"
    );
    assert_eq!(idp.token_requests().await, 0);

    // One flow cookie among other cookies is read normally.
    let single = [format!("a=b; oauth_kit_flow={}; c=d", begun.cookie)];
    let done = service
        .complete_with_cookie_headers(
            PROVIDER,
            &begun.callback(),
            single.iter().map(String::as_str),
        )
        .await;
    assert!(done.result.is_ok(), "{:?}", done.result.err());
}

/// A store that hands back records whose return path was rewritten (a compromised or buggy
/// server-side store).
#[derive(Debug)]
struct RewritingStore(CookieStore);

#[async_trait]
impl StateStore for RewritingStore {
    async fn save(&self, record: &FlowRecord, ttl: Duration) -> Result<String, Error> {
        self.0.save(record, ttl).await
    }
    async fn take(&self, cookie_value: &str, ttl: Duration) -> Result<FlowRecord, Error> {
        let record = self.0.take(cookie_value, ttl).await?;
        let mut json: serde_json::Value = serde_json::from_slice(&record.to_json()).unwrap();
        json["r"] = serde_json::Value::from("https://evil.example/phish");
        Ok(FlowRecord::from_json(&serde_json::to_vec(&json).unwrap()).unwrap())
    }
    async fn mark_used(&self, record: &FlowRecord, ttl: Duration) -> Result<(), Error> {
        self.0.mark_used(record, ttl).await
    }
}

#[tokio::test]
async fn return_path_from_a_store_is_checked_again() {
    let idp = Idp::start().await;
    let registry = ProviderRegistry::new()
        .with(idp.provider(PROVIDER, plain()))
        .unwrap();
    let store = RewritingStore(CookieStore::new(&cookie_key(), "oauth_kit_flow"));
    let service = oauth_kit_core::LoginService::builder(registry, config().build().unwrap())
        .store(Arc::new(store))
        .build()
        .unwrap();
    let begun = begin(&service, PROVIDER, Some("/repos")).await;
    let done = service
        .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
        .await;
    assert_eq!(done.result.unwrap().return_to.as_str(), "/");
}

#[tokio::test]
async fn a_rate_limited_callback_uses_up_its_flow() {
    for store in [StoreKind::Cookie, StoreKind::Memory] {
        let idp = Idp::start().await;
        let service = service_with(
            store,
            config().callback_rate_limit(1),
            vec![idp.provider(PROVIDER, plain())],
        );
        let complete_from = |client: &'static str, begun: &Begun| {
            let service = service.clone();
            let (query, cookie) = (begun.callback(), format!("oauth_kit_flow={}", begun.cookie));
            async move {
                service
                    .complete_from(Some(client), PROVIDER, &query, [cookie.as_str()])
                    .await
            }
        };
        let first = begin(&service, PROVIDER, None).await;
        assert!(complete_from("203.0.113.7", &first).await.result.is_ok());

        let second = begin(&service, PROVIDER, None).await;
        let limited = complete_from("203.0.113.7", &second).await;
        assert!(
            matches!(limited.result, Err(Error::RateLimited)),
            "{store:?}: {:?}",
            limited.result
        );
        assert!(limited.clear_cookie.is_some(), "the flow cookie is cleared");
        // The limit is checked once the flow is used up: the same callback cannot be retried,
        // even from an address with room left. The browser starts a new login.
        let retried = rejection(complete_from("198.51.100.1", &second).await);
        assert!(
            matches!(retried, Error::FlowReplayed | Error::InvalidFlowCookie),
            "{store:?}: {retried:?}"
        );
        assert_eq!(idp.token_requests().await, 1, "{store:?}");
    }
}
