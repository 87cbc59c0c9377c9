/// Reads the JSON request format into a ``Request``, working on bytes (Foundation's decoders
/// cost tens of microseconds per request; this costs a pass over the input).
///
/// Strict, because a gateway and the runtime must never read one request two ways: every field
/// of the top level, of `user` and of `budget` must be one of ``RequestInput``'s (a misspelled
/// `operation` would otherwise drop the approval it asks for); a key that appears twice in any
/// object, at any depth, is refused (readers disagree about which duplicate wins); `action`
/// must be one of the documented actions. Wrong types, negative counts, malformed JSON, invalid
/// UTF-8, nesting deeper than ``maxDepth`` and inputs larger than ``maxBytes`` are errors too:
/// a request that cannot be read is denied with `invalid_request`. Message objects and their
/// content parts follow the vendors' chat formats, which carry many keys this format does not
/// read; those are skipped (duplicates still refused).
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
        try readFields(of: nil, depth: 1, &cursor, &request)
        cursor.skipSpace()
        guard cursor.atEnd else { throw cursor.error("unexpected data after the request object") }
        return request
    }

    /// What a key of the top level, `user` or `budget` stands for.
    private enum Slot: Sendable {
        case input(RequestInput)
        case object(String)
    }

    /// Per object (nil: the top level), its keys and what each stands for; built from
    /// ``RequestInput`` so that the reader knows exactly the fields the table lists.
    private struct FieldTable: Sendable {
        let index: NameIndex
        let slots: [Slot]
        let names: [String]
    }

    private static let tables: [String?: FieldTable] = {
        var slotsByObject: [String?: [Slot]] = [nil: []]
        for input in RequestInput.allCases {
            if let object = input.object {
                if slotsByObject[object] == nil {
                    slotsByObject[object] = []
                    slotsByObject[nil]!.append(.object(object))
                }
                slotsByObject[object]!.append(.input(input))
            } else {
                slotsByObject[nil]!.append(.input(input))
            }
        }
        return slotsByObject.mapValues { slots in
            let names = slots.map { slot in
                switch slot {
                case .input(let input): return input.key
                case .object(let name): return name
                }
            }
            return FieldTable(index: NameIndex(Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })),
                              slots: slots, names: names)
        }
    }()

    /// Reads an object of request fields: the top level (`object` nil), `user` or `budget`.
    private static func readFields(of object: String?, depth: Int, _ cursor: inout JSONCursor, _ request: inout Request)
        throws(RequestError) {
        let table = tables[object]!
        var seen: UInt64 = 0
        try cursor.readObject(depth: depth) { (key, cursor) throws(RequestError) in
            let qualified = { (name: String) in object.map { "\($0).\(name)" } ?? name }
            guard let position = key.withBytes({ table.index.lookup($0) }) else {
                let help = Suggestion.closest(to: key.text, in: table.names).map { " (did you mean `\(qualified($0))`?)" } ?? ""
                throw cursor.error("unknown field `\(qualified(key.text))`\(help); docs/runtime.md lists the request fields")
            }
            guard seen & (1 << position) == 0 else { throw cursor.error("duplicate field `\(qualified(table.names[position]))`") }
            seen |= 1 << position
            switch table.slots[position] {
            case .input(let input):
                try read(input, &cursor, &request)
            case .object(let name):
                guard try cursor.nullOr(UInt8(ascii: "{"), "`\(name)` must be an object") else { return }
                try readFields(of: name, depth: depth + 1, &cursor, &request)
            }
        }
    }

    /// Reads one field's value into the request. The switch is exhaustive: a field added to
    /// ``RequestInput`` does not build until it is read here.
    private static func read(_ input: RequestInput, _ cursor: inout JSONCursor, _ request: inout Request) throws(RequestError) {
        let name = input.rawValue
        switch input {
        case .userID: request.userID = try cursor.optionalString(name)
        case .role: request.role = try cursor.optionalString(name)
        case .team: request.team = try cursor.optionalString(name)
        case .department: request.department = try cursor.optionalString(name)
        case .sessionID: request.sessionID = try cursor.optionalString(name)
        case .action:
            let start = cursor.index
            if let text = try cursor.optionalString(name) {
                guard let action = RequestAction(rawValue: text) else {
                    throw RequestError("unknown action `\(Plan.shown(text))`; expected \(RequestAction.wordList)", at: start)
                }
                request.action = action
            }
        case .model: request.model = try cursor.optionalString(name)
        case .feature: request.feature = try cursor.optionalString(name)
        case .contextTokens: request.contextTokens = try cursor.optionalCount(name)
        case .tokensIn: request.tokensIn = try cursor.optionalCount(name)
        case .tokensOut: request.tokensOut = try cursor.optionalCount(name)
        case .prompt: request.prompt = try cursor.optionalText(name) ?? []
        case .messages: request.messages = try readMessages(&cursor)
        case .response: request.response = try cursor.optionalText(name)
        case .operations: request.operations = try cursor.stringList(name)
        case .filesAccessed: request.filesAccessed = try cursor.stringList(name)
        case .filesModified: request.filesModified = try cursor.stringList(name)
        case .ipAddress: request.ipAddress = try cursor.optionalString(name)
        case .userAgent: request.userAgent = try cursor.optionalString(name)
        case .timestamp:
            let start = cursor.index
            if let text = try cursor.optionalString(name) {
                guard let timestamp = Timestamp(rfc3339: text) else {
                    throw RequestError("`timestamp` must be an RFC 3339 date and time, such as 2026-11-25T10:15:00Z", at: start)
                }
                request.timestamp = timestamp
            }
        case .budgetUsedPercent: request.budgetUsedPercent = try cursor.optionalCount(name)
        case .budgetExceeded: request.budgetExceeded = try cursor.optionalBool(name)
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
            var keys = SeenKeys()
            try cursor.readObject(depth: 3) { (field, cursor) throws(RequestError) in
                try keys.insert(field, at: cursor.index)
                switch field {
                case "role": role = try cursor.optionalString("messages[\(message)].role")
                case "content": try readContent(&cursor, message: message, into: &texts)
                default: try cursor.skipValue(depth: 3)
                }
            }
            for text in texts { parts.append(MessagePart(message: message, role: role, text: text)) }
        }
        return parts
    }

    private static func readContent(_ cursor: inout JSONCursor, message: Int, into texts: inout [[UInt8]]) throws(RequestError) {
        guard cursor.peek == UInt8(ascii: "[") else {
            if let text = try cursor.optionalText("messages[\(message)].content") { texts.append(text) }
            return
        }
        try cursor.readArray(depth: 4) { (cursor) throws(RequestError) in
            if cursor.peek == UInt8(ascii: "\"") {
                texts.append(try cursor.readString())
            } else if cursor.peek == UInt8(ascii: "{") {
                var keys = SeenKeys()
                try cursor.readObject(depth: 5) { (partField, cursor) throws(RequestError) in
                    try keys.insert(partField, at: cursor.index)
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
    }
}
