//! `flow schema`: what each component and config block accepts and exports.

use std::fmt::Write as _;
use std::io::Write;

use river_analyzer::schema::{
    registry, Argument, Block, Body, Component, ConstraintKind, Kind, Label, Stability,
};

use crate::ExitStatus;

/// List the components, or show one component's schema.
#[derive(Debug, Clone, clap::Args)]
pub struct SchemaArgs {
    /// Print JSON: an object keyed by component name.
    #[arg(long)]
    pub json: bool,
    /// A component or config block, such as `prometheus.scrape` or `logging`.
    #[arg(value_name = "COMPONENT")]
    pub component: Option<String>,
}

/// Exit 0, or 2 for a name the registry does not know.
pub fn run(args: &SchemaArgs) -> ExitStatus {
    let registry = registry();
    let selected: Vec<&Component> = match &args.component {
        None => registry.iter().collect(),
        Some(name) => match registry.get(name) {
            Some(component) => vec![component],
            None => {
                let hint = registry.closest(name).map(|c| format!(" (did you mean `{c}`?)"));
                eprintln!(
                    "error: no component or config block named `{name}`{}",
                    hint.unwrap_or_default()
                );
                return ExitStatus::Failure;
            }
        },
    };
    let text = if args.json {
        // A map of the structs themselves keeps their field order.
        let object: std::collections::BTreeMap<&str, &Component> =
            selected.iter().map(|c| (c.name.as_str(), *c)).collect();
        serde_json::to_string_pretty(&object).expect("schemas serialise") + "\n"
    } else if args.component.is_some() {
        show(selected[0])
    } else {
        list(&selected)
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitStatus::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Success,
        Err(e) => {
            eprintln!("error: {e}");
            ExitStatus::Failure
        }
    }
}

/// One line per component, then one per config block.
fn list(all: &[&Component]) -> String {
    let width = all.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (kind, title) in [(Kind::Component, "Components"), (Kind::ConfigBlock, "Config blocks")] {
        let _ = writeln!(out, "{title}:");
        for c in all.iter().filter(|c| c.kind == kind) {
            let line = format!("  {:width$}  {}{}", c.name, c.description, status(c));
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out.push('\n');
    }
    out.pop();
    out
}

fn status(c: &Component) -> &'static str {
    match (c.deprecated, c.stability) {
        (true, _) => " [deprecated]",
        (false, Stability::Beta) => " [beta]",
        (false, Stability::Experimental) => " [experimental]",
        (false, Stability::Stable) => "",
    }
}

/// A component's schema: arguments, blocks as a tree, exports.
fn show(c: &Component) -> String {
    let mut out = String::new();
    let kind = match c.kind {
        Kind::Component => "component",
        Kind::ConfigBlock => "config block",
    };
    let label = match c.label {
        Label::Required => format!("{} \"LABEL\" {{ ... }}", c.name),
        Label::Forbidden => format!("{} {{ ... }}", c.name),
    };
    let _ = writeln!(out, "{} ({kind}){}", c.name, status(c));
    if !c.description.is_empty() {
        let _ = writeln!(out, "{}", c.description);
    }
    let _ = writeln!(out, "{}\n\nUsage: {label}", c.doc);
    if c.body.open {
        out.push_str(
            "\nIts body is a config of its own: components, `argument` and `export` blocks.\n",
        );
    }
    body(&mut out, &c.body, 1);
    if !c.exports.is_empty() {
        out.push_str("\nExports:\n");
        let rows: Vec<[String; 3]> = c
            .exports
            .iter()
            .map(|f| [f.name.clone(), f.ty.to_string(), f.description.clone()])
            .collect();
        table(&mut out, &rows, 1);
    }
    out
}

/// A component's own body, under headings.
fn body(out: &mut String, body: &Body, depth: usize) {
    if !body.arguments.is_empty() || body.free_arguments {
        out.push_str("\nArguments:\n");
        members(out, body, depth);
    }
    if !body.blocks.is_empty() {
        out.push_str("\nBlocks:\n");
        for b in &body.blocks {
            block(out, b, depth);
        }
    }
}

/// The arguments and rules of a body, one per line.
fn members(out: &mut String, body: &Body, depth: usize) {
    let rows: Vec<[String; 3]> = body.arguments.iter().map(argument_row).collect();
    table(out, &rows, depth);
    if body.free_arguments {
        let _ = writeln!(out, "{}(any argument name)", indent(depth));
    }
    for constraint in &body.constraints {
        let kind = match constraint.kind {
            ConstraintKind::AtMostOne => "at most one of",
            ConstraintKind::ExactlyOne => "exactly one of",
        };
        let _ = writeln!(out, "{}({kind}: {})", indent(depth), constraint.members.join(", "));
    }
    if let Some(path) = &body.blocks_from {
        let _ = writeln!(out, "{}(and every block of {path})", indent(depth));
    }
}

fn argument_row(a: &Argument) -> [String; 3] {
    let mut facts = a.ty.to_string();
    if a.required {
        facts.push_str(", required");
    }
    if let Some(default) = &a.default {
        let _ = write!(facts, ", default {default}");
    }
    let mut text = a.description.clone();
    if !a.enum_values.is_empty() {
        let _ = write!(text, " (one of: {})", a.enum_values.join(", "));
    }
    [a.name.clone(), facts, text.trim_start().to_owned()]
}

/// A block as `name { }` with its facts, then its members indented.
fn block(out: &mut String, b: &Block, depth: usize) {
    let mut facts = Vec::new();
    if b.required {
        facts.push("required");
    }
    if b.repeatable {
        facts.push("repeatable");
    }
    let facts = if facts.is_empty() { String::new() } else { format!(" ({})", facts.join(", ")) };
    let line = format!("{}{} {{ }}{facts}  {}", indent(depth), b.name, b.description);
    let _ = writeln!(out, "{}", line.trim_end());
    members(out, &b.body, depth + 1);
    for inner in &b.body.blocks {
        block(out, inner, depth + 1);
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// Rows aligned in columns; the last column is free text.
fn table(out: &mut String, rows: &[[String; 3]], depth: usize) {
    let w0 = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].len()).max().unwrap_or(0);
    for [name, facts, text] in rows {
        let line = format!("{}{name:w0$}  {facts:w1$}  {text}", indent(depth));
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
