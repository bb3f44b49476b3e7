//! What the adapter tests share: a listener on a free loopback port, an HTTP client that does
//! not follow redirects, and a cookie-keeping browser over it.

#![allow(unreachable_pub)]

use std::collections::HashMap;

use axum::Router;
use tokio::net::TcpListener;

/// Binds a listener on a free loopback port: the listener and its base URL.
pub async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (listener, base)
}

/// Serves `app` on `listener` in the background.
pub fn serve(listener: TcpListener, app: Router) {
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
}

/// An HTTP client that hands redirects back to the test instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A cookie-keeping client of the application at `base`.
#[derive(Debug)]
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(base: String) -> Self {
        Self {
            base,
            client: client(),
            cookies: HashMap::new(),
        }
    }

    /// Sends a GET to `url` (absolute, or a path of the application) with the kept cookies
    /// and keeps the cookies of the answer: the status, the Location header and the body.
    pub async fn get(&mut self, url: &str) -> (u16, String, String) {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.base)
        };
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let response = self
            .client
            .get(&url)
            .header("cookie", cookie.join("; "))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        for set in response.headers().get_all("set-cookie") {
            let first = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            let (name, value) = first.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        (status, location, response.text().await.unwrap())
    }

    /// Runs a whole login at `provider` with `next=/home`, through the mock's approval, and
    /// returns where the callback sent the browser.
    pub async fn login(&mut self, provider: &str) -> String {
        let (status, authorize, _) = self
            .get(&format!("/auth/{provider}/login?next=/home"))
            .await;
        assert_eq!(status, 303);
        let (status, callback, _) = self.get(&authorize).await;
        assert_eq!(status, 302);
        let (status, location, _) = self.get(&callback).await;
        assert_eq!(status, 303);
        location
    }
}
