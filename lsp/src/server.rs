//! The protocol side: capabilities, document sync, and each request run on
//! a snapshot off the async runtime, where a panic becomes an error reply
//! and work made stale by a newer edit is cancelled.

use std::sync::{Arc, Mutex};

use river_syntax::ColumnUnit;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::Lines;
use crate::features;
use crate::state::{Snapshot, State};

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend { client, state: Arc::default() }
    }

    /// Runs `f` on a snapshot of `uri` in a blocking thread.
    async fn read<T: Send + 'static>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&Snapshot) -> T + Send + 'static,
    ) -> Result<Option<T>> {
        let snapshot = self.state.lock().unwrap_or_else(|e| e.into_inner()).snapshot(uri);
        let Some(snapshot) = snapshot else { return Ok(None) };
        run(move || f(&snapshot)).await.map(Some)
    }

    /// Publishes the findings of every open document in `uri`'s config.
    async fn publish(&self, uri: &Uri) {
        let targets = self.state.lock().unwrap_or_else(|e| e.into_inner()).open_in_same_config(uri);
        for target in targets {
            let version = self.state.lock().unwrap_or_else(|e| e.into_inner()).version(&target);
            if let Ok(Some(diagnostics)) = self.read(&target, features::diagnostics::compute).await
            {
                self.client.publish_diagnostics(target.clone(), diagnostics, version).await;
            }
        }
    }

    fn edit(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

/// Runs blocking analysis; a cancelled query (a newer edit came) answers
/// "content modified", a panic an internal error, and neither kills the server.
async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let joined = tokio::task::spawn_blocking(move || {
        let f = std::panic::AssertUnwindSafe(f);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            salsa::Cancelled::catch(move || {
                let wrapped = f;
                (wrapped.0)()
            })
        }))
    })
    .await;
    match joined {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(_cancelled))) => Err(Error {
            code: ErrorCode::ContentModified,
            message: "a newer edit came".into(),
            data: None,
        }),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the request failed".into());
            Err(Error { code: ErrorCode::InternalError, message: message.into(), data: None })
        }
        Err(e) => {
            Err(Error { code: ErrorCode::InternalError, message: e.to_string().into(), data: None })
        }
    }
}

fn unit_from(params: &InitializeParams) -> ColumnUnit {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let unit = unit_from(&params);
        self.edit(|s| s.unit = Some(unit));
        let encoding = if unit == ColumnUnit::Utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        };
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "flow-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: features::capabilities(encoding),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let mut problems = Vec::new();
        self.edit(|s| {
            s.open(&doc.uri, doc.text, doc.version);
            problems = s.take_problems();
        });
        for problem in problems {
            self.client.show_message(MessageType::WARNING, problem).await;
        }
        self.publish(&doc.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        self.edit(|s| {
            let Some(mut text) = s.text(&uri) else { return };
            let unit = s.unit();
            for change in params.content_changes {
                match change.range {
                    Some(range) => {
                        let lines = Lines::new(&text, unit);
                        let r = lines.text_range(range);
                        text.replace_range(
                            usize::from(r.start())..usize::from(r.end()),
                            &change.text,
                        );
                    }
                    None => text = change.text,
                }
            }
            s.set_text(&crate::state::path_of(&uri), text);
            s.set_version(&uri, version);
        });
        self.publish(&uri).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut importers = Vec::new();
        self.edit(|s| importers = s.saved(&crate::state::path_of(&uri)));
        self.publish(&uri).await;
        for importer in importers {
            self.publish(&importer).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.edit(|s| s.close(&uri));
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let items = self
            .read(&p.text_document.uri, move |s| features::completion::complete(s, p.position))
            .await?;
        Ok(items.map(CompletionResponse::Array))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self
            .read(&p.text_document.uri, move |s| features::hover::hover(s, p.position))
            .await?
            .flatten())
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let found = self
            .read(&p.text_document.uri, move |s| features::navigation::definition(s, p.position))
            .await?;
        Ok(found.flatten().map(GotoDefinitionResponse::Scalar))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let declaration = params.context.include_declaration;
        let found = self
            .read(&p.text_document.uri, move |s| {
                features::navigation::references(s, p.position, declaration)
            })
            .await?;
        Ok(found.flatten())
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let found = self
            .read(&params.text_document.uri, move |s| {
                features::navigation::prepare_rename(s, params.position)
            })
            .await?;
        Ok(found.flatten())
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let new_name = params.new_name;
        let found = self
            .read(&p.text_document.uri, move |s| {
                features::navigation::rename(s, p.position, &new_name)
            })
            .await?;
        match found.flatten() {
            Some(Err(message)) => Err(Error::invalid_params(message)),
            Some(Ok(edit)) => Ok(Some(edit)),
            None => Ok(None),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let found = self.read(&params.text_document.uri, features::symbols::document).await?;
        Ok(found.map(DocumentSymbolResponse::Nested))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let files = self.state.lock().unwrap_or_else(|e| e.into_inner()).all_files();
        let db = self.state.lock().unwrap_or_else(|e| e.into_inner()).db.clone();
        let query = params.query;
        let found = run(move || features::symbols::workspace(&db, &files, &query)).await?;
        Ok(Some(WorkspaceSymbolResponse::Flat(found)))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let found = self.read(&params.text_document.uri, features::tokens::full).await?;
        Ok(found.map(|data| SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data })))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.read(&params.text_document.uri, features::structure::folding).await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let positions = params.positions;
        self.read(&params.text_document.uri, move |s| features::structure::selection(s, &positions))
            .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let p = params.text_document_position_params;
        Ok(self
            .read(&p.text_document.uri, move |s| features::signature::help(s, p.position))
            .await?
            .flatten())
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self.read(&params.text_document.uri, features::format::document).await?.flatten())
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let range = params.range;
        Ok(self
            .read(&params.text_document.uri, move |s| features::format::range(s, range))
            .await?
            .flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let range = params.range;
        self.read(&params.text_document.uri, move |s| features::actions::fixes(s, range)).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.read(&params.text_document.uri, features::tests::lenses).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != features::tests::RUN_TEST {
            return Err(Error::invalid_params(format!("unknown command {}", params.command)));
        }
        let uri: Uri = params
            .arguments
            .first()
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse().ok())
            .ok_or_else(|| Error::invalid_params("expected [uri, test name]"))?;
        let name = params.arguments.get(1).and_then(|n| n.as_str()).map(str::to_owned);
        let path = crate::state::path_of(&uri);
        let (file, wanted) = (path.clone(), name.clone());
        let ran = run(move || features::tests::run(&file, wanted.as_deref())).await?;
        let (kind, message) = match ran {
            Ok((failures, summary)) => {
                let kind =
                    if failures.is_empty() { MessageType::INFO } else { MessageType::WARNING };
                self.edit(|s| s.set_failures(path, name.as_deref(), failures));
                (kind, format!("flow test: {summary}"))
            }
            Err(why) => (MessageType::ERROR, why),
        };
        self.client.show_message(kind, message).await;
        self.publish(&uri).await;
        Ok(None)
    }
}

/// `river/syntaxTree`: the document's syntax tree as text, for debugging.
pub async fn syntax_tree(backend: &Backend, params: Value) -> Result<Value> {
    let uri: Uri = params
        .get("textDocument")
        .and_then(|d| d.get("uri"))
        .and_then(|u| u.as_str())
        .and_then(|u| u.parse().ok())
        .ok_or_else(|| Error::invalid_params("expected { textDocument: { uri } }"))?;
    let tree = backend.read(&uri, features::tree::syntax_tree).await?;
    tree.map(Value::String).ok_or_else(|| Error::invalid_params("the document is not open"))
}
