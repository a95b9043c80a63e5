//! What a rule is: its id, severity, docs, and where it runs.
//!
//! A rule's hook is handed the context of the place it runs and a
//! [`Report`] bound to the rule: the report makes every finding with the
//! rule's own id and default severity, and a hook can only add help,
//! related places and a fix to it. So a rule cannot report another rule's
//! findings; where one check used to gate another, the gate is a fact in
//! the context that the walk computes once (`AttributeCx::type_fits`,
//! `BlockCx::shape`).

use river_syntax::Severity;

use super::context::{AttributeCx, BlockCx, FileCx, ItemCx};
use super::report::Report;
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
