/// Parses the regex subset into ``RegexNode``s, refusing what would need backtracking
/// (backreferences, lookaround, atomic groups, possessive quantifiers) with the offset of the
/// offending character, so `policyc check` can point into the pattern.
struct RegexParser {
    /// Longest pattern accepted, in bytes.
    static let maximumLength = 4_096
    /// Largest `{m,n}` count.
    static let maximumRepetition = 1_000
    /// Deepest group nesting.
    static let maximumDepth = 64

    private let scalars: [(scalar: Unicode.Scalar, offset: Int)]
    private var index = 0
    private var caseInsensitive: Bool
    private var depth = 0

    /// Parses `pattern`; `caseInsensitive` is the `/…/i` flag.
    static func parse(_ pattern: String, caseInsensitive: Bool) throws(RegexSyntaxError) -> RegexNode {
        guard pattern.utf8.count <= maximumLength else {
            throw RegexSyntaxError(message: "pattern longer than \(maximumLength) bytes", offset: maximumLength)
        }
        var parser = RegexParser(pattern: pattern, caseInsensitive: caseInsensitive)
        let node = try parser.alternation()
        if parser.index < parser.scalars.count {
            // Only an unbalanced `)` stops an alternation early.
            throw parser.error("unmatched `)`")
        }
        return node
    }

    private init(pattern: String, caseInsensitive: Bool) {
        var offset = 0
        var scalars: [(Unicode.Scalar, Int)] = []
        for scalar in pattern.unicodeScalars {
            scalars.append((scalar, offset))
            offset += UTF8.width(scalar)
        }
        self.scalars = scalars
        self.caseInsensitive = caseInsensitive
    }

    private var atEnd: Bool { index >= scalars.count }
    private var current: Unicode.Scalar? { atEnd ? nil : scalars[index].scalar }
    private func peek(_ ahead: Int) -> Unicode.Scalar? { index + ahead < scalars.count ? scalars[index + ahead].scalar : nil }
    private var offset: Int { atEnd ? (scalars.last.map { $0.offset + UTF8.width($0.scalar) } ?? 0) : scalars[index].offset }

    private func error(_ message: String, at position: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(message: message, offset: position ?? offset)
    }

    private mutating func alternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try concatenation()]
        while current == "|" {
            index += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func concatenation() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            var atom = try self.atom()
            // Quantifiers, possibly stacked (`a**` is `(a*)*`).
            while let (minimum, maximum, consumed) = quantifier() {
                if case .empty = atom { throw error("nothing to repeat", at: offset) }
                if let maximum, maximum < minimum { throw error("repetition {\(minimum),\(maximum)} is out of order") }
                if max(minimum, maximum ?? 0) > RegexParser.maximumRepetition {
                    throw error("repetition count above \(RegexParser.maximumRepetition)")
                }
                index += consumed
                var greedy = true
                if current == "?" {
                    greedy = false
                    index += 1
                } else if current == "+" {
                    throw error("possessive quantifiers need backtracking; they are not supported")
                }
                atom = .repetition(atom, min: minimum, max: maximum, greedy: greedy)
            }
            items.append(atom)
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .concat(items)
    }

    /// A quantifier at the current position: `(min, max, scalars it spans)`, or nil.
    private func quantifier() -> (Int, Int?, Int)? {
        switch current {
        case "*": return (0, nil, 1)
        case "+": return (1, nil, 1)
        case "?": return (0, 1, 1)
        case "{":
            // `{m}`, `{m,}`, `{m,n}`; anything else is a literal `{`.
            var cursor = index + 1
            func number() -> Int? {
                var value = 0
                var digits = 0
                while cursor < scalars.count, (0x30...0x39).contains(scalars[cursor].scalar.value) {
                    value = min(value * 10 + Int(scalars[cursor].scalar.value - 0x30), 1_000_000)
                    digits += 1
                    cursor += 1
                }
                return digits > 0 ? value : nil
            }
            guard let minimum = number() else { return nil }
            var maximum: Int? = minimum
            if cursor < scalars.count, scalars[cursor].scalar == "," {
                cursor += 1
                maximum = number()
            }
            guard cursor < scalars.count, scalars[cursor].scalar == "}" else { return nil }
            return (minimum, maximum, cursor - index + 1)
        default:
            return nil
        }
    }

    private mutating func atom() throws(RegexSyntaxError) -> RegexNode {
        guard let scalar = current else { throw error("unexpected end of pattern") }
        let start = offset
        switch scalar {
        case "(":
            return try group()
        case "[":
            index += 1
            return .scalars(fold(try characterClass(start: start)))
        case ".":
            index += 1
            return .scalars(.anyButNewline)
        case "^":
            index += 1
            return .assertion(.textStart)
        case "$":
            index += 1
            return .assertion(.textEnd)
        case "\\":
            return try escape(inClass: false).node
        case "*", "+", "?":
            throw error("nothing to repeat")
        default:
            index += 1
            return literal(scalar)
        }
    }

    private mutating func group() throws(RegexSyntaxError) -> RegexNode {
        let start = offset
        index += 1
        let savedCase = caseInsensitive
        if current == "?" {
            switch peek(1) {
            case ":":
                index += 2
            case "=", "!":
                throw error("lookahead needs backtracking; it is not supported", at: start)
            case "<" where peek(2) == "=" || peek(2) == "!":
                throw error("lookbehind needs backtracking; it is not supported", at: start)
            case ">":
                throw error("atomic groups need backtracking; they are not supported", at: start)
            case "P" where peek(2) == "<", "<":
                // A named group: the name is accepted and ignored (there are no captures).
                index += peek(1) == "P" ? 3 : 2
                while let scalar = current, scalar != ">" {
                    guard scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar) else {
                        throw error("invalid character in a group name")
                    }
                    index += 1
                }
                guard current == ">" else { throw error("unterminated group name", at: start) }
                index += 1
            case "i":
                // `(?i)` sets the flag for the rest of the enclosing group; `(?i:…)` for its body.
                if peek(2) == ")" {
                    index += 3
                    caseInsensitive = true
                    return .empty
                }
                guard peek(2) == ":" else { throw error("unknown group flag; only `i` is supported", at: start) }
                index += 3
                caseInsensitive = true
            default:
                throw error("unknown group syntax `(?`; use `(?:…)`, `(?i)` or `(?i:…)`", at: start)
            }
        }
        depth += 1
        guard depth <= RegexParser.maximumDepth else { throw error("groups nested deeper than \(RegexParser.maximumDepth)", at: start) }
        let body = try alternation()
        depth -= 1
        guard current == ")" else { throw error("unclosed group `(`", at: start) }
        index += 1
        caseInsensitive = savedCase
        return body
    }

    /// `\…` outside or inside a class: a set of scalars, or (outside) an assertion.
    private mutating func escape(inClass: Bool) throws(RegexSyntaxError) -> (node: RegexNode, set: ScalarSet?) {
        let start = offset
        index += 1
        guard let letter = current else { throw error("trailing backslash", at: start) }
        index += 1
        func set(_ set: ScalarSet) -> (RegexNode, ScalarSet?) { (.scalars(set), set) }
        switch letter {
        case "d": return set(.digits)
        case "D": return set(ScalarSet.digits.inverted())
        case "w": return set(.word)
        case "W": return set(ScalarSet.word.inverted())
        case "s": return set(.space)
        case "S": return set(ScalarSet.space.inverted())
        case "n": return single(0x0A)
        case "t": return single(0x09)
        case "r": return single(0x0D)
        case "f": return single(0x0C)
        case "v": return single(0x0B)
        case "0": return single(0)
        case "x":
            return single(try hexEscape(start: start))
        case "b", "B", "A", "z":
            guard !inClass else { throw error("`\\\(letter)` is not allowed in a class", at: start) }
            let kind: RegexAssertion = letter == "b" ? .wordBoundary : (letter == "B" ? .notWordBoundary : (letter == "A" ? .textStart : .textEnd))
            return (.assertion(kind), nil)
        case "1"..."9", "k":
            throw error("backreferences need backtracking; they are not supported", at: start)
        case "p", "P":
            throw error("Unicode property classes are not supported yet", at: start)
        default:
            guard letter.isASCII, !letter.properties.isAlphabetic, !("0"..."9").contains(letter) else {
                throw error("unknown escape `\\\(letter)`", at: start)
            }
            // Escaped punctuation stands for itself.
            return single(letter.value)
        }
        func single(_ value: UInt32) -> (RegexNode, ScalarSet?) {
            let set = ScalarSet([value...value])
            return (literalSet(set), set)
        }
    }

    /// `\xHH` or `\x{H…}`.
    private mutating func hexEscape(start: Int) throws(RegexSyntaxError) -> UInt32 {
        var digits: [Unicode.Scalar] = []
        if current == "{" {
            index += 1
            while let scalar = current, scalar != "}" {
                digits.append(scalar)
                index += 1
            }
            guard current == "}" else { throw error("unterminated `\\x{`", at: start) }
            index += 1
        } else {
            for _ in 0..<2 {
                guard let scalar = current else { break }
                digits.append(scalar)
                index += 1
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: digits)
        guard !digits.isEmpty, digits.count <= 6, let value = UInt32(text, radix: 16),
              Unicode.Scalar(value) != nil else {
            throw error("invalid hexadecimal escape", at: start)
        }
        return value
    }

    /// `[…]` after its `[`.
    private mutating func characterClass(start: Int) throws(RegexSyntaxError) -> ScalarSet {
        var negated = false
        if current == "^" {
            negated = true
            index += 1
        }
        var set = ScalarSet()
        var first = true
        while let scalar = current, scalar != "]" || first {
            first = false
            var low: UInt32
            if scalar == "\\" {
                let (_, escaped) = try escape(inClass: true)
                guard let escaped else { throw error("invalid escape in a class") }
                if escaped.ranges.count != 1 || escaped.ranges[0].count != 1 {
                    set.formUnion(escaped)
                    continue
                }
                low = escaped.ranges[0].lowerBound
            } else {
                low = scalar.value
                index += 1
            }
            // A range `a-z` (a `-` before `]` is literal).
            if current == "-", let next = peek(1), next != "]" {
                let rangeStart = offset
                index += 1
                var high: UInt32
                if next == "\\" {
                    let (_, escaped) = try escape(inClass: true)
                    guard let escaped, escaped.ranges.count == 1, escaped.ranges[0].count == 1 else {
                        throw error("a class like `\\d` cannot end a range", at: rangeStart)
                    }
                    high = escaped.ranges[0].lowerBound
                } else {
                    high = next.value
                    index += 1
                }
                guard low <= high else { throw error("range out of order", at: rangeStart) }
                set.insert(low...high)
                low = 0
                continue
            }
            set.insert(low...low)
        }
        guard current == "]" else { throw error("unclosed class `[`", at: start) }
        index += 1
        return negated ? fold(set).inverted() : set
    }

    /// A literal scalar, with its other case under `i`.
    private func literal(_ scalar: Unicode.Scalar) -> RegexNode {
        literalSet(ScalarSet([scalar.value...scalar.value]))
    }

    private func literalSet(_ set: ScalarSet) -> RegexNode { .scalars(fold(set)) }

    private func fold(_ set: ScalarSet) -> ScalarSet { caseInsensitive ? set.caseFolded() : set }
}
