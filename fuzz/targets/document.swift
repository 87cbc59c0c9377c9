// libFuzzer target: the compiled-document loader and the planner on arbitrary bytes (a corrupt
// or hand-edited document must be refused with an error, never crash), and a plan that loads
// must decide a request. Inputs whose digest does not match are also re-sealed (the digest
// recomputed) and loaded again, so that mutations reach the structural checks behind it.
// Built by scripts/fuzz.sh; not part of `swift test`.
import Foundation
import PolicyRuntime

/// The input with its `document_digest` recomputed, or nil when it is not a JSON object.
func resealed(_ bytes: [UInt8]) -> Data? {
    guard case .object(let members, _)? = try? JSONTree.parse(bytes, maximumDepth: CompiledPolicy.maximumDocumentDepth) else { return nil }
    return CompiledPolicy.seal(members)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    var bytes = Data(raw)
    do {
        _ = try LoadedDocument(bytes)
    } catch CompiledPolicyError.digestMismatch {
        guard let sealed = resealed(raw) else { fatalError("a digest was checked on something that is not an object") }
        bytes = sealed
    } catch {
        return 0
    }
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
    var trace = EvaluationTrace()
    guard plan.evaluate(request, trace: &trace) == decision else { fatalError("tracing changed the decision") }
    _ = plan.explanations(request, trace)
    return 0
}
