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
//! idempotent. This crate never prints.

mod build;
mod comments;
mod ir;
mod printer;
mod tabwriter;
mod trim;

pub use ir::{Class, Doc, Item, Pos, Ws};
use river_syntax::{Diagnostic, LineIndex, Parse};

/// Formats a River file. Syntax errors are returned instead, and nothing is
/// formatted.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = river_syntax::parse(text);
    if !parse.ok() {
        return Err(parse.errors().to_vec());
    }
    Ok(format_parse(text, &parse))
}

/// Formats an already parsed, error-free file.
pub fn format_parse(text: &str, parse: &Parse) -> String {
    let index = LineIndex::new(text);
    let doc = build_ir(&index, parse);
    let root = parse.syntax();
    let groups = comments::collect(&root, &index);
    let printed = printer::Printer::new(&groups).print(&doc);
    let aligned = tabwriter::align(&printed);
    let mut out = String::from_utf8(trim::trim(&aligned))
        .expect("formatting only moves whitespace around UTF-8 text");
    // The reference's `fmt` command ends the file with one newline.
    out.push('\n');
    out
}

/// The IR of a file, as `flowfmt --print-ir` shows it.
pub fn print_ir(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = river_syntax::parse(text);
    if !parse.ok() {
        return Err(parse.errors().to_vec());
    }
    let index = LineIndex::new(text);
    Ok(build_ir(&index, &parse).to_string())
}

fn build_ir<'a>(index: &'a LineIndex, parse: &Parse) -> Doc<'a> {
    let mut builder = build::Builder::new(index);
    if let Some(body) = parse.tree().body() {
        builder.statements(&body);
    }
    builder.finish()
}
