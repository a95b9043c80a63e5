//! One module per feature; each reads a snapshot and returns protocol data.

pub mod actions;
pub mod completion;
pub mod custom;
pub mod diagnostics;
pub mod format;
pub mod hover;
pub mod navigation;
pub mod place;
pub mod signature;
pub mod structure;
pub mod symbols;
pub mod tests;
pub mod tokens;
pub mod tree;

use river_syntax::{SyntaxNode, SyntaxToken, TextSize, TokenAtOffset};
use tower_lsp_server::ls_types::*;

use crate::convert::Lines;
use crate::state::Snapshot;

/// What the server offers.
pub fn capabilities(encoding: PositionEncodingKind) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: Default::default(),
            },
        )),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".into(), ",".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![tests::RUN_TEST.into()],
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

impl Snapshot {
    pub fn text(&self) -> &str {
        self.file.text(&self.db)
    }

    pub fn lines(&self) -> Lines<'_> {
        Lines::new(self.text(), self.unit)
    }

    pub fn root(&self) -> SyntaxNode {
        river_analyzer::db::parse_file(&self.db, self.file).syntax()
    }

    /// The URI of a file of this config, by the path findings carry.
    pub fn uri_of(&self, path: &str) -> Option<Uri> {
        self.uris.get(path).cloned()
    }
}

/// The token the cursor is on, preferring the one that ends at it (the
/// word being typed) over whitespace that starts there.
pub fn token_at(root: &SyntaxNode, offset: TextSize) -> Option<SyntaxToken> {
    match root.token_at_offset(offset) {
        TokenAtOffset::None => None,
        TokenAtOffset::Single(t) => Some(t),
        TokenAtOffset::Between(left, right) => {
            if left.kind().is_trivia() {
                Some(right)
            } else {
                Some(left)
            }
        }
    }
}
