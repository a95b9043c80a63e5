//! Where findings are made: a `Report` bound to the rule whose hook runs,
//! and the runners that hand one to every rule of a kind. Findings are
//! made only here, so each carries the id of the rule that found it.

use river_syntax::TextRange;

use super::context::{AttributeCx, BlockCx, FileCx, ItemCx};
use super::finding::{Edit, Finding, Fix, Related, Written};
use super::rule::{Check, Rule};
use super::rules::RULES;
use crate::db::Config;

/// What a hook reports to: every finding it makes is of its rule, at the
/// rule's default severity.
pub struct Report<'a> {
    rule: &'static Rule,
    out: &'a mut Vec<Finding>,
}

impl Report<'_> {
    /// A finding at `range` (in the context's coordinates: item-relative
    /// for items, blocks and attributes; the file's for files and
    /// configs), to which the returned draft adds the rest.
    pub(crate) fn at(&mut self, range: TextRange, message: impl Into<String>) -> Draft<'_> {
        self.out.push(Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            file: String::new(),
            range,
            message: message.into(),
            help: Vec::new(),
            related: Vec::new(),
            fix: None,
        });
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

/// Runs every rule whose hook `hook_of` picks on `cx`, each with a report
/// bound to it.
fn run<C: ?Sized>(
    cx: &C,
    out: &mut Vec<Finding>,
    hook_of: impl Fn(Check) -> Option<fn(&C, &mut Report<'_>)>,
) {
    for rule in RULES {
        if let Some(hook) = hook_of(rule.check) {
            hook(cx, &mut Report { rule, out });
        }
    }
}

pub(super) fn file(cx: &FileCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::File(hook) = c { Some(hook) } else { None });
}

pub(super) fn item(cx: &ItemCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::Item(hook) = c { Some(hook) } else { None });
}

pub(super) fn block(cx: &BlockCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::Block(hook) = c { Some(hook) } else { None });
}

pub(super) fn attribute(cx: &AttributeCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::Attribute(hook) = c { Some(hook) } else { None });
}

pub(super) fn config(db: &dyn salsa::Database, config: Config, out: &mut Vec<Finding>) {
    for rule in RULES {
        if let Check::Config(hook) = rule.check {
            hook(db, config, &mut Report { rule, out });
        }
    }
}
