import Foundation
import PolicyLang
import PolicyRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `policyc eval --policy FILE [--request FILE] [--explain]`: decides requests.
enum EvalCommand: Command {
    static let name = "eval"
    static let summary = "decide requests against a policy"
    static let usage = "policyc eval --policy FILE [--request FILE] [--explain]"
    static let details = """
        The policy is a .pol file (compiled on the fly) or a compiled .json document. Requests are
        read from FILE or standard input: one JSON request, or JSON Lines (one request per line).
        One decision is written per request, one per line, in the same order, while reading (the
        input is never held in memory). A line that is not a valid request gets a deny with
        `invalid_request` and the next line is still decided. The formats are in docs/runtime.md.

        exit status: 0 every request was decided, 2 usage error or a policy that cannot be loaded
        """
    static let options = [
        OptionSpec("policy", value: "FILE", help: "the policy (.pol or compiled .json)"),
        OptionSpec("request", value: "FILE", help: "read requests from FILE instead of standard input"),
        OptionSpec("explain", help: "add the rules evaluated and why each matched or not"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard let policyPath = arguments.value("policy") else { throw .usage("eval: --policy FILE is required\n\(usage)") }
        guard arguments.positionals.isEmpty else {
            throw .usage("eval: unexpected argument `\(arguments.positionals[0])`; requests come from --request FILE or standard input")
        }
        let plan = try loadPlan(policyPath)
        var descriptor: Int32 = 0
        if let requestPath = arguments.value("request"), requestPath != "-" {
            descriptor = open(requestPath, O_RDONLY)
            guard descriptor >= 0 else { throw .usage("eval: cannot read `\(requestPath)`: \(String(cString: strerror(errno)))") }
        }
        defer { if descriptor != 0 { close(descriptor) } }
        var reader = LineReader(descriptor: descriptor, maxLineBytes: RequestReader.maxBytes)
        var output = OutputBuffer()
        let explain = arguments.has("explain")
        var pending: [UInt8]?  // the start of a pretty-printed single request
        var lineNumber = 0
        while let line = reader.next() {
            lineNumber += 1
            switch line {
            case .tooLong(let length):
                output.append(plan.invalidRequest("line \(lineNumber): request is over \(length) bytes; the limit is \(RequestReader.maxBytes)"))
            case .bytes(let bytes):
                if var document = pending {
                    // Accumulating one pretty-printed request: decide once it reads as a whole.
                    document.append(0x0A)
                    document.append(contentsOf: bytes)
                    if (try? RequestReader.read(document)) != nil || document.count > RequestReader.maxBytes {
                        decide(plan, document, explain: explain, into: &output)
                        pending = nil
                    } else {
                        pending = document
                    }
                    continue
                }
                guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
                if lineNumber == 1, isUnterminatedObject(bytes) {
                    pending = bytes
                    continue
                }
                decide(plan, bytes, explain: explain, into: &output)
            }
        }
        if let document = pending { decide(plan, document, explain: explain, into: &output) }
        output.flush()
        return .success
    }

    /// Writes the decision line for one request.
    static func decide(_ plan: Plan, _ bytes: [UInt8], explain: Bool, into output: inout OutputBuffer) {
        guard explain else {
            output.append(plan.evaluate(json: bytes))
            return
        }
        let request: Request
        do {
            request = try RequestReader.read(bytes)
        } catch {
            output.append(plan.invalidRequest(error.description))
            return
        }
        let decision = plan.evaluate(request)
        var out = decision.jsonBytes()
        out.removeLast()  // the closing brace; the explanation joins the object
        out.append(contentsOf: #","explain":["#.utf8)
        for (index, explanation) in plan.explain(request, decision: decision).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            explanation.writeJSON(into: &out)
        }
        out.append(contentsOf: "]}".utf8)
        output.append(out)
    }

    /// Whether the first line opens an object it does not close: the start of a pretty-printed
    /// request rather than a JSON Lines record.
    static func isUnterminatedObject(_ bytes: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var sawBrace = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B:
                depth += 1
                sawBrace = true
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
        return sawBrace && depth > 0 && !inString && bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == 0x7B
    }

    /// Loads a compiled document or compiles a .pol file; any failure is a usage error (exit 2).
    static func loadPlan(_ path: String) throws(CommandFailure) -> Plan {
        if path.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path) else { throw .usage("eval: cannot read `\(path)`") }
            do {
                return try Plan(json: data)
            } catch {
                throw .usage("eval: cannot load `\(path)`: \(error)")
            }
        }
        let result: Compiler.Result
        do {
            result = try Compiler.compile([path])
        } catch {
            throw .usage("eval: \(error.message)")
        }
        guard let compiled = result.policy else {
            Output.err(DiagnosticRenderer(format: .text, color: Output.useColor(nil, descriptor: 2)).render(result.diagnostics))
            throw .usage("eval: `\(path)` has errors; fix them with `policyc check \(path)`")
        }
        do {
            return try Plan(compiled)
        } catch {
            throw .usage("eval: cannot plan `\(path)`: \(error)")
        }
    }
}
