//! Modules: a config inside a component. A custom component (`declare`)
//! runs each of its instances as a nested controller over the declare's
//! body; `import.file` and `import.string` bring in the custom components
//! of another text; `module.file` and `module.string` run a whole module
//! text. Inside a module, `argument` blocks read what the module's user
//! gives and `export` blocks publish what the user reads; ids nest as the
//! reference's do (`add.x/local.file.f`).
//!
//! A declare's body is planned as a config of its own that keeps every
//! position of its file: the text outside the body is blanked (newlines
//! kept, every other byte a space), so findings inside it point at the
//! file and line the user wrote, through the same planner and linter as
//! the root config. The `declare` and `import.*` blocks beside it stay in
//! that text, which is how a body sees the custom components of the scope
//! around it.

pub(crate) mod argument;
mod cycle;
mod git;
pub(crate) mod import;
pub(crate) mod instance;
pub(crate) mod link;
pub mod source;

pub(crate) use cycle::cycles;

use std::collections::HashMap;
use std::sync::Arc;

use river_analyzer::load::Source;
use river_syntax::ast::{self, AstNode};
use river_syntax::{TextRange, T};

/// What an instance of a custom component runs.
#[derive(Debug, PartialEq, Eq)]
pub struct Declared {
    /// The custom component's name in the scope that declares it.
    pub name: String,
    /// Where it is declared: `<file>:<label>`, to name it in a cycle.
    pub origin: String,
    /// The module config: the body, with what it can see around it.
    pub sources: Vec<Source>,
    /// The `declare` block's text: an instance whose definition changed is
    /// built again on reload.
    pub text: String,
}

/// The custom components a scope declares (or a module brings), by name.
pub type Library = HashMap<String, Arc<Declared>>;

/// An import's library as it changes, for the instances that follow it.
pub type Follow = tokio::sync::watch::Receiver<Arc<Library>>;

/// The top-level blocks of one source that a module body keeps around it.
struct Outline {
    /// Each `declare`: its label, the whole block, and its body's inside.
    declares: Vec<(String, TextRange, TextRange)>,
    /// The `import.*` blocks.
    imports: Vec<TextRange>,
}

/// The custom components declared at the top level of `sources`.
pub fn library(sources: &[Source]) -> Library {
    let outlines: Vec<Outline> = sources.iter().map(|s| outline(&s.text)).collect();
    let mut out = Library::new();
    for (i, source) in sources.iter().enumerate() {
        for (label, block, inside) in &outlines[i].declares {
            let sources = sources
                .iter()
                .zip(&outlines)
                .enumerate()
                .map(|(j, (other, around))| {
                    let mut keep: Vec<TextRange> = around.imports.clone();
                    keep.extend(around.declares.iter().map(|d| d.1).filter(|r| *r != *block));
                    if i == j {
                        keep.push(*inside);
                    }
                    Source { text: blank_except(&other.text, &keep), ..other.clone() }
                })
                .collect();
            let declared = Declared {
                name: label.clone(),
                origin: format!("{}:{label}", source.path),
                sources,
                text: source.text[*block].to_owned(),
            };
            out.insert(label.clone(), Arc::new(declared));
        }
    }
    out
}

fn outline(text: &str) -> Outline {
    let mut out = Outline { declares: Vec::new(), imports: Vec::new() };
    let parse = river_syntax::parse(text);
    let Some(body) = ast::SourceFile::cast(parse.syntax()).and_then(|f| f.body()) else {
        return out;
    };
    for block in body.blocks() {
        let name = block.name().map(|n| n.text()).unwrap_or_default();
        let range = block.syntax().text_range();
        if name == "declare" {
            let label = block.label().and_then(|l| l.value());
            if let (Some(label), Some(inside)) = (label, inside_braces(&block)) {
                out.declares.push((label, range, inside));
            }
        } else if name.starts_with("import.") {
            out.imports.push(range);
        }
    }
    out
}

/// The range between a block's braces.
fn inside_braces(block: &ast::Block) -> Option<TextRange> {
    let tokens: Vec<_> =
        block.syntax().children_with_tokens().filter_map(|e| e.into_token()).collect();
    let open = tokens.iter().find(|t| t.kind() == T!['{'])?;
    let close = tokens.iter().rev().find(|t| t.kind() == T!['}'])?;
    (open.text_range().end() <= close.text_range().start())
        .then(|| TextRange::new(open.text_range().end(), close.text_range().start()))
}

/// `text` with every byte outside `keep` a space, newlines kept: the
/// same positions, only the kept text meaning anything.
fn blank_except(text: &str, keep: &[TextRange]) -> String {
    let mut bytes: Vec<u8> = text.as_bytes().to_vec();
    let kept = |at: usize| keep.iter().any(|r| r.contains(at.try_into().unwrap_or_default()));
    for (at, byte) in bytes.iter_mut().enumerate() {
        if !kept(at) && *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
    // Only whole characters were kept or blanked: ranges fall on the
    // parser's token boundaries.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
}

#[cfg(test)]
mod tests;
