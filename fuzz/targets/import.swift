// libFuzzer target: `policyc import` (the position-aware JSON reader and the role-table
// converter) on arbitrary bytes. Built by scripts/fuzz.sh; not part of `swift test`.
import PolicyLang
import PolicyRuntime

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImport(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let source = try? RoleTableImporter.convert(bytes, policyName: "fuzz") else { return 0 }
    // What the importer accepts becomes a policy that parses, is already formatted, and checks.
    let file = SourceFile(path: "imported.pol", text: source)
    guard let formatted = try? SourceFormatter.format(file), formatted == source else {
        fatalError("imported policy is not in canonical layout")
    }
    let (syntax, diagnostics) = Parser.parse(file)
    let (_, bag) = Checker.check([syntax])
    if diagnostics.contains(where: { $0.severity == .error }) || bag.hasErrors {
        fatalError("imported policy does not check")
    }
    return 0
}
