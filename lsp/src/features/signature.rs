//! Signature help inside a standard-library call.

use river_analyzer::stdlib::signature;
use river_syntax::ast::{AstNode, Expr};
use river_syntax::{SyntaxKind, TextSize};
use tower_lsp_server::ls_types::*;

use super::token_at;
use crate::state::Snapshot;

pub fn help(s: &Snapshot, position: Position) -> Option<SignatureHelp> {
    let offset = s.lines().offset(position);
    let token = token_at(&s.root(), offset)?;
    let list = token.parent_ancestors().find(|n| {
        n.kind() == SyntaxKind::ARG_LIST
            && n.text_range().start() < offset
            && (offset < n.text_range().end() || !n.text().to_string().ends_with(')'))
    })?;
    let call = Expr::cast(list.parent()?)?;
    let name = call.operand()?.name()?.text().to_owned();
    let sig = signature(&name)?;
    let active = list
        .children_with_tokens()
        .filter(|e| e.kind() == SyntaxKind::COMMA && e.text_range().end() <= offset)
        .count() as u32;
    let params: Vec<ParameterInformation> = sig
        .params
        .split(", ")
        .map(|p| ParameterInformation {
            label: ParameterLabel::Simple(p.to_owned()),
            documentation: None,
        })
        .collect();
    let last = params.len().saturating_sub(1) as u32;
    let _ = TextSize::default();
    let _ = call.syntax();
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label: format!("{}({}) -> {}", sig.name, sig.params, sig.returns),
            documentation: Some(Documentation::String(sig.summary.to_owned())),
            parameters: Some(params),
            active_parameter: Some(active.min(last)),
        }],
        active_signature: Some(0),
        active_parameter: Some(active.min(last)),
    })
}
