//! The worked proof that the scaffolder is real: `cargo xtask new-provider acme-id` in a
//! temporary copy of the workspace, then the generated crate is checked the way CI checks it,
//! without any edit: `cargo fmt --check`, its tests and doctests, clippy with warnings denied,
//! the facade built with only its feature, its docs with warnings denied, and the repository's
//! tidy rules.
//!
//! The copy builds in `target/scaffold-check` (a separate target directory, because the outer
//! `cargo test` holds the lock on the main one), offline when the local registry cache has
//! every dependency. On a cold `target/scaffold-check` this takes a few minutes; afterwards
//! about a minute, since the workspace crates are rebuilt from the copy's new path.

#![allow(clippy::unwrap_used)]

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

/// The name the proof scaffolds.
const NAME: &str = "acme-id";

/// A directory removed when the test ends, whether it passes or not.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies the files git would track: everything but `target/` and `.git/`.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let kind = entry.file_type().unwrap();
        let (source, target) = (entry.path(), to.join(&name));
        if kind.is_dir() {
            copy_tree(&source, &target);
        } else if kind.is_file() {
            fs::copy(&source, &target).unwrap();
        }
    }
}

/// Artifact names of the workspace crates that the proof builds, in `deps/`, `.fingerprint/`
/// and `build/` of the target directory.
const WORKSPACE_ARTIFACTS: &[&str] = &[
    "oauth_kit",
    "liboauth_kit",
    "oauth-kit",
    "xtask",
    "libxtask",
    "provider-",
];

/// Each run builds the workspace crates from a new path, so their artifacts from earlier runs
/// are never used again: they are removed, so that `target/scaffold-check` keeps one run's
/// worth of them. Registry dependencies stay cached.
fn prune_stale_workspace_artifacts(target_dir: &Path, started: SystemTime) {
    for dir in ["debug/deps", "debug/.fingerprint", "debug/build"] {
        let Ok(entries) = fs::read_dir(target_dir.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = WORKSPACE_ARTIFACTS.iter().any(|p| name.starts_with(p));
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < started);
            if ours && stale {
                let path = entry.path();
                let _ = if path.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
            }
        }
    }
}

/// Runs cargo in the copy and returns its output, whatever the outcome.
fn cargo(copy: &Path, target_dir: &Path, args: &[&str]) -> Output {
    cargo_with(copy, target_dir, args, &[])
}

/// Runs cargo in the copy with extra environment variables: offline first (every dependency is
/// in the local registry cache once the workspace has been built), and again online if cargo
/// says that it needs the network (a fresh machine that has built only part of the workspace).
fn cargo_with(copy: &Path, target_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let run = |offline: bool| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        Command::new(cargo)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(copy)
            .env("CARGO_TARGET_DIR", target_dir)
            .env("CARGO_NET_OFFLINE", if offline { "true" } else { "false" })
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .unwrap()
    };
    let output = run(true);
    let needs_network =
        !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("offline");
    if needs_network { run(false) } else { output }
}

fn describe(args: &[&str], output: &Output) -> String {
    format!(
        "`cargo {}` exited with {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    )
}

/// Runs cargo in the copy and fails the test with the whole output when it fails.
fn cargo_ok(copy: &Path, target_dir: &Path, args: &[&str]) -> String {
    let output = cargo(copy, target_dir, args);
    assert!(output.status.success(), "{}", describe(args, &output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn scaffolded_provider_builds_passes_its_tests_and_lints_and_joins_the_facade() {
    let root = workspace_root();
    let target_dir = root.join("target/scaffold-check");
    let started = SystemTime::now();
    prune_stale_workspace_artifacts(&target_dir, started);
    let nanos = started.duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let copy = TempDir(
        std::env::temp_dir().join(format!("oauth-kit-scaffold-{}-{nanos}", std::process::id())),
    );
    copy_tree(&root, &copy.0);
    let copy = &copy.0;
    assert!(
        !copy.join("crates/providers").join(NAME).exists(),
        "the workspace already has a provider named {NAME}"
    );

    // The command a provider author runs.
    let stdout = cargo_ok(copy, &target_dir, &["xtask", "new-provider", NAME]);
    assert!(stdout.contains("oauth-kit-acme-id"), "{stdout}");
    for file in [
        "crates/providers/acme-id/Cargo.toml",
        "crates/providers/acme-id/src/lib.rs",
        "crates/providers/acme-id/tests/acme-id.rs",
        "crates/providers/acme-id/tests/fixtures/token.json",
        "crates/providers/acme-id/tests/fixtures/userinfo.json",
        "crates/providers/acme-id/tests/fixtures/token_error.json",
        "docs/providers/acme-id.md",
    ] {
        assert!(copy.join(file).is_file(), "{file} was not generated");
    }
    let manifest = fs::read_to_string(copy.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("\"crates/providers/acme-id\","),
        "{manifest}"
    );
    assert!(manifest.contains("oauth-kit-acme-id = { path = \"crates/providers/acme-id\""));
    let facade = fs::read_to_string(copy.join("crates/oauth-kit/Cargo.toml")).unwrap();
    assert!(
        facade.contains("acme-id = [\"dep:oauth-kit-acme-id\"]"),
        "{facade}"
    );
    let facade_lib = fs::read_to_string(copy.join("crates/oauth-kit/src/lib.rs")).unwrap();
    assert!(facade_lib.contains("pub mod acme_id {"), "{facade_lib}");
    assert!(
        facade_lib.contains("specs.push(&oauth_kit_acme_id::SPEC);"),
        "{facade_lib}"
    );

    // A second run refuses to overwrite anything.
    let again = cargo(copy, &target_dir, &["xtask", "new-provider", NAME]);
    assert!(!again.status.success(), "{}", describe(&["xtask"], &again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // What CI runs on the new crate, with no edit in between.
    cargo_ok(
        copy,
        &target_dir,
        &[
            "fmt",
            "-p",
            "oauth-kit-acme-id",
            "-p",
            "oauth-kit",
            "--",
            "--check",
        ],
    );
    // The generated conformance suite writes its first snapshots, as `cargo insta accept` would.
    let test = ["test", "-p", "oauth-kit-acme-id"];
    let output = cargo_with(copy, &target_dir, &test, &[("INSTA_UPDATE", "always")]);
    assert!(output.status.success(), "{}", describe(&test, &output));
    let tests = String::from_utf8_lossy(&output.stdout);
    assert!(
        tests.contains("conformance::no_secret_in_debug_or_trace_logs ... ok"),
        "{tests}"
    );
    cargo_ok(
        copy,
        &target_dir,
        &[
            "clippy",
            "-p",
            "oauth-kit-acme-id",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    cargo_ok(
        copy,
        &target_dir,
        &[
            "check",
            "-p",
            "oauth-kit",
            "--no-default-features",
            "--features",
            "acme-id",
        ],
    );
    // The facade registers the new provider from its environment variables: with only its
    // feature on, the catalog is the new provider alone, and the catalog test registers it.
    let catalog = cargo_ok(
        copy,
        &target_dir,
        &[
            "test",
            "-p",
            "oauth-kit",
            "--no-default-features",
            "--features",
            "acme-id",
            "--test",
            "catalog",
        ],
    );
    assert!(catalog.contains("test result: ok. 2 passed"), "{catalog}");
    let doc = ["doc", "-p", "oauth-kit-acme-id", "--no-deps"];
    let output = cargo_with(copy, &target_dir, &doc, &[("RUSTDOCFLAGS", "-D warnings")]);
    assert!(output.status.success(), "{}", describe(&doc, &output));
    // The repository rules hold for the new crate: docs page, fixtures, lints, no printing,
    // secrets read only where allowed.
    let tidy = cargo_ok(
        copy,
        &target_dir,
        &["test", "-p", "xtask", "--bin", "xtask", "tidy::"],
    );
    assert!(
        tidy.contains("test result: ok") && !tidy.contains(" 0 passed"),
        "{tidy}"
    );
}
