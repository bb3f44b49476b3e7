//! Repository automation for oauth-kit, run as `cargo xtask <command>`.
//!
//! Commands: `ci` (what `.ci/run` runs), `demo` (runs the Axum demo), `docs` (checks every
//! relative link in `docs/` and `README.md`), `bench` (the core criterion benchmarks),
//! `features` (each facade feature alone), `new-provider NAME` (scaffolds a provider crate),
//! `fuzz` (coverage-guided fuzzing of the parsers, see docs/security.md), `session-load` and
//! `redis-load` (load checks of the demos, see docs/deployment.md), `loadtest` (the demos
//! against their ceilings, see docs/performance.md).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod docs;
mod fuzz;
mod loadtest;
mod new_provider;
mod redis_load;
mod tidy;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("demo") => run("cargo", &["run", "-p", "example-axum"]),
        Some("docs") => docs::check_links(&workspace_root()),
        Some("bench") => run("cargo", &["bench", "-p", "oauth-kit-core"]),
        Some("features") => features(),
        Some("session-load") => session_load(&args[1..]),
        Some("redis-load") => redis_load::redis_load(&args[1..]),
        Some("loadtest") => loadtest::loadtest(&args[1..]),
        Some("new-provider") => new_provider::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("help") | None => {
            print_help();
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         ci      what .ci/run runs: fmt --check, clippy, doc, features, link check, tests\n\
         demo    run the Axum demo (example-axum) on http://localhost:8000\n\
         docs    check that every relative link in docs/ and README.md resolves\n\
         bench   run the core benchmarks\n\
         features  check that each feature of the oauth-kit facade builds alone\n\
         session-load [LOGINS] [CAP]\n\
         \x20       scripted logins (default 200000) against both demos with OAUTH_SESSION_CAP\n\
         \x20       (default 1000); fails when their memory keeps growing after the cap\n\
         redis-load [--logins N] [--concurrency C] [--adapter axum|actix|both]\n\
         \x20       two instances of each demo behind one URL sharing one redis-server: N logins\n\
         \x20       (default 10000, C at once, default 32) begun on one instance and completed on\n\
         \x20       the other; fails on any crossed or lost session\n\
         loadtest [--rounds N] [--seconds S] [--concurrency C] [--begins N]\n\
         \x20       release builds on loopback: the login endpoint next to a bare handler, the\n\
         \x20       whole login next to a raw provider client (N rounds of S s, default 5 of 3,\n\
         \x20       C at once, default 32), RSS after N unfinished logins (default 1000000);\n\
         \x20       prints the tables and writes them into docs/performance.md\n\
         fuzz [--target T] [--execs N] [--seconds S] [--max-len L]\n\
         \x20       coverage-guided fuzzing of every parser with libFuzzer (stable toolchain,\n\
         \x20       needs a C++ compiler); N executions per target, 100000 by default\n\
         new-provider NAME\n\
         \x20       scaffold crates/providers/NAME (oauth-kit-NAME) with its tests, fixtures,\n\
         \x20       docs/providers/NAME.md and an oauth-kit feature (docs/writing-a-provider.md)"
    );
}

/// The steps of `.ci/run`, in the same order.
fn ci() -> Result<(), String> {
    // `.ci/run` installs it when missing; here it is only checked, so the Redis tests fail
    // with this message rather than one by one.
    run("redis-server", &["--version"]).map_err(|e| {
        format!(
            "{e}: the Redis store tests need redis-server (Debian: apt-get install redis-server)"
        )
    })?;
    run("cargo", &["fmt", "--all", "--", "--check"])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    run_env(
        "cargo",
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    features()?;
    docs::check_links(&workspace_root())?;
    run("cargo", &["test", "--workspace", "--locked"])
}

/// The session-flatness load check against both demo binaries (built in release mode, as a
/// production server would be).
fn session_load(args: &[String]) -> Result<(), String> {
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
            "demo-support",
            "--bin",
            "example-axum",
            "--bin",
            "example-actix",
            "--bin",
            "session-load",
        ],
    )?;
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target"));
    let tool = target.join("release/session-load");
    for demo in ["example-axum", "example-actix"] {
        let demo = target.join("release").join(demo);
        let mut tool_args = vec![demo.to_string_lossy().into_owned()];
        tool_args.extend(args.iter().cloned());
        let tool_args: Vec<&str> = tool_args.iter().map(String::as_str).collect();
        run(&tool.to_string_lossy(), &tool_args)?;
    }
    Ok(())
}

/// Checks the `oauth-kit` facade without features, then with each feature of its `[features]`
/// table (except `default`) alone.
fn features() -> Result<(), String> {
    let manifest = workspace_root().join("crates/oauth-kit/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let features = new_provider::facade_features(&manifest);
    run(
        "cargo",
        &["check", "-p", "oauth-kit", "--no-default-features"],
    )?;
    for feature in &features {
        run(
            "cargo",
            &[
                "check",
                "-p",
                "oauth-kit",
                "--no-default-features",
                "--features",
                feature.as_str(),
            ],
        )?;
    }
    Ok(())
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_env(program, args, &[])
}

fn run_env(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    println!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, or `target/` in the workspace.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The workspace root: the parent of this crate's directory.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
