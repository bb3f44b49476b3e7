//! `cargo xtask fuzz [--target T] [--execs N] [--seconds S] [--max-len L]`: coverage-guided
//! fuzzing with libFuzzer on the stable toolchain.
//!
//! The fuzz crate's libFuzzer binary is built in release mode with LLVM's SanitizerCoverage
//! instrumentation (`-C passes=sancov-module` and its options, all stable codegen flags; no
//! sanitizer, which would need nightly) into `<target dir>/fuzz`, then run once per target.
//! Corpora grow in `<target dir>/fuzz/corpus/<target>` across runs (seeded at every start);
//! a crash is saved in `<target dir>/fuzz/artifacts/<target>/` and fails the command.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::workspace_root;

const BINARY: &str = "oauth-kit-fuzz";
/// Instrumentation for libFuzzer's coverage feedback, as cargo-fuzz passes it, plus debug
/// assertions and overflow checks so arithmetic mistakes show up as crashes.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    -Cdebug-assertions -Coverflow-checks";
const DEFAULT_EXECS: u64 = 100_000;
const DEFAULT_MAX_LEN: u64 = 8192;

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    target: Option<String>,
    execs: Option<u64>,
    seconds: Option<u64>,
    max_len: Option<u64>,
}

pub(crate) fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, text: String| {
            text.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{name} takes a whole number, not `{text}`"))
        };
        match arg.as_str() {
            "--target" => options.target = Some(value("--target")?),
            "--execs" => options.execs = Some(number("--execs", value("--execs")?)?),
            "--seconds" => options.seconds = Some(number("--seconds", value("--seconds")?)?),
            "--max-len" => options.max_len = Some(number("--max-len", value("--max-len")?)?),
            other => {
                return Err(format!(
                    "unknown option `{other}`; usage: cargo xtask fuzz [--target T] [--execs N] \
                     [--seconds S] [--max-len L]"
                ));
            }
        }
    }
    Ok(options)
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let root = workspace_root();
    let fuzz_dir = target_dir(&root).join("fuzz");
    let host = host_triple()?;
    build(&root, &fuzz_dir, &host)?;
    let binary = fuzz_dir.join(&host).join("release").join(BINARY);

    let all = list_targets(&binary)?;
    let targets: Vec<String> = match &options.target {
        Some(name) if all.contains(name) => vec![name.clone()],
        Some(name) => {
            return Err(format!(
                "unknown target `{name}`; the targets are: {}",
                all.join(", ")
            ));
        }
        None => all,
    };
    // Without a time bound, a run stops after a number of executions.
    let execs = match (options.execs, options.seconds) {
        (None, None) => Some(DEFAULT_EXECS),
        (execs, _) => execs,
    };
    let mut rows = Vec::new();
    for target in &targets {
        rows.push(fuzz_one(&binary, &fuzz_dir, target, execs, &options)?);
    }
    println!(
        "\n{:<18} {:>14} {:>10} {:>12} {:>8}",
        "target", "executions", "seconds", "exec/s", "corpus"
    );
    let mut total = 0;
    for row in &rows {
        total += row.executions;
        println!(
            "{:<18} {:>14} {:>10.1} {:>12.0} {:>8}",
            row.target,
            row.executions,
            row.seconds,
            row.executions as f64 / row.seconds.max(0.001),
            row.corpus
        );
    }
    println!("{:<18} {:>14}", "total", total);
    Ok(())
}

struct Row {
    target: String,
    executions: u64,
    seconds: f64,
    corpus: usize,
}

fn fuzz_one(
    binary: &Path,
    fuzz_dir: &Path,
    target: &str,
    execs: Option<u64>,
    options: &Options,
) -> Result<Row, String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let dict = fuzz_dir.join("dict").join(format!("{target}.dict"));
    let log = fuzz_dir.join("logs").join(format!("{target}.log"));
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if let Some(parent) = log.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut args = vec![
        format!("-max_len={}", options.max_len.unwrap_or(DEFAULT_MAX_LEN)),
        format!("-artifact_prefix={}/", artifacts.display()),
        format!("-dict={}", dict.display()),
        "-print_final_stats=1".to_owned(),
    ];
    if let Some(execs) = execs {
        args.push(format!("-runs={execs}"));
    }
    if let Some(seconds) = options.seconds {
        args.push(format!("-max_total_time={seconds}"));
    }
    args.push(corpus.display().to_string());
    println!(
        "$ OAUTH_KIT_FUZZ_TARGET={target} {} {}",
        binary.display(),
        args.join(" ")
    );
    let log_file =
        std::fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let started = Instant::now();
    let status = Command::new(binary)
        .args(&args)
        .env("OAUTH_KIT_FUZZ_TARGET", target)
        .env("OAUTH_KIT_FUZZ_SEEDS", &corpus)
        .env("OAUTH_KIT_FUZZ_DICT", &dict)
        .stdout(Stdio::null())
        .stderr(log_file)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = output.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "target `{target}` failed ({status}); the crashing input is in {}; log {}:\n{}",
            artifacts.display(),
            log.display(),
            tail.join("\n")
        ));
    }
    let executions = final_stat(&output, "stat::number_of_executed_units:")
        .ok_or_else(|| format!("no execution count in {}", log.display()))?;
    let corpus_size = std::fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0);
    println!("  {target}: {executions} executions in {seconds:.1} s, corpus {corpus_size}");
    Ok(Row {
        target: target.to_owned(),
        executions,
        seconds,
        corpus: corpus_size,
    })
}

/// The number after `name` on the last line that starts with it.
pub(crate) fn final_stat(output: &str, name: &str) -> Option<u64> {
    output
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix(name))
        .and_then(|rest| rest.trim().parse().ok())
}

fn build(root: &Path, fuzz_dir: &Path, host: &str) -> Result<(), String> {
    let args = [
        "build",
        "--release",
        "--locked",
        "-p",
        "oauth-kit-fuzz",
        "--features",
        "libfuzzer",
        "--bin",
        BINARY,
        // With an explicit target, RUSTFLAGS reach only the target's code, not build scripts
        // and procedural macros.
        "--target",
        host,
        "--target-dir",
    ];
    let fuzz_dir = fuzz_dir.display().to_string();
    println!(
        "$ RUSTFLAGS=\"{RUSTFLAGS}\" cargo {} {fuzz_dir}",
        args.join(" ")
    );
    let status = Command::new("cargo")
        .args(args)
        .arg(&fuzz_dir)
        .env("RUSTFLAGS", RUSTFLAGS)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "building the fuzz binary failed ({status}); libFuzzer needs a C++ compiler (g++ or clang++)"
        ))
    }
}

fn list_targets(binary: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(binary)
        .env("OAUTH_KIT_FUZZ_LIST", "1")
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let names: Vec<String> = text
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        Err(format!("{} lists no targets", binary.display()))
    } else {
        Ok(names)
    }
}

fn host_triple() -> Result<String, String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_are_parsed() {
        assert_eq!(parse_args(&[]), Ok(Options::default()));
        assert_eq!(
            parse_args(&args(&[
                "--target",
                "callback",
                "--execs",
                "2_000_000",
                "--seconds",
                "60"
            ])),
            Ok(Options {
                target: Some("callback".into()),
                execs: Some(2_000_000),
                seconds: Some(60),
                max_len: None,
            })
        );
        assert!(parse_args(&args(&["--execs", "lots"])).is_err());
        assert!(parse_args(&args(&["--target"])).is_err());
        assert!(parse_args(&args(&["--jobs", "2"])).is_err());
    }

    #[test]
    fn the_execution_count_is_read_from_libfuzzer_final_stats() {
        let log = "#2\tINITED cov: 10\nDone 5000 runs in 2 second(s)\n\
                   stat::number_of_executed_units: 5012\nstat::average_exec_per_sec:     2506\n";
        assert_eq!(
            final_stat(log, "stat::number_of_executed_units:"),
            Some(5012)
        );
        assert_eq!(
            final_stat("nothing", "stat::number_of_executed_units:"),
            None
        );
    }
}
