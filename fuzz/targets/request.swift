// libFuzzer target: the request reader and the evaluator on arbitrary bytes, against the
// enterprise policy. Every input must give a decision; an unreadable one a deny with
// `invalid_request`. Built by scripts/fuzz.sh; not part of `swift test`.
import Foundation
import PolicyRuntime

let enterprisePlan: Plan = {
    let path = "Tests/PolicyLangTests/testdata/compiled/enterprise.json"
    guard let data = FileManager.default.contents(atPath: path), let plan = try? Plan(json: data) else {
        fatalError("run from the repository root: cannot load \(path)")
    }
    return plan
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let decision = enterprisePlan.evaluate(json: bytes)
    let json = decision.jsonBytes()
    // A decision is always one line of valid JSON.
    guard !json.contains(0x0A), (try? JSONSerialization.jsonObject(with: Data(json))) != nil else {
        fatalError("decision is not one line of JSON")
    }
    if (try? RequestReader.read(bytes)) == nil, decision.reasons.map(\.code) != [.invalidRequest] {
        fatalError("an unreadable request was not denied as invalid")
    }
    return 0
}
