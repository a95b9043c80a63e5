//! Custom components (`declare`, and those a module brings in) in the
//! editor: hover on an instance, its arguments and the exports read from
//! it; completion of an instance's arguments; places in module files that
//! no config holds. What a custom component is comes from the analyzer
//! (`lint::declared`), as the linter sees it.

use river_analyzer::lint::declared::{arguments, ArgumentDoc, Declaration, Place};
use river_analyzer::lint::navigation::CustomAt;
use river_analyzer::schema::registry;
use river_syntax::ast::{self, AstNode};
use river_syntax::{LineIndex, SyntaxNode, TextSize};
use tower_lsp_server::ls_types::*;

use crate::convert::Lines;
use crate::state::Snapshot;

/// A place to go to as the protocol has it: a file of the config by its
/// document's URI, a module file by its path.
pub fn location(s: &Snapshot, place: Place) -> Option<Location> {
    match place {
        Place::Config(loc) => {
            let lines = Lines::new(loc.file.text(&s.db), s.unit);
            Some(Location { uri: s.uri_of(loc.file.path(&s.db))?, range: lines.range(loc.range) })
        }
        Place::Module { path, text, range } => {
            let uri = Uri::from_file_path(&path)?;
            Some(Location { uri, range: Lines::new(&text, s.unit).range(range) })
        }
    }
}

/// What hovering a place of a custom component shows.
pub fn hover_text(s: &Snapshot, found: &CustomAt) -> String {
    match found {
        CustomAt::Instance(d) => component_text(s, d),
        CustomAt::Argument(d, name) => match d.arguments().into_iter().find(|a| a.name == *name) {
            Some(argument) => argument_text(&argument, d),
            None => format!("`{}` has no argument `{name}`", d.name),
        },
        CustomAt::Export(d, name) => {
            format!("**{}** exports **{name}**\n\nDeclared at {}", d.name, declared_at(s, d))
        }
    }
}

fn component_text(s: &Snapshot, d: &Declaration) -> String {
    let mut out = format!("**{}** (custom component)\n", d.name);
    let mut arguments = d.arguments();
    arguments.sort_by_key(|a| a.optional);
    if !arguments.is_empty() {
        out.push_str("\nArguments:\n");
        for argument in &arguments {
            out.push_str(&format!("- `{}` ({})", argument.name, facts(argument)));
            if let Some(comment) = &argument.comment {
                out.push_str(&format!(": {comment}"));
            }
            out.push('\n');
        }
    }
    let exports: Vec<String> = d.exports().iter().map(|e| format!("`{}`", e.name)).collect();
    if !exports.is_empty() {
        out.push_str(&format!("\nExports: {}\n", exports.join(", ")));
    }
    out.push_str(&format!("\nDeclared at {}", declared_at(s, d)));
    out
}

fn argument_text(argument: &ArgumentDoc, d: &Declaration) -> String {
    let mut out = format!("**{}**: argument of `{}`, {}\n", argument.name, d.name, facts(argument));
    if let Some(comment) = &argument.comment {
        out.push_str(&format!("\n{comment}\n"));
    }
    out
}

/// `required`, or `optional` with the default as written.
pub fn facts(argument: &ArgumentDoc) -> String {
    match (&argument.default, argument.optional) {
        (_, false) => "required".to_owned(),
        (Some(default), true) => format!("optional, default `{default}`"),
        (None, true) => "optional".to_owned(),
    }
}

/// `path:line` of a declaration's label.
fn declared_at(s: &Snapshot, d: &Declaration) -> String {
    let (path, text, range) = match d.label_place() {
        Place::Config(loc) => {
            (loc.file.path(&s.db).clone(), loc.file.text(&s.db).clone(), loc.range)
        }
        Place::Module { path, text, range } => (path, text, range),
    };
    format!("{path}:{}", LineIndex::new(&text).line_col(range.start()).line + 1)
}

/// The arguments of an instance's declaration that are not set yet,
/// required ones first, as the snippets of built-in components have them.
pub fn argument_items(d: &Declaration, set: &[String]) -> Vec<CompletionItem> {
    let mut arguments: Vec<ArgumentDoc> =
        d.arguments().into_iter().filter(|a| !set.contains(&a.name)).collect();
    arguments.sort_by_key(|a| a.optional);
    arguments
        .into_iter()
        .enumerate()
        .map(|(i, a)| CompletionItem {
            label: a.name.clone(),
            kind: Some(CompletionItemKind::PROPERTY),
            detail: Some(facts(&a)),
            documentation: a.comment.clone().map(Documentation::String),
            sort_text: Some(format!("{i:04}")),
            insert_text: Some(format!("{} = $0", a.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..Default::default()
        })
        .collect()
}

/// Inside a `declare`: `argument.NAME.value` for each of its arguments
/// (with whether it is required and its comment), and the exports of the
/// components it declares.
pub fn declared_paths(root: &SyntaxNode, offset: TextSize) -> Vec<(String, String, String)> {
    let declare = root
        .descendants()
        .filter_map(ast::Block::cast)
        .filter(|b| {
            b.name().is_some_and(|n| n.text() == "declare")
                && b.syntax().text_range().contains(offset)
        })
        .last();
    let Some(declare) = declare else { return Vec::new() };
    let mut out = Vec::new();
    for a in arguments(&declare) {
        let doc = a.comment.clone().unwrap_or("An argument of this custom component.".into());
        // `argument.NAME` too, so that `argument.` offers names with docs.
        out.push((format!("argument.{}", a.name), facts(&a), doc.clone()));
        out.push((format!("argument.{}.value", a.name), "any".into(), doc));
    }
    for block in declare.body().into_iter().flat_map(|b| b.blocks()) {
        let (Some(name), Some(label)) =
            (block.name().map(|n| n.text()), block.label().and_then(|l| l.value()))
        else {
            continue;
        };
        let Some(component) = registry().get(&name) else { continue };
        for field in &component.exports {
            let path = format!("{name}.{label}.{}", field.name);
            out.push((path, field.ty.to_string(), field.description.clone()));
        }
    }
    out
}
