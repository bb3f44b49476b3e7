//! Repository rules checked inside `cargo test` (run with `cargo test -p xtask`).
//!
//! - every crate inherits the workspace lints;
//! - no `println!`, `eprintln!`, `print!`, `eprint!` or `dbg!` in library code;
//! - every provider crate has a docs page and fixtures;
//! - every crate builds at most one integration-test binary;
//! - secret values are read (`.secret()`, `expose_secret`) only in the modules that must.

#![cfg(test)]

use std::fs;
use std::path::{Path, PathBuf};

use crate::workspace_root;

/// Library source files allowed to read a secret value, relative to the workspace root.
/// Provider crates may read their client secret where they validate it (`src/provider.rs`).
const SECRET_READERS: &[&str] = &[
    "crates/core/src/secret.rs",
    "crates/core/src/pkce.rs",
    "crates/core/src/http.rs",
    "crates/core/src/oauth2.rs",
    "crates/core/src/spec/provider.rs",
    "crates/core/src/client.rs",
    // The ID token is validated, the nonce compared and the access token hashed (`at_hash`).
    "crates/core/src/spec/openid.rs",
    "crates/core/src/flow/record.rs",
    // The token store format: tokens are written in clear for server-side stores.
    "crates/core/src/tokens/set.rs",
    "crates/oauth-kit/src/settings.rs",
    // The conformance suite reads the secrets of a run to search its logs and output for them.
    "crates/testkit/src/conformance.rs",
    // The fuzz targets check the secrets a parser produced against the input they came from.
    "crates/fuzz/src/targets/callback.rs",
    "crates/fuzz/src/targets/token_response.rs",
];

fn rel(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn manifests() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut out = Vec::new();
    for group in [
        "crates",
        "crates/providers",
        "crates/adapters",
        "crates/stores",
        "examples",
    ] {
        let Ok(entries) = fs::read_dir(root.join(group)) else {
            continue;
        };
        for entry in entries.flatten() {
            let manifest = entry.path().join("Cargo.toml");
            if manifest.is_file() {
                out.push(manifest);
            }
        }
    }
    out.push(root.join("xtask/Cargo.toml"));
    out.sort();
    out
}

/// Library code: everything under `crates/*/src` except a crate's program (`src/main.rs`,
/// `src/bin/`); examples and xtask are programs.
fn library_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for manifest in manifests() {
        let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
        if rel(&dir).starts_with("crates/") {
            let src = dir.join("src");
            let mut crate_files = Vec::new();
            collect_rs(&src, &mut crate_files);
            files.extend(
                crate_files
                    .into_iter()
                    .filter(|f| *f != src.join("main.rs") && !f.starts_with(src.join("bin"))),
            );
        }
    }
    files
}

#[test]
fn providers_depend_on_the_provider_api_only() {
    let mut offenders = Vec::new();
    for file in library_sources() {
        let path = rel(&file);
        if !path.starts_with("crates/providers/") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in code_lines(&text) {
            if line.contains("oauth_kit_core::flow") || line.contains("LoginService") {
                offenders.push(format!("{path}:{}", n + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "provider crates use the provider API of oauth-kit-core, not the login flow: {offenders:#?}"
    );
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code lines of a file before its `#[cfg(test)]` module, without comment lines.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| {
            let t = l.trim_start();
            !(t.starts_with("//") || t.starts_with("///") || t.starts_with("//!"))
        })
}

#[test]
fn every_crate_inherits_the_workspace_lints() {
    let offenders: Vec<String> = manifests()
        .into_iter()
        .filter(|m| {
            let text = fs::read_to_string(m).unwrap_or_default();
            !text.contains("[lints]\nworkspace = true")
        })
        .map(|m| rel(&m))
        .collect();
    assert!(
        offenders.is_empty(),
        "add `[lints]\\nworkspace = true` to: {offenders:?}"
    );
}

#[test]
fn library_code_does_not_print() {
    let mut offenders = Vec::new();
    for file in library_sources() {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in code_lines(&text) {
            for mac in ["println!", "eprintln!", "print!", "eprint!", "dbg!"] {
                if line.contains(mac) {
                    offenders.push(format!("{}:{}: {mac}", rel(&file), n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use tracing in library code: {offenders:#?}"
    );
}

#[test]
fn every_provider_crate_has_a_docs_page_and_fixtures() {
    let root = workspace_root();
    let Ok(entries) = fs::read_dir(root.join("crates/providers")) else {
        return;
    };
    let mut problems = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !root.join(format!("docs/providers/{name}.md")).is_file() {
            problems.push(format!("docs/providers/{name}.md is missing"));
        }
        let fixtures = entry.path().join("tests/fixtures");
        let has_fixtures = fs::read_dir(&fixtures).is_ok_and(|mut d| d.next().is_some());
        if !has_fixtures {
            problems.push(format!("{} has no fixtures", rel(&fixtures)));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The integration-test binaries cargo finds in the crate of `manifest`: each `tests/*.rs` and
/// each `tests/*/main.rs`.
fn test_binaries(manifest: &Path) -> Vec<String> {
    let Some(tests) = manifest.parent().map(|dir| dir.join("tests")) else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir(&tests) else {
        return Vec::new();
    };
    let mut binaries: Vec<String> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            (path.is_file() && path.extension().is_some_and(|ext| ext == "rs"))
                || path.join("main.rs").is_file()
        })
        .map(|path| rel(&path))
        .collect();
    binaries.sort();
    binaries
}

#[test]
fn every_crate_builds_at_most_one_integration_test_binary() {
    let offenders: Vec<String> = manifests()
        .into_iter()
        .map(|manifest| test_binaries(&manifest))
        .filter(|binaries| binaries.len() > 1)
        .map(|binaries| binaries.join(", "))
        .collect();
    assert!(
        offenders.is_empty(),
        "each of these crates builds several test binaries; make them modules of one \
         (tests/it/main.rs): {offenders:#?}"
    );
}

#[test]
fn secrets_are_read_only_where_they_must_be() {
    let mut offenders = Vec::new();
    for file in library_sources() {
        let path = rel(&file);
        let allowed = SECRET_READERS.contains(&path.as_str())
            || (path.starts_with("crates/providers/") && path.ends_with("/src/provider.rs"));
        if allowed {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in code_lines(&text) {
            if line.contains(".secret()") || line.contains("expose_secret") {
                offenders.push(format!("{path}:{}", n + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "a secret is read outside the allowed modules (see SECRET_READERS in xtask/src/tidy.rs): {offenders:#?}"
    );
}
