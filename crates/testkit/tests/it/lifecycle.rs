//! Starting, addressing and stopping the server.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};

use oauth_kit_testkit::{MockBitbucket, MockConfig};

async fn reachable(url: &str) -> bool {
    reqwest::Client::new().get(url).send().await.is_ok()
}

#[tokio::test]
async fn urls_derive_from_the_base_url() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let base = mock.base_url();
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(base, format!("http://{}", mock.addr()));
    assert_eq!(
        mock.authorize_url(),
        format!("{base}/site/oauth2/authorize")
    );
    assert_eq!(mock.token_url(), format!("{base}/site/oauth2/access_token"));
    assert_eq!(mock.api_url(), format!("{base}/2.0"));
    assert_eq!(mock.client_id(), "bbClientKey123");
    assert_eq!(mock.client_secret(), "bbClientSecret456");
}

#[tokio::test]
async fn two_mocks_get_different_ports() {
    let a = MockBitbucket::start().await.expect("mock starts");
    let b = MockBitbucket::start().await.expect("mock starts");
    assert_ne!(a.base_url(), b.base_url());
}

#[tokio::test]
async fn start_with_a_fixed_address_listens_there() {
    let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mock = MockBitbucket::start_with(MockConfig {
        addr: Some(free),
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    assert_eq!(mock.addr(), free);
    assert!(reachable(&mock.base_url()).await);
}

#[tokio::test]
async fn start_on_a_taken_port_fails() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let addr: SocketAddr = taken.local_addr().expect("addr");
    let result = MockBitbucket::start_with(MockConfig {
        addr: Some(addr),
        ..MockConfig::default()
    })
    .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn start_without_users_is_invalid_input() {
    let result = MockBitbucket::start_with(MockConfig {
        users: vec![],
        ..MockConfig::default()
    })
    .await;
    assert_eq!(
        result.map(|_| ()).map_err(|e| e.kind()),
        Err(std::io::ErrorKind::InvalidInput)
    );
}

#[tokio::test]
async fn shutdown_stops_the_server_for_every_clone() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let clone = mock.clone();
    let url = mock.base_url();
    assert!(reachable(&url).await);
    clone.shutdown();
    clone.shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!reachable(&url).await);
}

#[tokio::test]
async fn dropping_the_last_handle_stops_the_server() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let url = mock.base_url();
    let clone = mock.clone();
    drop(mock);
    assert!(reachable(&url).await, "a clone keeps the server running");
    drop(clone);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!reachable(&url).await);
}

#[tokio::test]
async fn avatar_urls_serve_an_svg_badge() {
    let mock = MockBitbucket::start().await.expect("mock starts");
    let url = mock.avatar_url("M<O>x");
    assert_eq!(url, format!("{}/avatars/MO.svg", mock.base_url()));
    let response = reqwest::get(&url).await.expect("avatar answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let body = response.text().await.expect("body");
    assert!(
        body.starts_with("<svg") && body.contains(">MO</text>"),
        "{body}"
    );
}
