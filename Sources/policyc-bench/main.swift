import Foundation

/// `policyc-bench`: prints performance figures of the compiler and the runtime.
/// Run a release build: `swift build -c release && .build/release/policyc-bench MODE …`.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "runtime":
    runRuntimeBench(Array(arguments.dropFirst()))
case "compiler":
    runCompilerBench(Array(arguments.dropFirst()))
case "diff":
    runDiffBench(Array(arguments.dropFirst()))
case "regex":
    runRegexBench()
case "usage":
    runUsageBench(Array(arguments.dropFirst()))
case "usage-worker":
    runUsageWorker(Array(arguments.dropFirst()))
case "redis-usage":
    runRedisUsageBench(Array(arguments.dropFirst()))
case "audit":
    runAuditBench(Array(arguments.dropFirst()))
case "audit-report":
    runAuditReportBench(Array(arguments.dropFirst()))
case "lsp":
    runLanguageServerBench(Array(arguments.dropFirst()))
case "generate-editor-files":
    runGenerateEditorFiles(Array(arguments.dropFirst()))
case nil, "-h", "--help":
    print("""
        usage: policyc-bench compiler [--roles N] [--iterations K] [--write FILE]
               policyc-bench runtime --data DIR [--iterations K] [--only w1|plan|w2a|w2b] [--write DIR]
               policyc-bench diff [--roles N] [--write DIR]
               policyc-bench regex
               policyc-bench usage [--data DIR] [--only meter|durable|redis|exactness] [--dir DIR] [--redis URL]
               policyc-bench redis-usage [--url redis://HOST:PORT] [--requests N] [--batch K]
               policyc-bench audit [--dir DIR] [--records N]
               policyc-bench audit-report [--dir DIR] [--records N]
               policyc-bench lsp [--roles N] [--edits K]
               policyc-bench generate-editor-files [--root DIR]

        compiler: lex, parse, check and compile a generated policy of N roles (default 10,000)
        runtime:  the W1/W2 workloads of ../shared/bench (DIR is gen_data.py's output)
        diff:     policyc diff on N roles (default 1,000) × 20 models × 10 features
        regex:    the linear-time regex engine on pathological patterns; compiling 1,000 patterns
        usage:    metering: reserve + settle in memory on top of W1 decisions (needs --data), the durable
                  store's charges/s (in DIR, default .build/bench-usage), Redis (with --redis URL), and
                  4 processes × 8 threads charging one budget to exhaustion in each store
        redis-usage: RedisUsageStore reservations/s one by one and pipelined (default url:
                  POLICYLANG_TEST_REDIS, else redis://127.0.0.1:6379)
        audit:    audit records appended/s from 1–256 threads (in DIR, default .build/bench-audit),
                  and verifying the trail in MB/s
        audit-report: the compliance report over N records (default 1,000,000; the trail is written
                  once into DIR, default .build/bench-audit-report), read alone and verified as read
        lsp:      the language server: didChange → publishDiagnostics after a one-character edit of
                  examples/enterprise.pol (and its imports) and of a generated N-role policy (10,000)
        generate-editor-files: writes editors/vscode's TextMate grammar and hover's keyword lines
                  from the lexer's keyword table and grammar.md (run from the package root)
        """)
default:
    runCompilerBench(arguments)
}
