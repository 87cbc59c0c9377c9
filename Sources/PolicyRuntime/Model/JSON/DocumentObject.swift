/// One JSON object of the compiled document, read strictly: it must be an object, every key
/// must be one of the type's `Key` cases, and every case must be present (a value that may be
/// absent is written as `null`, so a deleted key can never read as "no limit").
///
/// Errors name the JSON path: `roles[2]: unknown key "max_context_token"`.
struct DocumentObject<Key: RawRepresentable & CaseIterable & Equatable> where Key.RawValue == String {
    let path: String
    private let members: [JSONTree.Member]

    /// Reads `value` as an object whose keys are exactly the `Key` cases, except for
    /// `optionalKeys`, which may be left out (the document's `signature`).
    init(_ value: JSONTree, _ path: String, optionalKeys: [Key] = []) throws(CompiledPolicyError) {
        guard case .object(let members, _) = value else {
            throw DocumentValue.error(path, "expected an object, found \(value.kindName)")
        }
        // Every key of a compiled document is ASCII, so a key is known exactly when it spells a
        // `Key` case byte for byte (a non-ASCII key that Swift would call equal to one is not).
        var requiredPresent = 0
        for member in members {
            guard member.key.utf8.allSatisfy({ $0 < 0x80 }), let key = Key(rawValue: member.key) else {
                var message = "unknown key \(JSONWriter.quoted(member.key))"
                if let suggestion = Suggestion.closest(to: member.key, in: Key.allCases.map(\.rawValue)) {
                    message += " (did you mean \"\(suggestion)\"?)"
                }
                throw DocumentValue.error(path, message)
            }
            if !optionalKeys.contains(key) { requiredPresent += 1 }
        }
        // The parser refuses duplicate keys, so counting the required ones present is enough.
        if requiredPresent < Key.allCases.count - optionalKeys.count {
            for key in Key.allCases where !optionalKeys.contains(key) && !members.contains(where: { $0.key == key.rawValue }) {
                throw DocumentValue.error(path, "missing key \"\(key.rawValue)\"")
            }
        }
        self.path = path
        self.members = members
    }

    func child(_ key: Key) -> String { path.isEmpty ? key.rawValue : path + "." + key.rawValue }

    /// The value of a key (nil only for an optional key left out).
    func value(_ key: Key) -> JSONTree? {
        let name = key.rawValue
        return members.first { $0.key == name }?.value
    }

    private func present(_ key: Key) -> JSONTree {
        value(key) ?? .null()
    }

    // MARK: - Typed values

    func string(_ key: Key) throws(CompiledPolicyError) -> String {
        try DocumentValue.string(present(key), child(key))
    }

    func optionalString(_ key: Key) throws(CompiledPolicyError) -> String? {
        let value = present(key)
        return value.isNull ? nil : try DocumentValue.string(value, child(key), orNull: true)
    }

    func bool(_ key: Key) throws(CompiledPolicyError) -> Bool {
        guard case .bool(let flag, _) = present(key) else {
            throw DocumentValue.error(child(key), "expected true or false, found \(present(key).kindName)")
        }
        return flag
    }

    func integer(_ key: Key, in range: ClosedRange<Int> = DocumentValue.counts) throws(CompiledPolicyError) -> Int {
        try DocumentValue.integer(present(key), child(key), in: range)
    }

    func optionalInteger(_ key: Key, in range: ClosedRange<Int> = DocumentValue.counts) throws(CompiledPolicyError) -> Int? {
        let value = present(key)
        return value.isNull ? nil : try DocumentValue.integer(value, child(key), orNull: true, in: range)
    }

    func strings(_ key: Key) throws(CompiledPolicyError) -> [String] {
        try array(key) { (item, itemPath) throws(CompiledPolicyError) in try DocumentValue.string(item, itemPath) }
    }

    func word<Word: ClosedVocabulary>(_ key: Key, _ type: Word.Type = Word.self) throws(CompiledPolicyError) -> Word {
        try DocumentValue.word(present(key), child(key), Word.self)
    }

    func optionalWord<Word: ClosedVocabulary>(_ key: Key, _ type: Word.Type = Word.self) throws(CompiledPolicyError) -> Word? {
        let value = present(key)
        return value.isNull ? nil : try DocumentValue.word(value, child(key), Word.self)
    }

    func array<Element>(_ key: Key, _ element: (JSONTree, String) throws(CompiledPolicyError) -> Element)
        throws(CompiledPolicyError) -> [Element] {
        try DocumentValue.array(present(key), child(key), element)
    }

    /// An object used as a map from its keys to values (`periods_seconds`, `placeholders`).
    func map<Value>(_ key: Key, _ element: (String, JSONTree, String) throws(CompiledPolicyError) -> Value)
        throws(CompiledPolicyError) -> [(key: String, value: Value)] {
        let value = present(key)
        guard case .object(let entries, _) = value else {
            throw DocumentValue.error(child(key), "expected an object, found \(value.kindName)")
        }
        var result: [(key: String, value: Value)] = []
        for entry in entries {
            let entryPath = child(key) + "." + entry.key
            result.append((entry.key, try element(entry.key, entry.value, entryPath)))
        }
        return result
    }
}

/// Typed reading of single values of the compiled document, with the path in every error.
enum DocumentValue {
    /// The largest magnitude of an integer in the document: 2^53 − 1, so that every JSON reader,
    /// including those that read numbers as doubles, reads each one exactly.
    static let maximumInteger = 9_007_199_254_740_991

    static func error(_ path: String, _ message: String) -> CompiledPolicyError {
        .invalidDocument(path.isEmpty ? message : "\(path): \(message)")
    }

    static func string(_ value: JSONTree, _ path: String, orNull: Bool = false) throws(CompiledPolicyError) -> String {
        guard case .string(let text, _) = value else {
            throw error(path, "expected a string\(orNull ? " or null" : ""), found \(value.kindName)")
        }
        return text
    }

    /// The integers a count, a size, a price or a period may be: every integer of the document
    /// but a condition's values is at least 0.
    static let counts = 0...maximumInteger
    /// Integers that must be at least 1 (a model's window, a budget's period and limit, …).
    static let positive = 1...maximumInteger
    /// Whole percentages from 1 to 100 (warning thresholds, the high-risk threshold).
    static let percentages = 1...100

    /// A whole number within `range` (itself within ±``maximumInteger``).
    static func integer(_ value: JSONTree, _ path: String, orNull: Bool = false,
                        in range: ClosedRange<Int> = counts) throws(CompiledPolicyError) -> Int {
        guard case .number(let text, _) = value else {
            throw error(path, "expected a whole number\(orNull ? " or null" : ""), found \(value.kindName)")
        }
        guard let number = Int(text), number <= maximumInteger, number >= -maximumInteger else {
            throw error(path, "expected a whole number of at most \(maximumInteger) in magnitude, found \(text)")
        }
        guard range.contains(number) else {
            throw error(path, "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(text)")
        }
        return number
    }

    static func word<Word: ClosedVocabulary>(_ value: JSONTree, _ path: String, _ type: Word.Type) throws(CompiledPolicyError) -> Word {
        guard case .string(let text, _) = value else { throw error(path, "expected a \(Word.vocabularyName), found \(value.kindName)") }
        guard let word = Word(rawValue: text) else {
            throw error(path, "unknown \(Word.vocabularyName) \(JSONWriter.quoted(text)); expected \(Word.wordList)")
        }
        return word
    }

    static func array<Element>(_ value: JSONTree, _ path: String, _ element: (JSONTree, String) throws(CompiledPolicyError) -> Element)
        throws(CompiledPolicyError) -> [Element] {
        guard case .array(let items, _) = value else { throw error(path, "expected an array, found \(value.kindName)") }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() { result.append(try element(item, "\(path)[\(index)]")) }
        return result
    }
}

/// Building the JSON form of the document's objects.
extension JSONTree {
    /// An object from `Key` cases and values, in any order (writing sorts them).
    static func keyed<Key: RawRepresentable>(_ members: [(Key, JSONTree)]) -> JSONTree where Key.RawValue == String {
        .object(members.map { JSONTree.Member($0.0.rawValue, $0.1) })
    }

    /// An array of strings.
    static func strings(_ items: [String]) -> JSONTree { .array(items.map { .string($0) }) }

    /// A string, or null.
    static func optional(_ text: String?) -> JSONTree { text.map { .string($0) } ?? .null() }

    /// An integer, or null.
    static func optional(_ number: Int?) -> JSONTree { number.map { .integer($0) } ?? .null() }

    /// A vocabulary word.
    static func word<Word: ClosedVocabulary>(_ word: Word) -> JSONTree { .string(word.rawValue) }

    /// A vocabulary word, or null.
    static func optional<Word: ClosedVocabulary>(_ word: Word?) -> JSONTree { word.map { .string($0.rawValue) } ?? .null() }
}
