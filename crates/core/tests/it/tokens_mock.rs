//! The token manager and the client-credentials cache against the testkit's mock: one
//! refresh for a hundred concurrent callers, rotated refresh tokens persisted, omitted ones
//! kept, a refused refresh token turned into "log in again", the refresh margin, logout with
//! and without revocation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use oauth_kit_core::{
    ClientCredentials, Error, HttpClient, LoginRequiredReason, MemoryTokenStore, OAuthProvider,
    ProviderRegistry, RefreshToken, Revocation, TokenKey, TokenManager, TokenSet, TokenStore,
};
use oauth_kit_testkit::{Endpoint, Fault, MockBitbucket, RefreshTokens};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

use crate::mock_idp::{MockIdp, NAME};

struct Setup {
    mock: MockBitbucket,
    store: Arc<MemoryTokenStore>,
    manager: TokenManager,
    key: TokenKey,
}

fn http() -> HttpClient {
    HttpClient::new().expect("the HTTP client builds")
}

fn registry(idp: MockIdp) -> ProviderRegistry {
    ProviderRegistry::new().with(idp).expect("registers")
}

/// A set from the mock (client credentials, which carry a refresh token) whose access token
/// expires in `expires_in` seconds (negative: already expired).
async fn tokens_from(mock: &MockBitbucket, expires_in: i64) -> TokenSet {
    let token = MockIdp::new(mock)
        .engine()
        .client_credentials(&http(), &[])
        .await
        .expect("the mock issues a token");
    let mut set = TokenSet::from_token(&token);
    let now = SystemTime::now();
    set.expires_at = Some(if expires_in >= 0 {
        now + Duration::from_secs(expires_in.unsigned_abs())
    } else {
        now - Duration::from_secs(expires_in.unsigned_abs())
    });
    set
}

async fn setup(behaviour: RefreshTokens, expires_in: i64) -> Setup {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    mock.set_refresh_tokens(behaviour);
    let store = Arc::new(MemoryTokenStore::new());
    let manager = TokenManager::builder(registry(MockIdp::new(&mock)), store.clone())
        .http_client(http())
        .build()
        .expect("builds");
    let key = TokenKey::new(NAME, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    store
        .put(&key, tokens_from(&mock, expires_in).await)
        .await
        .expect("kept");
    mock.reset_counters();
    Setup {
        mock,
        store,
        manager,
        key,
    }
}

fn refresh_secret(set: &TokenSet) -> String {
    set.refresh_token
        .as_ref()
        .map(RefreshToken::secret)
        .expect("a refresh token is kept")
        .to_owned()
}

async fn kept(setup: &Setup) -> Option<TokenSet> {
    setup
        .store
        .get(&setup.key)
        .await
        .expect("the store answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_callers_on_an_expired_token_cause_exactly_one_refresh() {
    let setup = setup(RefreshTokens::Rotate, -10).await;
    let before = kept(&setup).await.expect("kept");
    let mut callers = Vec::new();
    for _ in 0..100 {
        let manager = setup.manager.clone();
        let key = setup.key.clone();
        callers.push(tokio::spawn(async move {
            manager
                .access_token(&key)
                .await
                .map(|t| t.secret().to_owned())
        }));
    }
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(
            caller
                .await
                .expect("no caller panics")
                .expect("every caller gets a token"),
        );
    }
    assert_eq!(setup.mock.counters().token_refresh, 1);
    assert_eq!(setup.mock.counters().token, 1);
    assert!(tokens.iter().all(|t| *t == tokens[0]), "one shared result");
    assert_ne!(tokens[0], before.access_token.secret());
    let after = kept(&setup).await.expect("kept");
    assert_eq!(after.access_token.secret(), tokens[0]);
}

/// A token store whose `put` can be made to fail (a database that went away).
#[derive(Debug, Default)]
struct FlakyStore {
    inner: MemoryTokenStore,
    fail_puts: AtomicBool,
}

#[oauth_kit_core::async_trait]
impl TokenStore for FlakyStore {
    async fn get(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error> {
        self.inner.get(key).await
    }

    async fn put(&self, key: &TokenKey, tokens: TokenSet) -> Result<(), Error> {
        if self.fail_puts.load(Ordering::SeqCst) {
            return Err(Error::TokenStore {
                reason: "the database is unreachable".to_owned(),
            });
        }
        self.inner.put(key, tokens).await
    }

    async fn remove(&self, key: &TokenKey) -> Result<Option<TokenSet>, Error> {
        self.inner.remove(key).await
    }
}

#[tokio::test]
async fn a_new_access_token_is_not_handed_out_when_storing_the_rotated_set_fails() {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    mock.set_refresh_tokens(RefreshTokens::Rotate);
    let store = Arc::new(FlakyStore::default());
    let manager = TokenManager::builder(registry(MockIdp::new(&mock)), store.clone())
        .http_client(http())
        .build()
        .expect("builds");
    let key = TokenKey::new(NAME, "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    let before = tokens_from(&mock, -10).await;
    store.put(&key, before.clone()).await.expect("kept");
    mock.reset_counters();
    store.fail_puts.store(true, Ordering::SeqCst);

    let result = manager.access_token(&key).await;
    assert!(
        matches!(result, Err(Error::TokenStore { .. })),
        "the caller got a token whose rotated refresh token was not kept: {:?}",
        result.map(|_| ())
    );
    assert_eq!(mock.counters().token_refresh, 1);
    let kept = store.get(&key).await.expect("answers").expect("kept");
    assert_eq!(kept.access_token.secret(), before.access_token.secret());
}

#[tokio::test]
async fn a_rotated_refresh_token_is_kept_and_used_by_the_next_refresh() {
    let setup = setup(RefreshTokens::Rotate, -10).await;
    let first_refresh = refresh_secret(&kept(&setup).await.expect("kept"));

    let access = setup
        .manager
        .access_token(&setup.key)
        .await
        .expect("refreshed");
    let after = kept(&setup).await.expect("kept");
    assert_eq!(after.access_token.secret(), access.secret());
    let rotated = refresh_secret(&after);
    assert_ne!(rotated, first_refresh, "the rotated refresh token is kept");
    assert!(after.is_fresh(Duration::from_secs(60)));

    // The kept token is the live one: a second refresh with it succeeds.
    let mut expired = after;
    expired.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    setup.store.put(&setup.key, expired).await.expect("kept");
    setup
        .manager
        .access_token(&setup.key)
        .await
        .expect("second refresh with the rotated token");
    assert_eq!(setup.mock.counters().token_refresh, 2);
    assert_ne!(refresh_secret(&kept(&setup).await.expect("kept")), rotated);
}

#[tokio::test]
async fn an_omitted_refresh_token_is_kept_for_the_next_refresh() {
    let setup = setup(RefreshTokens::Omit, -10).await;
    let original = refresh_secret(&kept(&setup).await.expect("kept"));
    setup
        .manager
        .access_token(&setup.key)
        .await
        .expect("refreshed");
    let after = kept(&setup).await.expect("kept");
    assert_eq!(refresh_secret(&after), original);

    let mut expired = after;
    expired.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    setup.store.put(&setup.key, expired).await.expect("kept");
    setup
        .manager
        .access_token(&setup.key)
        .await
        .expect("the kept refresh token still works");
    assert_eq!(setup.mock.counters().token_refresh, 2);
}

#[tokio::test]
async fn invalid_grant_on_refresh_removes_the_tokens_and_asks_for_a_new_login() {
    let setup = setup(RefreshTokens::Rotate, -10).await;
    // Another client used the refresh token first: the kept one was rotated away.
    let stale = kept(&setup).await.expect("kept");
    MockIdp::new(&setup.mock)
        .engine()
        .refresh(&http(), stale.refresh_token.as_ref().expect("present"))
        .await
        .expect("the first use succeeds");

    let err = setup
        .manager
        .access_token(&setup.key)
        .await
        .expect_err("refused");
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
    assert!(err.is_login_required());
    assert_eq!(err.code(), "login_required");
    assert!(kept(&setup).await.is_none(), "the dead set is removed");

    let again = setup
        .manager
        .access_token(&setup.key)
        .await
        .expect_err("nothing kept");
    assert!(
        matches!(
            again,
            Error::LoginRequired {
                reason: LoginRequiredReason::NoStoredToken,
                ..
            }
        ),
        "{again:?}"
    );
    assert_eq!(setup.mock.counters().token_refresh, 2, "no third request");
}

#[tokio::test]
async fn a_token_is_refreshed_within_the_margin_and_not_before() {
    let setup = setup(RefreshTokens::Reuse, 300).await;
    let original = kept(&setup).await.expect("kept");
    let token = setup.manager.access_token(&setup.key).await.expect("valid");
    assert_eq!(token.secret(), original.access_token.secret());
    assert_eq!(
        setup.mock.counters().token,
        0,
        "five minutes left: no refresh"
    );

    let eager = TokenManager::builder(
        registry(MockIdp::new(&setup.mock)),
        setup.store.clone() as Arc<dyn TokenStore>,
    )
    .http_client(http())
    .refresh_margin(Duration::from_secs(600))
    .build()
    .expect("builds");
    let refreshed = eager.access_token(&setup.key).await.expect("refreshed");
    assert_ne!(refreshed.secret(), original.access_token.secret());
    assert_eq!(setup.mock.counters().token_refresh, 1);
}

#[tokio::test]
async fn a_failed_refresh_of_a_token_that_is_still_valid_returns_the_current_token() {
    let setup = setup(RefreshTokens::Reuse, 30).await;
    let original = kept(&setup).await.expect("kept");
    setup.mock.set_fault(Endpoint::Token, Fault::Status(503));
    let token = setup
        .manager
        .access_token(&setup.key)
        .await
        .expect("still valid for 30 s");
    assert_eq!(token.secret(), original.access_token.secret());
    assert_eq!(setup.mock.counters().token_refresh, 1);
    assert!(kept(&setup).await.is_some(), "nothing is removed");
}

#[tokio::test]
async fn a_failed_refresh_of_an_expired_token_is_the_providers_error() {
    let setup = setup(RefreshTokens::Reuse, -10).await;
    setup.mock.set_fault(Endpoint::Token, Fault::Status(503));
    let err = setup
        .manager
        .access_token(&setup.key)
        .await
        .expect_err("provider down");
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert!(
        kept(&setup).await.is_some(),
        "a transient failure removes nothing"
    );
}

#[tokio::test]
async fn an_expired_token_without_a_refresh_token_asks_for_a_new_login() {
    let setup = setup(RefreshTokens::Reuse, -10).await;
    let mut set = kept(&setup).await.expect("kept");
    set.refresh_token = None;
    setup.store.put(&setup.key, set).await.expect("kept");
    let err = setup
        .manager
        .access_token(&setup.key)
        .await
        .expect_err("cannot refresh");
    assert!(
        matches!(
            err,
            Error::LoginRequired {
                reason: LoginRequiredReason::NoRefreshToken,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(setup.mock.counters().token, 0);
}

#[tokio::test]
async fn the_client_credentials_token_is_cached_until_shortly_before_expiry() {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    let provider: Arc<dyn OAuthProvider> = Arc::new(MockIdp::new(&mock));
    let cache = ClientCredentials::new(Arc::clone(&provider), http());
    let first = cache.access_token().await.expect("a token");
    let second = cache.clone().access_token().await.expect("cached");
    assert_eq!(first.secret(), second.secret());
    assert_eq!(mock.counters().token_client_credentials, 1);

    cache.invalidate().await;
    let third = cache.access_token().await.expect("a new token");
    assert_ne!(third.secret(), first.secret());
    assert_eq!(mock.counters().token_client_credentials, 2);

    // The mock's tokens live 7200 s: with a larger margin every call asks again.
    let eager = ClientCredentials::new(provider, http()).refresh_margin(Duration::from_secs(7300));
    eager.access_token().await.expect("a token");
    eager.access_token().await.expect("another token");
    assert_eq!(mock.counters().token_client_credentials, 4);
}

#[tokio::test]
async fn logout_forgets_the_tokens_and_revokes_them_only_when_asked() {
    let setup = setup(RefreshTokens::Reuse, 3600).await;
    assert_eq!(
        setup.manager.logout(&setup.key).await.expect("logged out"),
        None
    );
    assert!(kept(&setup).await.is_none());

    let revocation = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/revoke"))
        .and(matchers::body_string_contains(
            "token_type_hint=refresh_token",
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&revocation)
        .await;
    let idp = MockIdp::new(&setup.mock).with_revocation_url(
        url::Url::parse(&format!("{}/revoke", revocation.uri())).expect("URL"),
    );
    let revoking = TokenManager::builder(registry(idp), setup.store.clone())
        .http_client(http())
        .revoke_on_logout(true)
        .build()
        .expect("builds");
    setup
        .store
        .put(&setup.key, tokens_from(&setup.mock, 3600).await)
        .await
        .expect("kept");
    assert_eq!(
        revoking.logout(&setup.key).await.expect("logged out"),
        Some(Revocation::Revoked)
    );
    assert!(kept(&setup).await.is_none());
    assert_eq!(
        revoking.logout(&setup.key).await.expect("nothing kept"),
        None
    );
    revocation.verify().await;
}
