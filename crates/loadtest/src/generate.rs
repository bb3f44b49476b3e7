//! The load generator: many kept-alive HTTP/1.1 connections asking for one URL as fast as
//! they are answered (hyper's client connection, nothing above it), and the virtual browsers
//! of the whole login (reqwest, with a cookie jar of their own).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Empty};
use hyper::Request;
use hyper::header::HOST;
use hyper_util::rt::TokioIo;

use crate::stats::percentile;

/// When a load run stops.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Until {
    /// After this long.
    Elapsed(Duration),
    /// After this many requests (or logins) in all.
    Count(u64),
}

/// What a load run measured.
#[derive(Debug, Clone, Default)]
pub(crate) struct Run {
    /// Requests (or logins) answered as expected.
    pub(crate) ok: u64,
    /// Requests (or logins) that failed.
    pub(crate) failed: u64,
    /// Wall time of the run.
    pub(crate) elapsed: Duration,
    /// Microseconds per request (or login), sorted.
    pub(crate) latencies_us: Vec<u32>,
}

impl Run {
    /// Successful requests (or logins) per second.
    pub(crate) fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// A latency percentile in milliseconds.
    pub(crate) fn ms(&self, p: f64) -> f64 {
        f64::from(percentile(&self.latencies_us, p)) / 1000.0
    }

    /// The runs of several tasks as one run that lasted `elapsed`.
    pub(crate) fn merge(runs: Vec<Run>, elapsed: Duration) -> Run {
        let mut all = Run {
            elapsed,
            ..Run::default()
        };
        for run in runs {
            all.ok += run.ok;
            all.failed += run.failed;
            all.latencies_us.extend(run.latencies_us);
        }
        all.latencies_us.sort_unstable();
        all
    }
}

/// Shared by the tasks of one run: whether to start one more request.
#[derive(Debug)]
struct Budget {
    until: Until,
    started: Instant,
    issued: AtomicU64,
}

impl Budget {
    fn new(until: Until) -> Arc<Self> {
        Arc::new(Self {
            until,
            started: Instant::now(),
            issued: AtomicU64::new(0),
        })
    }

    fn take(&self) -> bool {
        match self.until {
            Until::Elapsed(limit) => self.started.elapsed() < limit,
            Until::Count(count) => self.issued.fetch_add(1, Ordering::Relaxed) < count,
        }
    }
}

fn micros(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_micros()).unwrap_or(u32::MAX)
}

/// Sends `GET path` to `addr` over `connections` kept-alive connections until `until`,
/// counting the answers with status `expect` as successes.
pub(crate) async fn hammer(
    addr: SocketAddr,
    path: &str,
    expect: u16,
    connections: usize,
    until: Until,
) -> Run {
    let budget = Budget::new(until);
    let host = addr.to_string();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (budget, host, path) = (budget.clone(), host.clone(), path.to_owned());
            tokio::spawn(async move { one_connection(addr, &host, &path, expect, &budget).await })
        })
        .collect();
    let mut runs = Vec::with_capacity(tasks.len());
    for task in tasks {
        runs.push(task.await.unwrap_or_default());
    }
    Run::merge(runs, budget.started.elapsed())
}

/// One client connection's loop; it reconnects after a transport error.
async fn one_connection(
    addr: SocketAddr,
    host: &str,
    path: &str,
    expect: u16,
    budget: &Budget,
) -> Run {
    let mut run = Run::default();
    'connect: while budget.take() {
        let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
            run.failed += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake::<_, Empty<&'static [u8]>>(TokioIo::new(stream))
                .await
        else {
            run.failed += 1;
            continue;
        };
        tokio::spawn(connection);
        loop {
            let request = Request::get(path)
                .header(HOST, host)
                .body(Empty::new())
                .unwrap_or_default();
            let sent = Instant::now();
            let answer = match sender.send_request(request).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    response.into_body().collect().await.map(|_| status)
                }
                Err(err) => {
                    run.failed += 1;
                    drop(err);
                    continue 'connect;
                }
            };
            match answer {
                Ok(status) if status == expect => {
                    run.ok += 1;
                    run.latencies_us.push(micros(sent));
                }
                _ => run.failed += 1,
            }
            if !budget.take() {
                break 'connect;
            }
        }
    }
    run
}

/// One request's answer: its status and headers, in order (for the bare handler to copy).
pub(crate) async fn sample(
    addr: SocketAddr,
    path: &str,
) -> Result<(u16, Vec<(String, String)>), String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(format!("http://{addr}{path}"))
        .send()
        .await
        .map_err(|e| format!("GET {path}: {e}"))?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok((response.status().as_u16(), headers))
}

/// A client for the virtual browsers: no redirects followed, connections kept alive.
pub(crate) fn browser_client(concurrency: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency * 2)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
}

/// One browser's cookies (name to value).
#[derive(Debug, Default)]
struct Jar(HashMap<String, String>);

impl Jar {
    fn header(&self) -> String {
        let pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.join("; ")
    }

    fn absorb(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = String::from_utf8_lossy(value.as_bytes());
            let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let removed = value.is_empty() || text.to_ascii_lowercase().contains("max-age=0");
            if removed {
                self.0.remove(name.trim());
            } else {
                self.0.insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }
}

fn location(response: &reqwest::Response) -> Option<String> {
    let value = response.headers().get("location")?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// A GET that sends and keeps the jar's cookies, and expects `status`.
async fn get(
    client: &reqwest::Client,
    jar: &mut Jar,
    url: &str,
    status: u16,
) -> Option<reqwest::Response> {
    let mut request = client.get(url);
    if !jar.0.is_empty() {
        request = request.header("cookie", jar.header());
    }
    let response = request.send().await.ok()?;
    jar.absorb(&response);
    (response.status().as_u16() == status).then_some(response)
}

/// One whole login as a new browser: the login endpoint, the mock's authorization (approved
/// at once), the callback (where the application redeems the code and reads the user and the
/// emails), then `/me` with the new session. Whether it ended on the user's page.
async fn login(client: &reqwest::Client, app: &str) -> Option<()> {
    let mut jar = Jar::default();
    let start = get(
        client,
        &mut jar,
        &format!("{app}/auth/bitbucket/login"),
        303,
    )
    .await?;
    let approved = get(client, &mut Jar::default(), &location(&start)?, 302).await?;
    get(client, &mut jar, &location(&approved)?, 303).await?;
    let me = get(client, &mut jar, &format!("{app}/me"), 200).await?;
    let body = me.bytes().await.ok()?;
    let user: serde_json::Value = serde_json::from_slice(&body).ok()?;
    user.get("oauth_id").map(|_| ())
}

/// `concurrency` virtual browsers logging in on `app` (a base URL) until `until`.
pub(crate) async fn browsers(
    client: &reqwest::Client,
    app: &str,
    concurrency: usize,
    until: Until,
) -> Run {
    let budget = Budget::new(until);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (budget, client, app) = (budget.clone(), client.clone(), app.to_owned());
            tokio::spawn(async move {
                let mut run = Run::default();
                while budget.take() {
                    let begun = Instant::now();
                    match login(&client, &app).await {
                        Some(()) => {
                            run.ok += 1;
                            run.latencies_us.push(micros(begun));
                        }
                        None => run.failed += 1,
                    }
                }
                run
            })
        })
        .collect();
    let mut runs = Vec::with_capacity(tasks.len());
    for task in tasks {
        runs.push(task.await.unwrap_or_default());
    }
    Run::merge(runs, budget.started.elapsed())
}

/// Authorization codes from the mock, asked for by `concurrency` clients at once: what a
/// browser brings to the callback, so that the raw provider client only makes the calls the
/// application makes. `authorize` is the full authorization URL (with a PKCE challenge).
pub(crate) async fn codes(
    client: &reqwest::Client,
    authorize: &str,
    count: usize,
    concurrency: usize,
) -> Vec<String> {
    let budget = Budget::new(Until::Count(count as u64));
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (budget, client, url) = (budget.clone(), client.clone(), authorize.to_owned());
            tokio::spawn(async move {
                let mut codes = Vec::new();
                while budget.take() {
                    let mut jar = Jar::default();
                    let code = get(&client, &mut jar, &url, 302)
                        .await
                        .and_then(|r| location(&r))
                        .and_then(|to| query_value(&to, "code"));
                    codes.extend(code);
                }
                codes
            })
        })
        .collect();
    let mut all = Vec::with_capacity(count);
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    all
}

/// The value of `key` in the query of `url` (codes are URL-safe, so not decoded).
pub(crate) fn query_value(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_value_finds_the_code_of_a_callback_url() {
        let url = "http://127.0.0.1:9/auth/bitbucket/callback?state=abc&code=Xy_9#frag";
        assert_eq!(query_value(url, "code").as_deref(), Some("Xy_9"));
        assert_eq!(query_value(url, "state").as_deref(), Some("abc"));
        assert_eq!(query_value(url, "error"), None);
        assert_eq!(query_value("http://127.0.0.1:9/", "code"), None);
    }

    #[test]
    fn count_budget_hands_out_exactly_the_count() {
        let budget = Budget::new(Until::Count(3));
        let taken = (0..10).filter(|_| budget.take()).count();
        assert_eq!(taken, 3);
    }

    #[test]
    fn merged_runs_have_sorted_latencies_and_summed_counts() {
        let a = Run {
            ok: 2,
            failed: 1,
            latencies_us: vec![5, 1],
            ..Run::default()
        };
        let b = Run {
            ok: 1,
            latencies_us: vec![3],
            ..Run::default()
        };
        let all = Run::merge(vec![a, b], Duration::from_secs(1));
        assert_eq!((all.ok, all.failed), (3, 1));
        assert_eq!(all.latencies_us, vec![1, 3, 5]);
        assert_eq!(all.rate(), 3.0);
    }
}
