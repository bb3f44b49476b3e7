//! The short run of every target that keeps them from rotting: seeds plus a few thousand
//! mutated inputs each, in the normal test build. The long, coverage-guided runs are
//! `cargo xtask fuzz` (docs/security.md, "Fuzzing").

use oauth_kit_fuzz::{Outcome, smoke, target, targets};

/// Mutated inputs per target (each target also runs all its seeds).
const ITERATIONS: u64 = 3_000;

#[test]
fn every_target_survives_a_smoke_run_and_reaches_both_outcomes() {
    for target in targets() {
        let report =
            smoke(target, ITERATIONS, 0x0a07_4b17).unwrap_or_else(|failure| panic!("{failure}"));
        assert!(report.executions > ITERATIONS, "{report:?}");
        assert!(
            report.accepted > 0 && report.rejected > 0,
            "target {} never reaches one of its outcomes: {report:?}",
            target.name
        );
    }
}

#[test]
fn every_target_has_seeds_and_a_dictionary() {
    for target in targets() {
        assert!(!(target.seeds)().is_empty(), "{} has no seeds", target.name);
        assert!(
            !target.dictionary.is_empty(),
            "{} has no dictionary",
            target.name
        );
    }
}

#[test]
fn provider_fixtures_seed_the_provider_targets() {
    let fixtures = oauth_kit_fuzz::provider_fixtures();
    assert!(
        fixtures
            .iter()
            .any(|(path, _)| path.ends_with("bitbucket/tests/fixtures/emails_page1.json")),
        "the Bitbucket fixtures are not found"
    );
    let seeds = (target("bitbucket_emails").expect("target").seeds)();
    assert!(seeds.len() > fixtures.len());
}

#[test]
fn a_callback_for_the_browsers_own_flow_completes_the_login() {
    let callback = target("callback").expect("target");
    for input in [
        "issidp\ncode=abc&state=$S&iss=https%3A%2F%2Fidp.example\noauth_kit_flow=$C",
        "plainidp\ncode=abc&state=$s\na=1; oauth_kit_flow=$c; b=2",
    ] {
        assert_eq!(
            (callback.run)(input.as_bytes()),
            Outcome::Accepted,
            "{input}"
        );
    }
    for input in [
        "issidp\ncode=abc&state=$S\noauth_kit_flow=$C",
        "plainidp\ncode=abc&state=$S\noauth_kit_flow=$C",
        "plainidp\ncode=abc&state=$s&state=$s\noauth_kit_flow=$c",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=$c\noauth_kit_flow=$c",
    ] {
        assert_eq!(
            (callback.run)(input.as_bytes()),
            Outcome::Rejected,
            "{input}"
        );
    }
}

#[test]
fn an_intact_sealed_cookie_opens_and_a_modified_one_does_not() {
    let sealed = target("sealed_cookie").expect("target");
    let seeds = (sealed.seeds)();
    let outcomes: Vec<Outcome> = seeds.iter().map(|s| (sealed.run)(s)).collect();
    assert!(outcomes.contains(&Outcome::Accepted), "{outcomes:?}");
    assert!(outcomes.contains(&Outcome::Rejected), "{outcomes:?}");
}

#[test]
fn seeds_and_dictionaries_are_written_for_libfuzzer() {
    let dir = std::env::temp_dir().join(format!("oauth-kit-fuzz-seeds-{}", std::process::id()));
    let target = target("return_path").expect("target");
    let written = oauth_kit_fuzz::write_seeds(target, &dir).expect("seeds written");
    assert_eq!(written, (target.seeds)().len());
    let dict = dir.join("return_path.dict");
    oauth_kit_fuzz::write_dictionary(target, &dict).expect("dictionary written");
    let text = std::fs::read_to_string(&dict).expect("dictionary read");
    assert!(text.lines().any(|l| l == "\"/\\\\\""), "{text}");
    assert!(text.lines().all(|l| l.starts_with('"') && l.ends_with('"')));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn every_provider_crate_is_in_the_fuzzed_catalog() {
    let providers = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../providers");
    let mut crates: Vec<String> = std::fs::read_dir(providers)
        .expect("crates/providers")
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    let mut fuzzed: Vec<String> = oauth_kit::catalog()
        .iter()
        .map(|s| s.id.to_owned())
        .collect();
    fuzzed.sort();
    assert_eq!(
        fuzzed, crates,
        "add each provider's feature to the `all-providers` feature of `oauth-kit`, so the \
         provider_mapping target runs its mapping"
    );
}
