//! Completion: component names at the top level (snippets with the label
//! and the required arguments), the arguments and blocks of the body at
//! the cursor (minus those set), enum values, references segment by
//! segment (components, labels, exports, `argument.NAME.value`), and
//! standard-library functions. Items carry a type, our one-line
//! description and the reference link.

use std::collections::BTreeMap;

use river_analyzer::db::config_names;
use river_analyzer::schema::{registry, Argument, Block, Body, Component, Label, SchemaType};
use river_analyzer::stdlib::SIGNATURES;
use tower_lsp_server::ls_types::*;

use super::place::{at_statement, enclosing, line_prefix, typed_path, value_of};
use crate::state::Snapshot;

pub fn complete(s: &Snapshot, position: Position) -> Vec<CompletionItem> {
    let offset = s.lines().offset(position);
    let text = s.text();
    let root = s.root();
    let prefix = line_prefix(text, offset);
    let around = enclosing(&root, offset);
    if let Some(argument) = value_of(prefix).and_then(|name| around.body?.argument(name)) {
        if !argument.enum_values.is_empty() && !typed_path(prefix).contains('.') {
            return enum_values(argument);
        }
    }
    if at_statement(&root, prefix, offset) {
        return match (around.names.is_empty(), around.body) {
            (true, _) => components(s),
            (false, Some(body)) => {
                let set: Vec<String> =
                    around.node.as_ref().map(super::place::member_names).unwrap_or_default();
                let component = around.component.expect("a body has a component");
                body_members(body, component, &set)
            }
            (false, None) => Vec::new(),
        };
    }
    let typed = typed_path(prefix);
    let local = declared_paths(&root, offset);
    match typed.rfind('.') {
        Some(dot) => references(s, &typed[..=dot], &local),
        None => expressions(s, &local),
    }
}

/// Inside a `declare`: `argument.NAME.value` for each of its arguments,
/// and the exports of the components it declares.
fn declared_paths(
    root: &river_syntax::SyntaxNode,
    offset: river_syntax::TextSize,
) -> Vec<(String, String, String)> {
    use river_syntax::ast::{self, AstNode};
    let declare = root
        .descendants()
        .filter_map(ast::Block::cast)
        .filter(|b| {
            b.name().is_some_and(|n| n.text() == "declare")
                && b.syntax().text_range().contains(offset)
        })
        .last();
    let Some(body) = declare.and_then(|d| d.body()) else { return Vec::new() };
    let mut out = Vec::new();
    for block in body.blocks() {
        let (Some(name), Some(label)) =
            (block.name().map(|n| n.text()), block.label().and_then(|l| l.value()))
        else {
            continue;
        };
        if name == "argument" {
            out.push((
                format!("argument.{label}.value"),
                "any".into(),
                "An argument of this custom component.".into(),
            ));
        } else if let Some(component) = registry().get(&name) {
            for field in &component.exports {
                out.push((
                    format!("{name}.{label}.{}", field.name),
                    field.ty.to_string(),
                    field.description.clone(),
                ));
            }
        }
    }
    out
}

fn docs(description: &str, link: &str) -> Option<Documentation> {
    let mut text = description.to_owned();
    if !link.is_empty() {
        text.push_str(&format!("\n\n[Reference]({link})"));
    }
    Some(Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: text }))
}

fn snippet(
    label: String,
    kind: CompletionItemKind,
    detail: String,
    documentation: Option<Documentation>,
    insert: String,
) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(kind),
        detail: Some(detail),
        documentation,
        insert_text: Some(insert),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        ..Default::default()
    }
}

/// Every component and config block, and the custom components in scope.
fn components(s: &Snapshot) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = registry().iter().map(component_item).collect();
    let scope = river_analyzer::lint::scope_of(&s.db, s.config);
    for name in scope.declares.keys() {
        out.push(snippet(
            name.clone(),
            CompletionItemKind::CLASS,
            "custom component".into(),
            None,
            format!("{name} \"${{1:default}}\" {{\n\t$0\n}}"),
        ));
    }
    out
}

fn component_item(c: &Component) -> CompletionItem {
    let mut insert = c.name.clone();
    if c.label == Label::Required {
        insert.push_str(" \"${1:default}\"");
    }
    insert.push_str(" {\n");
    let mut stop = 2;
    for argument in c.body.arguments.iter().filter(|a| a.required) {
        insert.push_str(&format!(
            "\t{} = ${{{stop}:{}}}\n",
            argument.name,
            placeholder(&argument.ty)
        ));
        stop += 1;
    }
    for block in c.body.blocks.iter().filter(|b| b.required) {
        insert.push_str(&format!("\n\t{} {{\n\t\t${stop}\n\t}}\n", block.name));
        stop += 1;
    }
    insert.push_str("\t$0\n}");
    let kind = if c.kind == river_analyzer::schema::Kind::Component {
        "component"
    } else {
        "config block"
    };
    let mut item = snippet(
        c.name.clone(),
        CompletionItemKind::CLASS,
        kind.into(),
        docs(&c.description, &c.doc),
        insert,
    );
    item.deprecated = Some(c.deprecated);
    item
}

fn placeholder(ty: &SchemaType) -> &'static str {
    match ty {
        SchemaType::List(_) => "[]",
        SchemaType::Map(_) | SchemaType::Object => "{}",
        SchemaType::Number => "0",
        SchemaType::Bool => "false",
        _ => "\"\"",
    }
}

/// The arguments and blocks of a body that are not set yet (blocks that
/// may repeat always are offered).
fn body_members(body: &'static Body, component: &Component, set: &[String]) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for argument in body.arguments.iter().filter(|a| !set.contains(&a.name)) {
        out.push(argument_item(argument, component));
    }
    let registry = registry();
    for block in registry.blocks_of(body).filter(|b| b.repeatable || !set.contains(&b.name)) {
        out.push(block_item(block, component));
    }
    out
}

fn argument_item(argument: &Argument, component: &Component) -> CompletionItem {
    let mut detail = argument.ty.to_string();
    if argument.required {
        detail.push_str(", required");
    }
    if let Some(default) = &argument.default {
        detail.push_str(&format!(", default {default}"));
    }
    let insert = format!("{} = ${{1:{}}}", argument.name, placeholder(&argument.ty));
    let mut item = snippet(
        argument.name.clone(),
        CompletionItemKind::PROPERTY,
        detail,
        docs(&argument.description, &component.doc),
        insert,
    );
    item.deprecated = Some(argument.deprecated);
    item
}

fn block_item(block: &Block, component: &Component) -> CompletionItem {
    let detail = if block.required { "block, required" } else { "block" };
    let insert = format!("{} {{\n\t$0\n}}", block.name);
    snippet(
        block.name.clone(),
        CompletionItemKind::MODULE,
        detail.into(),
        docs(&block.description, &component.link(Some(block))),
        insert,
    )
}

fn enum_values(argument: &Argument) -> Vec<CompletionItem> {
    argument
        .enum_values
        .iter()
        .map(|v| CompletionItem {
            label: format!("{v:?}"),
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            detail: Some(argument.ty.to_string()),
            ..Default::default()
        })
        .collect()
}

/// The next segment of every reference that starts with `prefix`
/// (`discovery.` gives `kubernetes`; `discovery.kubernetes.pods.` gives
/// `targets`), with the export's type where it is one.
fn references(
    s: &Snapshot,
    prefix: &str,
    local: &[(String, String, String)],
) -> Vec<CompletionItem> {
    let mut next: BTreeMap<String, (String, String)> = BTreeMap::new();
    for path in referenceable(s).iter().chain(local) {
        let Some(rest) = path.0.strip_prefix(prefix) else { continue };
        let segment = rest.split('.').next().unwrap_or_default();
        if segment.is_empty() {
            continue;
        }
        let whole = !rest.contains('.');
        let (detail, doc) =
            if whole { (path.1.clone(), path.2.clone()) } else { (String::new(), String::new()) };
        next.entry(segment.to_owned()).or_insert((detail, doc));
    }
    next.into_iter()
        .map(|(segment, (detail, doc))| CompletionItem {
            label: segment,
            kind: Some(if detail.is_empty() {
                CompletionItemKind::MODULE
            } else {
                CompletionItemKind::FIELD
            }),
            detail: (!detail.is_empty()).then_some(detail),
            documentation: (!doc.is_empty()).then_some(Documentation::String(doc)),
            ..Default::default()
        })
        .collect()
}

/// Every full reference the config offers: `name.label.export`, with the
/// export's type and description.
fn referenceable(s: &Snapshot) -> Vec<(String, String, String)> {
    let names = config_names(&s.db, s.config);
    let scope = river_analyzer::lint::scope_of(&s.db, s.config);
    let mut out = Vec::new();
    for (key, items) in &names.by_key {
        let name = items[0].name(&s.db);
        if let Some(component) = registry().get(name) {
            for field in &component.exports {
                out.push((
                    format!("{key}.{}", field.name),
                    field.ty.to_string(),
                    field.description.clone(),
                ));
            }
        } else if let Some(custom) = scope.declares.get(name) {
            for export in &custom.exports {
                out.push((format!("{key}.{export}"), "any".into(), String::new()));
            }
        }
    }
    out
}

/// At the start of an expression: functions, and the first segment of
/// every reference.
fn expressions(s: &Snapshot, local: &[(String, String, String)]) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = SIGNATURES
        .iter()
        .map(|sig| CompletionItem {
            label: sig.name.to_owned(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some(format!("{}({}) -> {}", sig.name, sig.params, sig.returns)),
            documentation: Some(Documentation::String(sig.summary.to_owned())),
            insert_text: Some(format!("{}($0)", sig.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..Default::default()
        })
        .collect();
    let paths = referenceable(s).into_iter().chain(local.iter().cloned());
    let mut firsts: Vec<String> =
        paths.filter_map(|(p, _, _)| p.split('.').next().map(str::to_owned)).collect();
    firsts.sort();
    firsts.dedup();
    out.extend(firsts.into_iter().map(|f| CompletionItem {
        label: f,
        kind: Some(CompletionItemKind::MODULE),
        ..Default::default()
    }));
    out
}
