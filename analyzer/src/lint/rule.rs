//! What a rule is: its id, severity, docs, where it runs, and how it
//! reports.
//!
//! A rule's hook is handed the context of the place it runs and a
//! [`Report`] bound to the rule: the report makes every finding with the
//! rule's own id and default severity (findings are made only here), and
//! a hook can only add help, related places and a fix to it. So a rule cannot report another rule's
//! findings; where one check used to gate another, the gate is a fact in
//! the context that the walk computes once (`AttributeCx::type_fits`,
//! `BlockCx::shape`).

use river_syntax::{Severity, TextRange};

use super::context::{AttributeCx, BlockCx, FileCx, ItemCx};
use super::finding::{Edit, Finding, Fix, Related, Written};
use crate::db::Config;

/// A rule's identity, docs and hook.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id, used in reports, suppressions and config.
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters and what to do, in a paragraph.
    pub explanation: &'static str,
    /// A config the rule reports.
    pub invalid: &'static str,
    /// The same config put right.
    pub valid: &'static str,
    /// Whether findings carry a fix, and how safe it is.
    pub fix: FixKind,
    /// Where the rule runs, with its hook.
    pub check: Check,
}

/// Where a rule runs. The walk computes each context once and runs every
/// rule of its kind on it, in `RULES` order.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Once per file, on its parse (syntax errors).
    File(fn(&FileCx<'_>, &mut Report<'_>)),
    /// Once per item (a top-level block, or a block inside a `declare`),
    /// on its whole syntax: its name and label, references and calls.
    Item(fn(&ItemCx<'_>, &mut Report<'_>)),
    /// Once per block body, top-level or nested, with what it is checked
    /// against (a schema, a custom component's arguments, a `declare`).
    Block(fn(&BlockCx<'_>, &mut Report<'_>)),
    /// Once per attribute that has a schema argument, with its value, its
    /// folded value and whether its type fits.
    Attribute(fn(&AttributeCx<'_>, &mut Report<'_>)),
    /// Once per config, on its names and reference graph.
    Config(fn(&dyn salsa::Database, Config, &mut Report<'_>)),
    /// Not run by the linter: `flow run` reports it with what only the
    /// runtime knows.
    Runtime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixKind {
    None,
    /// Cannot change meaning; `--fix` applies it.
    Safe,
    /// Needs a look; `--unsafe-fixes` applies it.
    Unsafe,
}

/// What a hook reports to: every finding it makes is of its rule, at the
/// rule's default severity.
pub struct Report<'a> {
    rule: &'static Rule,
    out: &'a mut Vec<Finding>,
}

impl Rule {
    /// A finding of this rule in `file`, at its default severity: how
    /// `Report` makes every finding, and how `flow run` reports the
    /// runtime-only rules.
    pub fn finding(&self, file: &str, range: TextRange, message: impl Into<String>) -> Finding {
        Finding {
            rule: self.id,
            severity: self.severity,
            file: file.to_owned(),
            range,
            message: message.into(),
            help: Vec::new(),
            related: Vec::new(),
            fix: None,
        }
    }
}

impl<'a> Report<'a> {
    pub(super) fn new(rule: &'static Rule, out: &'a mut Vec<Finding>) -> Report<'a> {
        Report { rule, out }
    }

    /// A finding at `range` (in the context's coordinates: item-relative
    /// for items, blocks and attributes; the file's for files and
    /// configs), to which the returned draft adds the rest.
    pub(crate) fn at(&mut self, range: TextRange, message: impl Into<String>) -> Draft<'_> {
        self.out.push(self.rule.finding("", range, message));
        Draft(self.out.last_mut().expect("just pushed"))
    }
}

/// A finding being made: help, related places and a fix can be added, its
/// rule and severity cannot change.
pub(crate) struct Draft<'a>(&'a mut Finding);

impl Draft<'_> {
    pub(crate) fn help(&mut self, line: impl Into<String>) -> &mut Self {
        self.0.help.push(line.into());
        self
    }

    /// A related place; an empty `file` means the finding's own file.
    pub(crate) fn related(
        &mut self,
        file: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Self {
        self.0.related.push(Related { file: file.to_owned(), range, message: message.into() });
        self
    }

    pub(crate) fn fix(
        &mut self,
        title: impl Into<String>,
        edits: Vec<Edit>,
        safe: bool,
    ) -> &mut Self {
        self.0.fix = Some(Fix { title: title.into(), edits, safe });
        self
    }

    /// The file the finding is in, for config-wide rules (the walk sets it
    /// for the others).
    pub(crate) fn in_file(&mut self, path: &str) -> &mut Self {
        self.0.file = path.to_owned();
        self
    }

    /// Adds "did you mean" help and an unsafe fix writing the suggestion
    /// over `range`, when one of `candidates` is close to `name`; `false`
    /// when none is.
    pub(crate) fn suggest<'c>(
        &mut self,
        range: TextRange,
        name: &str,
        candidates: impl Iterator<Item = &'c str>,
        written: Written,
    ) -> bool {
        let Some(suggestion) = crate::schema::closest(name, candidates) else { return false };
        let (text, shown) = match written {
            Written::Name => (suggestion.to_owned(), format!("`{suggestion}`")),
            Written::String => (format!("{suggestion:?}"), format!("{suggestion:?}")),
        };
        self.help(format!("did you mean {shown}?"));
        self.fix(format!("change it to {shown}"), vec![Edit { range, text }], false);
        true
    }
}
