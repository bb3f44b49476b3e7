//! Benchmarks of the login flow's CPU work, without any network.
//!
//! - `begin/*`: one `LoginService::begin` (state and verifier generation, sealing or storing,
//!   building the authorization URL), with the cookie store and with the memory store.
//! - `callback_checks/*`: one `LoginService::complete` with a matching state and cookie but
//!   carrying `error=access_denied`, so every check runs (query parsing, unsealing or taking,
//!   constant-time state comparison, expiry, provider) and the call returns
//!   `AuthorizationDenied` right before the token request. The flow consumed by each call is
//!   created in the untimed setup.
//! - `cookie_store/seal`, `cookie_store/unseal`, `return_path/parse/*`: the pieces alone.
//!
//! Target: each under 10 µs per call. `begin` and `complete` are async but never wait on
//! anything here (no network, the stores only take a `std::sync::Mutex`), so each call is
//! polled to completion once with a no-op waker instead of going through a runtime.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, BeginOptions, Capabilities, ClientSecret, CookieKey,
    CookieStore, CsrfState, Error, FlowConfig, FlowRecord, HttpClient, LoginService, MemoryStore,
    OAuth2Client, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier, ProviderRegistry,
    ReturnPath, async_trait,
};
use url::Url;

const PROVIDER: &str = "bench";
const COOKIE_KEY: &[u8] = b"bench-cookie-key-0123456789-abcdefghijklmnopqrstuv";

/// Runs a future that never waits to completion.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the benchmarked call waited on something"),
    }
}

/// A provider with PKCE that is never asked to do any HTTP.
#[derive(Debug)]
struct BenchProvider {
    client: OAuth2Client,
}

#[async_trait]
impl OAuthProvider for BenchProvider {
    fn name(&self) -> &str {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.pkce(true)
    }

    fn default_scopes(&self) -> Vec<String> {
        vec!["account".to_owned(), "email".to_owned()]
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        Ok(self
            .client
            .authorization_url(request, &self.default_scopes()))
    }

    async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &AuthorizationCode,
        redirect_uri: &str,
        pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        self.client
            .exchange_code(http, code, redirect_uri, pkce_verifier)
            .await
    }

    async fn user_info(&self, _: &HttpClient, _: &OAuthToken) -> Result<OAuthUserInfo, Error> {
        unreachable!("the benchmarks stop before any network call")
    }
}

fn registry() -> ProviderRegistry {
    let client = OAuth2Client::new(
        PROVIDER,
        "bench-client",
        ClientSecret::new("bench-secret"),
        Url::parse("https://idp.example/authorize").unwrap(),
        Url::parse("https://idp.example/token").unwrap(),
    );
    ProviderRegistry::new()
        .with(BenchProvider { client })
        .unwrap()
}

fn cookie_service() -> LoginService {
    let config = FlowConfig::builder("https://app.example.com")
        .cookie_key(CookieKey::new(COOKIE_KEY).unwrap())
        .build()
        .unwrap();
    LoginService::new(registry(), config).unwrap()
}

fn memory_service() -> LoginService {
    let config = FlowConfig::builder("https://app.example.com")
        .build()
        .unwrap();
    LoginService::builder(registry(), config)
        .store(Arc::new(MemoryStore::default()))
        .build()
        .unwrap()
}

/// Begins a flow and returns the denial callback query and the cookie value.
fn denied_callback(service: &LoginService) -> (String, String) {
    let outcome =
        ready(service.begin(PROVIDER, BeginOptions::default().return_to("/repos"))).expect("begin");
    let state = outcome
        .authorization_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("error", "access_denied")
        .append_pair("error_description", "The user denied access")
        .append_pair("state", &state)
        .finish();
    (query, outcome.cookie.value().to_owned())
}

fn bench_begin(c: &mut Criterion) {
    let mut group = c.benchmark_group("begin");
    for (name, service) in [
        ("cookie_store", cookie_service()),
        ("memory_store", memory_service()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                ready(service.begin(
                    black_box(PROVIDER),
                    BeginOptions::default().return_to(black_box("/repos?page=2")),
                ))
                .expect("begin")
            });
        });
    }
    group.finish();
}

fn bench_callback_checks(c: &mut Criterion) {
    let mut group = c.benchmark_group("callback_checks");
    for (name, service) in [
        ("cookie_store", cookie_service()),
        ("memory_store", memory_service()),
    ] {
        // Sanity check: the call ends with the denial, so every check passed.
        let (query, cookie) = denied_callback(&service);
        let done = ready(service.complete(PROVIDER, &query, Some(&cookie)));
        assert!(matches!(
            done.result,
            Err(Error::AuthorizationDenied { .. })
        ));

        group.bench_function(name, |b| {
            b.iter_batched(
                || denied_callback(&service),
                |(query, cookie)| {
                    let done = ready(service.complete(
                        black_box(PROVIDER),
                        black_box(&query),
                        Some(black_box(&cookie)),
                    ));
                    debug_assert!(matches!(
                        done.result,
                        Err(Error::AuthorizationDenied { .. })
                    ));
                    done
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

fn bench_cookie_store(c: &mut Criterion) {
    let store = CookieStore::new(&CookieKey::new(COOKIE_KEY).unwrap(), "oauth_kit_flow");
    let state = CsrfState::generate().unwrap();
    let verifier = PkceVerifier::generate().unwrap();
    let record = FlowRecord::new(
        PROVIDER,
        &state,
        Some(&verifier),
        None,
        ReturnPath::parse("/repos?page=2", &[]).unwrap(),
    );
    let sealed = store.seal(&record).unwrap();

    let mut group = c.benchmark_group("cookie_store");
    group.bench_function("seal", |b| {
        b.iter(|| store.seal(black_box(&record)).unwrap());
    });
    group.bench_function("unseal", |b| {
        b.iter(|| store.unseal(black_box(&sealed)).unwrap());
    });
    group.finish();
}

fn bench_return_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("return_path/parse");
    for (name, input) in [
        ("valid_with_query", "/repos?page=2&sort=name"),
        ("double_encoded_attack", "/%252F%252Fevil.example"),
        ("absolute_other_origin", "https://evil.example/"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| ReturnPath::parse(black_box(input), &[]));
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_begin,
    bench_callback_checks,
    bench_cookie_store,
    bench_return_path
);
criterion_main!(benches);
