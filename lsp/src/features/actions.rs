//! Code actions: the fixes of the findings under the cursor, safe and
//! not, as `flowlint --fix --unsafe-fixes` would apply them.

use std::collections::HashMap;

use river_analyzer::lint::file_findings;
use tower_lsp_server::ls_types::*;

use crate::state::Snapshot;

pub fn fixes(s: &Snapshot, range: Range) -> CodeActionResponse {
    let lines = s.lines();
    let wanted = lines.text_range(range);
    let mut out = Vec::new();
    for finding in file_findings(&s.db, s.config, s.file) {
        let Some(fix) = &finding.fix else { continue };
        let touches =
            finding.range.intersect(wanted).is_some() || finding.range.contains_range(wanted);
        if !touches {
            continue;
        }
        let edits: Vec<TextEdit> = fix
            .edits
            .iter()
            .map(|e| TextEdit { range: lines.range(e.range), new_text: e.text.clone() })
            .collect();
        let changes = HashMap::from([(s.uri.clone(), edits)]);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: fix.title.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: None,
            edit: Some(WorkspaceEdit { changes: Some(changes), ..Default::default() }),
            is_preferred: Some(fix.safe),
            ..Default::default()
        }));
    }
    out
}
