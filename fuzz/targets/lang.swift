// libFuzzer target: the .pol front end (lexer, parser, checker, lowering, formatter, test
// runner) on arbitrary bytes.
// Built by scripts/fuzz.sh; not part of `swift test`.
import PolicyLang
import PolicyRuntime

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanguage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let file = SourceFile(path: "fuzz.pol", bytes: bytes)
    let (syntax, parseDiagnostics) = Parser.parse(file)
    let (resolved, bag) = Checker.check([syntax])
    // Render every diagnostic: locations and source lines must be computable for any input.
    _ = DiagnosticRenderer(format: .text).render(parseDiagnostics + bag.items)
    _ = DiagnosticRenderer(format: .json).render(bag.items)
    // The formatter refuses exactly the files with syntax errors, and is idempotent.
    let parses = parseDiagnostics.allSatisfy { $0.severity != .error }
    if let formatted = try? SourceFormatter.format(file) {
        guard parses else { fatalError("formatted a file with syntax errors") }
        let again = try? SourceFormatter.format(SourceFile(path: "fuzz.pol", text: formatted))
        guard again == formatted else { fatalError("formatting is not idempotent") }
    } else if parses {
        fatalError("refused to format a file without syntax errors")
    }
    if !bag.hasErrors, parses {
        let policy = Lowering.lower(resolved, name: "fuzz", version: 1, sources: [file])
        // A document the compiler writes must load back identically.
        guard let loaded = try? CompiledPolicy.load(from: policy.canonicalJSON()), loaded == policy else {
            fatalError("compiled document does not round-trip")
        }
        // Its tests run without trapping.
        if let plan = try? Plan(policy) {
            var coverage = Coverage()
            coverage.register(policy)
            _ = TestRunner.run(resolved.tests, plan: plan, coverage: &coverage)
        }
    }
    return 0
}
