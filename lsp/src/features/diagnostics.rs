//! The findings of a document, as `flowlint` reports them (with
//! `flowlint.toml` and `// flowlint:ignore` honoured).

use river_analyzer::lint::file_findings;
use river_analyzer::test_file;
use tower_lsp_server::ls_types::{Diagnostic, Location};

use crate::convert::{diagnostic, Lines};
use crate::state::Snapshot;

pub fn compute(s: &Snapshot) -> Vec<Diagnostic> {
    let findings = match &s.tested {
        Some(config) => s.settings.apply(test_file::check_against(
            &s.db,
            *config,
            s.file.path(&s.db),
            s.file.text(&s.db),
        )),
        None => s.settings.apply(file_findings(&s.db, s.config, s.file).clone()),
    };
    let lines = s.lines();
    let locate = |path: &str, range| locate(s, path, range);
    let mut all: Vec<Diagnostic> =
        findings.iter().map(|f| diagnostic(f, &lines, &locate)).collect();
    all.extend(super::tests::diagnostics(s, &s.failures));
    all
}

/// A place in any file of the config, or in a module file an import
/// reads (`invalid-module`), which is read again to place it.
pub fn locate(s: &Snapshot, path: &str, range: river_syntax::TextRange) -> Option<Location> {
    let Some(file) = s.config.files(&s.db).iter().find(|f| f.path(&s.db) == path) else {
        let text = river_analyzer::load::read(std::path::Path::new(path)).ok()?.text;
        let lines = Lines::new(&text, s.unit);
        let uri = tower_lsp_server::ls_types::Uri::from_file_path(path)?;
        return Some(Location { uri, range: lines.range(range) });
    };
    let lines = Lines::new(file.text(&s.db), s.unit);
    Some(Location { uri: s.uri_of(path)?, range: lines.range(range) })
}
