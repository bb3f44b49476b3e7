//! `cargo xtask redis-load`: the load check of two instances behind one URL sharing one Redis.

use crate::{run, target_dir};

/// Parses the options, builds the demos and the driver (`demo-support`'s `redis-load`), and runs
/// the check for each adapter: one Redis, the mock Bitbucket, two instances of the demo behind
/// one public URL, and many logins begun on one instance and completed on the other.
pub(crate) fn redis_load(args: &[String]) -> Result<(), String> {
    let mut logins = "10000".to_owned();
    let mut concurrency = "32".to_owned();
    let mut adapters = vec!["axum", "actix"];
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--logins" => logins = value()?,
            "--concurrency" => concurrency = value()?,
            "--adapter" => {
                adapters = match value()?.as_str() {
                    "axum" => vec!["axum"],
                    "actix" => vec!["actix"],
                    "both" => vec!["axum", "actix"],
                    other => return Err(format!("unknown adapter `{other}` (axum, actix, both)")),
                }
            }
            other => return Err(format!("unknown option `{other}`; see `cargo xtask help`")),
        }
    }
    // Release builds, as for `session-load`: the figures are about the library, not about
    // debug assertions.
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
            "redis-load",
        ],
    )?;
    let bin_dir = target_dir().join("release");
    let driver = bin_dir.join("redis-load");
    for adapter in adapters {
        let demo = bin_dir.join(format!("example-{adapter}"));
        println!("== {adapter}: {logins} logins over two instances, {concurrency} at once");
        run(
            &driver.to_string_lossy(),
            &[
                &demo.to_string_lossy(),
                "--logins",
                &logins,
                "--concurrency",
                &concurrency,
            ],
        )?;
    }
    Ok(())
}
