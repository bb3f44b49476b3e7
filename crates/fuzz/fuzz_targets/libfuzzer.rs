//! The libFuzzer binary of oauth-kit: runs one target, coverage guided.
//!
//! `cargo xtask fuzz` builds it (feature `libfuzzer`, coverage instrumentation on the stable
//! toolchain) and runs it. The target is named by `OAUTH_KIT_FUZZ_TARGET`; at start-up the
//! target's seeds are written into the directory `OAUTH_KIT_FUZZ_SEEDS` (the corpus) and its
//! dictionary to the file `OAUTH_KIT_FUZZ_DICT`, when those are set. With
//! `OAUTH_KIT_FUZZ_LIST=1` it prints the target names and exits.

#![no_main]
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::sync::OnceLock;

use oauth_kit_fuzz::Target;

static TARGET: OnceLock<&'static Target> = OnceLock::new();

fn init() {
    if std::env::var_os("OAUTH_KIT_FUZZ_LIST").is_some() {
        for target in oauth_kit_fuzz::targets() {
            println!("{}\t{}", target.name, target.summary);
        }
        std::process::exit(0);
    }
    let name = std::env::var("OAUTH_KIT_FUZZ_TARGET").unwrap_or_default();
    let Some(target) = oauth_kit_fuzz::target(&name) else {
        let names: Vec<&str> = oauth_kit_fuzz::targets().iter().map(|t| t.name).collect();
        eprintln!("OAUTH_KIT_FUZZ_TARGET must be one of: {}", names.join(", "));
        std::process::exit(2);
    };
    if let Some(dir) = std::env::var_os("OAUTH_KIT_FUZZ_SEEDS") {
        if let Err(err) = oauth_kit_fuzz::write_seeds(target, Path::new(&dir)) {
            eprintln!("cannot write the seeds: {err}");
            std::process::exit(2);
        }
    }
    if let Some(path) = std::env::var_os("OAUTH_KIT_FUZZ_DICT") {
        if let Err(err) = oauth_kit_fuzz::write_dictionary(target, Path::new(&path)) {
            eprintln!("cannot write the dictionary: {err}");
            std::process::exit(2);
        }
    }
    let _ = TARGET.set(target);
}

libfuzzer_sys::fuzz_target!(init: init(), |data: &[u8]| {
    if let Some(target) = TARGET.get() {
        (target.run)(data);
    }
});
