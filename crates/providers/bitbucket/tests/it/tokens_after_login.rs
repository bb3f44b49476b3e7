//! Bitbucket's side of keeping tokens, against the testkit's mock Bitbucket: the
//! client-credentials grant, and a revoked refresh token (answered `invalid_request`
//! "Invalid refresh_token" by Bitbucket) turning into "log in again".

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use oauth_kit_bitbucket::BitbucketProvider;
use oauth_kit_core::{
    ClientCredentials, ClientSecret, Error, HttpClient, LoginRequiredReason, MemoryTokenStore,
    OAuthProvider, ProviderRegistry, RefreshToken, TokenKey, TokenManager, TokenSet, TokenStore,
};
use oauth_kit_testkit::MockBitbucket;

fn provider(mock: &MockBitbucket) -> BitbucketProvider {
    BitbucketProvider::builder(mock.client_id(), ClientSecret::new(mock.client_secret()))
        .authorize_url(mock.authorize_url())
        .token_url(mock.token_url())
        .api_url(mock.api_url())
        .build()
        .expect("the mock's URLs are accepted")
}

fn http() -> HttpClient {
    HttpClient::new().expect("the HTTP client builds")
}

#[tokio::test]
async fn client_credentials_tokens_act_for_the_consumers_owner_and_are_cached() {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    let bitbucket = provider(&mock);
    assert!(bitbucket.capabilities().client_credentials);
    assert!(!bitbucket.capabilities().device_flow);

    let cache = ClientCredentials::new(Arc::new(bitbucket.clone()), http());
    let tokens = cache.tokens().await.expect("a token");
    assert!(tokens.refresh_token.is_some(), "Bitbucket includes one");
    cache.access_token().await.expect("cached");
    assert_eq!(mock.counters().token_client_credentials, 1);
    assert_eq!(mock.counters().last_token_form, ["grant_type"]);

    let owner = bitbucket
        .user_info(&http(), &tokens.to_token())
        .await
        .expect("the token works on the API");
    assert_eq!(owner.username.as_deref(), Some("mira-ol"));
}

#[tokio::test]
async fn bitbucket_has_no_device_flow() {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    let err = provider(&mock)
        .device_authorization(&http(), &[])
        .await
        .expect_err("unsupported");
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert_eq!(mock.counters().device_authorization, 0);
}

#[tokio::test]
async fn a_revoked_refresh_token_asks_for_a_new_login_and_removes_the_tokens() {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    let bitbucket = provider(&mock);
    let token = bitbucket
        .client_credentials(&http(), &[])
        .await
        .expect("a token");
    let mut set = TokenSet::from_token(&token);
    set.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    let store = Arc::new(MemoryTokenStore::new());
    let key = TokenKey::new("bitbucket", "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    store.put(&key, set).await.expect("kept");
    let manager = TokenManager::builder(
        ProviderRegistry::new().with(bitbucket).expect("registers"),
        store.clone(),
    )
    .http_client(http())
    .build()
    .expect("builds");

    // Refreshing works, and Bitbucket's unchanged refresh token stays kept.
    let original = token.refresh_token.as_ref().map(RefreshToken::secret);
    manager.access_token(&key).await.expect("refreshed");
    let kept = store.get(&key).await.expect("read").expect("kept");
    assert_eq!(
        kept.refresh_token.as_ref().map(RefreshToken::secret),
        original
    );

    // The user removes the app's access: the next refresh is refused.
    mock.revoke_refresh_tokens();
    let mut expired = kept;
    expired.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    store.put(&key, expired).await.expect("kept");
    let err = manager.access_token(&key).await.expect_err("refused");
    assert!(
        matches!(
            err,
            Error::LoginRequired {
                reason: LoginRequiredReason::RefreshRejected,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(store.get(&key).await.expect("read").is_none());
}
