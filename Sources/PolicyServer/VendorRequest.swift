import Foundation
import PolicyRuntime

/// A vendor's request body, as a gateway forwards it, made into the request format
/// (docs/serve.md, "Checking a vendor's request"): `POST /v1/chat/completions/check` takes an
/// OpenAI Chat Completions body and `POST /v1/messages/check` an Anthropic Messages body; who is
/// asking comes from `X-Policy-*` header fields.
///
/// From the body: `model`; `messages` as they are (the request format reads both vendors'
/// shapes); Anthropic's `system`; `max_tokens` (OpenAI's `max_completion_tokens` too); and the
/// tools a model is offered (`tools`, OpenAI's older `functions`), whose names, descriptions and
/// parameter schemas are text the model reads, so they join `system` to be scanned. Nothing else
/// of the body is read. A body that is not a JSON object, or whose fields have the wrong types,
/// is decided `invalid_request`.
enum VendorRequest {
    /// The two vendors' formats.
    enum Format {
        case openAIChat
        case anthropicMessages
    }

    /// The header fields read, and the request field each sets.
    static let headerFields: [(header: String, field: String)] = [
        ("x-policy-user", "user.id"), ("x-policy-role", "user.role"), ("x-policy-team", "user.team"),
        ("x-policy-department", "user.department"), ("x-policy-feature", "feature"), ("x-policy-operations", "operations"),
        ("x-policy-session", "session_id"), ("x-policy-request-id", "request_id"), ("x-policy-context-tokens", "context_tokens"),
    ]

    /// Why a body cannot be made into a request.
    struct Refusal: Error {
        var message: String
    }

    /// Bytes of message text counted as one token when `X-Policy-Context-Tokens` is absent: three,
    /// which overestimates English (about four) so that a context limit errs towards refusing.
    static let bytesPerEstimatedToken = 3

    /// The request format's JSON for `body` and `request`'s header fields, or why it cannot be made.
    static func requestJSON(_ format: Format, body: [UInt8], headers: HTTPRequest) -> Result<[UInt8], Refusal> {
        let tree: JSONTree
        do {
            tree = try JSONTree.parse(body, maximumDepth: RequestReader.maxDepth)
        } catch {
            return .failure(Refusal(message: "the body is not JSON: \(error.message) (at byte \(error.offset))"))
        }
        guard case .object = tree else { return .failure(Refusal(message: "the body must be a JSON object")) }
        let member = tree.member

        var out: [JSONTree.Member] = []
        var user: [JSONTree.Member] = []
        for (header, field) in headerFields {
            guard let value = headers.header(header) else { continue }
            switch field {
            case "user.id": user.append(.init("id", .string(value)))
            case "user.role": user.append(.init("role", .string(value)))
            case "user.team": user.append(.init("team", .string(value)))
            case "user.department": user.append(.init("department", .string(value)))
            case "operations":
                out.append(.init("operations", .array(value.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmptyString })))
            case "context_tokens":
                guard let tokens = Int(value), tokens >= 0 else { return .failure(Refusal(message: "X-Policy-Context-Tokens `\(value)` is not a whole number")) }
                out.append(.init("context_tokens", .integer(tokens)))
            default: out.append(.init(field, .string(value)))
            }
        }
        if !user.isEmpty { out.append(.init("user", .object(user))) }
        if let model = member("model") { out.append(.init("model", model)) }
        let messages = member("messages")
        if let messages { out.append(.init("messages", messages)) }
        if let tokens = member("max_tokens") ?? member("max_completion_tokens"), !tokens.isNull { out.append(.init("max_tokens", tokens)) }

        var system: [JSONTree] = []
        if format == .anthropicMessages, let given = member("system") {
            switch given {
            case .string: system.append(.object([.init("type", .string("text")), .init("text", given)]))
            case .array(let blocks, _): system += blocks
            default: return .failure(Refusal(message: "`system` must be a string or a list of blocks"))
            }
        }
        for key in ["tools", "functions"] {
            guard let tools = member(key) else { continue }
            guard case .array(let items, _) = tools else { return .failure(Refusal(message: "`\(key)` must be a list")) }
            for item in items {
                // Every string of a tool's definition is text the model reads: its name,
                // description, and its parameters' names, descriptions and enumerations.
                var text: [UInt8] = []
                item.writeCanonical(into: &text)
                system.append(.object([.init("type", .string("text")), .init("text", .string(String(decoding: text, as: UTF8.self)))]))
            }
        }
        if !system.isEmpty { out.append(.init("system", .array(system))) }
        if headers.header("x-policy-context-tokens") == nil, let messages {
            var bytes: [UInt8] = []
            messages.writeCanonical(into: &bytes)
            let estimate = (bytes.count + bytesPerEstimatedToken - 1) / bytesPerEstimatedToken
            out.append(.init("context_tokens", .integer(estimate)))
        }
        var json: [UInt8] = []
        JSONTree.object(out).writeCanonical(into: &json)
        return .success(json)
    }
}

private extension JSONTree {
    var isEmptyString: Bool {
        if case .string(let text, _) = self { return text.isEmpty }
        return false
    }
}
