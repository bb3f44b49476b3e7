//! Checks that every relative Markdown link in `docs/` and `README.md` resolves.

use std::fs;
use std::path::{Path, PathBuf};

/// Checks the links and reports every broken one at once.
pub(crate) fn check_links(root: &Path) -> Result<(), String> {
    let mut files = vec![root.join("README.md")];
    collect_markdown(&root.join("docs"), &mut files);
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Ok(text) = fs::read_to_string(file) else {
            broken.push(format!("{}: cannot be read", file.display()));
            continue;
        };
        for target in relative_links(&text) {
            checked += 1;
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() {
                continue;
            }
            let base = file.parent().unwrap_or(root);
            if !base.join(path).exists() {
                broken.push(format!("{}: broken link `{target}`", file.display()));
            }
        }
    }
    if broken.is_empty() {
        println!(
            "docs: {checked} relative links in {} files resolve",
            files.len()
        );
        Ok(())
    } else {
        Err(format!("broken links:\n{}", broken.join("\n")))
    }
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_markdown(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The targets of `[text](target)` links that are neither absolute URLs nor in-page anchors,
/// outside fenced code blocks.
pub(crate) fn relative_links(markdown: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or_default();
            let external = target.contains("://") || target.starts_with("mailto:");
            if !target.is_empty() && !external && !target.starts_with('#') {
                links.push(target.to_owned());
            }
            rest = &after[end..];
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_relative_links_outside_code() {
        let md = "see [a](docs/a.md) and [b](https://x.y) [c](#top)\n```\n[d](no.md)\n```\n[e](b.md#sec)";
        assert_eq!(relative_links(md), ["docs/a.md", "b.md#sec"]);
    }

    #[test]
    fn the_repository_docs_have_no_broken_links() {
        let root = crate::workspace_root();
        assert_eq!(check_links(&root), Ok(()));
    }
}
