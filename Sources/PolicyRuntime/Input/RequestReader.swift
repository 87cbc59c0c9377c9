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
        try readFields(0, depth: 1, &cursor, &request)
        cursor.skipSpace()
        guard cursor.atEnd else { throw cursor.error("unexpected data after the request object") }
        return request
    }

    /// What a key of the top level, `user` or `budget` stands for: a field, or an object of
    /// fields (by its index in ``tables``).
    private enum Slot: Sendable {
        case input(RequestInput)
        case object(Int)
    }

    /// The keys of one object (the top level, `user`, `budget`) and what each stands for; built
    /// from ``RequestInput`` so that the reader knows exactly the fields the table lists.
    private struct FieldTable: Sendable {
        /// The object's name, nil for the top level (for messages).
        let object: String?
        let index: NameIndex
        let slots: [Slot]
        let names: [String]

        init(object: String?, slots: [Slot], names: [String]) {
            self.object = object
            self.index = NameIndex(Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }))
            self.slots = slots
            self.names = names
        }

        /// `user.role` for `role` in `user`; a top-level name as it is.
        func qualified(_ name: String) -> String { object.map { "\($0).\(name)" } ?? name }
    }

    /// The top level first, then each object of fields in table order; a request's reading
    /// indexes into it (no hashing of names per object read).
    private static let tables: [FieldTable] = {
        var objects: [String] = []
        var top: (slots: [Slot], names: [String]) = ([], [])
        for input in RequestInput.allCases {
            guard let object = input.object else {
                top.slots.append(.input(input))
                top.names.append(input.key)
                continue
            }
            if !objects.contains(object) {
                objects.append(object)
                top.slots.append(.object(objects.count))
                top.names.append(object)
            }
        }
        return [FieldTable(object: nil, slots: top.slots, names: top.names)] + objects.map { object in
            let inputs = RequestInput.allCases.filter { $0.object == object }
            return FieldTable(object: object, slots: inputs.map(Slot.input), names: inputs.map(\.key))
        }
    }()

    /// Reads an object of request fields: `tables[table]`, the top level (0), `user` or `budget`.
    private static func readFields(_ table: Int, depth: Int, _ cursor: inout JSONCursor, _ request: inout Request)
        throws(RequestError) {
        let fields = tables[table]
        var seen: UInt64 = 0
        try cursor.readObject(depth: depth) { (key, cursor) throws(RequestError) in
            guard let position = key.withBytes({ fields.index.lookup($0) }) else {
                let help = Suggestion.closest(to: key.text, in: fields.names).map { " (did you mean `\(fields.qualified($0))`?)" } ?? ""
                throw cursor.error("unknown field `\(fields.qualified(key.text))`\(help); docs/runtime.md lists the request fields")
            }
            guard seen & (1 << position) == 0 else { throw cursor.error("duplicate field `\(fields.qualified(fields.names[position]))`") }
            seen |= 1 << position
            switch fields.slots[position] {
            case .input(let input):
                try read(input, &cursor, &request)
            case .object(let object):
                guard try cursor.nullOr(UInt8(ascii: "{"), "`\(fields.names[position])` must be an object") else { return }
                try readFields(object, depth: depth + 1, &cursor, &request)
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
        case .requestID: request.requestID = try cursor.optionalString(name)
        case .action:
            let action = try cursor.optionalString(name, as: RequestAction.init(rawValue:)) { text in
                "unknown action `\(Plan.shown(text))`; expected \(RequestAction.wordList)"
            }
            if let action { request.action = action }
        case .model: request.model = try cursor.optionalString(name)
        case .feature: request.feature = try cursor.optionalString(name)
        case .contextTokens: request.contextTokens = try cursor.optionalCount(name)
        case .tokensIn: request.tokensIn = try cursor.optionalCount(name)
        case .tokensOut: request.tokensOut = try cursor.optionalCount(name)
        case .maxTokens: request.maxTokens = try cursor.optionalCount(name)
        case .prompt: request.prompt = try cursor.optionalText(name) ?? []
        case .system: request.system = try readSystem(&cursor)
        case .messages: request.messages = try readMessages(&cursor)
        case .response: request.response = try cursor.optionalText(name)
        case .operations: request.operations = try cursor.stringList(name)
        case .filesAccessed: request.filesAccessed = try cursor.stringList(name)
        case .filesModified: request.filesModified = try cursor.stringList(name)
        case .ipAddress: request.ipAddress = try cursor.optionalString(name)
        case .userAgent: request.userAgent = try cursor.optionalString(name)
        case .timestamp:
            request.timestamp = try cursor.optionalString(name, as: Timestamp.init(rfc3339:)) { _ in
                "`timestamp` must be an RFC 3339 date and time, such as 2026-11-25T10:15:00Z"
            }
        case .budgetUsedPercent: request.budgetUsedPercent = try cursor.optionalCount(name)
        case .budgetExceeded: request.budgetExceeded = try cursor.optionalBool(name)
        }
    }

    /// `[{role, content, …}]` in the vendors' chat shapes. The model reads more than `content`'s
    /// text parts — tool calls and their arguments, tool results, documents, image URLs — so every
    /// string in a message is a text to scan, in document order, except the values of the keys
    /// that only describe a message (``messageMetadataKeys``). Unknown shapes are therefore read,
    /// not skipped: a new part type cannot carry text past the scanners.
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
                if field == "role" {
                    role = try cursor.optionalString("messages[\(message)].role")
                } else if field == "content", let byte = cursor.peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "["),
                          byte != UInt8(ascii: "n") {
                    throw cursor.error("`messages[\(message)].content` must be a string or a list of parts")
                } else if isMetadata(field) {
                    try cursor.skipValue(depth: 3)
                } else {
                    try collectTexts(&cursor, depth: 3, into: &texts)
                }
            }
            for text in texts { parts.append(MessagePart(message: message, role: role, text: text)) }
        }
        return parts
    }

    /// `system`: a string, a list of content blocks (`[{type: "text", text, cache_control}]`)
    /// or null. Every string of the blocks but their metadata is a text, as in messages.
    private static func readSystem(_ cursor: inout JSONCursor) throws(RequestError) -> [[UInt8]] {
        cursor.skipSpace()
        switch cursor.peek {
        case UInt8(ascii: "\""), UInt8(ascii: "["):
            var texts: [[UInt8]] = []
            try collectTexts(&cursor, depth: 1, into: &texts)
            return texts
        case UInt8(ascii: "n"):
            try cursor.skipValue(depth: 1)
            return []
        default:
            throw cursor.error("`system` must be a string or a list of content blocks")
        }
    }

    /// Keys whose values describe a message or a part rather than carry what the model reads;
    /// every other string in a message is scanned.
    public static let messageMetadataKeys = ["role", "type", "id", "tool_use_id", "tool_call_id", "call_id"]

    private static func isMetadata(_ key: JSONKey) -> Bool {
        key.withBytes { bytes in messageMetadataKeys.contains { $0.utf8.elementsEqual(bytes) } }
    }

    /// Every string in a value, in document order (objects' metadata keys skipped), bounded by
    /// the request's depth limit; numbers, booleans and null carry no text.
    private static func collectTexts(_ cursor: inout JSONCursor, depth: Int, into texts: inout [[UInt8]]) throws(RequestError) {
        cursor.skipSpace()
        switch cursor.peek {
        case UInt8(ascii: "\""):
            texts.append(try cursor.readString())
        case UInt8(ascii: "{"):
            var keys = SeenKeys()
            try cursor.readObject(depth: depth + 1) { (key, cursor) throws(RequestError) in
                try keys.insert(key, at: cursor.index)
                if isMetadata(key) {
                    try cursor.skipValue(depth: depth + 1)
                } else {
                    try collectTexts(&cursor, depth: depth + 1, into: &texts)
                }
            }
        case UInt8(ascii: "["):
            try cursor.readArray(depth: depth + 1) { (cursor) throws(RequestError) in
                try collectTexts(&cursor, depth: depth + 1, into: &texts)
            }
        default:
            try cursor.skipValue(depth: depth)
        }
    }
}
