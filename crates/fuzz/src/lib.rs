//! Fuzz targets for every oauth-kit parser that reads what an attacker or a provider sends.
//!
//! Each [`Target`] takes raw bytes, feeds them to the code a login runs through the public API,
//! and checks properties on the result. A violated property panics, so every engine reports it
//! as a crash:
//!
//! - `cargo xtask fuzz [--target T] [--execs N] [--seconds S]` builds the libFuzzer binary
//!   (`fuzz_targets/libfuzzer.rs`, feature `libfuzzer`) with coverage instrumentation on the
//!   stable toolchain and runs the targets, coverage guided;
//! - [`smoke`] runs a target on its seeds and on inputs mutated from them with a seeded random
//!   mutator, without instrumentation; the crate's tests use it so that `cargo test
//!   --workspace` keeps every target running.
//!
//! ```
//! let target = oauth_kit_fuzz::target("return_path").expect("a target of that name");
//! let report = oauth_kit_fuzz::smoke(target, 200, 7).expect("no property is violated");
//! assert!(report.executions >= 200);
//! ```
//!
//! Seeds come from the provider fixtures (`crates/providers/*/tests/fixtures`) and from the
//! cases of the example-based tests; docs/security.md lists the targets, the executions run and
//! the crashes found.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

mod oracle;
mod smoke;
mod targets;

pub use smoke::{Failure, SmokeReport, smoke};

/// What a target did with an input that violated no property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The code under test accepted the input (a login completed, a path was kept, ...).
    Accepted,
    /// The code under test rejected the input with an error or a fallback.
    Rejected,
}

/// One fuzz target.
#[derive(Clone, Copy)]
pub struct Target {
    /// The name used by `cargo xtask fuzz --target`.
    pub name: &'static str,
    /// What the target feeds and what it checks, in one line.
    pub summary: &'static str,
    /// Runs one input; panics when a property is violated.
    pub run: fn(&[u8]) -> Outcome,
    /// The seed inputs.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens worth inserting while mutating (a libFuzzer dictionary).
    pub dictionary: &'static [&'static str],
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// Every target.
pub fn targets() -> &'static [Target] {
    targets::ALL
}

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    targets::ALL.iter().find(|t| t.name == name)
}

/// Writes the seeds of `target` into `dir` (one file per seed, named after its content), so a
/// corpus directory always contains them. Returns how many seeds were written.
pub fn write_seeds(target: &Target, dir: &Path) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let seeds = (target.seeds)();
    for seed in &seeds {
        std::fs::write(dir.join(format!("seed-{:016x}", fnv1a(seed))), seed)?;
    }
    Ok(seeds.len())
}

/// Writes the dictionary of `target` to `path` in libFuzzer's format.
pub fn write_dictionary(target: &Target, path: &Path) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut out = String::new();
    for token in target.dictionary {
        out.push('"');
        for b in token.bytes() {
            match b {
                b'"' | b'\\' => {
                    out.push('\\');
                    out.push(char::from(b));
                }
                0x20..=0x7e => out.push(char::from(b)),
                _ => out.push_str(&format!("\\x{b:02X}")),
            }
        }
        out.push_str("\"\n");
    }
    std::fs::write(path, out)
}

/// The fixture files of every provider crate (`crates/providers/*/tests/fixtures/*`), sorted by
/// path. They seed the targets that read provider answers.
pub fn provider_fixtures() -> Vec<(PathBuf, Vec<u8>)> {
    let providers = Path::new(env!("CARGO_MANIFEST_DIR")).join("../providers");
    let mut files = Vec::new();
    let Ok(crates) = std::fs::read_dir(providers) else {
        return files;
    };
    for krate in crates.flatten() {
        let Ok(fixtures) = std::fs::read_dir(krate.path().join("tests/fixtures")) else {
            continue;
        };
        for file in fixtures.flatten() {
            let path = file.path();
            if let Ok(bytes) = std::fs::read(&path) {
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

/// 64-bit FNV-1a, used to name seed files after their content.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
