//! The printer: runs the IR, places comments, and produces the text that
//! the aligner lays out (with `\t` and `\v` cell ends, `\n` and `\f` line
//! breaks, and escaped literal text).
//!
//! Whitespace requests wait in a buffer until the next text, so that a
//! comment in between can decide which of them survive: a comment on its
//! own line keeps the indentation but brings its own line breaks, at most
//! one blank line. Positions are tracked in source space (to compare with
//! comments) and in output space (to indent fresh lines), as the reference
//! printer does, so that comments land exactly where it puts them.

use river_syntax::bytes;

use crate::comments::Comment;
use crate::ir::ESCAPE;
use crate::ir::{Class, Item, Pos, Sink, Ws};

/// At most this many line breaks in a row: one blank line.
const MAX_NEWLINES: usize = 2;

/// Where the printer is: byte offset and line, in source or output space.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cursor {
    offset: usize,
    /// 1-based; 0 means "nowhere yet".
    line: usize,
    column: usize,
}

impl Cursor {
    fn at(pos: Pos) -> Cursor {
        Cursor { offset: pos.offset, line: pos.line, column: 0 }
    }
}

/// What the next text is, for the comment rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Text,
    End,
}

pub(crate) struct Printer<'c> {
    output: Vec<u8>,
    indent: usize,
    last_class: Option<Class>,
    pending: Vec<Option<Ws>>,
    groups: std::iter::Peekable<std::slice::Iter<'c, Vec<Comment>>>,
    /// Estimated position in the source.
    pos: Cursor,
    /// Source position after the last text written.
    last: Cursor,
    /// Position in the output.
    out: Cursor,
}

impl<'c> Printer<'c> {
    pub(crate) fn new(groups: &'c [Vec<Comment>], size_hint: usize) -> Self {
        let start = Cursor { offset: 0, line: 1, column: 1 };
        Printer {
            output: Vec::with_capacity(size_hint + size_hint / 4),
            indent: 0,
            last_class: None,
            pending: Vec::with_capacity(16),
            groups: groups.iter().peekable(),
            pos: start,
            last: Cursor::default(),
            out: start,
        }
    }

    /// Writes the comments left at the end and returns the output.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        let end = Cursor { offset: usize::MAX, line: usize::MAX, column: 0 };
        self.flush(end, Next::End);
        self.output
    }

    fn text(&mut self, text: &str, class: Class) {
        // Keep two tokens from merging into one when read back (`1.`, `/*`).
        let merges = match (self.last_class, text.as_bytes().first()) {
            (Some(Class::Number), Some(b'.')) | (Some(Class::Slash), Some(b'*')) => {
                matches!(class, Class::Punct | Class::Slash)
            }
            _ => false,
        };
        if merges && self.pending.is_empty() {
            self.pending.push(Some(Ws::Blank));
        }
        self.last_class = Some(class);
        let next = self.pos;
        self.flush(next, Next::Text);
        self.write_text(next, text, class == Class::String);
    }

    /// Writes the comments before `next`, or else the pending whitespace.
    fn flush(&mut self, next: Cursor, kind: Next) {
        if self.comment_before(next) {
            self.comments(next, kind);
        } else if kind != Next::End {
            self.write_pending(self.pending.len());
        }
    }

    fn comment_before(&mut self, next: Cursor) -> bool {
        self.groups.peek().and_then(|g| g.first()).is_some_and(|c| c.start.offset <= next.offset)
    }

    fn comments(&mut self, next: Cursor, kind: Next) {
        let mut last = None;
        while self.comment_before(next) {
            let Some(group) = self.groups.next() else {
                break;
            };
            for comment in group {
                self.before_comment(next, comment);
                let at = Cursor::at(comment.start);
                self.write_text(at, &comment.text, true);
                last = Some(comment);
            }
        }
        if let Some(last) = last {
            self.after_comments(next, kind, last);
        }
    }

    /// The space before a comment: a separator on the same line as the
    /// last text, or the line breaks of the source (at most one blank line).
    fn before_comment(&mut self, next: Cursor, comment: &Comment) {
        if self.output.is_empty() {
            return;
        }
        let line = comment.start.line;
        if line == self.last.line {
            // A tab before a trailing comment, a space between a comment and
            // code on the same line.
            self.write_byte(if line == next.line { b' ' } else { b'\t' }, 1);
            return;
        }
        // Apply the pending indentation changes up to the first real
        // whitespace, which the comment's own line breaks replace.
        let mut count = 0;
        for (i, ws) in self.pending.iter_mut().enumerate() {
            if matches!(ws, Some(Ws::Indent | Ws::Unindent)) {
                continue;
            }
            if ws.is_some() {
                *ws = None;
            }
            count = i;
            break;
        }
        self.write_pending(count);
        if self.last.line > 0 && line > self.last.line {
            self.write_byte(b'\x0c', (line - self.last.line).min(MAX_NEWLINES));
        }
    }

    /// The space between the last comment and the next text.
    fn after_comments(&mut self, next: Cursor, kind: Next, last: &Comment) {
        if kind == Next::End {
            return;
        }
        if last.is_block() && next.line == last.end_line {
            self.write_byte(b' ', 1);
        }
        let mut dropped_formfeed = false;
        for ws in self.pending.iter_mut() {
            match ws {
                Some(Ws::Indent | Ws::Unindent) | None => {}
                Some(w) => {
                    dropped_formfeed |= *w == Ws::Formfeed;
                    *ws = None;
                }
            }
        }
        self.write_pending(self.pending.len());
        if next.line > self.last.line {
            let byte = if dropped_formfeed { b'\x0c' } else { b'\n' };
            self.write_byte(byte, (next.line - self.last.line).min(MAX_NEWLINES));
        }
    }

    /// Writes text that came from the source at `pos`.
    fn write_text(&mut self, pos: Cursor, text: &str, literal: bool) {
        if self.out.column == 1 {
            self.write_indent();
        }
        // Worked out in a local and stored whole: updating the fields in
        // place and then copying the cursor made each text wait on a store.
        let mut at = if pos.line > 0 { pos } else { self.pos };
        if literal {
            self.output.push(ESCAPE);
        }
        self.output.extend_from_slice(text.as_bytes());
        if literal {
            self.output.push(ESCAPE);
        }
        // A formfeed inside a comment is just a character (the reference
        // counts it as a line break, which can join the next comment onto
        // this one's line).
        at.offset += text.len();
        // Only literal text (strings, comments) can hold a line break.
        debug_assert!(literal || !text.contains('\n'), "a line break in {text:?}");
        let last_break = if literal { bytes::rfind(b'\n', text.as_bytes()) } else { None };
        if let Some(last_break) = last_break {
            let breaks = bytes::count(b'\n', text.as_bytes());
            let column = text.len() - last_break;
            at.line += breaks;
            at.column = column;
            self.out.line += breaks;
            self.out.column = column;
        } else {
            at.column += text.len();
            self.out.column += text.len();
        }
        self.pos = at;
        self.last = at;
    }

    fn write_indent(&mut self) {
        let depth = self.indent;
        self.output.extend(std::iter::repeat_n(b'\t', depth));
        self.pos.offset += depth;
        self.pos.column += depth;
        self.out.column += depth;
    }

    /// Writes a whitespace byte `n` times.
    fn write_byte(&mut self, byte: u8, n: usize) {
        if self.out.column == 1 {
            self.write_indent();
        }
        self.output.extend(std::iter::repeat_n(byte, n));
        self.pos.offset += n;
        if byte == b'\n' || byte == b'\x0c' {
            self.pos.line += n;
            self.out.line += n;
            self.pos.column = 1;
            self.out.column = 1;
        } else {
            self.pos.column += n;
            self.out.column += n;
        }
    }

    /// Writes the first `n` pending whitespace requests.
    fn write_pending(&mut self, n: usize) {
        for i in 0..n {
            let Some(ws) = self.pending[i] else { continue };
            match ws {
                Ws::Indent => self.indent += 1,
                Ws::Unindent => self.indent = self.indent.saturating_sub(1),
                other => {
                    if let Some(byte) = other.byte() {
                        self.write_byte(byte, 1);
                    }
                }
            }
        }
        self.pending.drain(..n);
    }
}

impl<'a> Sink<'a> for Printer<'_> {
    /// Runs one IR item. Inlined where the walker emits it, so that each
    /// call site runs only its own kind of item.
    #[inline]
    fn item(&mut self, item: Item<'a>) {
        match item {
            Item::Ws(ws) => {
                self.pending.push(Some(ws));
                self.last_class = None;
            }
            Item::At(pos) => self.pos = Cursor::at(pos),
            Item::Text { text, class } => self.text(&text, class),
        }
    }
}
