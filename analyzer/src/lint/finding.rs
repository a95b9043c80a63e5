//! Findings as data: what a rule found, where, why, and how to fix it.
//! A lint rule makes them through its `Report` (`report.rs`), which sets
//! the rule's id and severity.

use river_syntax::{Severity, TextRange, TextSize};

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
    /// Moves every range by `offset`, from item-relative to file positions.
    pub(super) fn shifted(mut self, offset: TextSize, file: &str) -> Finding {
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

/// How a suggested replacement is written in the config.
#[derive(Clone, Copy)]
pub(crate) enum Written {
    /// A name: `prometheus.scrape`.
    Name,
    /// A string literal: `"keep"`.
    String,
}
