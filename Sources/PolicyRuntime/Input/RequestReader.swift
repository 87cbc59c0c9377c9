/// Reads the JSON request format into a ``Request``, working on bytes (Foundation's decoders
/// cost tens of microseconds per request; this costs a pass over the input).
///
/// Unknown fields are skipped. Wrong types, negative token counts, malformed JSON, invalid
/// UTF-8, nesting deeper than ``maxDepth`` and inputs larger than ``maxBytes`` are errors,
/// never silently ignored: a request that cannot be read is denied.
public enum RequestReader {
    /// Deepest nesting of arrays and objects accepted anywhere in a request.
    public static let maxDepth = 32
    /// Largest request accepted, in bytes.
    public static let maxBytes = 16 * 1024 * 1024

    /// Reads one request from JSON bytes.
    public static func read(_ bytes: [UInt8]) throws(RequestError) -> Request {
        try bytes.withUnsafeBufferPointer { buffer throws(RequestError) in try read(buffer) }
    }

    /// Reads one request from JSON bytes.
    public static func read(_ buffer: UnsafeBufferPointer<UInt8>) throws(RequestError) -> Request {
        guard buffer.count <= maxBytes else {
            throw RequestError("request is \(buffer.count) bytes; the limit is \(maxBytes)", at: 0)
        }
        var cursor = JSONCursor(buffer)
        var request = Request()
        cursor.skipSpace()
        guard cursor.peek == UInt8(ascii: "{") else { throw cursor.error("a request must be a JSON object") }
        try cursor.readObject(depth: 1) { (key, cursor) throws(RequestError) in
            try readTopLevel(key, &cursor, &request)
        }
        cursor.skipSpace()
        guard cursor.atEnd else { throw cursor.error("unexpected data after the request object") }
        return request
    }

    private static func readTopLevel(_ key: JSONKey, _ cursor: inout JSONCursor, _ request: inout Request) throws(RequestError) {
        switch key {
        case "user":
            guard try cursor.nullOr(UInt8(ascii: "{"), "`user` must be an object") else { return }
            try cursor.readObject(depth: 2) { (field, cursor) throws(RequestError) in
                switch field {
                case "id": request.userID = try cursor.optionalString("user.id")
                case "role": request.role = try cursor.optionalString("user.role")
                case "team": request.team = try cursor.optionalString("user.team")
                case "department": request.department = try cursor.optionalString("user.department")
                default: try cursor.skipValue(depth: 2)
                }
            }
        case "session_id": request.sessionID = try cursor.optionalString("session_id")
        case "action": request.action = try cursor.optionalString("action")
        case "model": request.model = try cursor.optionalString("model")
        case "feature": request.feature = try cursor.optionalString("feature")
        case "context_tokens": request.contextTokens = try cursor.optionalCount("context_tokens")
        case "tokens_in": request.tokensIn = try cursor.optionalCount("tokens_in")
        case "tokens_out": request.tokensOut = try cursor.optionalCount("tokens_out")
        case "prompt": request.prompt = try cursor.optionalText("prompt") ?? []
        case "response": request.response = try cursor.optionalText("response")
        case "messages": request.messages = try readMessages(&cursor)
        case "operations": request.operations = try cursor.stringList("operations")
        case "files_accessed": request.filesAccessed = try cursor.stringList("files_accessed")
        case "files_modified": request.filesModified = try cursor.stringList("files_modified")
        case "ip_address": request.ipAddress = try cursor.optionalString("ip_address")
        case "user_agent": request.userAgent = try cursor.optionalString("user_agent")
        case "budget":
            guard try cursor.nullOr(UInt8(ascii: "{"), "`budget` must be an object") else { return }
            try cursor.readObject(depth: 2) { (field, cursor) throws(RequestError) in
                switch field {
                case "used_percent": request.budgetUsedPercent = try cursor.optionalCount("budget.used_percent")
                case "exceeded": request.budgetExceeded = try cursor.optionalBool("budget.exceeded")
                default: try cursor.skipValue(depth: 2)
                }
            }
        case "timestamp":
            let start = cursor.index
            request.timestamp = try cursor.optionalString("timestamp")
            if let timestamp = request.timestamp {
                guard let hour = Timestamp.utcHour(of: timestamp) else {
                    throw RequestError("`timestamp` must be an RFC 3339 date and time, such as 2026-11-25T10:15:00Z", at: start)
                }
                request.hour = hour
            }
        default:
            try cursor.skipValue(depth: 1)
        }
    }

    /// `[{role, content}]` where content is a string or a list of text parts
    /// (`"text"` or `{"type": "text", "text": "…"}`); other part types carry no text.
    private static func readMessages(_ cursor: inout JSONCursor) throws(RequestError) -> [MessagePart] {
        guard try cursor.nullOr(UInt8(ascii: "["), "`messages` must be a list") else { return [] }
        var parts: [MessagePart] = []
        var index = 0
        try cursor.readArray(depth: 2) { (cursor) throws(RequestError) in
            let message = index
            index += 1
            guard cursor.peek == UInt8(ascii: "{") else { throw cursor.error("`messages[\(message)]` must be an object") }
            var role: String?
            var texts: [[UInt8]] = []
            try cursor.readObject(depth: 3) { (field, cursor) throws(RequestError) in
                switch field {
                case "role": role = try cursor.optionalString("messages[\(message)].role")
                case "content":
                    if cursor.peek == UInt8(ascii: "[") {
                        try cursor.readArray(depth: 4) { (cursor) throws(RequestError) in
                            if cursor.peek == UInt8(ascii: "\"") {
                                texts.append(try cursor.readString())
                            } else if cursor.peek == UInt8(ascii: "{") {
                                try cursor.readObject(depth: 5) { (partField, cursor) throws(RequestError) in
                                    if partField == "text" {
                                        if let text = try cursor.optionalText("messages[\(message)].content.text") { texts.append(text) }
                                    } else {
                                        try cursor.skipValue(depth: 5)
                                    }
                                }
                            } else {
                                throw cursor.error("`messages[\(message)].content` parts must be strings or objects")
                            }
                        }
                    } else if let text = try cursor.optionalText("messages[\(message)].content") {
                        texts.append(text)
                    }
                default:
                    try cursor.skipValue(depth: 3)
                }
            }
            for text in texts { parts.append(MessagePart(message: message, role: role, text: text)) }
        }
        return parts
    }
}
