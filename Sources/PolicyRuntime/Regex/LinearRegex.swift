/// A regular expression that matches in linear time: compiled to a Thompson NFA and run as a
/// Pike VM (all NFA states in lockstep, one pass over the text), so no pattern and no text can
/// make it backtrack. Foundation's ICU-based expressions and the standard library's regexes
/// backtrack, and are never used on request content.
///
/// Matches are leftmost-first, as in Perl, RE2 and ICU: the earliest start wins, then the
/// preferred alternative (the first branch, the greedy or lazy choice). Offsets are UTF-8 byte
/// offsets; the text is read as UTF-8, an invalid byte standing for U+FFFD.
///
/// - Complexity: O(text × pattern) time; scratch space O(pattern), on the stack for small
///   patterns. Immutable and `Sendable`: one instance serves every thread.
public final class LinearRegex: Sendable {
    /// The pattern as written.
    public let pattern: String
    /// Whether it matches without regard to case (the `/…/i` flag).
    public let caseInsensitive: Bool
    /// Whether the pattern can match the empty string (as a blocked pattern it would match
    /// every text, so the compiler refuses such patterns).
    public let matchesEmpty: Bool
    let program: RegexProgram
    /// The reversed program, for programs the lazy DFA runs (those without assertions).
    let reversedProgram: RegexProgram?
    /// A literal every match contains (ASCII-folded), when the pattern has a useful one.
    public let requiredLiteral: [UInt8]?
    /// Whether a match may spell a `k` or `s` of ``requiredLiteral`` as U+212A KELVIN SIGN or
    /// U+017F LATIN SMALL LETTER LONG S (`i` folds them together): a text that holds either
    /// (``containsNonASCIICaseForms(_:)``) must be searched even without the literal.
    public let requiredLiteralHasNonASCIICaseForms: Bool
    /// Finds `requiredLiteral`: a text without it is not searched.
    let prefilter: LiteralMatcher?

    /// Parses and compiles a pattern.
    /// - Throws: ``RegexSyntaxError`` with the byte offset of the offending character, for syntax
    ///   errors, constructs that need backtracking, and patterns over the size limits.
    public init(_ pattern: String, caseInsensitive: Bool = false) throws(RegexSyntaxError) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        let node = try RegexParser.parse(pattern, caseInsensitive: caseInsensitive)
        matchesEmpty = node.canBeEmpty
        program = try RegexProgram(node)
        reversedProgram = LazyDFA.supports(program) ? try RegexProgram(node.reversed()) : nil
        let literal = node.requiredLiteral
        requiredLiteral = literal?.bytes
        requiredLiteralHasNonASCIICaseForms = literal?.hasNonASCIICaseForms ?? false
        prefilter = requiredLiteral.map { LiteralMatcher(folded: [LiteralMatcher.Pattern($0)]) }
    }

    /// Calls `body(start, end)` for each match, left to right, not overlapping; an empty match is
    /// followed by a search one scalar further on. Returning false stops.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Bool) {
        forEachMatch(in: text, prefiltered: false, body)
    }

    /// The same; `prefiltered` says the caller already found ``requiredLiteral`` in the text.
    func forEachMatch(in text: UnsafeBufferPointer<UInt8>, prefiltered: Bool, _ body: (Int, Int) -> Bool) {
        if !prefiltered, let prefilter {
            var present = false
            prefilter.scan(text) { _, _, _ in
                present = true
                return false
            }
            guard present || (requiredLiteralHasNonASCIICaseForms && LinearRegex.containsNonASCIICaseForms(text)) else { return }
        }
        var position = 0
        if let reversedProgram {
            // The lazy DFA: forward to the match's end, backward to its start.
            var forward = LazyDFA(program: program, leftmostFirst: true)
            var backward = LazyDFA(program: reversedProgram, leftmostFirst: false)
            while position <= text.count {
                guard let endResult = forward.matchEnd(text, from: position) else { break }
                guard let end = endResult else { return }
                guard let startResult = backward.matchStart(text, end: end, limit: position), let start = startResult else { break }
                if !body(start, end) { return }
                guard let next = LinearRegex.next(after: start, end, in: text) else { return }
                position = next
            }
            // The state budget ran out: the Pike VM finishes from here.
        }
        pikeMatches(in: text, from: position, body)
    }

    /// Whether a text holds U+212A KELVIN SIGN or U+017F LATIN SMALL LETTER LONG S, the only
    /// scalars outside ASCII that `i` folds to an ASCII letter.
    /// - Complexity: O(n), eight bytes at a time over ASCII.
    public static func containsNonASCIICaseForms(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        RequiredLiteral.containsNonASCIICaseForms(text)
    }

    /// Where the search resumes after a match: its end, or one scalar on after an empty match.
    static func next(after start: Int, _ end: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        if end > start { return end }
        guard end < text.count else { return nil }
        return end + decode(text, at: end).length
    }

    /// The Pike VM: every NFA state in lockstep, O(text × pattern), for any program.
    func pikeMatches(in text: UnsafeBufferPointer<UInt8>, from: Int, _ body: (Int, Int) -> Bool) {
        let size = program.instructions.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: size * 9 + 8) { scratch in
            guard let base = scratch.baseAddress else { return }
            var machine = PikeMachine(program: program, text: text, scratch: base, size: size)
            var position = from
            while position <= text.count {
                guard let (start, end) = machine.search(from: position) else { return }
                if !body(start, end) { return }
                guard let next = LinearRegex.next(after: start, end, in: text) else { return }
                position = next
            }
        }
    }

    /// Every match as a range of byte offsets.
    public func matches(in text: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        text.withUnsafeBufferPointer { buffer in
            forEachMatch(in: buffer) { start, end in
                found.append(start..<end)
                return true
            }
        }
        return found
    }

    /// The scalar at `index` and its length in bytes (U+FFFD and 1 for a byte that starts no
    /// well-formed sequence).
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
        let lead = text[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = UTF8Validation.sequenceLength(text, at: index)
        guard length > 1 else { return (0xFFFD, 1) }
        var value = UInt32(lead) & (0xFF >> UInt32(length + 1))
        for offset in 1..<length { value = value << 6 | UInt32(text[index + offset] & 0x3F) }
        return (value, length)
    }

    /// Start of the scalar that ends just before `index` (0 at the start of the text).
    static func previousStart(_ text: UnsafeBufferPointer<UInt8>, before index: Int) -> Int? {
        guard index > 0 else { return nil }
        var start = index - 1
        while start > 0, index - start < 4, text[start] & 0xC0 == 0x80 { start -= 1 }
        return decode(text, at: start).length == index - start ? start : index - 1
    }

    @inline(__always)
    static func isWord(_ scalar: UInt32?) -> Bool {
        guard let scalar else { return false }
        return (scalar >= 0x30 && scalar <= 0x39) || (scalar | 0x20 >= 0x61 && scalar | 0x20 <= 0x7A) || scalar == 0x5F
    }
}

/// One search's state: two thread lists (program counter and match start per thread), the
/// generation marks that keep a state from being added twice in a step, and the DFS stack.
private struct PikeMachine {
    let instructions: [RegexProgram.Instruction]
    let sets: [ScalarSet]
    let text: UnsafeBufferPointer<UInt8>
    var currentPCs: UnsafeMutablePointer<Int>
    var currentStarts: UnsafeMutablePointer<Int>
    var nextPCs: UnsafeMutablePointer<Int>
    var nextStarts: UnsafeMutablePointer<Int>
    let marks: UnsafeMutablePointer<Int>
    let stack: UnsafeMutablePointer<Int>
    var currentCount = 0
    var nextCount = 0
    var generation = 0

    init(program: RegexProgram, text: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutablePointer<Int>, size: Int) {
        instructions = program.instructions
        sets = program.sets
        self.text = text
        currentPCs = scratch
        currentStarts = scratch + size
        nextPCs = scratch + 2 * size
        nextStarts = scratch + 3 * size
        marks = scratch + 4 * size
        stack = scratch + 5 * size
        marks.initialize(repeating: -1, count: size)
    }

    /// The leftmost-first match starting at or after `from`.
    mutating func search(from: Int) -> (Int, Int)? {
        var matched: (Int, Int)?
        var position = from
        var previous = LinearRegex.previousStart(text, before: from).map { LinearRegex.decode(text, at: $0).value }
        currentCount = 0
        generation += 1
        addThread(toNext: false, pc: 0, start: from, at: from, previous: previous)
        while true {
            let atEnd = position >= text.count
            let (scalar, length) = atEnd ? (UInt32.max, 0) : LinearRegex.decode(text, at: position)
            generation += 1
            nextCount = 0
            var index = 0
            while index < currentCount {
                let pc = currentPCs[index]
                switch instructions[pc] {
                case .match:
                    // Threads after this one have lower priority: cut them.
                    matched = (currentStarts[index], position)
                    index = currentCount
                    continue
                case .scalars(let set):
                    if !atEnd, sets[set].contains(scalar) {
                        addThread(toNext: true, pc: pc + 1, start: currentStarts[index], at: position + length, previous: scalar)
                    }
                default:
                    break
                }
                index += 1
            }
            if atEnd { break }
            // A new thread for a match starting here, at the lowest priority, until one is found.
            if matched == nil {
                addThread(toNext: true, pc: 0, start: position + length, at: position + length, previous: scalar)
            }
            swap(&currentPCs, &nextPCs)
            swap(&currentStarts, &nextStarts)
            currentCount = nextCount
            position += length
            previous = scalar
            if currentCount == 0, matched != nil { break }
        }
        return matched
    }

    /// Follows jumps, splits (preferred first) and assertions from `pc` at `position`, adding
    /// each scalar test or match reached to a list.
    private mutating func addThread(toNext: Bool, pc: Int, start: Int, at position: Int, previous: UInt32?) {
        var depth = 0
        stack[0] = pc
        depth = 1
        var following: UInt32??
        while depth > 0 {
            depth -= 1
            let pc = stack[depth]
            if marks[pc] == generation { continue }
            marks[pc] = generation
            switch instructions[pc] {
            case .jump(let target):
                stack[depth] = target
                depth += 1
            case .split(let preferred, let other):
                stack[depth] = other
                stack[depth + 1] = preferred
                depth += 2
            case .assertion(let kind):
                if following == nil { following = position < text.count ? LinearRegex.decode(text, at: position).value : nil }
                let holds: Bool
                switch kind {
                case .textStart: holds = position == 0
                case .textEnd: holds = position == text.count
                case .wordBoundary: holds = LinearRegex.isWord(previous) != LinearRegex.isWord(following!)
                case .notWordBoundary: holds = LinearRegex.isWord(previous) == LinearRegex.isWord(following!)
                }
                if holds {
                    stack[depth] = pc + 1
                    depth += 1
                }
            case .scalars, .match:
                if toNext {
                    nextPCs[nextCount] = pc
                    nextStarts[nextCount] = start
                    nextCount += 1
                } else {
                    currentPCs[currentCount] = pc
                    currentStarts[currentCount] = start
                    currentCount += 1
                }
            }
        }
    }
}
