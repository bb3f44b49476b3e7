//! The provider client and proxies: proxy environment variables are ignored by the default
//! client, and a proxy configured explicitly on a builder is used.
//!
//! Environment variables belong to the whole process, so the first test runs its request in a
//! child process (this test binary again, filtered to the same test) started with the proxy
//! variables set; the parent holds the stand-in proxy and counts what reaches it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use oauth_kit_core::{HttpClient, HttpConfig, ProviderContext, Stage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

/// Set in the child process; tells the test to make the request instead of spawning.
const CHILD_MARKER: &str = "OAUTH_KIT_PROXY_TEST_CHILD";

/// A stand-in proxy on a loopback port: it counts connections and answers each with a 502.
async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (url, seen)
}

/// The name under which the test harness lists the test `name` of this module: its module path
/// without the crate name.
fn test_path(name: &str) -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::{name}"),
        None => name.to_owned(),
    }
}

async fn token_endpoint() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    server
}

async fn post_token(http: &HttpClient, server: &MockServer) -> u16 {
    let url = url::Url::parse(&format!("{}/token", server.uri())).expect("mock URL");
    let context = ProviderContext::new("kitprovider", Stage::Token);
    match http
        .post_form(
            &context,
            &url,
            None,
            &[("grant_type", "authorization_code")],
        )
        .await
    {
        Ok(response) => response.status,
        Err(err) => panic!("the token request failed: {err}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_client_ignores_proxy_environment_variables() {
    if std::env::var_os(CHILD_MARKER).is_some() {
        // The child: the proxy variables point at the parent's stand-in proxy.
        let server = token_endpoint().await;
        let http = HttpClient::new().expect("client");
        assert_eq!(post_token(&http, &server).await, 200);
        assert_eq!(
            server.received_requests().await.map(|r| r.len()),
            Some(1),
            "the token endpoint was not reached directly"
        );
        return;
    }
    let (proxy, seen) = counting_proxy().await;
    let exe = std::env::current_exe().expect("the test binary");
    let name = test_path("default_client_ignores_proxy_environment_variables");
    let output = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(exe);
        command
            .args(["--exact", name.as_str(), "--test-threads=1"])
            .env(CHILD_MARKER, "1")
            .env_remove("NO_PROXY")
            .env_remove("no_proxy");
        for name in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            command.env(name, &proxy);
        }
        command.output()
    })
    .await
    .expect("the child ran")
    .expect("the child started");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the child test failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A filter that matched no test would pass without a request: the child must have run it.
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the child did not run the test: {stdout}"
    );
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the stand-in proxy was contacted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_configured_on_the_builder_is_used() {
    let (proxy, seen) = counting_proxy().await;
    let server = token_endpoint().await;
    let builder = reqwest::Client::builder().proxy(reqwest::Proxy::all(&proxy).expect("proxy URL"));
    let http = HttpClient::from_builder(builder, HttpConfig::default()).expect("client");
    assert_eq!(post_token(&http, &server).await, 502);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}
