//! Document symbols (components, their blocks and arguments, nested) and
//! workspace symbols (components across every config loaded).

use river_analyzer::db::{file_items, Config, Database, File};
use river_analyzer::schema::registry;
use river_syntax::ast::{self, AstNode};
use tower_lsp_server::ls_types::*;

use crate::convert::Lines;
use crate::state::Snapshot;

pub fn document(s: &Snapshot) -> Vec<DocumentSymbol> {
    let lines = s.lines();
    let Some(body) = ast::SourceFile::cast(s.root()).and_then(|f| f.body()) else {
        return Vec::new();
    };
    body.blocks().map(|b| block_symbol(&b, &lines, true)).collect()
}

#[allow(deprecated)] // `deprecated` is a required field of the struct.
fn block_symbol(block: &ast::Block, lines: &Lines, top: bool) -> DocumentSymbol {
    let name = block.name().map(|n| n.text()).unwrap_or_default();
    let label = block.label().and_then(|l| l.value());
    let range = block.syntax().text_range();
    let selection = block
        .label()
        .map(|l| l.syntax().text_range())
        .or_else(|| block.name().map(|n| n.syntax().text_range()))
        .unwrap_or(range);
    let mut children: Vec<DocumentSymbol> = Vec::new();
    if let Some(body) = block.body() {
        for attribute in body.attributes() {
            let Some(token) = attribute.name() else { continue };
            children.push(DocumentSymbol {
                name: token.text().to_owned(),
                detail: None,
                kind: SymbolKind::PROPERTY,
                tags: None,
                deprecated: None,
                range: lines.range(attribute.syntax().text_range()),
                selection_range: lines.range(token.text_range()),
                children: None,
            });
        }
        children.extend(body.blocks().map(|b| block_symbol(&b, lines, false)));
    }
    let description = top.then(|| registry().get(&name).map(|c| c.description.clone())).flatten();
    DocumentSymbol {
        name: match label {
            Some(label) => format!("{name} {label:?}"),
            None => name,
        },
        detail: description.filter(|d| !d.is_empty()),
        kind: if top { SymbolKind::CLASS } else { SymbolKind::STRUCT },
        tags: None,
        deprecated: None,
        range: lines.range(range),
        selection_range: lines.range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}

/// Components whose name or label contains the query (any case).
#[allow(deprecated)]
pub fn workspace(
    db: &Database,
    files: &[(Config, File, Uri)],
    query: &str,
) -> Vec<SymbolInformation> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for (_, file, uri) in files {
        let lines = Lines::new(file.text(db), river_syntax::ColumnUnit::Utf16);
        for item in file_items(db, *file) {
            let shown = item.display(db);
            if !shown.to_lowercase().contains(&query) {
                continue;
            }
            out.push(SymbolInformation {
                name: shown,
                kind: SymbolKind::CLASS,
                tags: None,
                deprecated: None,
                location: Location { uri: uri.clone(), range: lines.range(item.range(db)) },
                container_name: None,
            });
        }
    }
    out
}
