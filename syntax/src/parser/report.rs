//! Reporting errors (one a line, as the reference does) and counting
//! nesting against `MAX_NESTING`.

use rowan::{TextRange, TextSize};

use super::{Parser, MAX_NESTING};
use crate::diagnostic::Diagnostic;
use crate::SyntaxKind::{self, *};

impl Parser<'_> {
    /// Reports an error at the current token, unless one was already
    /// reported on this line (as the reference does) or the lexer already
    /// reported this token.
    pub(crate) fn error(&mut self, message: impl Into<String>) {
        self.error_with_hint(message, None);
    }

    /// [`Parser::error`] with a help line (the `...` placeholder gets its
    /// own whatever the error).
    pub(crate) fn error_with_hint(&mut self, message: impl Into<String>, hint: Option<&str>) {
        let range = self.current_range();
        let lexed_bad = self.kind() == Some(ERROR_TOKEN);
        let mut diag = Diagnostic::error("syntax-error", range, message);
        let ellipsis =
            "`...` marks omitted text in examples; replace it with real content or remove it";
        if let Some(note) = hint.or(self.at_ellipsis().then_some(ellipsis)) {
            diag = diag.with_note(note);
        }
        self.push_error(diag, lexed_bad);
    }

    pub(crate) fn error_at(&mut self, range: TextRange, message: impl Into<String>, silent: bool) {
        self.push_error(Diagnostic::error("syntax-error", range, message), silent);
    }

    /// Reports a prepared diagnostic under the one-error-a-line rule.
    pub(crate) fn push_error(&mut self, diag: Diagnostic, silent: bool) {
        if self.too_deep || self.same_line_as_last_error(diag.range.start()) {
            return;
        }
        self.last_error = Some(diag.range.start());
        if !silent {
            self.errors.push(diag);
        }
    }

    fn same_line_as_last_error(&self, at: TextSize) -> bool {
        let Some(last) = self.last_error else {
            return false;
        };
        let (a, b) = if last <= at { (last, at) } else { (at, last) };
        !self.text[usize::from(a)..usize::from(b)].contains('\n')
    }

    /// Reports "expected X, got Y" at the current token.
    pub(crate) fn expected(&mut self, what: &str) {
        let got = self.describe_current();
        self.error(format!("expected {what}, got {got}"));
    }

    /// Consumes `kind` or reports that it is missing (without consuming).
    pub(crate) fn expect(&mut self, kind: SyntaxKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            self.expected(kind.describe());
            false
        }
    }

    // --- Nesting -----------------------------------------------------------

    /// Enters one more level of nesting; false (after one report for the
    /// whole file) when that would pass [`MAX_NESTING`].
    pub(crate) fn enter(&mut self) -> bool {
        if self.depth >= MAX_NESTING {
            if !self.too_deep {
                let range = self.current_range();
                let diag = Diagnostic::error(
                    "nesting-limit",
                    range,
                    format!("nesting too deep: blocks and expressions may nest at most {MAX_NESTING} levels"),
                )
                .with_note("split the value into smaller parts, or flatten the expression");
                self.errors.push(diag);
                self.too_deep = true;
            }
            return false;
        }
        self.depth += 1;
        true
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    pub(crate) fn leave_many(&mut self, levels: u32) {
        self.depth -= levels;
    }
}
