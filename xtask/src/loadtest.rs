//! `cargo xtask loadtest`: the demos against their ceilings, on loopback, in one run (see
//! docs/performance.md). The harness itself is the `oauth-kit-loadtest` crate; this builds it
//! with the demos and the testkit's mock in release mode and runs it.

use crate::{run, run_env, target_dir};

/// Builds in release mode and runs `loadtest run`, which prints the tables and writes them
/// into docs/performance.md. `args` are passed on (`--rounds`, `--seconds`, `--concurrency`,
/// `--begins`, `--app-cpu`, `--tool-cpu`).
pub(crate) fn loadtest(args: &[String]) -> Result<(), String> {
    run(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "example-axum",
            "-p",
            "example-actix",
            "-p",
            "oauth-kit-testkit",
            "-p",
            "oauth-kit-loadtest",
        ],
    )?;
    let bin_dir = target_dir().join("release");
    let harness = bin_dir.join("loadtest");
    let bin_dir = bin_dir.to_string_lossy();
    let mut harness_args = vec![
        "run",
        "--bin-dir",
        &bin_dir,
        "--write",
        "docs/performance.md",
    ];
    harness_args.extend(args.iter().map(String::as_str));
    let command = ["cargo xtask loadtest"]
        .into_iter()
        .chain(args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    run_env(
        &harness.to_string_lossy(),
        &harness_args,
        &[("LOADTEST_COMMAND", command.as_str())],
    )
}
