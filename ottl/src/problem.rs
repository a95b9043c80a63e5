//! What the parser and the checks report: plain data, with a byte range in
//! the statement or condition text.

use crate::ast::Span;

/// One thing wrong with a statement or condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    /// What is wrong and what was expected, lowercase, no final period.
    pub message: String,
    /// A hint such as "did you mean `set`?".
    pub help: Option<String>,
}

/// What kind of mistake a problem is, for tests and for tools that sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The text is not OTTL: the collector's parser refuses it.
    Syntax,
    /// A function the processor does not have in this context, or an
    /// editor where a converter belongs or the other way round.
    UnknownFunction,
    /// Too many or too few arguments, a named argument no parameter has,
    /// or a value of a kind the parameter cannot take.
    Arguments,
    /// A path the context does not have.
    UnknownPath,
    /// An enum symbol the context does not have.
    UnknownEnum,
}

impl Problem {
    pub(crate) fn new(kind: ProblemKind, span: Span, message: impl Into<String>) -> Problem {
        Problem { kind, span, message: message.into(), help: None }
    }

    pub(crate) fn syntax(span: Span, message: impl Into<String>) -> Problem {
        Problem::new(ProblemKind::Syntax, span, message)
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean" help when a candidate is close to `name`.
    pub(crate) fn suggest<'a>(
        self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Problem {
        match closest(name, candidates) {
            Some(near) => self.with_help(format!("did you mean `{near}`?")),
            None => self,
        }
    }
}

/// The candidate nearest to `name`, when it is within a third of its
/// length in edits (the measure the analyzer uses for River names, so that
/// suggestions feel the same inside and outside a statement).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(distance, c)| distance <= limit && c != name)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_only_near_names() {
        let names = ["set", "delete_key", "keep_keys"];
        assert_eq!(closest("sett", names), Some("set"));
        assert_eq!(closest("delete_keys", names), Some("delete_key"));
        assert_eq!(closest("truncate", names), None);
    }
}
