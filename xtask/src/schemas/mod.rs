//! `cargo xtask schemas`: the component schemas from the reference docs.
//!
//! Reads `components/*.md` and `config-blocks/*.md` of a docs tree (the
//! upstream `reference` folder with the upstream `shared` folder beside
//! it, as `tests/data/reference-docs` holds them), and writes
//! `analyzer/schema/generated.json`. Only facts are taken (names, types,
//! defaults, hierarchy, links): descriptions are written by hand, in our
//! own words, in `analyzer/schema/descriptions/`.

mod body;
mod markdown;
mod page;
mod prose;

use std::path::Path;

use river_analyzer::schema::{Component, Kind};

/// Every schema of the docs tree at `docs`, in name order, or the list of
/// pages the generator could not read completely.
pub fn generate(docs: &Path) -> Result<Vec<Component>, Vec<String>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (folder, kind) in [("components", Kind::Component), ("config-blocks", Kind::ConfigBlock)] {
        let mut pages = page_paths(&docs.join(folder)).map_err(|e| vec![e])?;
        pages.sort();
        for path in pages {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            match markdown::Page::read(&path, docs) {
                Ok(page) => out.push(page::component(&page, &name, kind, &mut problems)),
                Err(e) => problems.push(e),
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The data file's text: pretty JSON, one schema after another.
pub fn to_json(components: &[Component]) -> String {
    let mut text = serde_json::to_string_pretty(components).expect("schemas serialise");
    text.push('\n');
    text
}

fn page_paths(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let is_page = path.extension().is_some_and(|e| e == "md");
        if is_page && path.file_name().is_some_and(|n| n != "_index.md") {
            out.push(path);
        }
    }
    Ok(out)
}
