//! The session-flatness load check: scripted logins against a demo binary, with the resident
//! memory of the demo process read before, at the session cap, and at the end. Run it with
//! `cargo xtask session-load` (not part of `cargo test`).
//!
//! Usage: `session-load DEMO_BINARY [LOGINS] [CAP]` (defaults 200000 and 1000). Every login is
//! a new browser (the flood's cheapest form: log in, drop the cookie), all from one account, so
//! the per-account bound is lifted for the run and the session cap alone bounds memory.
//! Exits non-zero when memory grew by more than 10 % (and more than 8 MiB) after the cap.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::time::Instant;

use demo_support::e2e::{Browser, launch};
use oauth_kit_testkit::MockBitbucket;

/// Resident memory of `pid` in KiB, from `/proc/PID/status`.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn login(base: &str) {
    let mut browser = Browser::new();
    let start = browser.get(&format!("{base}/auth/bitbucket/login")).await;
    assert_eq!(start.status, 303, "login answered {}", start.status);
    let approve = Browser::new().get(start.location()).await;
    let done = browser.get(approve.location()).await;
    assert_eq!(done.location(), "/", "a login failed: {}", done.location());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next() else {
        eprintln!("usage: session-load DEMO_BINARY [LOGINS] [CAP]");
        std::process::exit(2);
    };
    let logins: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let cap: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let mock = MockBitbucket::start().await.unwrap();
    let cap_text = cap.to_string();
    let demo = launch(
        &binary,
        Some(&mock),
        &[
            ("OAUTH_SESSION_CAP", cap_text.as_str()),
            ("OAUTH_SESSIONS_PER_USER", "100000000"),
            ("OAUTH_CALLBACK_RATE_LIMIT", "0"),
            ("RUST_LOG", "warn"),
        ],
    )
    .await;
    let pid = demo.pid().unwrap();
    let base = demo.base.clone();
    let before = rss_kib(pid);
    let started = Instant::now();
    let workers = 8;
    let mut at_cap = 0;
    let mut done = 0;
    let mut samples = Vec::new();
    while done < logins {
        let batch = (logins - done).min(1000);
        let mut tasks = Vec::new();
        for w in 0..workers {
            let base = base.clone();
            let share = batch / workers + usize::from(w < batch % workers);
            tasks.push(tokio::spawn(async move {
                for _ in 0..share {
                    login(&base).await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        done += batch;
        if done == cap.max(1000).min(logins) {
            at_cap = rss_kib(pid);
        }
        if done % 20_000 == 0 || done == logins {
            let rss = rss_kib(pid);
            samples.push((done, rss));
            eprintln!("{done} logins: RSS {} KiB", rss);
        }
    }
    let after = rss_kib(pid);
    let elapsed = started.elapsed();
    println!(
        "{binary}: {logins} logins in {:.0} s ({:.0}/s), session cap {cap}: RSS before {before} KiB, \
         after {} logins {at_cap} KiB, after {logins} logins {after} KiB",
        elapsed.as_secs_f64(),
        logins as f64 / elapsed.as_secs_f64(),
        cap.max(1000).min(logins),
    );
    let growth = after.saturating_sub(at_cap);
    if growth > 8 * 1024 && growth * 10 > at_cap {
        eprintln!("memory kept growing after the cap: +{growth} KiB");
        std::process::exit(1);
    }
}
