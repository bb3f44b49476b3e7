//! The load check of several instances behind one URL (`cargo xtask redis-load`): many logins
//! spread over two demo processes that share one Redis, each login checked for a crossed or
//! lost session.
//!
//! Every login is a fresh browser whose user is a distinct account of the mock Bitbucket
//! (chosen with `login_hint`), begun on one instance and completed on the other, then checked
//! with `GET /me` on the first: it must land on its own return path and show its own account.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    missing_docs,
    missing_debug_implementations
)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth_kit_testkit::{MockBitbucket, MockEmail, MockUser, RedisServer};
use tokio::sync::Semaphore;

use crate::e2e::{free_port, launch};

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// The demo binary.
    pub binary: String,
    /// How many logins.
    pub logins: usize,
    /// How many browsers at once.
    pub concurrency: usize,
}

/// The outcome of one login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    /// Another user's session, or another login's return path.
    Crossed,
    /// No session after a successful callback.
    Lost,
    /// A failed request (status or transport).
    Failed,
}

/// What happened.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub logins: usize,
    pub ok: usize,
    pub crossed: usize,
    pub lost: usize,
    pub failed: usize,
    pub elapsed: Duration,
    /// Milliseconds per login (all four requests), sorted.
    pub latencies_ms: Vec<f64>,
    pub token_requests: u64,
    pub redis_keys: i64,
    pub redis_used_memory: i64,
}

impl LoadReport {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_ms.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_ms.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_ms[i]
    }

    /// A few lines for a terminal and for docs/deployment.md.
    pub fn summary(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        format!(
            "logins: {} (ok {}, crossed {}, lost {}, failed {})\n\
             wall time: {:.1} s, {:.0} logins/s\n\
             per login (4 requests): p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n\
             token requests: {}\n\
             redis after the run: {} keys, used_memory {:.1} MiB",
            self.logins,
            self.ok,
            self.crossed,
            self.lost,
            self.failed,
            secs,
            self.logins as f64 / secs.max(f64::EPSILON),
            self.percentile(0.50),
            self.percentile(0.95),
            self.percentile(0.99),
            self.latencies_ms.last().copied().unwrap_or_default(),
            self.token_requests,
            self.redis_keys,
            self.redis_used_memory as f64 / (1024.0 * 1024.0),
        )
    }

    /// Whether every login ended in its own session.
    pub fn is_clean(&self) -> bool {
        self.ok == self.logins && self.crossed == 0 && self.lost == 0 && self.failed == 0
    }
}

fn user(i: usize) -> MockUser {
    MockUser {
        uuid: format!("{{00000000-0000-4000-8000-{i:012}}}"),
        account_id: format!("712020:load-{i}"),
        username: Some(format!("load-{i}")),
        nickname: format!("load-{i}"),
        display_name: format!("Load User {i}"),
        emails: vec![MockEmail::new(format!("load-{i}@example.com"), true, true)],
        ..MockUser::mira()
    }
}

/// One browser's cookies, sent to whichever instance (they share one public URL).
#[derive(Default)]
struct Jar(HashMap<String, String>);

impl Jar {
    fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    fn absorb(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let Ok(cookie) = value.to_str() else { continue };
            let first = cookie.split(';').next().unwrap_or_default();
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let removal = cookie
                .to_ascii_lowercase()
                .replace(' ', "")
                .contains("max-age=0");
            if removal || value.is_empty() {
                self.0.remove(name.trim());
            } else {
                self.0.insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }
}

async fn get(
    client: &reqwest::Client,
    jar: &mut Jar,
    url: &str,
) -> Result<reqwest::Response, String> {
    let mut request = client.get(url);
    if let Some(header) = jar.header() {
        request = request.header("cookie", header);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    jar.absorb(&response);
    Ok(response)
}

fn location(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn one_login(
    client: &reqwest::Client,
    first: &str,
    second: &str,
    public: &str,
    i: usize,
) -> Outcome {
    let mut jar = Jar::default();
    let start = match get(
        client,
        &mut jar,
        &format!("{first}/auth/bitbucket/login?next=%2Fn%2F{i}&login_hint=load-{i}"),
    )
    .await
    {
        Ok(r) if r.status().as_u16() == 303 => r,
        _ => return Outcome::Failed,
    };
    let Some(authorize) = location(&start) else {
        return Outcome::Failed;
    };
    let approve = match client.get(&authorize).send().await {
        Ok(r) if r.status().as_u16() == 302 => r,
        _ => return Outcome::Failed,
    };
    let Some(callback) = location(&approve) else {
        return Outcome::Failed;
    };
    let callback = callback.replacen(public, second, 1);
    let done = match get(client, &mut jar, &callback).await {
        Ok(r) if r.status().as_u16() == 303 => r,
        _ => return Outcome::Failed,
    };
    match location(&done) {
        Some(to) if to == format!("/n/{i}") => {}
        Some(to) if to.starts_with("/n/") => return Outcome::Crossed,
        _ => return Outcome::Failed,
    }
    let me = match get(client, &mut jar, &format!("{first}/me")).await {
        Ok(r) => r,
        Err(_) => return Outcome::Failed,
    };
    match me.status().as_u16() {
        200 => {}
        401 => return Outcome::Lost,
        _ => return Outcome::Failed,
    }
    let Ok(body) = me
        .text()
        .await
        .map(|text| serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default())
    else {
        return Outcome::Failed;
    };
    if body["username"] == format!("load-{i}") {
        Outcome::Ok
    } else {
        Outcome::Crossed
    }
}

fn redis_int(redis: &RedisServer, args: &[&str]) -> i64 {
    match redis.command(args) {
        Ok(redis::Value::Int(n)) => n,
        _ => -1,
    }
}

fn redis_used_memory(redis: &RedisServer) -> i64 {
    let Ok(redis::Value::BulkString(bytes)) = redis.command(&["INFO", "memory"]) else {
        return -1;
    };
    String::from_utf8_lossy(&bytes)
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1)
}

/// Runs the plan: one Redis, one mock Bitbucket with one account per login, two instances of
/// the demo binary behind one public URL.
pub async fn run(plan: &LoadPlan) -> LoadReport {
    let redis = RedisServer::start().unwrap();
    let mock = MockBitbucket::start().await.unwrap();
    for i in 0..plan.logins {
        mock.add_user(user(i));
    }
    let public = format!("http://127.0.0.1:{}", free_port());
    let url = redis.url();
    let env = [
        ("OAUTH_REDIRECT_BASE_URL", public.as_str()),
        ("OAUTH_REDIS_URL", url.as_str()),
        ("RUST_LOG", "warn"),
        // Every browser of the check comes from 127.0.0.1.
        ("OAUTH_CALLBACK_RATE_LIMIT", "0"),
    ];
    let a = launch(&plan.binary, Some(&mock), &env).await;
    let b = launch(&plan.binary, Some(&mock), &env).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(plan.concurrency)
        .build()
        .unwrap();

    let gate = Arc::new(Semaphore::new(plan.concurrency.max(1)));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(plan.logins);
    for i in 0..plan.logins {
        let permit = gate.clone().acquire_owned().await.unwrap();
        let client = client.clone();
        let (first, second) = if i % 2 == 0 {
            (a.base.clone(), b.base.clone())
        } else {
            (b.base.clone(), a.base.clone())
        };
        let public = public.clone();
        tasks.push(tokio::spawn(async move {
            let begun = Instant::now();
            let outcome = one_login(&client, &first, &second, &public, i).await;
            drop(permit);
            (outcome, begun.elapsed())
        }));
    }
    let mut report = LoadReport {
        logins: plan.logins,
        ..LoadReport::default()
    };
    for task in tasks {
        let (outcome, took) = task.await.unwrap_or((Outcome::Failed, Duration::ZERO));
        match outcome {
            Outcome::Ok => report.ok += 1,
            Outcome::Crossed => report.crossed += 1,
            Outcome::Lost => report.lost += 1,
            Outcome::Failed => report.failed += 1,
        }
        report.latencies_ms.push(took.as_secs_f64() * 1000.0);
    }
    report.elapsed = started.elapsed();
    report.latencies_ms.sort_by(f64::total_cmp);
    report.token_requests = mock.counters().token;
    report.redis_keys = redis_int(&redis, &["DBSIZE"]);
    report.redis_used_memory = redis_used_memory(&redis);
    drop((a, b));
    report
}
