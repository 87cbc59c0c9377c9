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
            if let name = bracketlessPosixName() {
                // RE2 would read `[:digit:]` as the set `:digt`, never what was meant.
                throw error("a POSIX class must be inside a bracket expression: write `[[:\(name):]]`", at: start)
            }
            index += 1
            return .scalars(try characterClass(start: start))
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
            switch try escape(inClass: false) {
            case .scalar(let value): return .scalars(ScalarSet(scalar: value, caseInsensitive: caseInsensitive))
            case .set(let set): return .scalars(set)
            case .assertion(let kind): return .assertion(kind)
            }
        case "*", "+", "?":
            throw error("nothing to repeat")
        default:
            index += 1
            return .scalars(ScalarSet(scalar: scalar.value, caseInsensitive: caseInsensitive))
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

    /// What an escape stands for.
    private enum Escaped {
        /// One scalar, as written (not yet folded: it may be the end of a range).
        case scalar(UInt32)
        /// A class such as `\d`, folded already under `i`.
        case set(ScalarSet)
        /// `\b` `\B` `\A` `\z`
        case assertion(RegexAssertion)
    }

    /// `\…` outside or inside a class.
    private mutating func escape(inClass: Bool) throws(RegexSyntaxError) -> Escaped {
        let start = offset
        index += 1
        guard let letter = current else { throw error("trailing backslash", at: start) }
        index += 1
        switch letter {
        case "d": return .set(named(.digits, negated: false))
        case "D": return .set(named(.digits, negated: true))
        case "w": return .set(named(.word, negated: false))
        case "W": return .set(named(.word, negated: true))
        case "s": return .set(named(.space, negated: false))
        case "S": return .set(named(.space, negated: true))
        case "n": return .scalar(0x0A)
        case "t": return .scalar(0x09)
        case "r": return .scalar(0x0D)
        case "f": return .scalar(0x0C)
        case "v": return .scalar(0x0B)
        case "0":
            // Up to two more octal digits, as in RE2 and Perl: `\012` is a line feed, not NUL, `1`, `2`.
            var value: UInt32 = 0
            for _ in 0..<2 {
                guard let digit = current, ("0"..."7").contains(digit) else { break }
                value = value * 8 + digit.value - 0x30
                index += 1
            }
            return .scalar(value)
        case "x":
            return .scalar(try hexEscape(start: start))
        case "b", "B", "A", "z":
            guard !inClass else { throw error("`\\\(letter)` is not allowed in a class", at: start) }
            if current == "{", letter == "b" || letter == "B" {
                // Rust's `\b{start}`, `\b{end}`, `\b{start-half}`…: RE2 has none of them, and reading
                // `\b` then a literal `{start}` would silently never match what was meant.
                throw error("`\\\(letter){…}` is not supported; only `\\b` and `\\B` are word boundaries", at: start)
            }
            let kind: RegexAssertion = letter == "b" ? .wordBoundary : (letter == "B" ? .notWordBoundary : (letter == "A" ? .textStart : .textEnd))
            return .assertion(kind)
        case "1"..."9", "k":
            throw error("backreferences need backtracking; they are not supported", at: start)
        case "p", "P":
            throw error("Unicode property classes are not supported yet", at: start)
        default:
            guard letter.isASCII, !letter.properties.isAlphabetic, !("0"..."9").contains(letter) else {
                throw error("unknown escape `\\\(letter)`", at: start)
            }
            // Escaped punctuation stands for itself.
            return .scalar(letter.value)
        }
    }

    /// A named class (`\d`, `[:alpha:]`) under the current flags. Under `i` a negated one is the
    /// complement of the folded set, as in RE2: folding `[^0-9A-Za-z_]` instead would bring `k`
    /// back into `(?i)\W` through the Kelvin sign it holds.
    private func named(_ set: ScalarSet, negated: Bool) -> ScalarSet {
        let folded = fold(set)
        return negated ? folded.inverted() : folded
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
            // Exactly two digits, as in RE2: `\xA` at the end of a pattern is an error, not U+000A.
            for _ in 0..<2 {
                guard let scalar = current else { throw error("invalid hexadecimal escape", at: start) }
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

    /// `[…]` after its `[`. Under `i` each item is folded as it is read, as RE2 does, so that a
    /// negated named class (`\W`, `[:^upper:]`) stays the complement of its folded set; the
    /// class's own `^` then complements the whole (`(?i)[^a]` excludes `a` and `A`).
    private mutating func characterClass(start: Int) throws(RegexSyntaxError) -> ScalarSet {
        var negated = false
        if current == "^" {
            negated = true
            index += 1
        }
        var literals: [ClosedRange<UInt32>] = []  // folded together at the end
        var classes: [ClosedRange<UInt32>] = []   // already folded
        var first = true
        while let scalar = current, scalar != "]" || first {
            first = false
            if scalar == "[", peek(1) == ":", let posix = try posixClass() {
                classes += posix.ranges
                continue
            }
            var low: UInt32
            if scalar == "\\" {
                switch try escape(inClass: true) {
                case .set(let set):
                    classes += set.ranges
                    continue
                case .scalar(let value):
                    low = value
                case .assertion:
                    throw error("invalid escape in a class")  // `escape` refuses them in a class
                }
            } else {
                low = scalar.value
                index += 1
            }
            // A range `a-z` (a `-` before `]` is literal).
            var high = low
            if current == "-", let next = peek(1), next != "]" {
                let rangeStart = offset
                index += 1
                if next == "\\" {
                    guard case .scalar(let value) = try escape(inClass: true) else {
                        throw error("a class like `\\d` cannot end a range", at: rangeStart)
                    }
                    high = value
                } else {
                    high = next.value
                    index += 1
                }
                guard low <= high else { throw error("range out of order", at: rangeStart) }
            }
            literals.append(low...high)
        }
        guard current == "]" else { throw error("unclosed class `[`", at: start) }
        index += 1
        let set = ScalarSet(classes + fold(ScalarSet(literals)).ranges)
        return negated ? set.inverted() : set
    }

    /// `[:name:]` or `[:^name:]` at the current `[`, read as RE2 reads it: up to the first `:]`,
    /// or nil (and nothing consumed) when no `:]` follows, the `[` then being a literal.
    /// - Throws: for a name RE2 does not define, and for `[:name]` (RE2 would read its letters
    ///   as members of the class), pointing at the `[`.
    private mutating func posixClass() throws(RegexSyntaxError) -> ScalarSet? {
        let start = offset
        var cursor = index + 2
        while cursor + 1 < scalars.count, !(scalars[cursor].scalar == ":" && scalars[cursor + 1].scalar == "]") { cursor += 1 }
        guard cursor + 1 < scalars.count else {
            // `[:alpha]`: RE2 reads a `[`, a `:` and letters; the author meant a class.
            var end = index + 2
            if end < scalars.count, scalars[end].scalar == "^" { end += 1 }
            let nameStart = end
            while end < scalars.count, scalars[end].scalar.isASCII, scalars[end].scalar.properties.isAlphabetic { end += 1 }
            if end > nameStart, end < scalars.count, scalars[end].scalar == "]" {
                var name = ""
                name.unicodeScalars.append(contentsOf: scalars[(index + 2)..<end].map(\.scalar))
                throw error("`[:\(name)]` is not a POSIX class: it lacks the `:` of `[:\(name):]`", at: start)
            }
            return nil
        }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[(index + 2)..<cursor].map(\.scalar))
        let negated = name.hasPrefix("^")
        guard let set = PosixClass.sets[negated ? String(name.dropFirst()) : name] else {
            throw error("unknown POSIX class `[:\(name):]`; the classes are \(PosixClass.names.joined(separator: ", "))", at: start)
        }
        index = cursor + 2
        return named(set, negated: negated)
    }

    /// The name in `[:name:]` or `[:^name:]` (ASCII letters) when a class starts here: a POSIX
    /// class written without the enclosing brackets.
    private func bracketlessPosixName() -> String? {
        guard current == "[", peek(1) == ":" else { return nil }
        var cursor = index + 2
        if cursor < scalars.count, scalars[cursor].scalar == "^" { cursor += 1 }
        let nameStart = cursor
        while cursor < scalars.count, scalars[cursor].scalar.isASCII, scalars[cursor].scalar.properties.isAlphabetic { cursor += 1 }
        guard cursor > nameStart, cursor + 1 < scalars.count, scalars[cursor].scalar == ":", scalars[cursor + 1].scalar == "]" else { return nil }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[(index + 2)..<cursor].map(\.scalar))
        return name
    }

    private func fold(_ set: ScalarSet) -> ScalarSet { caseInsensitive ? set.caseFolded() : set }
}
