//! The demo contract with several instances: two processes of one demo binary behind one
//! public URL, sharing `OAUTH_COOKIE_KEY` and one Redis (`OAUTH_REDIS_URL`).
//!
//! The suite's browser talks to each instance's own port, as a load balancer would route it;
//! both instances are configured with the same public base URL, so callback URLs and cookies
//! are the same whichever instance answers. A demo crate runs the suite with one line:
//!
//! ```text
//! demo_support::demo_instances_suite!(env!("CARGO_BIN_EXE_example-axum"));
//! ```

#![allow(clippy::unwrap_used, missing_docs, missing_debug_implementations)]

use std::time::Duration;

use oauth_kit_testkit::{MockBitbucket, RedisServer};

use crate::e2e::{Browser, DemoProcess, Reply, free_port, launch};

/// Two instances of `binary` behind one public URL, with one Redis and one mock Bitbucket.
pub struct Cluster {
    pub redis: RedisServer,
    pub mock: MockBitbucket,
    pub a: DemoProcess,
    pub b: DemoProcess,
    /// The public base URL both instances are configured with (nothing listens there).
    pub public: String,
}

impl Cluster {
    pub async fn start(binary: &str) -> Self {
        let redis = RedisServer::start().unwrap();
        let mock = MockBitbucket::start().await.unwrap();
        let public = format!("http://127.0.0.1:{}", free_port());
        let url = redis.url();
        let env = [
            ("OAUTH_REDIRECT_BASE_URL", public.as_str()),
            ("OAUTH_REDIS_URL", url.as_str()),
            ("OAUTH_REDIS_TIMEOUT_MS", "500"),
            ("RUST_LOG", "info"),
        ];
        let a = launch(binary, Some(&mock), &env).await;
        let b = launch(binary, Some(&mock), &env).await;
        Self {
            redis,
            mock,
            a,
            b,
            public,
        }
    }

    /// `url` (a public URL, or a path) as sent to `instance`.
    pub fn on(&self, instance: &DemoProcess, url: &str) -> String {
        let path = url.strip_prefix(&self.public).unwrap_or(url);
        format!("{}{path}", instance.base)
    }

    /// Starts a login on `instance`; returns the callback URL (public) the mock sends back.
    pub async fn begin(&self, browser: &mut Browser, instance: &DemoProcess) -> String {
        let start = browser
            .get(&self.on(instance, "/auth/bitbucket/login?next=%2Fdashboard"))
            .await;
        assert_eq!(
            start.status, 303,
            "login answered {}: {}",
            start.status, start.body
        );
        let approve = Browser::new().get(start.location()).await;
        assert_eq!(
            approve.status, 302,
            "mock authorize answered {}",
            approve.status
        );
        approve.location().to_owned()
    }

    /// A whole login: begun on `first`, completed on `second`.
    pub async fn login(
        &self,
        browser: &mut Browser,
        first: &DemoProcess,
        second: &DemoProcess,
    ) -> Reply {
        let callback = self.begin(browser, first).await;
        browser.get(&self.on(second, &callback)).await
    }
}

fn assert_store_unavailable_json(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 503, "{what}: {} {}", reply.status, reply.body);
    assert_eq!(reply.json()["error"], "store_unavailable", "{what}");
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
}

fn failure_code(reply: &Reply) -> Option<String> {
    let url = url::Url::parse("http://x.invalid")
        .unwrap()
        .join(reply.location())
        .unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())
}

pub async fn login_begun_on_a_completes_on_b_and_the_session_is_seen_on_a(bin: &str) {
    let cluster = Cluster::start(bin).await;
    let mut browser = Browser::new();
    let done = cluster.login(&mut browser, &cluster.a, &cluster.b).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/dashboard");
    for instance in [&cluster.a, &cluster.b] {
        let me = browser.get(&cluster.on(instance, "/me")).await;
        assert_eq!(me.status, 200, "{}: {}", instance.base, me.body);
        assert_eq!(me.json()["provider"], "bitbucket");
    }
    assert_eq!(cluster.mock.counters().token, 1);
}

pub async fn logout_on_a_makes_a_kept_session_cookie_useless_on_b(bin: &str) {
    let cluster = Cluster::start(bin).await;
    let mut browser = Browser::new();
    cluster.login(&mut browser, &cluster.a, &cluster.b).await;
    let kept = browser.cookies.clone();
    assert_eq!(
        browser.get(&cluster.on(&cluster.b, "/me")).await.status,
        200
    );

    let out = browser.post(&cluster.on(&cluster.a, "/auth/logout")).await;
    assert_eq!(out.status, 303, "{}", out.body);
    let mut thief = Browser::new();
    thief.cookies = kept;
    for instance in [&cluster.b, &cluster.a] {
        let me = thief.get(&cluster.on(instance, "/me")).await;
        assert_eq!(
            me.status, 401,
            "a logged-out session still works on {}",
            instance.base
        );
    }
}

pub async fn a_callback_replayed_on_a_after_b_used_it_fails_before_the_token_endpoint(bin: &str) {
    let cluster = Cluster::start(bin).await;
    let mut browser = Browser::new();
    let callback = cluster.begin(&mut browser, &cluster.a).await;
    let flow = browser.cookies.clone();
    let done = browser.get(&cluster.on(&cluster.b, &callback)).await;
    assert_eq!(done.location(), "/dashboard");
    assert_eq!(cluster.mock.counters().token, 1);

    // The same callback with the same flow cookie, on the other instance.
    let mut replay = Browser::new();
    replay.cookies = flow;
    let again = replay.get(&cluster.on(&cluster.a, &callback)).await;
    assert_eq!(again.status, 303);
    assert!(
        matches!(
            failure_code(&again).as_deref(),
            Some("flow_invalid" | "flow_replayed")
        ),
        "the replay went to {}",
        again.location()
    );
    assert_eq!(replay.get(&cluster.on(&cluster.a, "/me")).await.status, 401);
    assert_eq!(
        cluster.mock.counters().token,
        1,
        "the replay reached the token endpoint"
    );
}

pub async fn redis_stopped_mid_run_fails_cleanly_and_recovers_without_restarting_the_app(
    bin: &str,
) {
    let mut cluster = Cluster::start(bin).await;
    let mut browser = Browser::new();
    cluster.login(&mut browser, &cluster.a, &cluster.b).await;
    let mut pending = Browser::new();
    let callback = cluster.begin(&mut pending, &cluster.a).await;
    let tokens = cluster.mock.counters().token;

    cluster.redis.stop().unwrap();
    // API routes: 503 JSON.
    let me = browser.get(&cluster.on(&cluster.a, "/me")).await;
    assert_store_unavailable_json(&me, "/me");
    let mut newcomer = Browser::new();
    let start = newcomer
        .get(&cluster.on(&cluster.b, "/auth/bitbucket/login"))
        .await;
    assert_store_unavailable_json(&start, "login");
    // The callback: the failure page with its own code, no token request, no session.
    let done = pending.get(&cluster.on(&cluster.b, &callback)).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(failure_code(&done).as_deref(), Some("store_unavailable"));
    assert!(done.set_cookie("oauth_kit_session").is_none());
    assert_eq!(
        cluster.mock.counters().token,
        tokens,
        "a token request without Redis"
    );
    for demo in [&cluster.a, &cluster.b] {
        let logs = demo.logs();
        assert!(
            logs.lines().any(|l| l.contains("ERROR")),
            "no error event from {}:\n{logs}",
            demo.base
        );
        assert!(!logs.contains("panicked"), "{logs}");
    }

    // Redis is back (empty: every session is gone): both instances work again by themselves.
    // Each connection re-opens on its own schedule (actix-session's store retries with a
    // backoff of a few seconds), so whole logins are tried until one succeeds.
    cluster.redis.restart().unwrap();
    let mut recovered = false;
    for _ in 0..100 {
        let mut browser = Browser::new();
        let start = browser
            .get(&cluster.on(&cluster.a, "/auth/bitbucket/login?next=%2Fdashboard"))
            .await;
        if start.status == 303 {
            let approve = Browser::new().get(start.location()).await;
            let done = browser
                .get(&cluster.on(&cluster.b, approve.location()))
                .await;
            if done.location() == "/dashboard"
                && browser.get(&cluster.on(&cluster.a, "/me")).await.status == 200
            {
                recovered = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        recovered,
        "the instances did not recover after Redis came back"
    );
    // The Redis that came back is empty (no persistence): the earlier session is gone.
    assert_eq!(
        browser.get(&cluster.on(&cluster.b, "/me")).await.status,
        401
    );
}

/// Generates one `#[tokio::test]` per case of the several-instances suite for `$bin`.
#[macro_export]
macro_rules! demo_instances_suite {
    ($bin:expr) => {
        $crate::demo_instances_suite!(@cases $bin;
            login_begun_on_a_completes_on_b_and_the_session_is_seen_on_a,
            logout_on_a_makes_a_kept_session_cookie_useless_on_b,
            a_callback_replayed_on_a_after_b_used_it_fails_before_the_token_endpoint,
            redis_stopped_mid_run_fails_cleanly_and_recovers_without_restarting_the_app,
        );
    };
    (@cases $bin:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::instances::$case($bin).await;
            }
        )*
    };
}
