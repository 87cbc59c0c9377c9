// The PolicyLang extension: starts `policyc lsp` (docs/editors.md) for .pol files and hands it
// to VS Code's language client, which does the rest (diagnostics, hover, definition, references,
// completion, formatting, rename, outline and quick fixes all come from the server).
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("policylang");
  const command = settings.get("server.path", "policyc");
  const args = settings.get("server.arguments", ["lsp", "--stdio"]);
  client = new LanguageClient(
    "policylang",
    "PolicyLang",
    { command, args },
    {
      documentSelector: [{ scheme: "file", language: "pol" }],
      // The server finds which files import which from the workspace's .pol files; it reads
      // them again when one is created, changed or deleted outside the editor.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.pol") },
    }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `PolicyLang: cannot start \`${command} ${args.join(" ")}\` (${error.message}). ` +
        "Install policyc or set policylang.server.path."
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
