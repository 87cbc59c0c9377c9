import PolicyRuntime

/// The protocol's JSON shapes the server builds and reads: positions, ranges, locations, text
/// edits, and typed reads of a request's parameters. One place for them, so every handler writes
/// the same shapes.
enum LSPJSON {
    /// `{ "line": …, "character": … }`
    static func position(_ position: LSPTextDocument.Position) -> JSONTree {
        .object([.init("line", .integer(position.line)), .init("character", .integer(position.character))])
    }

    /// `{ "start": …, "end": … }`
    static func range(_ start: LSPTextDocument.Position, _ end: LSPTextDocument.Position) -> JSONTree {
        .object([.init("start", position(start)), .init("end", position(end))])
    }

    /// `{ "uri": …, "range": … }`
    static func location(uri: String, range: JSONTree) -> JSONTree {
        .object([.init("uri", .string(uri)), .init("range", range)])
    }

    /// `{ "range": …, "newText": … }`
    static func textEdit(range: JSONTree, newText: String) -> JSONTree {
        .object([.init("range", range), .init("newText", .string(newText))])
    }

    /// An object from members, leaving out the nil ones.
    static func object(_ members: [(String, JSONTree?)]) -> JSONTree {
        .object(members.compactMap { key, value in value.map { JSONTree.Member(key, $0) } })
    }

    /// A string member of an object.
    static func string(_ tree: JSONTree?, _ key: String) -> String? {
        if case .string(let value, _)? = tree?.member(key) { return value }
        return nil
    }

    /// A whole-number member of an object.
    static func integer(_ tree: JSONTree?, _ key: String) -> Int? {
        tree?.member(key)?.integerValue
    }

    /// A position member (`{line, character}`), nil unless both are whole numbers.
    static func position(_ tree: JSONTree?, _ key: String) -> LSPTextDocument.Position? {
        let value = tree?.member(key)
        guard let line = integer(value, "line"), let character = integer(value, "character") else { return nil }
        return LSPTextDocument.Position(line: line, character: character)
    }

    /// The elements of an array member (empty when absent or not an array).
    static func array(_ tree: JSONTree?, _ key: String) -> [JSONTree] {
        if case .array(let items, _)? = tree?.member(key) { return items }
        return []
    }

}
