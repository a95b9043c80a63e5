//! The River formatter: one canonical style, byte for byte what the
//! reference formatter prints, with no options.
//!
//! Pipeline: the typed syntax tree is walked into an IR of text, whitespace
//! requests and source positions (`build`); comments are collected once, in
//! groups (`comments`); the printer runs the IR and places every comment
//! group exactly once (`printer`); the aligner lays out the `=` columns with
//! elastic tabstops (`tabwriter`); the trimmer drops trailing whitespace
//! (`trim`).
//!
//! Invariants: a file with syntax errors is never formatted; formatting
//! keeps every comment, never changes what the file means, and is
//! idempotent. [`format`] starts no thread; only [`format_in_pieces`]
//! does, and only the command line calls it. This crate never prints.

mod build;
mod check;
mod comments;
mod green;
mod ir;
mod lines;
mod printer;
mod range;
mod split;
mod tabwriter;
mod trim;

#[doc(hidden)]
pub use check::check_formatting;
pub use ir::{Class, Doc, Item, Pos, Sink, Ws};
use lines::Lines;
pub use range::{format_range, Edit};
use river_syntax::{Diagnostic, Parse};
#[doc(hidden)]
pub use split::format_in_pieces_at;

/// Formats a River file, on this thread. Syntax errors are returned
/// instead, and nothing is formatted.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = river_syntax::parse(text);
    formatted_or_errors(text, &parse)
}

/// Formats a River file in pieces on two threads (this one and a helper),
/// where the process may use two cores: the same result as [`format`],
/// sooner for a large file; the caller decides which files are large
/// (`bench/fmt` measures it). Hands back the syntax trees with the result
/// (on success and on syntax errors alike), for a caller with a better time
/// to free them: freeing the trees of a large file costs more than a
/// process exit does.
pub fn format_in_pieces(text: &str) -> (Result<String, Vec<Diagnostic>>, Vec<Parse>) {
    if river_syntax::beside::two_cores() {
        if let Some(split) = split::in_pieces(text, &river_syntax::cuts(text)) {
            return (split.result, vec![split.tree]);
        }
    }
    let parse = river_syntax::parse(text);
    (formatted_or_errors(text, &parse), vec![parse])
}

/// The formatted file, or its syntax errors.
fn formatted_or_errors(text: &str, parse: &Parse) -> Result<String, Vec<Diagnostic>> {
    match parse.ok() {
        true => Ok(format_parse(text, parse)),
        false => Err(parse.errors().to_vec()),
    }
}

/// Formats an already parsed, error-free file.
pub fn format_parse(text: &str, parse: &Parse) -> String {
    let mut lines = Lines::new(text);
    let groups = comments::collect(text, parse, &mut lines);
    let printer = printer::Printer::new(&groups, text.len());
    let printed = walk(text, &mut lines, parse, printer).finish();
    let mut out = tabwriter::align(&printed);
    // The reference's `fmt` command ends the file with one newline.
    out.push(b'\n');
    String::from_utf8(out).expect("formatting only moves whitespace around UTF-8 text")
}

/// The IR of a file, as `flowfmt --print-ir` shows it.
pub fn print_ir(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = river_syntax::parse(text);
    if !parse.ok() {
        return Err(parse.errors().to_vec());
    }
    let mut lines = Lines::new(text);
    Ok(walk(text, &mut lines, &parse, Doc::default()).to_string())
}

/// Walks the file's statements into `sink`.
fn walk<'a, S: Sink<'a>>(text: &'a str, lines: &mut Lines, parse: &Parse, sink: S) -> S {
    let mut builder = build::Builder::new(text, lines, sink);
    builder.file(green::Node::root(parse.green()));
    builder.finish()
}
