// The River extension: starts `flow-lsp` and hands it River documents.
// The server does the work (diagnostics, completion, hover, navigation,
// formatting); this side finds the binary and offers two commands.

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

const INSTALL_HINT =
  "Install it with `cargo install --path cli` from a clone of the River toolchain, " +
  "or set `river.server.path` to the flow-lsp binary.";

/// The server binary: the setting, else `flow-lsp` on the PATH.
function serverPath(): string | undefined {
  const configured = vscode.workspace.getConfiguration("river").get<string>("server.path");
  if (configured) {
    return fs.existsSync(configured) ? configured : undefined;
  }
  const exe = process.platform === "win32" ? "flow-lsp.exe" : "flow-lsp";
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, exe);
    if (dir && fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = serverPath();
  if (!command) {
    const configured = vscode.workspace.getConfiguration("river").get<string>("server.path");
    const what = configured ? `river.server.path points at ${configured}, which does not exist.` : "flow-lsp is not on the PATH.";
    void vscode.window.showErrorMessage(`River: ${what} ${INSTALL_HINT}`);
    return;
  }
  output ??= vscode.window.createOutputChannel("River Language Server");
  const server: ServerOptions = { command, transport: TransportKind.stdio };
  const options: LanguageClientOptions = {
    documentSelector: [{ language: "river" }],
    outputChannel: output,
  };
  client = new LanguageClient("river", "River Language Server", server, options);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("river.restartServer", async () => {
      await client?.stop();
      client = undefined;
      await start(context);
    }),
    vscode.commands.registerCommand("river.showOutput", () => output?.show()),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
