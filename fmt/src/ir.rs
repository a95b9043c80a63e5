//! The formatting IR: what the walker emits and the printer lays out.
//!
//! A flat list of text, whitespace directives and source positions, in
//! output order. Whitespace is a request, not text: the printer decides what
//! survives around comments. `VTab` ends an alignment cell (the `=` of
//! consecutive attributes lines up), `Newline` keeps an alignment run going
//! and `Formfeed` ends it. `At` tells the printer where in the source the
//! next text came from, which is how comments find their place.

use std::borrow::Cow;
use std::fmt;

/// Brackets literal text in the printer's output, so that the aligner and
/// the trimmer leave it alone (Go's `tabwriter.Escape`).
pub(crate) const ESCAPE: u8 = 0xff;

/// A position in the source: byte offset and 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
}

/// A whitespace request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ws {
    /// A space.
    Blank,
    /// The end of an alignment cell.
    VTab,
    /// A line break that keeps the current alignment run.
    Newline,
    /// A line break that ends the current alignment run.
    Formfeed,
    /// One more level of indentation for lines started from now on.
    Indent,
    /// One level less.
    Unindent,
}

impl Ws {
    /// The byte the printer writes for it (indentation writes none).
    pub(crate) fn byte(self) -> Option<u8> {
        match self {
            Ws::Blank => Some(b' '),
            Ws::VTab => Some(b'\x0b'),
            Ws::Newline => Some(b'\n'),
            Ws::Formfeed => Some(b'\x0c'),
            Ws::Indent | Ws::Unindent => None,
        }
    }
}

/// What kind of text an item holds, as far as layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A number: a `.` right after it would read as a fraction.
    Number,
    /// `/`: a `*` right after it would open a comment.
    Slash,
    /// A string literal: written verbatim, never split or trimmed.
    String,
    /// Other punctuation and operators.
    Punct,
    /// Names and other literals.
    Other,
}

/// One IR item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    Ws(Ws),
    /// The source position of the next text.
    At(Pos),
    Text {
        text: Cow<'a, str>,
        class: Class,
    },
}

/// Where the walker sends the IR: the printer, which runs it at once, or
/// a [`Doc`] that records it (for `--print-ir`).
pub trait Sink<'a> {
    fn item(&mut self, item: Item<'a>);
}

impl<'a> Sink<'a> for Doc<'a> {
    fn item(&mut self, item: Item<'a>) {
        self.items.push(item);
    }
}

/// A file's IR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc<'a> {
    pub items: Vec<Item<'a>>,
}

impl fmt::Display for Doc<'_> {
    /// One item a line, for `flowfmt --print-ir`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            match item {
                Item::Ws(ws) => writeln!(f, "{ws:?}")?,
                Item::At(pos) => writeln!(f, "@{}:{}", pos.line, pos.offset)?,
                Item::Text { text, class } => writeln!(f, "{class:?} {text:?}")?,
            }
        }
        Ok(())
    }
}
