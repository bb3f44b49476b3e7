//! The raw provider client: the three calls the application makes for each login (the token
//! request, `/2.0/user` and `/2.0/user/emails`), made with a plain reqwest client that keeps
//! its connections alive, as fast as the mock answers. It runs as its own process, pinned to
//! the core the application gets, and reads the authorization codes from standard input.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use crate::generate::Run;

/// The PKCE verifier of every prefetched code (its challenge is sent to the mock).
pub(crate) const VERIFIER: &str = "loadtest-pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

/// The S256 challenge of [`VERIFIER`].
pub(crate) fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

/// Where the raw client sends its calls.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The token endpoint.
    pub(crate) token_url: String,
    /// The API base (`/user` and `/user/emails` below it).
    pub(crate) api_url: String,
    /// The client id and secret (HTTP Basic on the token endpoint).
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// The redirect URI the codes were issued for.
    pub(crate) redirect_uri: String,
}

impl Target {
    /// The target from the arguments `TOKEN_URL API_URL CLIENT_ID CLIENT_SECRET REDIRECT_URI`.
    pub(crate) fn from_args(args: &[String]) -> Result<Self, String> {
        match args {
            [token_url, api_url, client_id, client_secret, redirect_uri] => Ok(Self {
                token_url: token_url.clone(),
                api_url: api_url.clone(),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                redirect_uri: redirect_uri.clone(),
            }),
            _ => Err(
                "usage: loadtest raw CONCURRENCY TOKEN_URL API_URL CLIENT_ID CLIENT_SECRET \
                      REDIRECT_URI < codes"
                    .to_owned(),
            ),
        }
    }

    /// The arguments [`from_args`](Self::from_args) reads.
    pub(crate) fn to_args(&self) -> Vec<String> {
        vec![
            self.token_url.clone(),
            self.api_url.clone(),
            self.client_id.clone(),
            self.client_secret.clone(),
            self.redirect_uri.clone(),
        ]
    }
}

/// One login's provider calls; whether all three answered 200 with JSON.
async fn three_calls(client: &reqwest::Client, target: &Target, code: &str) -> Option<()> {
    let token = client
        .post(&target.token_url)
        .basic_auth(&target.client_id, Some(&target.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &target.redirect_uri),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?
        .bytes()
        .await
        .ok()?;
    let token: serde_json::Value = serde_json::from_slice(&token).ok()?;
    let access_token = token.get("access_token")?.as_str()?;
    for path in ["/user", "/user/emails"] {
        let body = client
            .get(format!("{}{path}", target.api_url))
            .bearer_auth(access_token)
            .send()
            .await
            .ok()?
            .error_for_status()
            .ok()?
            .bytes()
            .await
            .ok()?;
        serde_json::from_slice::<serde_json::Value>(&body).ok()?;
    }
    Some(())
}

/// Redeems every code with `concurrency` logins at once; the run's figures.
pub(crate) async fn run(target: Target, codes: Vec<String>, concurrency: usize) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency * 2)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let codes = Arc::new(codes);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, target, codes, next) =
                (client.clone(), target.clone(), codes.clone(), next.clone());
            tokio::spawn(async move {
                let mut run = Run::default();
                while let Some(code) = codes.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let begun = Instant::now();
                    match three_calls(&client, &target, code).await {
                        Some(()) => {
                            run.ok += 1;
                            run.latencies_us.push(
                                u32::try_from(begun.elapsed().as_micros()).unwrap_or(u32::MAX),
                            );
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
    Run::merge(runs, started.elapsed())
}

/// The run as one line for the parent process: `ok failed elapsed_us latency_us...`.
pub(crate) fn encode(run: &Run) -> String {
    let mut line = format!("{} {} {}", run.ok, run.failed, run.elapsed.as_micros());
    for latency in &run.latencies_us {
        line.push(' ');
        line.push_str(&latency.to_string());
    }
    line
}

/// The run from [`encode`]'s line.
pub(crate) fn decode(line: &str) -> Option<Run> {
    let mut numbers = line.split_whitespace().map(str::parse::<u64>);
    let ok = numbers.next()?.ok()?;
    let failed = numbers.next()?.ok()?;
    let elapsed = Duration::from_micros(numbers.next()?.ok()?);
    let latencies_us = numbers
        .map(|n| n.ok().and_then(|n| u32::try_from(n).ok()))
        .collect::<Option<Vec<u32>>>()?;
    Some(Run {
        ok,
        failed,
        elapsed,
        latencies_us,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_survives_the_trip_through_one_line() {
        let run = Run {
            ok: 3,
            failed: 1,
            elapsed: Duration::from_micros(2_500_000),
            latencies_us: vec![10, 20, 4_000_000],
        };
        let back = decode(&encode(&run)).expect("the line decodes");
        assert_eq!((back.ok, back.failed, back.elapsed), (3, 1, run.elapsed));
        assert_eq!(back.latencies_us, run.latencies_us);
        assert!(decode("3 1").is_none());
        assert!(decode("3 1 10 x").is_none());
    }

    #[test]
    fn the_challenge_is_the_s256_of_the_verifier() {
        // RFC 7636 appendix B's pair, computed the same way.
        let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(
            b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ));
        assert_eq!(digest, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(challenge().len(), 43);
    }
}
