//! What a rule is: its id, severity and docs.

use river_syntax::Severity;

/// A rule's identity and docs.
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixKind {
    None,
    /// Cannot change meaning; `--fix` applies it.
    Safe,
    /// Needs a look; `--unsafe-fixes` applies it.
    Unsafe,
}
