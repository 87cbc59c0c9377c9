// libFuzzer target: the .pol front end (lexer, parser, checker, lowering) on arbitrary bytes.
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
    if !bag.hasErrors, parseDiagnostics.allSatisfy({ $0.severity != .error }) {
        let policy = Lowering.lower(resolved, name: "fuzz", version: 1, sources: [file])
        // A document the compiler writes must load back identically.
        guard let data = try? policy.canonicalJSON(), let loaded = try? CompiledPolicy.load(from: data), loaded == policy else {
            fatalError("compiled document does not round-trip")
        }
    }
    return 0
}
