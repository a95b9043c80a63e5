//! Comments, collected once from the tree before formatting starts.
//!
//! Adjacent comments form a group: comments with no code between them and
//! no blank line between them, as the reference groups them. The printer
//! places a whole group before the first text that comes after the group's
//! first comment, and writes every group exactly once.

use river_syntax::Parse;

use crate::ir::Pos;
use crate::lines::Lines;

/// One comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    pub start: Pos,
    /// The line the comment ends on.
    pub end_line: usize,
    /// The text, carriage returns dropped.
    pub text: String,
}

impl Comment {
    pub(crate) fn is_block(&self) -> bool {
        self.text.starts_with("/*")
    }
}

/// Comments in source order, grouped, from the parse's list of them.
pub(crate) fn collect(text: &str, parse: &Parse, lines: &mut Lines) -> Vec<Vec<Comment>> {
    let mut groups: Vec<Vec<Comment>> = Vec::new();
    let mut last_code: Option<u32> = None;
    for info in parse.comments() {
        let offset = usize::from(info.range.start());
        let line = lines.line(offset);
        let raw = &text[info.range];
        // Carriage returns go, as the reference scanner drops them.
        let text = raw.replace('\r', "");
        let end_line = line + text.matches('\n').count();
        let comment = Comment { start: Pos { offset, line }, end_line, text };
        // No code between this comment and the last, and no blank line.
        let joins = last_code == Some(info.code_before)
            && groups.last().and_then(|g| g.last()).is_some_and(|prev| line <= prev.end_line + 1);
        match groups.last_mut() {
            Some(group) if joins => group.push(comment),
            _ => groups.push(vec![comment]),
        }
        last_code = Some(info.code_before);
    }
    groups
}
