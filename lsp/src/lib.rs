//! The River language server: `flow-lsp` and `flow lsp`.
//!
//! Invariants: this is the only crate that knows LSP types. All analysis
//! goes through the analyzer's salsa database, so nothing that did not
//! change is parsed or checked again; each request runs on a snapshot, and
//! an edit cancels work still running on an older one. Bad input never
//! kills the server: any text, any position (past the end included) gets a
//! result, and a panic in a handler becomes an error reply.

mod convert;
mod features;
mod server;
mod state;

use tower_lsp_server::{LspService, Server};

/// Serves the protocol over standard input and output until the client
/// exits.
pub fn run_stdio() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let (stdin, stdout) = (tokio::io::stdin(), tokio::io::stdout());
        let (service, socket) = LspService::build(server::Backend::new)
            .custom_method("river/syntaxTree", server::syntax_tree)
            .finish();
        Server::new(stdin, stdout, socket).serve(service).await;
    });
}
