//! Comments, collected once from the tree before formatting starts.
//!
//! Adjacent comments form a group: comments with no code between them and
//! no blank line between them, as the reference groups them. The printer
//! places a whole group before the first text that comes after the group's
//! first comment, and writes every group exactly once.

use river_syntax::SyntaxKind;

use crate::ir::Pos;
use crate::lines::Lines;

/// One comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    pub start: Pos,
    /// The line the comment ends on.
    pub end_line: usize,
    /// The text, carriage returns dropped (as the reference scanner does).
    pub text: String,
}

impl Comment {
    pub(crate) fn is_block(&self) -> bool {
        self.text.starts_with("/*")
    }
}

/// Comments in source order, grouped. They are found by lexing the text
/// again, which is much cheaper than walking the tree's tokens.
pub(crate) fn collect(text: &str, lines: &mut Lines) -> Vec<Vec<Comment>> {
    let (tokens, _) = river_syntax::lex(text);
    let mut groups: Vec<Vec<Comment>> = Vec::new();
    // Whether code came between the last comment and this one.
    let mut code_since_last = true;
    for i in 0..tokens.len() {
        let kind = tokens.kind(i);
        if !kind.is_comment() {
            if !kind.is_trivia() {
                code_since_last = true;
            }
            continue;
        }
        let offset = usize::from(tokens.range(i).start());
        let line = lines.line(offset);
        let raw = tokens.text(text, i);
        let text = if kind == SyntaxKind::LINE_COMMENT {
            raw.strip_suffix('\r').unwrap_or(raw).to_string()
        } else {
            raw.replace('\r', "")
        };
        let end_line = line + text.matches('\n').count();
        let comment = Comment { start: Pos { offset, line }, end_line, text };
        let joins = !code_since_last
            && groups.last().and_then(|g| g.last()).is_some_and(|prev| line <= prev.end_line + 1);
        match groups.last_mut() {
            Some(group) if joins => group.push(comment),
            _ => groups.push(vec![comment]),
        }
        code_since_last = false;
    }
    groups
}
