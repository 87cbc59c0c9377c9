import Foundation
import PolicyLang
import PolicyRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `policyc eval --policy FILE [--request FILE] [--input jsonl|json] [--state DIR|URL] [--verify-key FILE] [--explain]`:
/// decides requests.
enum EvalCommand: Command {
    static let name = "eval"
    static let summary = "decide requests against a policy"
    static let usage = "policyc eval --policy FILE [--request FILE] [--input jsonl|json] [--state DIR|URL [--replay]] [--audit DIR [--audit-key FILE]] [--verify-key FILE] [--explain]"
    static let details = """
        The policy is a .pol file (compiled on the fly) or a compiled .json document, whose
        document_digest is checked. With --verify-key, the document must also be signed with
        the key in FILE (`policyc compile --sign-key`).

        Requests are read from FILE or standard input. With --input jsonl (the default) the input
        is JSON Lines: every line is one request and gets exactly one decision line, in order,
        written while reading; a line that is not a valid request, an empty line included, gets
        a deny with `invalid_request`, and the next line is still decided. With --input json the
        whole input is one request (pretty-printed or not, up to 16 MiB) and gets one decision.
        The formats are in docs/runtime.md.

        With --state, budgets and rate limits are enforced: each request reserves its estimated
        use in the usage store (a directory, created if needed, shared safely by processes on
        one host; or redis://HOST:PORT[/DB] for many hosts), a completion with the same
        request_id settles it, and each decision carries `usage`. Without --state, the policy's
        budgets are only read from the requests' own `budget` fields. A metered request's
        `timestamp` chooses the period it is charged to, so it must be within 5 minutes of the
        clock; --replay accepts any (replaying recorded traffic into a store of its own).

        With --audit, every decision is also appended to the tamper-evident audit trail in DIR
        (created if needed; one writer per directory) before it is written out: a record per
        decision, chained and MACed under the key from --audit-key FILE or the file
        $\(AuditKey.environmentVariable) names, keeping what the request's audit level keeps
        (docs/audit.md). A decision whose record cannot be written (a full disk) is given as a
        deny with `audit_unavailable` — or as decided when the policy says `audit { fail_open
        true }` — with a warning on standard error, and eval goes on; it then exits 2.
        A policy with `audit { encrypt true }` keeps no prompt or response text in the trail
        (PolicyLang ships no cipher) unless --audit-storage-encrypted says DIR is on an
        encrypted volume.

        exit status: 0 every request was decided, 2 usage error, a policy that cannot be loaded,
        or an audit trail that cannot be opened or that failed to record a decision
        """
    static let options = [
        OptionSpec("policy", value: "FILE", help: "the policy (.pol or compiled .json)"),
        OptionSpec("request", value: "FILE", help: "read requests from FILE instead of standard input"),
        OptionSpec("input", value: "FORMAT", choices: ["jsonl", "json"],
                   help: "jsonl: one request per line (default); json: the whole input is one request"),
        OptionSpec("verify-key", value: "FILE", help: "refuse a compiled policy not signed with the key in FILE"),
        OptionSpec("key-id", value: "ID", help: "the id the signature must name (default `default`)"),
        OptionSpec("explain", help: "add the role checks, rules, alerts and playbooks evaluated and why each matched or not"),
        UsageState.option,
    ] + AuditCommand.writerOptions(audit: "append every decision to the audit trail in DIR") + [
        OptionSpec("replay", help: "with --state: accept requests' timestamps however far from the clock (replaying recorded traffic)"),
    ]

    static func run(_ arguments: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard let policyPath = arguments.value("policy") else { throw .usage("eval: --policy FILE is required\n\(usage)") }
        guard arguments.positionals.isEmpty else {
            throw .usage("eval: unexpected argument `\(arguments.positionals[0])`; requests come from --request FILE or standard input")
        }
        let key = try PolicyLoader.key(arguments, option: "verify-key", command: name)
        let plan = try PolicyLoader.plan(policyPath, verifyingWith: key, command: name)
        let explain = arguments.has("explain")
        var decider = Decider(plan: plan, meter: nil, explain: explain, trail: nil,
                              storageEncrypted: arguments.has("audit-storage-encrypted"))
        decider.trail = try AuditCommand.openWriter(arguments, command: name) { Output.err("eval: warning: \($0)\n") }
        if let state = arguments.value("state") {
            guard !explain else { throw .usage("eval: --explain and --state cannot be combined: an explanation does not reserve usage") }
            do {
                let options = UsageMeter.Options(timestampTolerance: arguments.has("replay") ? nil : 300)
                decider.meter = try UsageMeter(plan: plan, store: try UsageState.open(state, command: name), options: options)
            } catch let error as CommandFailure {
                throw error
            } catch {
                throw .usage("eval: cannot meter `\(policyPath)`: \(error)")
            }
        }
        var descriptor: Int32 = 0
        if let requestPath = arguments.value("request"), requestPath != "-" {
            descriptor = open(requestPath, O_RDONLY)
            guard descriptor >= 0 else { throw .usage("eval: cannot read `\(requestPath)`: \(String(cString: strerror(errno)))") }
        }
        defer { if descriptor != 0 { close(descriptor) } }
        let output = OutputBuffer()
        var reader = LineReader(descriptor: descriptor, maxLineBytes: RequestReader.maxBytes, flushing: output)
        let auditFailure: AuditError?
        if arguments.value("input") == "json" {
            auditFailure = decideWholeInput(decider, &reader, into: output)
        } else {
            auditFailure = decideLines(decider, &reader, into: output)
        }
        output.flush()
        if let auditFailure {
            let given = plan.compiled.audit.failOpen ? "given as decided (audit.fail_open)" : "denied with audit_unavailable"
            throw .usage("eval: the audit trail could not record every decision (first: \(auditFailure.message)); those were \(given)")
        }
        // Exit 0 promises that every request was decided and written: a failed read or write
        // breaks that promise, so it is an error (exit 2), not a quiet end.
        if let error = reader.readError { throw .usage("eval: cannot read the requests: \(String(cString: strerror(error)))") }
        if let error = output.writeError { throw .usage("eval: cannot write the decisions: \(String(cString: strerror(error)))") }
        return .success
    }

    /// JSON Lines: one line, one request, one decision, always, in linear time. Returns the first
    /// failure of the audit trail to record a decision, if any.
    static func decideLines(_ decider: Decider, _ reader: inout LineReader, into output: OutputBuffer) -> AuditError? {
        let plan = decider.plan
        var lineNumber = 0
        var firstFailure: AuditError?
        while let line = reader.next() {
            lineNumber += 1
            let failure: AuditError?
            switch line {
            case .tooLong(let length):
                failure = decider.emit(plan.invalidRequest("line \(lineNumber): request is over \(length) bytes; the limit is \(RequestReader.maxBytes)"),
                                       for: Request(), into: output)
            case .bytes(let bytes):
                do {
                    failure = decider.decide(try RequestReader.read(bytes), into: output)
                } catch {
                    failure = decider.emit(plan.invalidRequest("line \(lineNumber): \(error.description)" + hint(for: bytes)), for: Request(), into: output)
                }
            }
            if firstFailure == nil { firstFailure = failure }
        }
        return firstFailure
    }

    /// `--input json`: the whole input is one request.
    static func decideWholeInput(_ decider: Decider, _ reader: inout LineReader, into output: OutputBuffer) -> AuditError? {
        let plan = decider.plan
        guard let input = reader.readAll(limit: RequestReader.maxBytes) else {
            return decider.emit(plan.invalidRequest("the request is over \(RequestReader.maxBytes) bytes"), for: Request(), into: output)
        }
        do {
            return decider.decide(try RequestReader.read(input), into: output)
        } catch {
            return decider.emit(plan.invalidRequest(error.description), for: Request(), into: output)
        }
    }

    /// Decides requests: through the usage meter when there is a store, else the plan alone;
    /// each decision recorded in the audit trail, when there is one, before it is written.
    struct Decider {
        let plan: Plan
        var meter: UsageMeter?
        let explain: Bool
        var trail: AuditTrail?
        /// Whether the trail's storage encrypts at rest (`--audit-storage-encrypted`).
        let storageEncrypted: Bool

        /// Writes the decision line for one request; returns why the audit trail could not
        /// record it, when it could not (the decision written is then the trail's answer).
        func decide(_ request: Request, into output: OutputBuffer) -> AuditError? {
            if let meter { return emit(meter.evaluate(request), for: request, into: output) }
            guard explain else { return emit(plan.evaluate(request), for: request, into: output) }
            let (decided, explanations) = plan.explain(request)
            let (decision, failure) = record(decided, for: request)
            output.append(decision.jsonBytes(explaining: explanations))
            return failure
        }

        /// Records a decision, then writes what may be given (a deny with `audit_unavailable`
        /// when it could not be recorded, unless auditing fails open).
        func emit(_ decided: Decision, for request: Request, into output: OutputBuffer) -> AuditError? {
            let (decision, failure) = record(decided, for: request)
            output.append(decision)
            return failure
        }

        /// Appends the decision's record to the audit trail, if there is one.
        private func record(_ decision: Decision, for request: Request) -> (Decision, AuditError?) {
            guard let trail else { return (decision, nil) }
            let time = request.timestamp?.secondsSinceEpoch ?? Int(Date().timeIntervalSince1970)
            let recorded = trail.record(decision, for: request, audit: plan.compiled.audit, time: time, storageEncrypted: storageEncrypted)
            if let failure = recorded.failure { Output.err("eval: warning: a decision was not recorded: \(failure.message)\n") }
            return recorded
        }
    }

    /// For a line that failed to parse: when it looks like part of a pretty-printed request (an
    /// empty line, or a line that opens an object or list it does not close), say how to read one.
    static func hint(for line: [UInt8]) -> String {
        let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 }
        if trimmed.isEmpty { return "; an empty line is not a request (to read one pretty-printed request, use --input json)" }
        var depth = 0
        var inString = false
        var escaped = false
        for byte in line {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
        let opens = trimmed.first == 0x7B || trimmed.first == 0x5B
        return opens && depth > 0 ? "; this line starts a pretty-printed request: JSON Lines needs one request per line, or use --input json" : ""
    }
}
