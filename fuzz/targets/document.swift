// libFuzzer target: the compiled-document loader and the planner on arbitrary bytes (a corrupt
// or hand-edited document must be refused with an error, never crash), and a plan that loads
// must decide a request. Built by scripts/fuzz.sh; not part of `swift test`.
import Foundation
import PolicyRuntime

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let policy = try? CompiledPolicy.load(from: bytes), let plan = try? Plan(policy) else { return 0 }
    var request = Request()
    request.role = policy.roles.first?.name
    request.model = policy.models.first?.id
    request.feature = policy.features.first
    request.contextTokens = 100
    request.prompt = Array("deploy production with key AKIAZ3MNQR7TVWXY4P2L to jane@example.com".utf8)
    let decision = plan.evaluate(request)
    for detection in decision.detections where detection.start < 0 || detection.end > request.prompt.count {
        fatalError("detection outside the prompt")
    }
    _ = decision.jsonBytes()
    _ = plan.explain(request, decision: decision)
    return 0
}
