//! Formatting part of a file, for the language server's range formatting.
//!
//! The unit is the top-level statement: the statements that the range
//! touches are replaced, whole lines at a time, by their text in the
//! formatted file. Formatting the whole file first keeps their alignment and
//! comments exactly as a full format would have them.

use river_syntax::ast::{AstNode, SourceFile};
use river_syntax::{Diagnostic, SyntaxNode, TextRange, TextSize};

/// An edit: replace `range` of the original text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

/// Formats the top-level statements that `range` touches. `Ok(None)` when
/// they are formatted already (or the range touches none).
pub fn format_range(text: &str, range: TextRange) -> Result<Option<Edit>, Vec<Diagnostic>> {
    let parse = river_syntax::parse(text);
    if !parse.ok() {
        return Err(parse.errors().to_vec());
    }
    let formatted = crate::format_parse(text, &parse);
    let before = statements(&parse.syntax());
    let after = statements(&river_syntax::parse(&formatted).syntax());
    let touched: Vec<usize> = (0..before.len())
        .filter(|&i| {
            let r = before[i].text_range();
            r.start() <= range.end() && range.start() <= r.end()
        })
        .collect();
    let (Some(&first), Some(&last)) = (touched.first(), touched.last()) else {
        return Ok(None);
    };
    // Formatting keeps the statements, so they pair up one to one.
    if before.len() != after.len() {
        return Ok(Some(Edit { range: TextRange::up_to(TextSize::of(text)), text: formatted }));
    }
    let old = whole_lines(text, before[first].text_range().cover(before[last].text_range()));
    let new = whole_lines(&formatted, after[first].text_range().cover(after[last].text_range()));
    let replacement = &formatted[new];
    if &text[old] == replacement {
        return Ok(None);
    }
    Ok(Some(Edit { range: old, text: replacement.to_string() }))
}

fn statements(root: &SyntaxNode) -> Vec<SyntaxNode> {
    SourceFile::cast(root.clone())
        .and_then(|f| f.body())
        .map(|b| b.statements().map(|s| s.syntax().clone()).collect())
        .unwrap_or_default()
}

/// `range` grown to whole lines, its final line break included.
fn whole_lines(text: &str, range: TextRange) -> TextRange {
    let start = text[..usize::from(range.start())].rfind('\n').map_or(0, |i| i + 1);
    let end = usize::from(range.end());
    let end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_of(text: &str, needle: &str) -> TextRange {
        let at = text.find(needle).unwrap();
        TextRange::at(TextSize::from(at as u32), TextSize::from(needle.len() as u32))
    }

    #[test]
    fn formats_only_the_touched_statements() {
        let text = "a   =  1\n\nb {\nc=2\n}\n\nd   =  3\n";
        let edit = format_range(text, range_of(text, "c=2")).unwrap().unwrap();
        assert_eq!(&text[edit.range], "b {\nc=2\n}\n");
        assert_eq!(edit.text, "b {\n\tc = 2\n}\n");
    }

    #[test]
    fn nothing_to_do() {
        let text = "a = 1\n\nb = 2\n";
        assert_eq!(format_range(text, range_of(text, "b = 2")).unwrap(), None);
        assert!(format_range("a = [", range_of("a = [", "a")).is_err());
    }
}
