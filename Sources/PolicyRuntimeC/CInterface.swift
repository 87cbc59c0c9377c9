import Foundation
import PolicyRuntime

/// The C interface of `include/policy_runtime.h`: the runtime in-process for any language with a
/// C foreign-function interface. Each function here is one in the header, with the header's
/// contract; none traps on any input (a request that cannot be read is decided).

/// A plan behind the header's opaque `policy_plan *`.
private final class PlanHandle {
    let plan: Plan
    init(_ plan: Plan) { self.plan = plan }
}

/// A copy of `bytes` and a NUL, in memory from `malloc` (the caller frees it with `policy_string_free`).
private func mallocString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
    guard let memory = malloc(bytes.count + 1)?.assumingMemoryBound(to: CChar.self) else { return nil }
    bytes.withUnsafeBytes { source in
        if let base = source.baseAddress { memcpy(memory, base, bytes.count) }
    }
    memory[bytes.count] = 0
    return memory
}

/// The bytes at `pointer` (none when it is NULL). A `size_t` above `Int.max` arrives negative
/// and is no buffer any process has: nil, decided as a request over the size limit.
private func bytes(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> UnsafeBufferPointer<UInt8>? {
    guard length >= 0 else { return nil }
    guard let pointer, length > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
}

/// The decision for a request's bytes, as JSON.
private func decide(_ handle: OpaquePointer, _ request: UnsafePointer<CChar>?, _ length: Int) -> [UInt8] {
    let plan = Unmanaged<PlanHandle>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue().plan
    guard let input = bytes(request, length) else {
        return plan.invalidRequest("the request's length is over the limit of \(RequestReader.maxBytes) bytes").jsonBytes()
    }
    let decision: Decision
    do throws(RequestError) {
        decision = plan.evaluate(try RequestReader.read(input))
    } catch {
        decision = plan.invalidRequest(error.description)
    }
    return decision.jsonBytes()
}

@_cdecl("policy_plan_create")
public func policy_plan_create(_ document: UnsafePointer<CChar>?, _ length: Int,
                               _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OpaquePointer? {
    guard let document = bytes(document, length) else {
        error?.pointee = mallocString(Array("the document's length is not a size".utf8))
        return nil
    }
    let json = Data(buffer: document)
    do {
        let handle = PlanHandle(try Plan(json: json))
        return OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
    } catch let failure {
        error?.pointee = mallocString(Array("cannot load the compiled policy: \(failure)".utf8))
        return nil
    }
}

@_cdecl("policy_plan_decide")
public func policy_plan_decide(_ plan: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ length: Int,
                               _ decisionLength: UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<CChar>? {
    guard let plan else {
        decisionLength?.pointee = 0
        return nil
    }
    let decision = decide(plan, request, length)
    decisionLength?.pointee = decision.count
    return mallocString(decision)
}

@_cdecl("policy_plan_decide_into")
public func policy_plan_decide_into(_ plan: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ length: Int,
                                    _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int {
    // A NULL plan decides nothing: the empty string, so that the result (0) and the buffer agree.
    let decision = plan.map { decide($0, request, length) } ?? []
    // A `size_t` capacity above `Int.max` arrives negative: the buffer is larger than any decision.
    if let buffer, capacity < 0 || capacity > decision.count {
        decision.withUnsafeBytes { source in
            if let base = source.baseAddress { memcpy(buffer, base, decision.count) }
        }
        buffer[decision.count] = 0
    }
    return decision.count
}

@_cdecl("policy_plan_free")
public func policy_plan_free(_ plan: OpaquePointer?) {
    guard let plan else { return }
    Unmanaged<PlanHandle>.fromOpaque(UnsafeRawPointer(plan)).release()
}

@_cdecl("policy_string_free")
public func policy_string_free(_ text: UnsafeMutablePointer<CChar>?) {
    free(text)
}

/// The version text, made once (a global's initializer runs once, thread-safely) and never
/// written or freed after: the header says it is static.
nonisolated(unsafe) private let versionText: UnsafeMutablePointer<CChar> =
    mallocString(Array("\(ReleaseVersion.text) (schema \(CompiledPolicy.currentSchemaVersion))".utf8))!

@_cdecl("policy_runtime_version")
public func policy_runtime_version() -> UnsafePointer<CChar> {
    UnsafePointer(versionText)
}
