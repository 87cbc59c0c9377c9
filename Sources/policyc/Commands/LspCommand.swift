import Foundation
import PolicyLanguageServer
import PolicyRuntime

/// `policyc lsp`: the language server over standard input and output (docs/editors.md).
enum LspCommand: Command {
    static let name = "lsp"
    static let summary = "the language server for editors: live diagnostics, hover, definition, references, completion, formatting, rename"
    static let usage = "policyc lsp [--stdio] [--debounce-ms N]"
    static let details = """
        lsp speaks the Language Server Protocol (3.17) over standard input and output, framed by
        Content-Length headers; an editor starts it (editors/vscode, docs/editors.md). It offers
        diagnostics with the checker's codes and suggestions, quick fixes for "did you mean",
        hover, go to definition, find references, completion, formatting, rename and the outline.

        Open files are checked as part of every policy that imports them, with unsaved buffers
        taking precedence over the files on disk. Diagnostics are published once no message is
        waiting, so a burst of edits costs one check; --debounce-ms adds a quiet period.

        Limits: a message's header 8 KiB and body 64 MiB (beyond, the stream cannot be read on:
        the server exits 1); the compiler's limits bound every request's work (a file 16 MiB,
        256 files a policy); up to 2,000 .pol files of the workspace folders are read to find
        which files import which. Nothing is written to standard output but protocol messages.

        exit status: 0 after `shutdown` and `exit`; 1 after `exit` without `shutdown`, when input
        ends without `exit`, or when it cannot be read as the protocol's framing; 2 usage error
        """
    static let options = [
        OptionSpec("stdio", help: "talk over standard input and output (the default and only transport; editors pass it)"),
        OptionSpec("debounce-ms", value: "N", help: "publish diagnostics only after N ms without a message (default 0: once none is waiting)"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        var quiet = 0
        if let text = arguments.value("debounce-ms") {
            guard let value = Int(text), (0...10_000).contains(value) else { throw .usage("lsp: --debounce-ms `\(text)` is not from 0 to 10000") }
            quiet = value
        }
        guard arguments.positionals.isEmpty else { throw .usage("lsp: takes no file; the editor opens files\n\(usage)") }
        let status = LSPConnection.run(quietPeriod: .milliseconds(quiet), version: ReleaseVersion.text) { message in
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
        exit(status)
    }
}
