//! Large inputs: from which size the command line parses and formats a
//! file in pieces on two threads. The libraries never decide this (their
//! `parse` and `format` start no thread); a one-shot command that owns the
//! whole process does, where the second core is otherwise idle.

use river_syntax::{Diagnostic, Parse};

/// `flow parse` parses files at least this large on two threads. Measured
/// on bench/syntax's input: below about 32 KiB starting the second thread
/// costs more than it saves.
pub const PARSE_IN_PIECES_FROM: usize = 32 << 10;

/// `flowfmt` formats files at least this large on two threads. Measured on
/// bench/fmt's input: below about 24 KiB starting the second thread costs
/// more than it saves.
pub const FORMAT_IN_PIECES_FROM: usize = 24 << 10;

/// Parses `text`, in pieces when it is large.
pub fn parse(text: &str) -> Parse {
    if text.len() >= PARSE_IN_PIECES_FROM {
        river_syntax::parse_in_pieces(text)
    } else {
        river_syntax::parse(text)
    }
}

/// Formats `text`, in pieces when it is large, handing back the syntax
/// trees of a large file for the process to drop at exit.
pub fn format(text: &str) -> (Result<String, Vec<Diagnostic>>, Vec<Parse>) {
    if text.len() >= FORMAT_IN_PIECES_FROM {
        river_fmt::format_in_pieces(text)
    } else {
        (river_fmt::format(text), Vec::new())
    }
}
