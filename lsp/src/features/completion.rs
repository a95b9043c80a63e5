//! Completion: component names at the top level (snippets with the label
//! and the required arguments), the arguments and blocks of the body at
//! the cursor (minus those set), enum values, references segment by
//! segment (components, labels, exports, `argument.NAME.value`), and
//! standard-library functions. Items carry a type, our one-line
//! description and the reference link. Custom components are offered
//! like the others: by name (after `math.`, those of `import "math"`),
//! and in an instance's body, its arguments (`custom.rs`).

use std::collections::BTreeMap;

use river_analyzer::db::config_names;
use river_analyzer::lint::declared::declaration;
use river_analyzer::schema::{registry, Argument, Block, Body, Component, Label, SchemaType};
use river_analyzer::stdlib::SIGNATURES;
use tower_lsp_server::ls_types::*;

use super::custom;
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
        let set: Vec<String> =
            around.node.as_ref().map(super::place::member_names).unwrap_or_default();
        return match (around.names.last().map(String::as_str), around.body) {
            (None | Some("declare"), _) => block_names(components(s), typed_path(prefix)),
            (Some(_), Some(body)) => {
                let component = around.component.expect("a body has a component");
                body_members(body, component, &set)
            }
            (Some(name), None) => {
                let found = declaration(&s.db, s.config, s.file, offset, name);
                found.map(|d| custom::argument_items(&d, &set)).unwrap_or_default()
            }
        };
    }
    let typed = typed_path(prefix);
    let local = custom::declared_paths(&root, offset);
    match typed.rfind('.') {
        Some(dot) => references(s, &typed[..=dot], &local),
        None => expressions(s, &local),
    }
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

/// Every component and config block, and the custom components in scope
/// (snippets with their required arguments, as the others have).
fn components(s: &Snapshot) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = registry().iter().map(component_item).collect();
    let scope = river_analyzer::lint::scope_of(&s.db, s.config);
    for (name, custom) in &scope.declares {
        let mut insert = format!("{name} \"${{1:default}}\" {{\n");
        let required = custom.arguments.iter().filter(|(_, required)| *required);
        for (stop, (argument, _)) in (2..).zip(required) {
            insert.push_str(&format!("\t{argument} = ${{{stop}}}\n"));
        }
        insert.push_str("\t$0\n}");
        let detail = "custom component".into();
        out.push(snippet(name.clone(), CompletionItemKind::CLASS, detail, None, insert));
    }
    out
}

/// After a dot in a block name (`math.`), the names that go on from what
/// is typed, from the segment after the last dot (what the editor
/// replaces), so `math.` offers the custom components of `import "math"`.
fn block_names(items: Vec<CompletionItem>, typed: &str) -> Vec<CompletionItem> {
    let Some(dot) = typed.rfind('.') else { return items };
    let stem = &typed[..=dot];
    let rest = |text: &str| text.strip_prefix(stem).map(str::to_owned);
    items
        .into_iter()
        .filter_map(|mut item| {
            item.label = rest(&item.label)?;
            item.insert_text = item.insert_text.as_deref().and_then(rest);
            Some(item)
        })
        .collect()
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
