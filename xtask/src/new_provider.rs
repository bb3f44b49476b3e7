//! `cargo xtask new-provider NAME`: scaffolds a provider crate.
//!
//! It creates `crates/providers/NAME` (package `oauth-kit-NAME`) as a working provider for a
//! standard OAuth 2.0 provider with an OpenID Connect-style user-info endpoint: a
//! `ProviderSpec`, one mapping function and the named provider type, with its test file,
//! fixtures and `docs/providers/NAME.md`; then it registers the crate in the workspace
//! (`members` and `[workspace.dependencies]` of the root `Cargo.toml`) and in the `oauth-kit`
//! facade (a `NAME` feature, an optional dependency, a `NAME` module and an entry in the
//! catalog, so `ProviderSettings` registers it from the environment; the demos' end-to-end
//! suite then logs in with it through the built-in mock). The edits are inserted before the
//! `xtask:new-provider` marker comments of those files.
//!
//! The templates live in `xtask/templates/provider/`; `{{name}}`, `{{ident}}`, `{{Camel}}`,
//! `{{UPPER}}` and `{{Title}}` are replaced by the forms of the name computed in [`Names`].
//! Everything is checked and rendered before the first file is written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The longest accepted name (the limit of `oauth_kit_core::ProviderName`).
const MAX_NAME_LEN: usize = 32;

/// Rust keywords (strict, reserved and weak ones that matter in paths): a module cannot be
/// named after one.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names that would clash with something else in the facade crate or the workspace.
const RESERVED_NAMES: &[&str] = &[
    "default",
    "core",
    "std",
    "alloc",
    "flow",
    "settings",
    "guides",
    "axum",
    "actix",
    "testkit",
    "stores",
    "providers",
    "adapters",
];

/// The files created, as (path template, content template).
const FILES: &[(&str, &str)] = &[
    (
        "crates/providers/{{name}}/Cargo.toml",
        include_str!("../templates/provider/Cargo.toml.tmpl"),
    ),
    (
        "crates/providers/{{name}}/src/lib.rs",
        include_str!("../templates/provider/lib.rs.tmpl"),
    ),
    (
        "crates/providers/{{name}}/tests/{{name}}.rs",
        include_str!("../templates/provider/tests.rs.tmpl"),
    ),
    (
        "crates/providers/{{name}}/tests/fixtures/token.json",
        include_str!("../templates/provider/token.json.tmpl"),
    ),
    (
        "crates/providers/{{name}}/tests/fixtures/token_error.json",
        include_str!("../templates/provider/token_error.json.tmpl"),
    ),
    (
        "crates/providers/{{name}}/tests/fixtures/userinfo.json",
        include_str!("../templates/provider/userinfo.json.tmpl"),
    ),
    (
        "crates/providers/{{name}}/tests/fixtures/userinfo_minimal.json",
        include_str!("../templates/provider/userinfo_minimal.json.tmpl"),
    ),
    (
        "crates/providers/{{name}}/tests/fixtures/error_401.json",
        include_str!("../templates/provider/error_401.json.tmpl"),
    ),
    (
        "docs/providers/{{name}}.md",
        include_str!("../templates/provider/guide.md.tmpl"),
    ),
];

/// The generated Rust files that are formatted with `rustfmt` after rendering (the crate root
/// and the test file; `rustfmt` follows the crate root's modules).
const FORMATTED: &[&str] = &[
    "crates/providers/{{name}}/src/lib.rs",
    "crates/providers/{{name}}/tests/{{name}}.rs",
];

/// The edits of existing files: (file, marker, text inserted before the marker line). The text
/// is indented like the marker.
const EDITS: &[(&str, &str, &str)] = &[
    (
        "Cargo.toml",
        "# xtask:new-provider members",
        "\"crates/providers/{{name}}\",\n",
    ),
    (
        "Cargo.toml",
        "# xtask:new-provider dependencies",
        "oauth-kit-{{name}} = { path = \"crates/providers/{{name}}\", version = \"{{version}}\" }\n",
    ),
    (
        "crates/oauth-kit/Cargo.toml",
        "# xtask:new-provider features",
        "{{name}} = [\"dep:oauth-kit-{{name}}\"]\n",
    ),
    (
        "crates/oauth-kit/Cargo.toml",
        "# xtask:new-provider all-providers",
        "\"{{name}}\",\n",
    ),
    (
        "crates/oauth-kit/Cargo.toml",
        "# xtask:new-provider dependencies",
        "oauth-kit-{{name}} = { workspace = true, optional = true }\n",
    ),
    (
        "crates/oauth-kit/src/lib.rs",
        "// xtask:new-provider feature-table",
        "//! | `{{name}}` | `{{ident}}` | `oauth-kit-{{name}}` |\n",
    ),
    (
        "crates/oauth-kit/src/lib.rs",
        "// xtask:new-provider modules",
        "/// {{Title}} (feature `{{name}}`): re-export of `oauth-kit-{{name}}`.\n\
         #[cfg(feature = \"{{name}}\")]\n\
         pub mod {{ident}} {\n    pub use oauth_kit_{{ident}}::*;\n}\n\n",
    ),
    (
        "crates/oauth-kit/src/lib.rs",
        "// xtask:new-provider catalog",
        "#[cfg(feature = \"{{name}}\")]\nspecs.push(&oauth_kit_{{ident}}::SPEC);\n",
    ),
];

/// Runs `cargo xtask new-provider NAME` against the workspace this xtask belongs to.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let [name] = args else {
        return Err(
            "usage: cargo xtask new-provider NAME (lowercase letters, digits and '-', \
             for example `acme-id`)"
                .to_owned(),
        );
    };
    let root = crate::workspace_root();
    let report = scaffold(&root, name)?;
    println!("created the provider crate {}:", report.names.package());
    for path in &report.created {
        println!("  new     {path}");
    }
    for path in &report.edited {
        println!("  edited  {path}");
    }
    if let Some(warning) = &report.rustfmt_warning {
        println!("warning: {warning}");
    }
    let n = &report.names;
    println!(
        "\nNext steps:\n\
         1. cargo test -p {package}   (mapping tests and doctests; this also updates Cargo.lock)\n\
         2. Adapt the crate to the real provider: follow every \"Adapt:\" note in\n   \
            crates/providers/{name}/src/lib.rs and docs/providers/{name}.md, as\n   \
            docs/writing-a-provider.md describes (endpoints, client authentication, quirks,\n   \
            user mapping, capabilities), with fixtures recorded from the real provider.\n\
         3. cargo clippy -p {package} --all-targets -- -D warnings; cargo test -p xtask\n\
         4. Commit the new files with Cargo.toml, Cargo.lock and crates/oauth-kit.\n\
         Applications enable it with the `{name}` feature of oauth-kit and set\n\
         {upper}_CLIENT_ID and {upper}_CLIENT_SECRET.",
        package = n.package(),
        name = n.name,
        upper = n.upper,
    );
    Ok(())
}

/// The forms of a provider name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Names {
    /// `acme-id`: directory, registry name, feature, docs page.
    pub(crate) name: String,
    /// `acme_id`: Rust module and crate identifier.
    pub(crate) ident: String,
    /// `AcmeId`: type names (`AcmeIdProvider`).
    pub(crate) camel: String,
    /// `ACME_ID`: environment variable prefix.
    pub(crate) upper: String,
    /// `Acme Id`: prose.
    pub(crate) title: String,
}

impl Names {
    /// Checks the shape of `name` and derives its forms.
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        let shape_ok = !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && !name.ends_with('-')
            && !name.contains("--");
        if !shape_ok {
            return Err(format!(
                "`{}` is not a valid provider name: use 1 to {MAX_NAME_LEN} lowercase letters, \
                 digits and single '-', starting with a letter (for example `acme-id`)",
                name.escape_debug()
            ));
        }
        let ident = name.replace('-', "_");
        if RUST_KEYWORDS.contains(&ident.as_str()) {
            return Err(format!(
                "`{name}` is a Rust keyword and cannot name the facade module `oauth_kit::{ident}`"
            ));
        }
        if RESERVED_NAMES.contains(&name) {
            return Err(format!(
                "`{name}` is reserved: it would clash with an existing crate, feature or module"
            ));
        }
        let words: Vec<String> = name
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect();
        Ok(Self {
            name: name.to_owned(),
            ident,
            camel: words.concat(),
            upper: name.replace('-', "_").to_ascii_uppercase(),
            title: words.join(" "),
        })
    }

    /// The package name, `oauth-kit-NAME`.
    pub(crate) fn package(&self) -> String {
        format!("oauth-kit-{}", self.name)
    }

    /// Replaces every placeholder of `template`.
    pub(crate) fn render(&self, template: &str, version: &str) -> String {
        template
            .replace("{{name}}", &self.name)
            .replace("{{ident}}", &self.ident)
            .replace("{{Camel}}", &self.camel)
            .replace("{{UPPER}}", &self.upper)
            .replace("{{Title}}", &self.title)
            .replace("{{version}}", version)
    }
}

/// What [`scaffold`] did, relative to the workspace root.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) names: Names,
    pub(crate) created: Vec<String>,
    pub(crate) edited: Vec<String>,
    pub(crate) rustfmt_warning: Option<String>,
}

/// Generates the provider `name` in the workspace at `root`.
pub(crate) fn scaffold(root: &Path, name: &str) -> Result<Report, String> {
    let names = Names::parse(name)?;
    let manifest_path = root.join("Cargo.toml");
    let manifest = read(&manifest_path)?;
    let package = names.package();
    let crate_dir = root.join("crates/providers").join(&names.name);
    if crate_dir.exists() {
        return Err(format!("crates/providers/{name} already exists"));
    }
    let member = format!("\"crates/providers/{name}\"");
    let declared = manifest.lines().any(|line| {
        let line = line.trim();
        line.starts_with(&member) || line.split('=').next().map(str::trim) == Some(package.as_str())
    });
    if declared {
        return Err(format!("the workspace already declares `{package}`"));
    }
    let facade_manifest = read(&root.join("crates/oauth-kit/Cargo.toml"))?;
    if facade_features(&facade_manifest).contains(&names.name) {
        return Err(format!(
            "the oauth-kit facade already has a `{name}` feature"
        ));
    }
    let facade_lib = read(&root.join("crates/oauth-kit/src/lib.rs"))?;
    let ident = &names.ident;
    if facade_lib.contains(&format!("mod {ident} "))
        || facade_lib.contains(&format!("mod {ident};"))
    {
        return Err(format!(
            "the oauth-kit facade already has a module named `{ident}`"
        ));
    }
    let docs_page = root.join(format!("docs/providers/{name}.md"));
    if docs_page.exists() {
        return Err(format!("docs/providers/{name}.md already exists"));
    }
    let version = workspace_version(&manifest);

    // Render everything, and apply every edit in memory, before writing anything.
    let mut edited: Vec<(String, String)> = Vec::new();
    for (file, marker, text) in EDITS {
        let current = match edited.iter().position(|(path, _)| path == file) {
            Some(i) => edited.remove(i).1,
            None => read(&root.join(file))?,
        };
        let updated = insert_before_marker(&current, marker, &names.render(text, &version))
            .ok_or_else(|| {
                format!("{file} has no `{marker}` line: add it where new providers belong")
            })?;
        edited.push(((*file).to_owned(), updated));
    }
    let files: Vec<(String, String)> = FILES
        .iter()
        .map(|(path, content)| {
            (
                names.render(path, &version),
                names.render(content, &version),
            )
        })
        .collect();

    let mut created = Vec::new();
    for (path, content) in &files {
        write(&root.join(path), content)?;
        created.push(path.clone());
    }
    for (path, content) in &edited {
        write(&root.join(path), content)?;
    }
    let formatted: Vec<PathBuf> = FORMATTED
        .iter()
        .map(|path| root.join(names.render(path, &version)))
        .collect();
    let rustfmt_warning = rustfmt(&formatted).err();
    Ok(Report {
        names,
        created,
        edited: edited.into_iter().map(|(path, _)| path).collect(),
        rustfmt_warning,
    })
}

/// Inserts `text` before the line that starts with `marker` (after indentation), indenting
/// each inserted line like the marker. `None` when no line carries the marker.
pub(crate) fn insert_before_marker(content: &str, marker: &str, text: &str) -> Option<String> {
    let mut out = String::with_capacity(content.len() + text.len());
    let mut found = false;
    for line in content.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !found && trimmed.starts_with(marker) {
            found = true;
            let indent = &line[..line.len() - trimmed.len()];
            for inserted in text.split_inclusive('\n') {
                if inserted.trim().is_empty() {
                    out.push_str(inserted);
                } else {
                    out.push_str(indent);
                    out.push_str(inserted);
                }
            }
        }
        out.push_str(line);
    }
    found.then_some(out)
}

/// The features of the facade manifest's `[features]` table, except `default`, in order.
/// Commented-out features are not features.
pub(crate) fn facade_features(manifest: &str) -> Vec<String> {
    let mut features = Vec::new();
    let mut in_features = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features || line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim().trim_matches('"');
            if key != "default" && !key.is_empty() {
                features.push(key.to_owned());
            }
        }
    }
    features
}

/// The `version` of `[workspace.package]`, or `0.1.0`.
fn workspace_version(manifest: &str) -> String {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package {
            let value = line
                .strip_prefix("version")
                .and_then(|rest| rest.trim_start().strip_prefix('='));
            if let Some(value) = value {
                return value.trim().trim_matches('"').to_owned();
            }
        }
    }
    "0.1.0".to_owned()
}

/// Formats the generated Rust code, so that `cargo fmt --check` passes whatever the length of
/// the name. A missing `rustfmt` is a warning, not an error.
fn rustfmt(files: &[PathBuf]) -> Result<(), String> {
    let status = Command::new("rustfmt")
        .arg("--edition")
        .arg("2024")
        .args(files)
        .status()
        .map_err(|e| format!("rustfmt could not run ({e}); run `cargo fmt` before committing"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "rustfmt failed ({status}); run `cargo fmt` before committing"
        ))
    }
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, content: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_derived_from_the_provider_name() {
        let names = Names::parse("acme-id").expect("valid");
        assert_eq!(names.ident, "acme_id");
        assert_eq!(names.camel, "AcmeId");
        assert_eq!(names.upper, "ACME_ID");
        assert_eq!(names.title, "Acme Id");
        assert_eq!(names.package(), "oauth-kit-acme-id");
        let single = Names::parse("gitea2").expect("valid");
        assert_eq!(
            (single.camel.as_str(), single.upper.as_str()),
            ("Gitea2", "GITEA2")
        );
    }

    #[test]
    fn invalid_names_are_rejected() {
        for bad in [
            "",
            "Acme",
            "acme_id",
            "acme id",
            "-acme",
            "acme-",
            "acme--id",
            "2fa",
            "a/b",
            "type",
            "self",
            "async",
            "default",
            "core",
            "flow",
            "axum",
            "a-very-long-provider-name-over-32c",
        ] {
            assert!(Names::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn every_placeholder_is_replaced() {
        let names = Names::parse("acme-id").expect("valid");
        for (path, content) in FILES {
            for text in [names.render(path, "0.1.0"), names.render(content, "0.1.0")] {
                assert!(!text.contains("{{"), "{path} keeps a placeholder");
            }
        }
        for (_, _, text) in EDITS {
            assert!(!names.render(text, "0.1.0").contains("{{"));
        }
    }

    #[test]
    fn templates_contain_no_todo_markers_and_inherit_the_lints() {
        for (path, content) in FILES {
            for word in ["TODO", "FIXME", "todo!", "unimplemented!"] {
                assert!(!content.contains(word), "{path} contains {word}");
            }
        }
        let manifest = FILES[0].1;
        assert!(manifest.contains("[lints]\nworkspace = true"));
    }

    #[test]
    fn text_is_inserted_before_the_marker_with_its_indentation() {
        let toml = "members = [\n    \"a\",\n    # xtask:new-provider members (note)\n]\n";
        let out = insert_before_marker(toml, "# xtask:new-provider members", "\"b\",\n");
        assert_eq!(
            out.as_deref(),
            Some(
                "members = [\n    \"a\",\n    \"b\",\n    # xtask:new-provider members (note)\n]\n"
            )
        );
        assert_eq!(insert_before_marker("x\n", "# marker", "y\n"), None);
    }

    #[test]
    fn every_marker_exists_in_the_repository() {
        let root = crate::workspace_root();
        for (file, marker, _) in EDITS {
            let text = fs::read_to_string(root.join(file)).expect("readable");
            assert!(
                text.lines().any(|l| l.trim_start().starts_with(marker)),
                "{file} lacks `{marker}`"
            );
        }
    }

    #[test]
    fn facade_features_come_from_the_features_table() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"a\"]\n# Providers.\n\
                        a = [\"dep:a\"]\n# c = []\nb-c = []\n\n[dependencies]\nd = \"1\"\n";
        assert_eq!(facade_features(manifest), ["a", "b-c"]);
        let root = crate::workspace_root();
        let real = facade_features(
            &fs::read_to_string(root.join("crates/oauth-kit/Cargo.toml")).expect("facade"),
        );
        assert!(real.iter().any(|f| f == "bitbucket"), "{real:?}");
        assert!(!real.iter().any(|f| f == "default"));
    }

    #[test]
    fn workspace_version_is_read_from_the_workspace_package() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"1.2.3\"\n";
        assert_eq!(workspace_version(manifest), "1.2.3");
        assert_eq!(workspace_version("[workspace]\n"), "0.1.0");
    }

    #[test]
    fn the_generated_guide_links_only_to_pages_that_exist() {
        let root = crate::workspace_root();
        let names = Names::parse("acme-id").expect("valid");
        let (path, template) = FILES
            .iter()
            .find(|(path, _)| path.starts_with("docs/"))
            .expect("a docs page");
        let page = root.join(names.render(path, "0.1.0"));
        let dir = page.parent().expect("docs/providers");
        for link in crate::docs::relative_links(&names.render(template, "0.1.0")) {
            let target = link.split('#').next().unwrap_or_default();
            assert!(dir.join(target).exists(), "broken link {link}");
        }
    }
}
