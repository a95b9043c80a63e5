//! Lint: every mistake a config can hold, found before it runs.
//!
//! Findings are data (rule, severity, place, message, help, related
//! places, fix); the binaries and the language server render them. Each
//! rule lives in `rules/`, one file with its metadata (id, default
//! severity, docs with an invalid and a valid example, which the tests
//! run) and its check. Checks run as salsa queries: per item
//! (`item_findings`), per config (`config_findings`), per file
//! (`file_findings`, which adds syntax errors and applies
//! `// flowlint:ignore` comments).

mod fold;
mod graph;
mod item;
pub mod navigation;
mod refs;
pub mod rules;
mod suppress;
mod types;
mod walk;

use river_syntax::{Severity, TextRange, TextSize};

use crate::db::{file_items, parse_file, Config, File};

pub use graph::{config_graph, ConfigGraph};
pub use item::item_findings;
pub use rules::{rule, Rule, RULES};

/// One finding about a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The rule's stable id (`unknown-argument`).
    pub rule: &'static str,
    pub severity: Severity,
    /// The file's path, as the config gives it.
    pub file: String,
    pub range: TextRange,
    /// What is wrong: lowercase, no trailing period.
    pub message: String,
    /// Help lines.
    pub help: Vec<String>,
    /// Places that explain the finding ("first declared here").
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Related {
    pub file: String,
    pub range: TextRange,
    pub message: String,
}

/// Text edits that resolve a finding, in the finding's file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Safe fixes cannot change what the config means (removing an exact
    /// duplicate); the others need `--unsafe-fixes` (a did-you-mean rename).
    pub safe: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

impl Finding {
    /// A finding of `rule` at its default severity, in no file yet.
    pub(crate) fn new(rule: &Rule, range: TextRange, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            file: String::new(),
            range,
            message: message.into(),
            help: Vec::new(),
            related: Vec::new(),
            fix: None,
        }
    }

    pub(crate) fn help(mut self, line: impl Into<String>) -> Finding {
        self.help.push(line.into());
        self
    }

    pub(crate) fn related(
        mut self,
        file: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Finding {
        self.related.push(Related { file: file.to_owned(), range, message: message.into() });
        self
    }

    pub(crate) fn fix(mut self, title: impl Into<String>, edits: Vec<Edit>, safe: bool) -> Finding {
        self.fix = Some(Fix { title: title.into(), edits, safe });
        self
    }

    /// Moves every range by `offset`, from item-relative to file positions.
    fn shifted(mut self, offset: TextSize, file: &str) -> Finding {
        self.file = file.to_owned();
        self.range += offset;
        for related in &mut self.related {
            if related.file.is_empty() {
                related.file = file.to_owned();
                related.range += offset;
            }
        }
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                edit.range += offset;
            }
        }
        self
    }
}

/// Everything found in one file of a config, sorted by place, with
/// `// flowlint:ignore` comments applied.
#[salsa::tracked(returns(ref))]
pub fn file_findings(db: &dyn salsa::Database, config: Config, file: File) -> Vec<Finding> {
    let path = file.path(db);
    let mut out: Vec<Finding> = parse_file(db, file)
        .errors
        .iter()
        .map(|d| {
            let mut f = Finding::new(&rules::syntax_error::RULE, d.range, d.message.clone());
            f.file = path.clone();
            f.help = d.notes.clone();
            f.related = d
                .labels
                .iter()
                .map(|l| Related { file: path.clone(), range: l.range, message: l.message.clone() })
                .collect();
            f
        })
        .collect();
    let broken: Vec<TextRange> = out.iter().map(|f| f.range).collect();
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
    rules::duplicate_label::check(db, config, &mut out);
    rules::dependency_cycle::check(db, config, &mut out);
    rules::unused_component::check(db, config, &mut out);
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
