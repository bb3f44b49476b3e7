//! `redis-load DEMO_BINARY [--logins N] [--concurrency C]`: the load check of two instances
//! behind one URL sharing one Redis (run by `cargo xtask redis-load`). Prints the figures and
//! fails when a login ended without its own session.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use demo_support::load::{LoadPlan, run};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next() else {
        eprintln!("usage: redis-load DEMO_BINARY [--logins N] [--concurrency C]");
        return ExitCode::FAILURE;
    };
    let mut plan = LoadPlan {
        binary,
        logins: 10_000,
        concurrency: 32,
    };
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse::<usize>().ok());
        match (arg.as_str(), value) {
            ("--logins", Some(n)) => plan.logins = n,
            ("--concurrency", Some(n)) => plan.concurrency = n.max(1),
            _ => {
                eprintln!("redis-load: `{arg}` needs a number (--logins N, --concurrency C)");
                return ExitCode::FAILURE;
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("redis-load: no runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let report = runtime.block_on(run(&plan));
    println!("{}", report.summary());
    if report.is_clean() {
        println!("ok: every login ended in its own session");
        ExitCode::SUCCESS
    } else {
        println!("FAILED: some logins were crossed, lost or failed");
        ExitCode::FAILURE
    }
}
