import Foundation
import PolicyLang
import PolicyRuntime

/// `policyc-bench runtime --data DIR`: the runtime workloads of `../shared/bench`, on the data its
/// `gen_data.py` writes, so the figures compare with the peers' in `peer-figures.md`.
func runRuntimeBench(_ arguments: [String]) {
    var data: String?
    var iterations = 5
    var writeDirectory: String?
    var only: String?
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--data": data = rest.popFirst()
        case "--iterations": iterations = max(1, Int(rest.popFirst() ?? "") ?? iterations)
        case "--write": writeDirectory = rest.popFirst()
        case "--only": only = rest.popFirst()
        default: fail("unknown option `\(argument)`")
        }
    }
    guard let data else { fail("runtime needs --data DIR (the output of ../shared/bench/gen_data.py)") }
    func load(_ name: String) -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: data + "/" + name) else { fail("cannot read \(data)/\(name)") }
        return [UInt8](contents)
    }

    if only == nil || only == "w1" {
        runDecisionBench(data: data, load: load, iterations: iterations, writeDirectory: writeDirectory)
    }
    if only == nil || only == "plan" { runPlanBench(load: load) }
    if only == nil || only == "load" { runLoadBench(load: load) }
    if only == nil || only == "w2b" { runDetectorBench(load: load, iterations: iterations) }
    if only == nil || only == "w2c" { runCombinedBench(load: load, iterations: iterations) }
    guard only == nil || only == "w2a" else { return }
    print("W2a: literal patterns, ASCII case-insensitive, every occurrence counted (MB = 10^6 bytes)")
    for patternsFile in ["patterns_50.txt", "patterns_1000.txt"] {
        let literals = String(decoding: load(patternsFile), as: UTF8.self).split(separator: "\n").map(String.init)
        let matcher = LiteralMatcher(literals: literals)
        for corpus in ["corpus_1MiB.txt", "corpus_16MiB.txt"] {
            let text = load(corpus)
            var count = 0
            let seconds = measure(iterations) {
                count = 0
                text.withUnsafeBufferPointer { buffer in
                    matcher.scan(buffer) { _, _, _ in
                        count += 1
                        return true
                    }
                }
            }
            let rate = Double(text.count) / seconds / 1e6
            print("  \(literals.count) patterns, \(corpus): \(String(format: "%8.1f", rate)) MB/s  \(count) matches")
        }
    }
}

/// The W1 policy (the guide's JSON role format) as `.pol` source.
func policySource(fromRoleTable json: [UInt8], name: String) -> String {
    guard let table = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: [String: Any]] else {
        fail("cannot parse the role table")
    }
    let roleNames = table.keys.sorted()
    var models = Set<String>()
    var features = Set<String>()
    var operations = Set<String>()
    for role in table.values {
        models.formUnion(role["models"] as? [String] ?? [])
        features.formUnion(role["features"] as? [String] ?? [])
        operations.formUnion(role["requires_approval"] as? [String] ?? [])
    }
    func quoted(_ items: [String]) -> String { items.map { "\"\($0)\"" }.joined(separator: ", ") }
    var text = "policy \"\(name)\" version 1\n"
    for model in models.sorted() { text += "model \"\(model)\" { provider bench }\n" }
    text += "features " + features.sorted().joined(separator: ", ") + "\n"
    if !operations.isEmpty { text += "operations " + operations.sorted().joined(separator: ", ") + "\n" }
    for name in roleNames {
        let role = table[name]!
        text += "role \(name) {\n  models \(quoted(role["models"] as? [String] ?? []))\n"
        text += "  features \((role["features"] as? [String] ?? []).joined(separator: ", "))\n"
        if let limit = role["max_context_size"] as? Int { text += "  max_context \(limit)\n" }
        if let approvals = role["requires_approval"] as? [String], !approvals.isEmpty {
            text += "  requires_approval \(approvals.joined(separator: ", "))\n"
        }
        if let blocked = role["blocked_patterns"] as? [String], !blocked.isEmpty { text += "  block \(quoted(blocked))\n" }
        text += "}\n"
    }
    return text
}

/// Compiles `.pol` source in memory.
func compilePolicy(_ source: String) -> CompiledPolicy {
    guard let result = try? Compiler.compile(["bench.pol"], reader: MemorySourceReader(["bench.pol": source])),
          let policy = result.policy else { fail("the generated policy does not compile") }
    return policy
}

/// W1: one decision (role, model, feature, context, the role's blocked patterns over a ~2 KB
/// prompt) per request, in-process, on pre-parsed requests (as the peers get a dict).
func runDecisionBench(data: String, load: (String) -> [UInt8], iterations: Int, writeDirectory: String?) {
    let source = policySource(fromRoleTable: load("policy_1000.json"), name: "w1")
    let compiled = compilePolicy(source)
    guard let plan = try? Plan(compiled) else { fail("cannot plan the W1 policy") }
    var requests: [Request] = []
    var expected: [Bool] = []
    var requestLines: [UInt8] = []
    for line in String(decoding: load("requests_10000.jsonl"), as: UTF8.self).split(separator: "\n") {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        var request = Request()
        request.role = object["role"] as? String
        request.model = object["model"] as? String
        request.feature = object["feature"] as? String
        request.contextTokens = object["context_size"] as? Int
        request.prompt = Array((object["prompt"] as? String ?? "").utf8)
        requests.append(request)
        expected.append(object["expected"] as? Bool ?? false)
        let runtimeForm: [String: Any] = [
            "user": ["id": "user_\(object["id"] ?? 0)", "role": request.role ?? "", "team": "bench"], "action": "prompt",
            "model": request.model ?? "", "feature": request.feature ?? "", "context_tokens": request.contextTokens ?? 0,
            "prompt": object["prompt"] as? String ?? "",
        ]
        if let json = try? JSONSerialization.data(withJSONObject: runtimeForm) {
            requestLines.append(contentsOf: json)
            requestLines.append(0x0A)
        }
    }
    if let directory = writeDirectory {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/w1.pol", contents: Data(source.utf8))
        _ = FileManager.default.createFile(atPath: directory + "/w1.json", contents: compiled.canonicalJSON())
        _ = FileManager.default.createFile(atPath: directory + "/w1-requests.jsonl", contents: Data(requestLines))
    }
    // Reading: the byte-level reader over the same requests in the runtime's JSON format.
    let lines = requestLines.split(separator: 0x0A).map { Array($0) }
    var parsed = 0
    let readSeconds = measure(iterations) {
        parsed = 0
        for line in lines where (try? RequestReader.read(line)) != nil { parsed += 1 }
    }
    print(String(format: "Reading: %d requests (%.1f MB) in %.1f ms: %.2f µs per request, %.0f MB/s", parsed,
                 Double(requestLines.count) / 1e6, readSeconds * 1000, readSeconds / Double(max(lines.count, 1)) * 1e6,
                 Double(requestLines.count) / readSeconds / 1e6))
    var mismatches = 0
    for (request, allow) in zip(requests, expected) where (plan.evaluate(request).outcome == .allow) != allow { mismatches += 1 }
    // Throughput: a plain loop; latency: each call timed.
    var sink = 0
    let loopSeconds = measure(iterations) {
        for request in requests where plan.evaluate(request).outcome == .allow { sink += 1 }
    }
    var samples: [Double] = []
    samples.reserveCapacity(requests.count)
    for request in requests {
        let start = DispatchTime.now().uptimeNanoseconds
        sink &+= plan.evaluate(request).reasons.count
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
    }
    samples.sort()
    // The part no decision can skip: each prompt scanned for its role's blocked patterns alone.
    let table = (try? JSONSerialization.jsonObject(with: Data(load("policy_1000.json")))) as? [String: [String: Any]] ?? [:]
    var matchers: [String: LiteralMatcher] = [:]
    for (name, role) in table { matchers[name] = LiteralMatcher(literals: role["blocked_patterns"] as? [String] ?? []) }
    let scans = requests.map { (matchers[$0.role ?? ""], $0.prompt) }
    var scanSamples: [Double] = []
    for (matcher, prompt) in scans {
        guard let matcher else { continue }
        let start = DispatchTime.now().uptimeNanoseconds
        prompt.withUnsafeBufferPointer { buffer in matcher.scan(buffer) { _, _, _ in sink += 1; return true } }
        scanSamples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
    }
    // And the part that is not scanning: the same policy without blocked patterns.
    var stripped = compiled
    for index in stripped.roles.indices { stripped.roles[index].blockedPatterns = [] }
    guard let bare = try? Plan(stripped) else { fail("cannot plan the W1 policy without patterns") }
    var bareSamples: [String: [Double]] = [:]
    for request in requests {
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = bare.evaluate(request).outcome
        bareSamples[outcome.rawValue, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
    }
    let perSecond = Double(requests.count) / loopSeconds
    print("W1: \(requests.count) decisions, policy of \(compiled.roles.count) roles; mismatches with the reference: \(mismatches)")
    print(String(format: "  %.0f decisions/s; median %.2f µs/decision; p99 %.2f µs", perSecond,
                 samples[samples.count / 2], samples[samples.count * 99 / 100]))
    print(String(format: "  of which the role's blocked-pattern scan of the prompt alone: median %.2f µs", median(scanSamples)))
    print(String(format: "  the same decisions without blocked patterns: median %.2f µs allowed, %.2f µs denied (reasons and messages built)",
                 median(bareSamples["allow"] ?? [0]), median(bareSamples["deny"] ?? [0])))
    if sink == -1 { print("") }
}

/// Planning time and memory for the 10,000-role policy.
func runPlanBench(load: (String) -> [UInt8]) {
    let compiled = compilePolicy(policySource(fromRoleTable: load("policy_10000.json"), name: "w3"))
    var plans: [Plan] = []
    let before = residentBytes()
    let seconds = measure(5) {
        if let plan = try? Plan(compiled) { plans.append(plan) }
    }
    let after = residentBytes()
    print(String(format: "Plan: %d roles planned in %.1f ms (median of 5); resident memory grows %.1f MB per plan kept (5 kept)",
                 compiled.roles.count, seconds * 1000, Double(after - before) / Double(max(plans.count, 1)) / 1e6))
}

/// Loading and planning compiled documents, as an enforcement point does at start-up: the W1
/// document (1,003 roles) and the 10,000-role one, from their canonical JSON bytes.
func runLoadBench(load: (String) -> [UInt8]) {
    for (file, name) in [("policy_1000.json", "w1"), ("policy_10000.json", "w3")] {
        let compiled = compilePolicy(policySource(fromRoleTable: load(file), name: name))
        let json = compiled.canonicalJSON()
        var loadSamples: [Double] = []
        var planSamples: [Double] = []
        for _ in 0..<7 {
            let start = DispatchTime.now().uptimeNanoseconds
            guard let document = try? CompiledPolicy.load(from: json) else { fail("cannot load the \(name) document") }
            let loaded = DispatchTime.now().uptimeNanoseconds
            guard (try? Plan(document)) != nil else { fail("cannot plan the \(name) document") }
            let planned = DispatchTime.now().uptimeNanoseconds
            loadSamples.append(Double(loaded - start) / 1e6)
            planSamples.append(Double(planned - loaded) / 1e6)
        }
        print(String(format: "Load + plan: %d roles, %.1f MB document: load %.1f ms + plan %.1f ms = %.1f ms (medians of 7)",
                     compiled.roles.count, Double(json.count) / 1e6, median(loadSamples), median(planSamples),
                     median(loadSamples) + median(planSamples)))
        // Where loading goes: parsing the JSON, and the canonical form and its SHA-256 for the digest.
        let bytes = [UInt8](json)
        var parseSamples: [Double] = []
        var digestSamples: [Double] = []
        var hashSamples: [Double] = []
        for _ in 0..<7 {
            let start = DispatchTime.now().uptimeNanoseconds
            guard (try? JSONTree.parse(bytes, maximumDepth: CompiledPolicy.maximumDocumentDepth)) != nil else { fail("cannot parse") }
            let parsed = DispatchTime.now().uptimeNanoseconds
            guard let document = try? bytes.withUnsafeBufferPointer({ try JSONTree.parseCanonical($0, maximumDepth: CompiledPolicy.maximumDocumentDepth) })
            else { fail("cannot parse") }
            let canonical = document.canonical(excluding: ["document_digest"])
            let written = DispatchTime.now().uptimeNanoseconds
            _ = SHA256.hex(canonical)
            let hashed = DispatchTime.now().uptimeNanoseconds
            digestSamples.append(Double(hashed - parsed) / 1e6 - Double(parsed - start) / 1e6)
            hashSamples.append(Double(canonical.count) / (Double(hashed - written) / 1e9) / 1e6)
            parseSamples.append(Double(parsed - start) / 1e6)
        }
        print(String(format: "  of which parsing the JSON %.1f ms, the canonical form (written while parsing) and its SHA-256 %.1f ms (SHA-256 at %.0f MB/s)",
                     median(parseSamples), median(digestSamples), median(hashSamples)))
    }
}

/// W2b: every built-in detector, with its validation, over the corpora — then the same with the
/// decoding and rescanning of base64 and hex runs for secrets (the regex issue's addition).
func runDetectorBench(load: (String) -> [UInt8], iterations: Int) {
    let source = """
        policy "w2b" version 1
        rule everything { when prompt has pii, secret, network, injection deny "found" }
        """
    let compiled = compilePolicy(source)
    guard let detectors = try? Plan(compiled, options: .init(decodesEncodedSecrets: false)),
          let decoding = try? Plan(compiled) else { fail("cannot plan the detector policy") }
    print("W2b: every detector with its validation (MB = 10^6 bytes)")
    for (label, plan) in [("", detectors), (" + encoded runs", decoding)] {
        for corpus in ["corpus_1MiB.txt", "corpus_16MiB.txt"] {
            var request = Request()
            request.role = "none"
            request.prompt = load(corpus)
            var counts: [String: Int] = [:]
            let seconds = measure(iterations) {
                counts = [:]
                for detection in plan.evaluate(request).detections { counts[detection.type, default: 0] += 1 }
            }
            let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print(String(format: "  %@%@: %8.1f MB/s  %@", corpus, label, Double(request.prompt.count) / seconds / 1e6, summary))
        }
    }
}

/// W2c (the regex issue's target): 100 regexes, the 1,000 literal patterns and every detector,
/// through one plan, over the corpora.
func runCombinedBench(load: (String) -> [UInt8], iterations: Int) {
    let vocabulary = String(decoding: load("blocked_vocab.txt"), as: UTF8.self).split(separator: "\n").map(String.init)
    let literals = String(decoding: load("patterns_1000.txt"), as: UTF8.self).split(separator: "\n").map(String.init)
    let shapes = ["/%@-[0-9]{4,8}/i", "/%@\\s*#\\d{3,}/", "/\\b%@_[a-z0-9]{6,}\\b/i", "/(?:internal|private)[-_]%@/i"]
    let regexes = (0..<100).map { index in
        let word = vocabulary[1_000 + index].replacingOccurrences(of: "-", with: "_")
        return String(format: shapes[index % shapes.count], word)
    }
    let quoted = literals.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
    let source = """
        policy "w2c" version 1
        patterns literals { \(quoted.joined(separator: ", ")) }
        patterns expressions { \(regexes.joined(separator: ", ")) }
        rule everything { when prompt has literals, expressions, pii, secret, network, injection deny "found" }
        """
    guard let plan = try? Plan(compilePolicy(source)) else { fail("cannot plan the W2c policy") }
    print("W2c: 100 regexes + 1,000 literals + every detector in one plan (MB = 10^6 bytes)")
    for corpus in ["corpus_1MiB.txt", "corpus_16MiB.txt"] {
        var request = Request()
        request.role = "none"
        request.prompt = load(corpus)
        var count = 0
        let seconds = measure(iterations) { count = plan.evaluate(request).detections.count }
        print(String(format: "  %@: %8.1f MB/s  %d detections", corpus, Double(request.prompt.count) / seconds / 1e6, count))
    }
    // The same text with a zero-width space on every line, so every scan goes through the
    // normalized view (an all-ASCII text is its own view and costs one check).
    var request = Request()
    request.role = "none"
    for byte in load("corpus_16MiB.txt") {
        if byte == 0x0A { request.prompt += Array("\u{200B}".utf8) }
        request.prompt.append(byte)
    }
    var count = 0
    let seconds = measure(iterations) { count = plan.evaluate(request).detections.count }
    print(String(format: "  corpus_16MiB.txt with a zero-width space on every line (normalized): %8.1f MB/s  %d detections",
                 Double(request.prompt.count) / seconds / 1e6, count))
    // And text in a script the normalizer leaves alone (Japanese), scalar after scalar.
    var japanese = Request()
    japanese.role = "none"
    let sentence = Array("日本語のテキストを正規化しても何も変わりません。".utf8)
    while japanese.prompt.count < 4 << 20 { japanese.prompt += sentence }
    let japaneseSeconds = measure(iterations) { count = plan.evaluate(japanese).detections.count }
    print(String(format: "  4 MiB of Japanese text: %8.1f MB/s  %d detections", Double(japanese.prompt.count) / japaneseSeconds / 1e6, count))
}

/// Resident set size from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
