//! The end-to-end suite of the demo contract, run unchanged against every demo binary.
//!
//! Each case starts a fresh mock Bitbucket (`oauth-kit-testkit`) and the demo binary as a child
//! process pointed at it, then drives the demo over real HTTP with a cookie-keeping client.
//! One further case per catalog provider logs in through the demo's built-in mocks (no
//! credentials set), all of them against one demo process; a last case checks that these cases
//! are exactly the catalog. A demo crate runs the whole suite with one line in a module of its
//! test binary (`tests/it/e2e.rs`, where Cargo defines `CARGO_BIN_EXE_<name>`):
//!
//! ```text
//! demo_support::demo_e2e_suite!(env!("CARGO_BIN_EXE_example-axum"));
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    missing_docs,
    missing_debug_implementations
)]

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth_kit_testkit::{Consent, Endpoint, Fault, MockBitbucket};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use url::Url;

use crate::{LISTENING_ON, LISTENING_TARGET};

/// A fixed cookie key, so the demo's sealed cookies are stable across a case.
pub const TEST_COOKIE_KEY: &str = "e2e-cookie-key-0123456789abcdef0123456789abcdef";

/// A running demo binary with its captured log output.
pub struct DemoProcess {
    child: Child,
    /// The demo's base URL, `http://127.0.0.1:PORT`.
    pub base: String,
    logs: Arc<Mutex<String>>,
}

impl DemoProcess {
    /// The demo's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Everything the demo wrote to standard error and standard output so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A port that was free a moment ago (another server may take it before the demo binds it).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `binary` against `mock` (or, with `mock == None`, with no Bitbucket variables so the
/// demo starts its own mock). `extra` overrides or adds environment variables.
pub async fn launch(
    binary: &str,
    mock: Option<&MockBitbucket>,
    extra: &[(&str, &str)],
) -> DemoProcess {
    launch_retrying(|| Command::new(binary), binary, mock, extra).await
}

/// Like [`launch`], on a chosen port.
pub async fn launch_on(
    binary: &str,
    port: u16,
    mock: Option<&MockBitbucket>,
    extra: &[(&str, &str)],
) -> DemoProcess {
    match try_launch(Command::new(binary), port, mock, extra).await {
        Ok(demo) => demo,
        Err(LaunchFailure::PortTaken(logs) | LaunchFailure::Failed(logs)) => {
            panic!("{binary} did not listen on port {port}; its output:\n{logs}")
        }
    }
}

/// Starts `binary` with no provider variables (so it runs its built-in mocks) such that it
/// stops when this test process ends, even without a drop: a shell starts it in the
/// background and stops it when its standard input, a pipe from this process, closes.
pub async fn launch_tied_to_this_process(binary: &str) -> DemoProcess {
    // Every catalog provider logs in once from this one client, more callbacks than the
    // per-client limit allows in a minute by default.
    let limit = [("OAUTH_CALLBACK_RATE_LIMIT", "1000")];
    let shell = || {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("\"$0\" & demo=$!; read -r _; kill \"$demo\"")
            .arg(binary);
        cmd
    };
    let demo = launch_retrying(shell, binary, None, &limit).await;
    assert!(
        demo.child.stdin.is_some(),
        "the shell's standard input is a pipe"
    );
    demo
}

/// Starts the demo that `command` makes on a free port; when another server took the port
/// first, tries again on another (tests start many servers at once). Any other failure, or a
/// fifth taken port, panics with the demo's output.
async fn launch_retrying(
    command: impl Fn() -> Command,
    binary: &str,
    mock: Option<&MockBitbucket>,
    extra: &[(&str, &str)],
) -> DemoProcess {
    let mut tries = 0;
    loop {
        let port = free_port();
        match try_launch(command(), port, mock, extra).await {
            Ok(demo) => return demo,
            Err(LaunchFailure::PortTaken(_)) if tries < 4 => tries += 1,
            Err(LaunchFailure::PortTaken(logs) | LaunchFailure::Failed(logs)) => {
                panic!("{binary} did not listen on port {port}; its output:\n{logs}")
            }
        }
    }
}

/// Why a demo did not start; each holds the demo's output.
enum LaunchFailure {
    /// Another server had taken the port.
    PortTaken(String),
    /// It exited for another reason, or did not listen within 30 s.
    Failed(String),
}

/// Starts the demo `cmd` on `port` and waits until it says it listens there (a connection
/// alone could reach another server that took the port first).
async fn try_launch(
    mut cmd: Command,
    port: u16,
    mock: Option<&MockBitbucket>,
    extra: &[(&str, &str)],
) -> Result<DemoProcess, LaunchFailure> {
    let base = format!("http://127.0.0.1:{port}");
    // No provider variable of the developer's environment reaches the demo.
    let prefixes: Vec<String> = oauth_kit::catalog()
        .iter()
        .map(|spec| format!("{}_", spec.env_prefix))
        .collect();
    for (name, _) in std::env::vars() {
        if prefixes
            .iter()
            .any(|prefix| name.starts_with(prefix.as_str()))
        {
            cmd.env_remove(name);
        }
    }
    for name in [
        "BITBUCKET_CLIENT_ID",
        "BITBUCKET_CLIENT_SECRET",
        "BITBUCKET_SCOPE",
        "BITBUCKET_AUTHORIZE_URL",
        "BITBUCKET_TOKEN_URL",
        "BITBUCKET_API_URL",
        "OAUTH_STATE_TTL",
        "OAUTH_ROUTE_PREFIX",
        "OAUTH_SUCCESS_REDIRECT",
        "OAUTH_FAILURE_REDIRECT",
        "OAUTH_REDIS_URL",
        "OAUTH_REDIS_KEY_PREFIX",
        "OAUTH_REDIS_TIMEOUT_MS",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("APP_ADDR", format!("127.0.0.1:{port}"))
        .env("OAUTH_REDIRECT_BASE_URL", &base)
        .env("OAUTH_COOKIE_KEY", TEST_COOKIE_KEY)
        .env("OAUTH_HTTP_TIMEOUT_SECS", "2")
        .env("NO_COLOR", "1");
    if let Some(mock) = mock {
        cmd.env("BITBUCKET_CLIENT_ID", mock.client_id())
            .env("BITBUCKET_CLIENT_SECRET", mock.client_secret())
            .env("BITBUCKET_AUTHORIZE_URL", mock.authorize_url())
            .env("BITBUCKET_TOKEN_URL", mock.token_url())
            .env("BITBUCKET_API_URL", mock.api_url());
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    // The line this waits for stays visible whatever filter the test chose.
    let filter = extra.iter().rev().find(|(k, _)| *k == "RUST_LOG");
    let filter = filter.map_or("trace", |(_, v)| v);
    cmd.env("RUST_LOG", format!("{filter},{LISTENING_TARGET}=info"));
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .map_err(|e| LaunchFailure::Failed(format!("cannot start the demo: {e}")))?;
    let logs = Arc::new(Mutex::new(String::new()));
    for stream in [
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let logs = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut logs = logs.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
    }
    let mut demo = DemoProcess { child, base, logs };
    let listening = format!("{LISTENING_ON} 127.0.0.1:{port}");
    // Up to 30 s: with no credentials the demo starts a mock of every provider first, on a
    // build machine that runs many tests at once.
    for _ in 0..600 {
        let logs = demo.logs();
        if logs.contains(&listening) {
            return Ok(demo);
        }
        if logs.contains("Address already in use") {
            return Err(LaunchFailure::PortTaken(logs));
        }
        if matches!(demo.child.try_wait(), Ok(Some(_))) {
            return Err(LaunchFailure::Failed(logs));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(LaunchFailure::Failed(demo.logs()))
}

/// A response as the suite sees it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_else(|| {
            panic!(
                "no Location header in {} response: {}",
                self.status, self.body
            )
        })
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.split('=').next().map(str::trim) == Some(name))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// A cookie-keeping HTTP client that never follows redirects.
pub struct Browser {
    client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    pub async fn get(&mut self, url: &str) -> Reply {
        self.send(reqwest::Method::GET, url, None).await
    }

    pub async fn post(&mut self, url: &str) -> Reply {
        self.send(reqwest::Method::POST, url, None).await
    }

    pub async fn head(&mut self, url: &str) -> Reply {
        self.send(reqwest::Method::HEAD, url, None).await
    }

    pub async fn post_form(&mut self, url: &str, form: &[(String, String)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send(reqwest::Method::POST, url, Some(body)).await
    }

    async fn send(&mut self, method: reqwest::Method, url: &str, form: Option<String>) -> Reply {
        let mut request = self.client.request(method, url);
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header("cookie", header.join("; "));
        }
        if let Some(body) = form {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request to {url} failed: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        let reply = Reply {
            status,
            headers,
            body,
        };
        for cookie in reply.set_cookies() {
            let first = cookie.split(';').next().unwrap_or_default();
            let (name, value) = first.split_once('=').unwrap_or((first, ""));
            let removal = cookie
                .to_ascii_lowercase()
                .replace(' ', "")
                .contains("max-age=0");
            if removal || value.is_empty() {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
        reply
    }
}

/// One browser against one demo and one mock.
pub struct Session<'a> {
    pub demo: &'a DemoProcess,
    pub mock: &'a MockBitbucket,
    pub browser: Browser,
}

impl<'a> Session<'a> {
    pub fn new(demo: &'a DemoProcess, mock: &'a MockBitbucket) -> Self {
        Self {
            demo,
            mock,
            browser: Browser::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.demo.base)
    }

    /// `GET /auth/bitbucket/login?next=...`; returns the reply (a redirect to the mock).
    pub async fn start_login(&mut self, next: Option<&str>) -> Reply {
        let path = match next {
            Some(n) => format!(
                "/auth/bitbucket/login?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", n)
                    .finish()
            ),
            None => "/auth/bitbucket/login".to_owned(),
        };
        let url = self.url(&path);
        self.browser.get(&url).await
    }

    /// Follows the authorization redirect at the mock and returns the callback URL it sends
    /// the browser to.
    pub async fn authorize_at_mock(&mut self, authorization_url: &str) -> String {
        let reply = Browser::new().get(authorization_url).await;
        assert_eq!(
            reply.status, 302,
            "mock authorize answered {}: {}",
            reply.status, reply.body
        );
        reply.location().to_owned()
    }

    /// The whole login; returns the callback's reply.
    pub async fn login(&mut self, next: Option<&str>) -> Reply {
        let start = self.start_login(next).await;
        assert_eq!(
            start.status, 303,
            "login answered {}: {}",
            start.status, start.body
        );
        let callback = self.authorize_at_mock(start.location()).await;
        self.browser.get(&callback).await
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let url = self.url(path);
        self.browser.get(&url).await
    }

    pub async fn post(&mut self, path: &str) -> Reply {
        let url = self.url(path);
        self.browser.post(&url).await
    }
}

/// Starts a mock with automatic approval and the demo against it.
pub async fn start(binary: &str, extra: &[(&str, &str)]) -> (MockBitbucket, DemoProcess) {
    let mock = MockBitbucket::start().await.unwrap();
    let demo = launch(binary, Some(&mock), extra).await;
    (mock, demo)
}

fn query_of(location: &str) -> HashMap<String, String> {
    let url = Url::parse("http://x.invalid")
        .unwrap()
        .join(location)
        .unwrap();
    url.query_pairs().into_owned().collect()
}

fn path_of(location: &str) -> String {
    Url::parse("http://x.invalid")
        .unwrap()
        .join(location)
        .unwrap()
        .path()
        .to_owned()
}

/// Asserts a failure redirect to `/login?error=<code>` with no session, and that the flow
/// cookie is cleared: the callback's state matched this browser's flow, which is used up.
async fn assert_failure(s: &mut Session<'_>, reply: &Reply, code: &str) {
    assert_failure_with(s, reply, code, true).await;
}

/// Asserts a failure redirect with no session, where the callback did not match this
/// browser's flow: the flow cookie is left alone.
async fn assert_failure_keeping_the_flow(s: &mut Session<'_>, reply: &Reply, code: &str) {
    assert_failure_with(s, reply, code, false).await;
}

async fn assert_failure_with(s: &mut Session<'_>, reply: &Reply, code: &str, cleared: bool) {
    assert_eq!(
        reply.status, 303,
        "expected a redirect, got {}: {}",
        reply.status, reply.body
    );
    let location = reply.location();
    assert_eq!(path_of(location), "/login", "failure went to {location}");
    assert_eq!(
        query_of(location).get("error").map(String::as_str),
        Some(code),
        "location {location}"
    );
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    match reply.set_cookie("oauth_kit_flow") {
        Some(clear) if cleared => assert!(clear.contains("Max-Age=0"), "{clear}"),
        None if !cleared => {}
        other => panic!("flow cookie expected cleared={cleared}, got {other:?}"),
    }
    assert!(
        reply.set_cookie("oauth_kit_session").is_none(),
        "a session cookie was set on failure"
    );
    let me = s.get("/me").await;
    assert_eq!(me.status, 401, "a failed login left a session");
}

fn assert_no_secret(haystack: &str, secrets: &[String], what: &str) {
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        assert!(
            !haystack.contains(secret.as_str()),
            "{what} contains a secret ({} chars)",
            secret.len()
        );
    }
}

fn state_of(authorization_url: &str) -> String {
    query_of(authorization_url).get("state").cloned().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

pub async fn me_without_session_is_401(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let me = s.get("/me").await;
    assert_eq!(me.status, 401);
    assert_eq!(me.json()["error"], "unauthenticated");
    assert_eq!(s.get("/me/verified").await.status, 401);
    let home = s.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Log in with Bitbucket"));
}

/// The harness sees a demo listen whatever log filter a test (or the load checks, which run at
/// `warn`) gives it.
pub async fn a_demo_with_a_quiet_log_filter_still_starts(bin: &str) {
    let mock = MockBitbucket::start().await.unwrap();
    let demo = launch(bin, Some(&mock), &[("RUST_LOG", "warn")]).await;
    let reply = Browser::new().get(&format!("{}/me", demo.base)).await;
    assert_eq!(reply.status, 401);
}

pub async fn happy_path_maps_the_user_as_documented(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(Some("/after?tab=repos")).await;
    assert_eq!(start.status, 303);
    let auth = Url::parse(start.location()).unwrap();
    assert!(auth.as_str().starts_with(&mock.authorize_url()));
    let q: HashMap<String, String> = auth.query_pairs().into_owned().collect();
    assert_eq!(q.get("client_id"), Some(&mock.client_id()));
    assert_eq!(q.get("response_type").map(String::as_str), Some("code"));
    assert_eq!(
        q.get("redirect_uri"),
        Some(&format!("{}/auth/bitbucket/callback", demo.base))
    );
    assert_eq!(q.get("state").map(String::len), Some(43));
    assert!(!q.contains_key("code_challenge"), "Bitbucket has no PKCE");
    let flow = start.set_cookie("oauth_kit_flow").expect("flow cookie set");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/auth", "Max-Age=600"] {
        assert!(flow.contains(attr), "flow cookie lacks {attr}: {flow}");
    }
    assert!(!flow.contains("Secure"), "Secure on an http base URL");

    let callback = s.authorize_at_mock(start.location()).await;
    let done = s.browser.get(&callback).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/after?tab=repos");
    assert_eq!(done.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(done.header("cache-control"), Some("no-store"));
    let cleared = done
        .set_cookie("oauth_kit_flow")
        .expect("flow cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let session = done
        .set_cookie("oauth_kit_session")
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );

    let me = s.get("/me").await;
    assert_eq!(me.status, 200, "{}", me.body);
    let user = me.json();
    assert_eq!(user["provider"], "bitbucket");
    assert_eq!(user["oauth_id"], "3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73");
    assert_eq!(user["email"], "mira@example.com");
    assert_eq!(user["email_verified"], true);
    assert_eq!(user["username"], "mira-ol");
    assert_eq!(user["first_name"], "Mira");
    assert_eq!(user["last_name"], "Okonkwo-Lind");
    assert!(
        user["avatar_url"]
            .as_str()
            .unwrap()
            .starts_with("https://avatar-management")
    );
    assert_eq!(
        user["profile_url"],
        "https://bitbucket.org/%7B3c5e0f9a-7b21-4d8e-9a44-6f0c2b1d8e73%7D/"
    );
    assert!(user.get("raw_data").is_none());
    assert_eq!(s.get("/me/verified").await.status, 200);
    let home = s.get("/").await;
    assert!(home.body.contains("Mira Okonkwo-Lind") && home.body.contains("mira@example.com"));
    let counters = mock.counters();
    assert_eq!(counters.token, 1);
    assert!(!counters.token_in_query);
}

pub async fn logout_clears_the_session(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    s.login(None).await;
    let old_session = s.browser.cookies.get("oauth_kit_session").cloned().unwrap();
    assert_eq!(s.get("/me").await.status, 200);
    let out = s.post("/auth/logout").await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/");
    assert_eq!(s.get("/me").await.status, 401);
    // The old session id is dead even if someone kept it.
    s.browser
        .cookies
        .insert("oauth_kit_session".into(), old_session);
    assert_eq!(s.get("/me").await.status, 401);
}

pub async fn session_id_rotates_at_login(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    s.login(None).await;
    let first = s.browser.cookies.get("oauth_kit_session").cloned().unwrap();
    s.login(None).await;
    let second = s.browser.cookies.get("oauth_kit_session").cloned().unwrap();
    assert_ne!(first, second, "session id not rotated at login");
    // A session id planted before the login (fixation) is not the one used after it.
    let mut victim = Session::new(&demo, &mock);
    victim
        .browser
        .cookies
        .insert("oauth_kit_session".into(), first.clone());
    victim.login(None).await;
    assert_ne!(
        victim.browser.cookies.get("oauth_kit_session"),
        Some(&first)
    );
    assert_eq!(victim.get("/me").await.status, 200);
}

pub async fn callback_without_state_is_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let callback = s.authorize_at_mock(start.location()).await;
    let mut url = Url::parse(&callback).unwrap();
    let code = query_of(&callback).get("code").cloned().unwrap();
    url.set_query(Some(&format!("code={code}")));
    let reply = s.browser.get(url.as_str()).await;
    assert_failure_keeping_the_flow(&mut s, &reply, "state_missing").await;
    url.set_query(Some(&format!("code={code}&state=")));
    let reply = s.browser.get(url.as_str()).await;
    assert_failure_keeping_the_flow(&mut s, &reply, "state_missing").await;
    assert_eq!(mock.counters().token, 0);
}

pub async fn callback_with_forged_state_is_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let callback = s.authorize_at_mock(start.location()).await;
    let code = query_of(&callback).get("code").cloned().unwrap();
    let forged = s.url(&format!(
        "/auth/bitbucket/callback?code={code}&state=forged-state-value"
    ));
    let reply = s.browser.get(&forged).await;
    assert_failure_keeping_the_flow(&mut s, &reply, "state_mismatch").await;
    assert_eq!(mock.counters().token, 0);
}

pub async fn login_csrf_without_flow_cookie_is_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    // The attacker starts a login in their own browser and stops at the callback...
    let mut attacker = Session::new(&demo, &mock);
    let start = attacker.start_login(None).await;
    let callback = attacker.authorize_at_mock(start.location()).await;
    // ...and makes the victim's browser open it.
    let mut victim = Session::new(&demo, &mock);
    let reply = victim.browser.get(&callback).await;
    assert_failure_keeping_the_flow(&mut victim, &reply, "flow_missing").await;
    assert_eq!(mock.counters().token, 0);
}

pub async fn replayed_callback_is_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let flow = s.browser.cookies.get("oauth_kit_flow").cloned().unwrap();
    let callback = s.authorize_at_mock(start.location()).await;
    assert_eq!(s.browser.get(&callback).await.status, 303);
    assert_eq!(s.get("/me").await.status, 200);
    // Replayed by another browser that also stole the flow cookie.
    let mut thief = Session::new(&demo, &mock);
    thief.browser.cookies.insert("oauth_kit_flow".into(), flow);
    let reply = thief.browser.get(&callback).await;
    assert_failure(&mut thief, &reply, "flow_replayed").await;
    // Replayed in the same browser, whose flow cookie was cleared.
    let mut again = Session::new(&demo, &mock);
    let reply = again.browser.get(&callback).await;
    assert_failure_keeping_the_flow(&mut again, &reply, "flow_missing").await;
    assert_eq!(mock.counters().token, 1);
}

pub async fn duplicated_parameters_are_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let state = state_of(start.location());
    let url = s.url(&format!(
        "/auth/bitbucket/callback?code=abc&state={state}&state=other"
    ));
    let reply = s.browser.get(&url).await;
    assert_failure_keeping_the_flow(&mut s, &reply, "invalid_callback").await;
    assert_eq!(mock.counters().token, 0);
}

pub async fn tampered_flow_cookie_is_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    for tamper in ["flip", "truncate", "foreign"] {
        let mut s = Session::new(&demo, &mock);
        let start = s.start_login(None).await;
        let callback = s.authorize_at_mock(start.location()).await;
        let value = s.browser.cookies.get("oauth_kit_flow").cloned().unwrap();
        let bad = match tamper {
            "flip" => {
                let mut bytes = value.into_bytes();
                let i = bytes.len() / 2;
                bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
                String::from_utf8(bytes).unwrap()
            }
            "truncate" => value[..value.len() - 5].to_owned(),
            _ => {
                // A valid cookie from another deployment (another key).
                let other = launch(
                    bin,
                    Some(&mock),
                    &[(
                        "OAUTH_COOKIE_KEY",
                        "another-key-another-key-another-key-1234",
                    )],
                )
                .await;
                let mut o = Session::new(&other, &mock);
                o.start_login(None).await;
                o.browser.cookies.get("oauth_kit_flow").cloned().unwrap()
            }
        };
        s.browser.cookies.insert("oauth_kit_flow".into(), bad);
        let reply = s.browser.get(&callback).await;
        assert_failure_keeping_the_flow(&mut s, &reply, "flow_invalid").await;
    }
    assert_eq!(mock.counters().token, 0);
}

pub async fn expired_state_is_rejected(bin: &str) {
    let (mock, demo) = start(bin, &[("OAUTH_STATE_TTL", "1")]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let callback = s.authorize_at_mock(start.location()).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let reply = s.browser.get(&callback).await;
    // The browser may already have dropped the cookie (Max-Age=1); the suite's browser keeps
    // it, so the server-side expiry check is what answers.
    assert_failure(&mut s, &reply, "state_expired").await;
    assert_eq!(mock.counters().token, 0);
}

pub async fn denied_authorization_ends_at_the_failure_page(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    mock.set_consent(Consent::AutoDeny);
    let mut s = Session::new(&demo, &mock);
    let reply = s.login(None).await;
    assert_failure(&mut s, &reply, "access_denied").await;
    assert_eq!(mock.counters().token, 0);
    let page = s.get(reply.location()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("declined"), "{}", page.body);
}

pub async fn provider_error_description_is_never_rendered_as_html(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let state = state_of(start.location());
    let url = s.url(&format!(
        "/auth/bitbucket/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state={state}"
    ));
    let reply = s.browser.get(&url).await;
    assert_failure(&mut s, &reply, "access_denied").await;
    assert!(!reply.location().contains("script"));
    let page = s
        .get("/login?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(
        !page.body.contains("<script>alert(1)"),
        "unescaped error on /login"
    );
    assert_eq!(mock.counters().token, 0);
}

pub async fn return_paths_that_leave_the_site_fall_back(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let evil = [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/%252F%252Fevil.example",
        "/x%0d%0aSet-Cookie:%20pwned=1",
        "/x\r\nSet-Cookie: pwned=1",
    ];
    for next in evil {
        let mut s = Session::new(&demo, &mock);
        let reply = s.login(Some(next)).await;
        assert_eq!(reply.status, 303);
        assert_eq!(
            reply.location(),
            "/",
            "next={next:?} went to {}",
            reply.location()
        );
        assert!(
            reply.set_cookies().iter().all(|c| !c.contains("pwned")),
            "header injected"
        );
    }
    let mut s = Session::new(&demo, &mock);
    let reply = s.login(Some("/repos?page=2&sort=name")).await;
    assert_eq!(reply.location(), "/repos?page=2&sort=name");
}

pub async fn provider_faults_end_at_the_failure_page_without_a_session(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let cases: Vec<(Endpoint, Fault, &str)> = vec![
        (Endpoint::Token, Fault::Status(500), "token_error"),
        (Endpoint::Token, Fault::Html(200), "token_error"),
        (Endpoint::Token, Fault::MalformedJson, "token_error"),
        (Endpoint::Token, Fault::OAuthErrorWith200, "token_error"),
        (Endpoint::Token, Fault::HugeBody(4 << 20), "token_error"),
        (
            Endpoint::Token,
            Fault::Redirect("http://127.0.0.1:9/".into()),
            "token_error",
        ),
        (
            Endpoint::Token,
            Fault::Delay(Duration::from_secs(4)),
            "provider_unavailable",
        ),
        (Endpoint::User, Fault::Status(401), "user_info_error"),
        (Endpoint::User, Fault::Status(429), "user_info_error"),
        (Endpoint::User, Fault::Status(500), "user_info_error"),
        (Endpoint::User, Fault::MalformedJson, "user_info_error"),
        (Endpoint::Emails, Fault::EndlessPages, "user_info_error"),
    ];
    for (endpoint, fault, code) in cases {
        mock.clear_faults();
        mock.set_fault(endpoint, fault.clone());
        let before = mock.counters().token;
        let mut s = Session::new(&demo, &mock);
        let reply = s.login(None).await;
        assert_failure(&mut s, &reply, code).await;
        assert_eq!(
            mock.counters().token,
            before + 1,
            "{fault:?}: token endpoint called once"
        );
    }
}

pub async fn emails_without_permission_still_log_in(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    mock.set_fault(Endpoint::Emails, Fault::Status(403));
    let mut s = Session::new(&demo, &mock);
    let reply = s.login(None).await;
    assert_eq!(reply.status, 303);
    let me = s.get("/me").await.json();
    assert_eq!(me["email"], serde_json::Value::Null);
    assert_eq!(me["email_verified"], false);
    assert_eq!(s.get("/me/verified").await.status, 403);
    assert!(
        demo.logs().contains("Email"),
        "the warning should name the missing permission"
    );
}

pub async fn unknown_provider_is_404(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    assert_eq!(s.get("/auth/nosuch/login").await.status, 404);
    let callback = s.get("/auth/nosuch/callback?code=a&state=b").await;
    assert_eq!(callback.status, 404);
    assert!(
        callback.set_cookie("oauth_kit_flow").is_none(),
        "a callback that checked nothing must not touch the flow cookie"
    );
    assert_eq!(s.get("/auth/..%2Fetc/login").await.status, 404);
}

pub async fn credentials_for_some_providers_register_exactly_those(bin: &str) {
    use oauth_kit_testkit::{MockProvider, MockProviderConfig};
    let spec = &oauth_kit::github::SPEC;
    let github = MockProvider::start(spec, MockProviderConfig::sample(spec))
        .await
        .unwrap();
    let api = github.api_url().unwrap();
    // The mock lays the API out like GitHub Enterprise Server's: `/user` and `/user/emails`
    // under `/api/v3`.
    assert_eq!(api, format!("{}/api/v3", github.base_url()));
    let (client_id, client_secret) = (github.client_id(), github.client_secret());
    let (authorize, token) = (github.authorize_url(), github.token_url());
    let demo = launch(
        bin,
        None,
        &[
            ("GITHUB_CLIENT_ID", &client_id),
            ("GITHUB_CLIENT_SECRET", &client_secret),
            ("GITHUB_AUTHORIZE_URL", &authorize),
            ("GITHUB_TOKEN_URL", &token),
            ("GITHUB_API_URL", &api),
        ],
    )
    .await;
    let mut browser = Browser::new();
    let home = browser.get(&format!("{}/", demo.base)).await;
    assert!(home.body.contains("Log in with GitHub"), "{}", home.body);
    assert_eq!(
        home.body.matches("<li>").count(),
        1,
        "only the configured provider has a button: {}",
        home.body
    );
    let bitbucket = browser
        .get(&format!("{}/auth/bitbucket/login", demo.base))
        .await;
    assert_eq!(
        bitbucket.status, 404,
        "an unconfigured provider is registered"
    );
    assert!(
        !demo.logs().contains("built-in mocks"),
        "the demo started its mocks although a provider has credentials"
    );
    let sample = oauth_kit_testkit::sample_account(spec);
    // An address GitHub reports as verified, then one it does not.
    for verified in [true, false] {
        if !verified {
            let unverified = serde_json::json!([
                {"email": sample.email, "primary": true, "verified": false, "visibility": "private"}
            ]);
            github.set_endpoint("emails", unverified.to_string());
        }
        let start = browser
            .get(&format!("{}/auth/github/login?next=%2F", demo.base))
            .await;
        assert_eq!(start.status, 303, "{}", start.body);
        assert!(
            start.location().starts_with(&authorize),
            "{}",
            start.location()
        );
        let callback = github.authorize(start.location()).await.unwrap();
        let done = browser.get(callback.as_str()).await;
        assert_eq!(done.location(), "/", "{}", done.location());
        let me = browser.get(&format!("{}/me", demo.base)).await.json();
        assert_eq!(me["provider"], "github");
        assert_eq!(me["oauth_id"], sample.oauth_id);
        assert_eq!(me["email"], serde_json::json!(sample.email));
        assert_eq!(me["email_verified"], verified, "{me}");
    }
    assert_eq!(github.counters().token, 2);
}

pub async fn concurrent_logins_do_not_mix(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (demo_base, mock) = (demo.base.clone(), mock.clone());
        tasks.push(tokio::spawn(async move {
            let mut browser = Browser::new();
            let next = format!("/page-{i}");
            let start = browser
                .get(&format!(
                    "{demo_base}/auth/bitbucket/login?next={}",
                    next.replace('/', "%2F")
                ))
                .await;
            let approve = Browser::new().get(start.location()).await;
            let done = browser.get(approve.location()).await;
            assert_eq!(done.location(), next);
            let me = browser.get(&format!("{demo_base}/me")).await;
            assert_eq!(me.status, 200);
            drop(mock);
            browser.cookies.get("oauth_kit_session").cloned().unwrap()
        }));
    }
    let mut sessions = Vec::new();
    for t in tasks {
        sessions.push(t.await.unwrap());
    }
    sessions.sort();
    sessions.dedup();
    assert_eq!(sessions.len(), 8, "two browsers shared a session");
    assert_eq!(mock.counters().token, 8);
}

pub async fn https_base_url_sets_secure_cookies(bin: &str) {
    let mock = MockBitbucket::start().await.unwrap();
    // The public URL is https (TLS would end at a proxy); the suite talks plain HTTP to the port.
    let port = free_port();
    let public = format!("https://localhost:{port}");
    let secure = launch_on(
        bin,
        port,
        Some(&mock),
        &[("OAUTH_REDIRECT_BASE_URL", &public)],
    )
    .await;
    let mut s = Session::new(&secure, &mock);
    let start = s.start_login(None).await;
    let flow = start.set_cookie("oauth_kit_flow").unwrap();
    assert!(flow.contains("Secure"), "{flow}");
    let q = query_of(start.location());
    assert!(
        q.get("redirect_uri")
            .unwrap()
            .starts_with("https://localhost:")
    );
}

pub async fn no_secret_reaches_logs_pages_or_urls(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(None).await;
    let state = state_of(start.location());
    let flow = s.browser.cookies.get("oauth_kit_flow").cloned().unwrap();
    let callback = s.authorize_at_mock(start.location()).await;
    let code = query_of(&callback).get("code").cloned().unwrap();
    let done = s.browser.get(&callback).await;
    let session = s.browser.cookies.get("oauth_kit_session").cloned().unwrap();
    let me = s.get("/me").await;
    let home = s.get("/").await;
    // A failing flow too.
    mock.set_fault(Endpoint::Token, Fault::Status(400));
    let mut f = Session::new(&demo, &mock);
    let failed = f.login(None).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut secrets = vec![mock.client_secret(), state, flow, code, session];
    secrets.extend(mock.issued_tokens());
    let logs = demo.logs();
    assert!(
        logs.contains("bitbucket"),
        "the demo logged nothing at RUST_LOG=trace:\n{logs}"
    );
    assert_no_secret(&logs, &secrets, "the demo's logs");
    assert!(
        !logs.contains('\u{1b}'),
        "a log that is not a terminal must be plain text, without colour codes"
    );
    assert_no_secret(&me.body, &secrets, "/me");
    assert_no_secret(&home.body, &secrets, "the home page");
    assert_no_secret(done.location(), &secrets, "the callback's Location");
    assert_no_secret(failed.location(), &secrets, "the failure Location");
}

/// The first form of an HTML page: its `action` (unescaped) and its inputs' names and values.
fn form_of(page: &str) -> (String, Vec<(String, String)>) {
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let mut form = Vec::new();
    for input in page.split("<input").skip(1) {
        let attr = |name: &str| {
            input
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(|v| {
                    v.replace("&amp;", "&")
                        .replace("&quot;", "\"")
                        .replace("&#x27;", "'")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                })
        };
        if let (Some(name), Some(value)) = (attr("name"), attr("value")) {
            form.push((name, value));
        }
    }
    (action, form)
}

/// Submits the consent page `consent` of the mock at `authorization_url` with its "Allow"
/// button and returns the decision's reply (a redirect to the callback).
async fn allow_on_consent_page(
    browser: &mut Browser,
    authorization_url: &str,
    consent: &Reply,
) -> Reply {
    let (action, mut form) = form_of(&consent.body);
    let allow_name = consent
        .body
        .split("<button")
        .skip(1)
        .find(|b| b.contains("Allow"))
        .and_then(|b| {
            let name = b.split("name=\"").nth(1)?.split('"').next()?.to_owned();
            let value = b.split("value=\"").nth(1)?.split('"').next()?.to_owned();
            Some((name, value))
        });
    if let Some(pair) = allow_name {
        form.push(pair);
    }
    let action_url = Url::parse(authorization_url)
        .unwrap()
        .join(&action)
        .unwrap();
    browser.post_form(action_url.as_str(), &form).await
}

pub async fn embedded_mock_lets_a_newcomer_log_in(bin: &str) {
    let demo = launch(bin, None, &[]).await;
    let mut browser = Browser::new();
    let start = browser
        .get(&format!("{}/auth/bitbucket/login?next=%2F", demo.base))
        .await;
    assert_eq!(start.status, 303);
    let consent = browser.get(start.location()).await;
    assert_eq!(
        consent.status, 200,
        "the built-in mock shows a consent page"
    );
    assert!(consent.body.contains("Allow"));
    let decision = allow_on_consent_page(&mut browser, start.location(), &consent).await;
    assert!(
        matches!(decision.status, 302 | 303),
        "consent answered {}: {}",
        decision.status,
        decision.body
    );
    let done = browser.get(decision.location()).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/");
    let me = browser.get(&format!("{}/me", demo.base)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["provider"], "bitbucket");
    assert!(
        demo.logs().contains("mock"),
        "the demo should say it uses the built-in mock"
    );
}

pub async fn head_on_the_callback_is_not_a_login(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(Some("/after")).await;
    let callback = s.authorize_at_mock(start.location()).await;
    // A link checker or prefetcher sends HEAD to the URL the provider redirected to.
    let head = s.browser.head(&callback).await;
    assert_eq!(
        head.status, 405,
        "HEAD on the callback answered {}",
        head.status
    );
    assert_eq!(head.header("allow"), Some("GET"));
    assert!(head.set_cookie("oauth_kit_session").is_none());
    assert!(head.set_cookie("oauth_kit_flow").is_none());
    assert_eq!(mock.counters().token, 0, "HEAD reached the token endpoint");
    assert_eq!(s.get("/me").await.status, 401);
    // The real GET still completes the login: nothing was used up.
    let done = s.browser.get(&callback).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/after");
    assert_eq!(s.get("/me").await.status, 200);
    assert_eq!(mock.counters().token, 1);
}

/// Every route answers a method it does not take with 405 and `Allow`, and does nothing else: a
/// `HEAD` or `POST` on the login starts no login, a `GET` on the logout ends no session.
pub async fn other_methods_on_the_routes_are_405_and_do_nothing(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let login = s.url("/auth/bitbucket/login");
    for reply in [s.browser.head(&login).await, s.browser.post(&login).await] {
        assert_eq!(reply.status, 405, "{}", reply.body);
        assert_eq!(reply.header("allow"), Some("GET"));
        assert!(reply.set_cookie("oauth_kit_flow").is_none());
    }
    s.login(None).await;
    let logout = s.url("/auth/logout");
    let get = s.browser.get(&logout).await;
    assert_eq!(get.status, 405, "{}", get.body);
    assert_eq!(get.header("allow"), Some("POST"));
    assert_eq!(
        s.get("/me").await.status,
        200,
        "a GET on the logout ended the session"
    );
}

pub async fn pages_and_me_are_never_cached(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    for path in ["/", "/login", "/me"] {
        let reply = s.get(path).await;
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "{path} without a session"
        );
    }
    s.login(None).await;
    for path in ["/", "/me", "/me/verified", "/login"] {
        let reply = s.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "{path} of a logged-in user"
        );
        // A page people copy protects itself: no framing, no sniffing, no scripts.
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
            "{path}: {csp}"
        );
    }
}

/// A loopback listener standing in for a proxy: it counts the connections it gets.
async fn counting_listener() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    (url, seen)
}

pub async fn proxy_variables_are_ignored_by_the_provider_client(bin: &str) {
    let (proxy, seen) = counting_listener().await;
    let mock = MockBitbucket::start().await.unwrap();
    let mut env: Vec<(&str, &str)> = vec![("NO_PROXY", ""), ("no_proxy", "")];
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        env.push((name, proxy.as_str()));
    }
    let demo = launch(bin, Some(&mock), &env).await;
    let mut s = Session::new(&demo, &mock);
    let reply = s.login(None).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(
        reply.location(),
        "/",
        "the login failed: {}",
        reply.location()
    );
    assert_eq!(s.get("/me").await.status, 200);
    assert_eq!(mock.counters().token, 1);
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the token or user request went to the proxy from the environment"
    );
}

pub async fn a_hostile_user_id_cannot_forge_log_lines(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let forged = "FORGED 2026-01-01T00:00:00Z  INFO login completed oauth_id=admin";
    let mut user = oauth_kit_testkit::MockUser::mira();
    user.uuid = format!("{{42\n{forged}\r\n{forged}}}");
    user.username = Some("forger".into());
    mock.add_user(user);
    assert!(mock.set_current_user("forger"));
    let mut s = Session::new(&demo, &mock);
    let reply = s.login(None).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logs = demo.logs();
    assert!(logs.contains("login completed"), "{logs}");
    for line in logs.lines() {
        assert!(!line.starts_with("FORGED"), "forged log line: {line:?}");
    }
}

pub async fn a_junk_state_callback_leaves_a_login_in_progress_intact(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(Some("/after")).await;
    let callback = s.authorize_at_mock(start.location()).await;
    // A cross-site link to the callback, opened in the victim's browser mid-login.
    let junk = s.url("/auth/bitbucket/callback?code=junk&state=junk");
    let reply = s.browser.get(&junk).await;
    assert_failure_keeping_the_flow(&mut s, &reply, "state_mismatch").await;
    let done = s.browser.get(&callback).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/after", "the real login was cancelled");
    assert_eq!(s.get("/me").await.status, 200);
    // Two tabs: the first tab's callback does not cancel the second tab's login.
    let mut t = Session::new(&demo, &mock);
    let first = t.start_login(None).await;
    let first_callback = t.authorize_at_mock(first.location()).await;
    let second = t.start_login(Some("/second")).await;
    let second_callback = t.authorize_at_mock(second.location()).await;
    let reply = t.browser.get(&first_callback).await;
    assert_failure_keeping_the_flow(&mut t, &reply, "state_mismatch").await;
    let done = t.browser.get(&second_callback).await;
    assert_eq!(done.location(), "/second");
    assert_eq!(mock.counters().token, 2);
}

pub async fn host_prefixed_cookies_work_end_to_end(bin: &str) {
    let mock = MockBitbucket::start().await.unwrap();
    let port = free_port();
    let public = format!("https://localhost:{port}");
    let demo = launch_on(
        bin,
        port,
        Some(&mock),
        &[
            ("OAUTH_REDIRECT_BASE_URL", &public),
            ("OAUTH_FLOW_COOKIE_NAME", "__Host-oauth_kit_flow"),
            ("OAUTH_SESSION_COOKIE_NAME", "__Host-oauth_kit_session"),
        ],
    )
    .await;
    let mut s = Session::new(&demo, &mock);
    let start = s.start_login(Some("/after")).await;
    let flow = start
        .set_cookie("__Host-oauth_kit_flow")
        .expect("flow cookie");
    for attr in ["Path=/;", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(flow.contains(attr), "{attr} missing: {flow}");
    }
    assert!(!flow.contains("Domain"), "{flow}");
    // TLS would end at a proxy; the suite talks plain HTTP to the demo's port.
    let callback = s.authorize_at_mock(start.location()).await;
    let callback = callback.replace(&public, &demo.base);
    let done = s.browser.get(&callback).await;
    assert_eq!(done.location(), "/after", "{}", done.body);
    let session = done
        .set_cookie("__Host-oauth_kit_session")
        .expect("session cookie");
    for attr in ["Path=/", "Secure", "HttpOnly"] {
        assert!(session.contains(attr), "{attr} missing: {session}");
    }
    assert!(!session.contains("Domain"), "{session}");
    assert!(s.browser.cookies.contains_key("__Host-oauth_kit_session"));
    assert_eq!(s.get("/me").await.status, 200);
}

pub async fn duplicate_session_cookies_are_refused(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut victim = Session::new(&demo, &mock);
    victim.login(None).await;
    let mut attacker = Session::new(&demo, &mock);
    attacker.login(None).await;
    let own = victim
        .browser
        .cookies
        .get("oauth_kit_session")
        .cloned()
        .unwrap();
    let planted = attacker
        .browser
        .cookies
        .get("oauth_kit_session")
        .cloned()
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for header in [
        format!("oauth_kit_session={own}; oauth_kit_session={planted}"),
        format!("oauth_kit_session={planted}; oauth_kit_session={own}"),
    ] {
        let me = client
            .get(victim.url("/me"))
            .header("cookie", &header)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status().as_u16(), 401, "a session was picked out of two");
    }
    // A callback with two session cookies does not log in (and makes no token request).
    let before = mock.counters().token;
    let start = victim.start_login(None).await;
    let callback = victim.authorize_at_mock(start.location()).await;
    let flow = victim
        .browser
        .cookies
        .get("oauth_kit_flow")
        .cloned()
        .unwrap();
    let reply = client
        .get(&callback)
        .header(
            "cookie",
            format!("oauth_kit_flow={flow}; oauth_kit_session={own}; oauth_kit_session={planted}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 303);
    let location = reply.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        query_of(&location).get("error").map(String::as_str),
        Some("session_conflict")
    );
    assert_eq!(mock.counters().token, before);
}

pub async fn logout_requires_a_same_origin_post(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut s = Session::new(&demo, &mock);
    s.login(None).await;
    let cookie = format!(
        "oauth_kit_session={}",
        s.browser.cookies.get("oauth_kit_session").unwrap()
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let logout = s.url("/auth/logout");
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let reply = client
            .post(&logout)
            .header("cookie", &cookie)
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status().as_u16(), 403, "{name}: {value}");
        let body: serde_json::Value = serde_json::from_str(&reply.text().await.unwrap()).unwrap();
        assert_eq!(body["error"], "cross_site_request");
        assert_eq!(
            s.get("/me").await.status,
            200,
            "logged out by {name}: {value}"
        );
    }
    let reply = client
        .post(&logout)
        .header("cookie", &cookie)
        .header("origin", demo.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 303);
    assert_eq!(s.get("/me").await.status, 401);
}

pub async fn session_ends_at_its_absolute_lifetime(bin: &str) {
    let (mock, demo) = start(bin, &[("OAUTH_SESSION_LIFETIME_SECS", "2")]).await;
    let mut s = Session::new(&demo, &mock);
    s.login(None).await;
    assert_eq!(s.get("/me").await.status, 200);
    // Activity does not extend it.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let _ = s.get("/me").await;
    tokio::time::sleep(Duration::from_millis(1900)).await;
    assert_eq!(
        s.get("/me").await.status,
        401,
        "the session outlived its lifetime"
    );
}

pub async fn callbacks_reaching_the_token_endpoint_are_rate_limited(bin: &str) {
    let (mock, demo) = start(bin, &[("OAUTH_CALLBACK_RATE_LIMIT", "3")]).await;
    // Self-made flows with a junk code: each passes the state checks.
    for i in 0..5 {
        let mut s = Session::new(&demo, &mock);
        let start = s.start_login(None).await;
        let state = state_of(start.location());
        let url = s.url(&format!("/auth/bitbucket/callback?code=junk&state={state}"));
        let reply = s.browser.get(&url).await;
        let code = if i < 3 { "token_error" } else { "rate_limited" };
        assert_failure(&mut s, &reply, code).await;
    }
    assert_eq!(
        mock.counters().token,
        3,
        "the limit let more token requests through"
    );
}

pub async fn a_huge_profile_never_produces_an_unusable_cookie(bin: &str) {
    let (mock, demo) = start(bin, &[]).await;
    let mut user = oauth_kit_testkit::MockUser::mira();
    user.display_name = format!("Mira {}", "Okonkwo-Lind ".repeat(400));
    user.username = Some("bigname".into());
    mock.add_user(user);
    assert!(mock.set_current_user("bigname"));
    let mut s = Session::new(&demo, &mock);
    let reply = s.login(None).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    for cookie in reply.set_cookies() {
        assert!(
            cookie.len() < 4096,
            "a {}-byte cookie would be dropped",
            cookie.len()
        );
    }
    if reply.location() == "/" {
        // A server-side session holds it.
        assert_eq!(s.get("/me").await.status, 200);
    } else {
        // A cookie session cannot: a clean failure, logged as an error.
        assert_failure(&mut s, &reply, "session_too_large").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            demo.logs().contains("ERROR"),
            "no ERROR event for the oversized session"
        );
    }
}

pub async fn idle_half_open_connections_do_not_stop_normal_requests(bin: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mock, demo) = start(bin, &[("APP_HEADER_READ_TIMEOUT_SECS", "2")]).await;
    let addr = demo.base.trim_start_matches("http://").to_owned();
    // 1,000 connections that start a request and never finish its head (Slowloris).
    let mut idle = Vec::new();
    for _ in 0..1000 {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .unwrap();
        idle.push(stream);
    }
    // Normal requests are still served while they hang.
    let mut s = Session::new(&demo, &mock);
    for _ in 0..5 {
        assert_eq!(s.get("/me").await.status, 401);
    }
    let reply = s.login(None).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(s.get("/me").await.status, 200);
    // And the server closes the half-open ones after its header-read timeout.
    let closed = tokio::time::timeout(Duration::from_secs(30), async {
        for stream in &mut idle {
            let mut buf = [0u8; 512];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    // A 408 answer may come before the close.
                    Ok(_) => continue,
                }
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "half-open connections were kept open");
}

// ---------------------------------------------------------------------------------------------
// Every catalog provider through the built-in mocks.
// ---------------------------------------------------------------------------------------------

/// The runtime of the per-provider cases: one for the whole test binary, so that the demo they
/// share (and the tasks reading its output) outlive each case.
fn provider_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The demo with no credentials set, shared by the per-provider cases of a test binary (each
/// test binary runs one demo binary).
static EMBEDDED_DEMO: tokio::sync::OnceCell<DemoProcess> = tokio::sync::OnceCell::const_new();

/// The catalog id of a case name (`bitbucket_dc` is `bitbucket-dc`).
fn provider_id(case: &str) -> String {
    case.replace('_', "-")
}

/// How a mock sends the browser back to the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockAnswer {
    /// A redirect to this callback URL.
    Redirect(String),
    /// A form that posts these fields to the callback (`response_mode=form_post`).
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
}

impl MockAnswer {
    /// The callback URL, without the query.
    pub fn callback(&self) -> String {
        let url = match self {
            Self::Redirect(url) => url,
            Self::FormPost { action, .. } => action,
        };
        url.split('?').next().unwrap_or_default().to_owned()
    }

    /// Sends the answer to the callback in `browser`, as a GET or the form's POST.
    pub async fn deliver(&self, browser: &mut Browser) -> Reply {
        match self {
            Self::Redirect(url) => browser.get(url).await,
            Self::FormPost { action, fields } => browser.post_form(action, fields).await,
        }
    }
}

/// Plays the user at the mock's authorization endpoint: approves on its consent page when it
/// shows one, and returns how the mock sends the browser back to the callback.
pub async fn approve_at_mock(authorization_url: &str) -> MockAnswer {
    let mut browser = Browser::new();
    let reply = browser.get(authorization_url).await;
    let decision = match reply.status {
        200 if reply.body.contains("Allow") => {
            allow_on_consent_page(&mut browser, authorization_url, &reply).await
        }
        _ => reply,
    };
    // A form_post answer, at once or after the consent page.
    if decision.status == 200 && decision.body.contains("<form method=\"post\"") {
        let (action, fields) = form_of(&decision.body);
        return MockAnswer::FormPost { action, fields };
    }
    assert!(
        matches!(decision.status, 302 | 303),
        "the mock at {authorization_url} answered {}: {}",
        decision.status,
        decision.body
    );
    MockAnswer::Redirect(decision.location().to_owned())
}

/// The case of one catalog provider: with no credentials set, the home page has its button,
/// and a login through the demo's built-in mock ends at the return path with `/me` naming the
/// provider and the mock's account (`oauth_id`, `email`, `email_verified` of the spec's
/// sample account); logout ends the session.
pub fn logs_in_through_the_built_in_mock(bin: &'static str, case: &str) {
    let id = provider_id(case);
    provider_runtime().block_on(async move {
        let demo = EMBEDDED_DEMO
            .get_or_init(|| launch_tied_to_this_process(bin))
            .await;
        let spec = oauth_kit::catalog()
            .into_iter()
            .find(|spec| spec.id == id)
            .unwrap_or_else(|| panic!("`{id}` is not in the catalog"));
        let account = oauth_kit_testkit::sample_account(spec);
        // What to do when a provider without a sample account fails here.
        let hint = if spec.sample.is_none() {
            format!(
                "\n`{id}` declares no sample account (ProviderSpec::sample), so its mock served \
                 the standard OpenID Connect claims, which its mapping may not read: declare \
                 one (docs/writing-a-provider.md, \"The sample account\")"
            )
        } else {
            String::new()
        };
        let mut browser = Browser::new();
        let home = browser.get(&format!("{}/", demo.base)).await;
        assert!(
            home.body
                .contains(&format!("href=\"/auth/{id}/login?next=%2F\"")),
            "the home page has no button for {id}"
        );
        let start = browser
            .get(&format!("{}/auth/{id}/login?next=%2Fafter", demo.base))
            .await;
        assert_eq!(
            start.status, 303,
            "login with {id} answered {}: {}",
            start.status, start.body
        );
        let answer = approve_at_mock(start.location()).await;
        assert_eq!(
            answer.callback(),
            format!("{}/auth/{id}/callback", demo.base),
            "the mock of {id} answered {answer:?}"
        );
        let done = answer.deliver(&mut browser).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(
            done.location(),
            "/after",
            "the login with {id} failed{hint}; the demo's output:\n{}",
            demo.logs()
        );
        let me = browser.get(&format!("{}/me", demo.base)).await;
        assert_eq!(me.status, 200, "{}", me.body);
        let me = me.json();
        assert_eq!(me["provider"], id.as_str());
        assert_eq!(me["oauth_id"], account.oauth_id, "{me}{hint}");
        assert_eq!(me["email"], serde_json::json!(account.email), "{me}{hint}");
        assert_eq!(me["email_verified"], account.email_verified, "{me}{hint}");
        let logout = browser.post(&format!("{}/auth/logout", demo.base)).await;
        assert_eq!(logout.status, 303, "{}", logout.body);
        let after = browser.get(&format!("{}/me", demo.base)).await;
        assert_eq!(after.status, 401, "logout left the session of {id}");
    });
}

// The per-provider case list, `demo_provider_cases!`, generated by build.rs from the facade's
// `all-providers` feature.
include!(concat!(env!("OUT_DIR"), "/provider_cases.rs"));

/// The check that the per-provider cases (named after the ids, `-` written `_`) are exactly
/// the catalog's providers, so that a provider cannot be left out of the suite.
pub fn provider_cases_are_the_catalog(cases: &[&str]) {
    let mut cases: Vec<String> = cases.iter().map(|case| provider_id(case)).collect();
    cases.sort();
    let mut catalog: Vec<String> = oauth_kit::catalog()
        .iter()
        .map(|spec| spec.id.to_owned())
        .collect();
    catalog.sort();
    assert_eq!(
        cases, catalog,
        "the per-provider cases (the facade's `all-providers` feature, read by \
         examples/demo-support/build.rs) must be exactly the catalog's providers: a provider's \
         feature must be named after its id and be part of `all-providers`"
    );
}

/// Generates one `#[tokio::test]` per case of the suite for the demo binary `$bin`, and one
/// `#[test]` per catalog provider (module `logs_in_through_the_built_in_mock`).
#[macro_export]
macro_rules! demo_e2e_suite {
    ($bin:expr) => {
        $crate::demo_e2e_suite!(@cases $bin;
            me_without_session_is_401,
            a_demo_with_a_quiet_log_filter_still_starts,
            happy_path_maps_the_user_as_documented,
            logout_clears_the_session,
            session_id_rotates_at_login,
            callback_without_state_is_rejected,
            callback_with_forged_state_is_rejected,
            login_csrf_without_flow_cookie_is_rejected,
            replayed_callback_is_rejected,
            duplicated_parameters_are_rejected,
            tampered_flow_cookie_is_rejected,
            expired_state_is_rejected,
            denied_authorization_ends_at_the_failure_page,
            provider_error_description_is_never_rendered_as_html,
            return_paths_that_leave_the_site_fall_back,
            provider_faults_end_at_the_failure_page_without_a_session,
            emails_without_permission_still_log_in,
            unknown_provider_is_404,
            credentials_for_some_providers_register_exactly_those,
            concurrent_logins_do_not_mix,
            https_base_url_sets_secure_cookies,
            no_secret_reaches_logs_pages_or_urls,
            embedded_mock_lets_a_newcomer_log_in,
            head_on_the_callback_is_not_a_login,
            other_methods_on_the_routes_are_405_and_do_nothing,
            pages_and_me_are_never_cached,
            proxy_variables_are_ignored_by_the_provider_client,
            a_hostile_user_id_cannot_forge_log_lines,
            a_junk_state_callback_leaves_a_login_in_progress_intact,
            host_prefixed_cookies_work_end_to_end,
            duplicate_session_cookies_are_refused,
            logout_requires_a_same_origin_post,
            session_ends_at_its_absolute_lifetime,
            callbacks_reaching_the_token_endpoint_are_rate_limited,
            a_huge_profile_never_produces_an_unusable_cookie,
            idle_half_open_connections_do_not_stop_normal_requests,
        );
        // One case per provider of the facade's `all-providers` feature, listed by build.rs.
        $crate::demo_provider_cases!($bin);
    };
    (@providers $bin:expr; $($provider:ident),* $(,)?) => {
        /// One login per catalog provider through the demo's built-in mocks, every case against
        /// the same demo process.
        mod logs_in_through_the_built_in_mock {
            $(
                #[test]
                fn $provider() {
                    $crate::e2e::logs_in_through_the_built_in_mock($bin, stringify!($provider));
                }
            )*

            #[test]
            fn cases_are_exactly_the_catalog() {
                $crate::e2e::provider_cases_are_the_catalog(&[$(stringify!($provider)),*]);
            }
        }
    };
    (@cases $bin:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::e2e::$case($bin).await;
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_form_post_answer_of_the_mock_issuer_is_posted_to_the_callback() {
        let issuer = oauth_kit_testkit::MockOidc::start().await.unwrap();
        let callback = "http://127.0.0.1:9/auth/acme/callback";
        let mut url = Url::parse(&issuer.authorize_url()).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &issuer.client_id())
            .append_pair("redirect_uri", callback)
            .append_pair("state", "state-1")
            .append_pair("response_mode", "form_post");
        let answer = approve_at_mock(url.as_str()).await;
        assert_eq!(answer.callback(), callback);
        let MockAnswer::FormPost { fields, .. } = answer else {
            panic!("a form_post authorization answered {answer:?}");
        };
        assert!(fields.contains(&("state".to_owned(), "state-1".to_owned())));
        assert!(
            fields
                .iter()
                .any(|(name, value)| name == "code" && !value.is_empty())
        );
    }

    #[tokio::test]
    async fn a_redirect_answer_keeps_the_callback_query() {
        let issuer = oauth_kit_testkit::MockOidc::start().await.unwrap();
        let callback = "http://127.0.0.1:9/auth/acme/callback";
        let mut url = Url::parse(&issuer.authorize_url()).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &issuer.client_id())
            .append_pair("redirect_uri", callback)
            .append_pair("state", "state-2");
        let answer = approve_at_mock(url.as_str()).await;
        assert_eq!(answer.callback(), callback);
        let MockAnswer::Redirect(location) = answer else {
            panic!("a query authorization answered {answer:?}");
        };
        assert_eq!(
            query_of(&location).get("state").map(String::as_str),
            Some("state-2")
        );
    }
}
