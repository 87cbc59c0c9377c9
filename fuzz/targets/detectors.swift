// libFuzzer target: every detector, the policy literals and regexes, a role's blocked patterns,
// the normalized view they all scan, redaction, and a message of two parts scanned joined, on arbitrary bytes
// (not necessarily UTF-8: embedders may hand the runtime raw bytes). Findings must lie inside
// the text and come out in order, and must not depend on where the text falls in the scanner's
// sixteen-byte blocks: the same text after 1–31 spaces gives the same findings, shifted.
// Built by scripts/fuzz.sh; not part of `swift test`.
import PolicyLang
import PolicyRuntime

let detectorPlan: Plan = {
    let source = """
        policy "fuzz" version 1
        patterns words { "production", "customer_data", "a", "é", /cust-[0-9]{3,}/i, /(?:x|yy)+z/ }
        role r { block "prоd", /sec+ret/i, words }
        rule everything {
          when    prompt has pii, secret, network, injection, words or response has pii, secret
                  or messages has pii, secret, network, injection, words or system has pii, secret, network, injection
          redact  pii, secret, network, injection, words
        }
        """
    guard let result = try? Compiler.compile(["fuzz.pol"], reader: MemorySourceReader(["fuzz.pol": source])),
          let compiled = result.policy, let plan = try? Plan(compiled) else { fatalError("the fuzz policy does not compile") }
    return plan
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDetectors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var request = Request()
    request.role = size % 2 == 0 ? "none" : "r"
    request.prompt = bytes
    request.response = bytes
    // One message of two parts (scanned joined and each alone) and a system prompt.
    let half = size / 2
    request.messages = [MessagePart(message: 0, role: "user", text: Array(bytes[..<half])),
                        MessagePart(message: 0, role: "user", text: Array(bytes[half...]))]
    request.system = [bytes]
    let decision = detectorPlan.evaluate(request)
    var previous = -1
    for detection in decision.detections where detection.field == "prompt" && detection.type != "blocked_pattern" {
        guard detection.start >= 0, detection.start < detection.end, detection.end <= bytes.count else {
            fatalError("detection outside the text")
        }
        guard detection.start >= previous || detection.type.hasPrefix("pattern.") else { fatalError("detections out of order") }
        previous = detection.type.hasPrefix("pattern.") ? previous : detection.start
    }
    for detection in decision.detections where detection.start < 0 || detection.end > bytes.count || detection.start > detection.end {
        fatalError("detection outside the text")
    }
    _ = decision.jsonBytes()

    // Alignment: a run of spaces before the text moves every finding by its length, no more.
    let shift = 1 + size % 31
    var shifted = Request()
    shifted.role = request.role
    shifted.prompt = Array(repeating: 0x20, count: shift) + bytes
    func findings(_ decision: Decision, by offset: Int) -> [String] {
        decision.detections.filter { $0.field == "prompt" }.map { "\($0.type) \($0.start - offset) \($0.end - offset)" }.sorted()
    }
    var alone = Request()
    alone.role = request.role
    alone.prompt = bytes
    let expected = findings(detectorPlan.evaluate(alone), by: 0)
    let moved = findings(detectorPlan.evaluate(shifted), by: shift)
    guard expected == moved else { fatalError("findings depend on alignment: \(expected) vs \(moved) after \(shift) spaces") }
    return 0
}
