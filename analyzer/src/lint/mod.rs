//! Lint: every mistake a config can hold, found before it runs.
//!
//! Findings are data (rule, severity, place, message, help, related
//! places, fix); the binaries and the language server render them. Each
//! rule lives in `rules/`, one file with its metadata (id, default
//! severity, docs with an invalid and a valid example, which the tests
//! run) and one hook, whose kind says where it runs (`rule::Check`: per
//! file, item, block, attribute or config). The walk computes each
//! context once and runs every rule of its kind, as salsa queries: per
//! item (`item_findings`), per config (`config_findings`), per file
//! (`file_findings`, which adds the file rules and applies
//! `// flowlint:ignore` comments).

mod context;
pub mod declared;
mod diagnostic;
mod finding;
mod fold;
mod graph;
mod item;
mod module;
pub mod navigation;
pub mod pipeline;
mod read;
mod refs;
pub mod rule;
pub mod rules;
mod run;
mod scope;
pub mod settings;
mod suppress;
mod types;
mod walk;

use river_syntax::{TextRange, TextSize};

use crate::db::{file_items, parse_file, Config, File};

pub use context::{AttributeCx, BlockCx, FileCx, ItemCx};
pub use finding::{Edit, Finding, Fix, Related};
pub use graph::{config_graph, ConfigGraph};
pub use item::item_findings;
pub use rule::Check;
pub use rule::Report;
pub use rules::{rule, Rule, RULES};
pub use scope::{Custom, Scope};

/// The names a config's expressions see (components, custom components,
/// unknown namespaces), for completion.
pub fn scope_of(db: &dyn salsa::Database, config: Config) -> &Scope {
    scope::config_scope(db, config)
}

/// Everything found in one file of a config, sorted by place, with
/// `// flowlint:ignore` comments applied.
#[salsa::tracked(returns(ref))]
pub fn file_findings(db: &dyn salsa::Database, config: Config, file: File) -> Vec<Finding> {
    let path = file.path(db);
    let parsed = parse_file(db, file);
    let mut found = Vec::new();
    run::file(&FileCx { parsed }, &mut found);
    let mut out: Vec<Finding> =
        found.into_iter().map(|f| f.shifted(TextSize::from(0), path)).collect();
    let broken: Vec<TextRange> = parsed.errors.iter().map(|e| e.range).collect();
    for item in file_items(db, file) {
        // A block with a syntax error is not checked further: its broken
        // tree would only give findings that follow from the error.
        let range = item.range(db);
        if broken.iter().any(|e| range.contains_range(*e)) {
            continue;
        }
        let offset = item.offset(db);
        out.extend(
            item_findings(db, config, *item).iter().map(|f| f.clone().shifted(offset, path)),
        );
    }
    out.extend(config_findings(db, config).iter().filter(|f| &f.file == path).cloned());
    out.sort_by_key(|f| (f.range.start(), f.range.end(), f.rule));
    suppress::apply(file.text(db), out)
}

/// Findings about the config as a whole: duplicate labels, cycles, unused
/// components. Reads item keys, places and references, never item bodies.
#[salsa::tracked(returns(ref))]
pub fn config_findings(db: &dyn salsa::Database, config: Config) -> Vec<Finding> {
    let mut out = Vec::new();
    run::config(db, config, &mut out);
    out
}

/// Everything found in every file of a config, file by file.
pub fn config_all_findings(db: &dyn salsa::Database, config: Config) -> Vec<Finding> {
    config.files(db).iter().flat_map(|f| file_findings(db, config, *f).iter().cloned()).collect()
}

/// Lints files that form one config, in a database of their own: for
/// one-shot callers and tests. (The language server keeps its database.)
pub fn lint_sources(files: &[(&str, &str)]) -> Vec<Finding> {
    let db = crate::db::Database::default();
    let files: Vec<File> = files
        .iter()
        .map(|(path, text)| File::new(&db, (*path).to_owned(), (*text).to_owned()))
        .collect();
    let config = Config::new(&db, files);
    config_all_findings(&db, config)
}
