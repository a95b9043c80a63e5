//! Hover: for a place with findings, each finding's rule (its id, summary
//! and explanation: the rule docs, which have no address to link to);
//! what a component, block or argument is (type, default, whether
//! required, the reference link); for a reference, the export's type and
//! where its component is; for a function, its signature; for a custom
//! component's instance, its arguments and exports, for an attribute of
//! one, that argument (`custom.rs`).

use river_analyzer::lint::navigation as nav;
use river_analyzer::lint::{file_findings, rule};
use river_analyzer::schema::{registry, Argument, Block, Component};
use river_analyzer::stdlib::signature;
use river_syntax::{SyntaxKind, SyntaxToken, TextRange, TextSize};
use tower_lsp_server::ls_types::*;

use super::place::enclosing;
use crate::state::Snapshot;

pub fn hover(s: &Snapshot, position: Position) -> Option<Hover> {
    let lines = s.lines();
    let offset = lines.offset(position);
    let (text, range) = match (rules_at(s, offset), about_token(s, offset)) {
        (Some((rules, _)), Some((about, range))) => (format!("{rules}\n\n---\n\n{about}"), range),
        (Some(found), None) | (None, Some(found)) => found,
        (None, None) => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
        range: Some(lines.range(range)),
    })
}

/// The rules of the findings shown at `offset` (as the diagnostics show
/// them, with `flowlint.toml` applied), each once, and the range of the
/// first finding.
fn rules_at(s: &Snapshot, offset: TextSize) -> Option<(String, TextRange)> {
    let all = file_findings(&s.db, s.config, s.file).iter();
    let here =
        s.settings.apply(all.filter(|f| f.range.contains_inclusive(offset)).cloned().collect());
    let mut ids: Vec<&str> = Vec::new();
    for finding in &here {
        if !ids.contains(&finding.rule) {
            ids.push(finding.rule);
        }
    }
    let texts: Vec<String> = ids
        .iter()
        .filter_map(|id| rule(id))
        .map(|r| format!("**{}**: {}\n\n{}", r.id, r.summary, r.explanation))
        .collect();
    (!texts.is_empty()).then(|| (texts.join("\n\n---\n\n"), here[0].range))
}

/// What the token at `offset` is, and its range.
fn about_token(s: &Snapshot, offset: TextSize) -> Option<(String, TextRange)> {
    let root = s.root();
    let token = root
        .token_at_offset(offset)
        .right_biased()
        .filter(|t| !t.kind().is_trivia())
        .or_else(|| root.token_at_offset(offset).left_biased())?;
    let parent = token.parent()?;
    let found = nav::custom_at(&s.db, s.config, s.file, token.text_range().start());
    if let Some(found) = found {
        let range = match parent.kind() {
            SyntaxKind::BLOCK_NAME => parent.text_range(),
            _ => token.text_range(),
        };
        return Some((super::custom::hover_text(s, &found), range));
    }
    let text = match parent.kind() {
        SyntaxKind::BLOCK_NAME | SyntaxKind::BLOCK_LABEL => block_text(s, &token)?,
        SyntaxKind::ATTRIBUTE => {
            let around = enclosing(&root, token.text_range().start());
            let argument = around.body?.argument(token.text())?;
            argument_text(argument, around.component?)
        }
        SyntaxKind::NAME_REF | SyntaxKind::ACCESS_EXPR => reference_text(s, &token)?,
        _ => return None,
    };
    Some((text, token.text_range()))
}

/// A component (at the top level) or a block (inside one).
fn block_text(s: &Snapshot, token: &SyntaxToken) -> Option<String> {
    let block = token.parent_ancestors().find(|n| n.kind() == SyntaxKind::BLOCK)?;
    let around = enclosing(&s.root(), block.text_range().start());
    let name = block.children().find(|n| n.kind() == SyntaxKind::BLOCK_NAME)?.text().to_string();
    if around.names.is_empty() {
        let component = registry().get(&name)?;
        return Some(component_text(component));
    }
    let block_schema = registry().block_in(around.body?, &name)?;
    Some(block_schema_text(block_schema, around.component?))
}

fn component_text(c: &Component) -> String {
    let kind = if c.kind == river_analyzer::schema::Kind::Component {
        "component"
    } else {
        "config block"
    };
    let mut out = format!(
        "**{}** ({kind}{})\n\n{}\n",
        c.name,
        if c.deprecated { ", deprecated" } else { "" },
        c.description
    );
    let required: Vec<String> =
        c.body.arguments.iter().filter(|a| a.required).map(|a| format!("`{}`", a.name)).collect();
    if !required.is_empty() {
        out.push_str(&format!("\nRequired: {}\n", required.join(", ")));
    }
    if !c.exports.is_empty() {
        let exports: Vec<String> =
            c.exports.iter().map(|f| format!("`{}` ({})", f.name, f.ty)).collect();
        out.push_str(&format!("\nExports: {}\n", exports.join(", ")));
    }
    out.push_str(&format!("\n[Reference]({})", c.doc));
    out
}

fn block_schema_text(b: &Block, owner: &Component) -> String {
    let mut facts = vec!["block".to_owned()];
    if b.required {
        facts.push("required".into());
    }
    if b.repeatable {
        facts.push("may repeat".into());
    }
    format!(
        "**{}** ({})\n\n{}\n\n[Reference]({})",
        b.name,
        facts.join(", "),
        b.description,
        owner.link(Some(b))
    )
}

fn argument_text(a: &Argument, owner: &Component) -> String {
    let mut facts = vec![format!("`{}`", a.ty)];
    if a.required {
        facts.push("required".into());
    }
    if let Some(default) = &a.default {
        facts.push(format!("default `{default}`"));
    }
    let mut out = format!("**{}**: {}\n\n{}\n", a.name, facts.join(", "), a.description);
    if !a.enum_values.is_empty() {
        out.push_str(&format!(
            "\nOne of: {}\n",
            a.enum_values.iter().map(|v| format!("`{v:?}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    out.push_str(&format!("\n[Reference]({})", owner.doc));
    out
}

/// A function, or a component reference and its export.
fn reference_text(s: &Snapshot, token: &SyntaxToken) -> Option<String> {
    if let Some(sig) = signature(token.text()) {
        return Some(format!(
            "```river\n{}({}) -> {}\n```\n\n{}",
            sig.name, sig.params, sig.returns, sig.summary
        ));
    }
    let found = nav::definition(&s.db, s.config, s.file, token.text_range().start())?;
    let item = nav::item_at(&s.db, found.file, found.range.start())?;
    let component = registry().get(item.name(&s.db));
    let export = component.and_then(|c| c.export(token.text()));
    let place = {
        let index = river_syntax::LineIndex::new(found.file.text(&s.db));
        let lc = index.line_col(found.range.start());
        format!("{}:{}", found.file.path(&s.db), lc.line + 1)
    };
    let mut out = format!("**{}**", item.display(&s.db));
    if let Some(field) = export {
        out.push_str(&format!(
            " exports **{}**: `{}`\n\n{}\n",
            field.name, field.ty, field.description
        ));
    } else if let Some(c) = component {
        out.push_str(&format!("\n\n{}\n", c.description));
    }
    out.push_str(&format!("\nDefined at {place}"));
    Some(out)
}
