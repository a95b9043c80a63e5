//! Findings as data: what a rule found, where, why, and how to fix it.

use river_syntax::{Severity, TextRange, TextSize};

use super::rule::Rule;

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

/// Adds "did you mean" help and an unsafe fix writing the suggestion over
/// `range`, when one of `candidates` is close to `name`; `false` when none is.
pub(crate) fn suggest<'a>(
    finding: &mut Finding,
    range: river_syntax::TextRange,
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
    written: Written,
) -> bool {
    let Some(suggestion) = crate::schema::closest(name, candidates) else { return false };
    let (text, shown) = match written {
        Written::Name => (suggestion.to_owned(), format!("`{suggestion}`")),
        Written::String => (format!("{suggestion:?}"), format!("{suggestion:?}")),
    };
    finding.help.push(format!("did you mean {shown}?"));
    let edits = vec![Edit { range, text }];
    finding.fix = Some(Fix { title: format!("change it to {shown}"), edits, safe: false });
    true
}
