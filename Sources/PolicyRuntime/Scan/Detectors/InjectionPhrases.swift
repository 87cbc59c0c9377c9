/// Prompt-injection heuristics: phrases that try to override the model's instructions, and
/// role-play openers used to jailbreak it, as a small grammar of whole words.
///
/// Each phrase is a *key* word — the rarest word it needs (`instructions`, `unrestricted`) —
/// with the words that must come before and after it, some optional. The key is found by the
/// detector scanner's block loop (``InjectionKeyFilter``); the words around it are then read outwards from it, across any run of
/// whitespace (a newline or a double space does not break a phrase), so a phrase costs nothing
/// until its key turns up. The phrases need their object as well as their verb: "ignore all
/// previous instructions" is an injection, "please disregard the above typo" and "ignore the
/// instructions in the README" are not. A phrase quoted on both sides (`what does "ignore
/// previous instructions" mean?`) is a question about it, not an instruction, and does not count.
/// docs/runtime.md lists the phrases (a test checks the list against this table).
enum InjectionPhrases {
    /// One position of a phrase: any of `words` (lower case), or nothing when `optional`.
    struct Slot: Sendable {
        let words: [[UInt8]]
        let optional: Bool
        /// The slot is a colon, which may follow its word directly (`new instructions:`).
        let isColon: Bool

        init(_ words: [String], optional: Bool = false) {
            self.words = words.map { Array($0.utf8) }
            self.optional = optional
            isColon = words == [":"]
        }
    }

    /// One phrase: words before the key (in reading order), one of the keys, words after it.
    struct Phrase: Sendable {
        let detector: DetectorID
        let before: [Slot]
        let keys: [String]
        let after: [Slot]
    }

    // The words the phrases share.
    private static let overrideVerbs = ["ignore", "disregard", "forget", "override", "bypass"]
    private static let every = ["all", "any", "every"]
    private static let determiners = ["the", "your", "my", "these", "those", "our"]
    private static let earlier = ["previous", "prior", "above", "earlier", "preceding", "initial", "original", "foregoing", "system",
                                  "existing", "current"]
    private static let orders = ["instructions", "instruction", "directions", "directives", "guidelines", "rules", "prompts", "prompt",
                                 "constraints", "programming"]
    private static let unbound = ["unrestricted", "unfiltered", "uncensored", "jailbroken", "unaligned"]

    /// Every phrase.
    static let phrases: [Phrase] = [
        // Instruction overrides.
        Phrase(detector: .instructionOverride,
               before: [Slot(overrideVerbs), Slot(every, optional: true), Slot(["of"], optional: true),
                        Slot(determiners, optional: true), Slot(earlier)],
               keys: orders, after: []),
        // "ignore all instructions"; not "ignore any instructions related to setup".
        Phrase(detector: .instructionOverride,
               before: [Slot(overrideVerbs), Slot(["all"]), Slot(["of"], optional: true), Slot(determiners, optional: true)],
               keys: orders, after: []),
        Phrase(detector: .instructionOverride, before: [Slot(overrideVerbs), Slot(["your"])], keys: orders, after: []),
        // "forget everything above"; not "ignore everything before the member" (tar's manual).
        Phrase(detector: .instructionOverride, before: [Slot(overrideVerbs)], keys: ["everything", "anything"],
               after: [Slot(["above", "previously", "earlier"])]),
        Phrase(detector: .instructionOverride,
               before: [Slot(["reveal", "print", "show", "output", "repeat", "display", "leak", "dump", "tell"]),
                        Slot(["me", "us"], optional: true), Slot(["your"]), Slot(["full", "entire", "complete", "exact"], optional: true),
                        Slot(["system", "initial", "original", "hidden", "secret"], optional: true)],
               keys: ["prompt", "prompts", "instructions", "instruction"], after: []),
        Phrase(detector: .instructionOverride,
               before: [Slot(["what"]), Slot(["is", "are", "were"]), Slot(["your"]),
                        Slot(["system", "initial", "original", "hidden", "secret"], optional: true)],
               keys: ["prompt", "instructions"], after: []),
        Phrase(detector: .instructionOverride, before: [Slot(["new", "updated", "revised"])], keys: ["instructions", "rules"],
               after: [Slot([":"])]),

        // Jailbreaks.
        Phrase(detector: .jailbreak, before: [Slot(["you"]), Slot(["have"]), Slot(["no"])],
               keys: ["restrictions", "limitations", "rules", "guidelines", "boundaries"], after: []),
        Phrase(detector: .jailbreak, before: [Slot(["you"]), Slot(["are"]), Slot(["no"], optional: true), Slot(["not", "longer"])],
               keys: ["bound", "restricted", "constrained"], after: [Slot(["by"])]),
        Phrase(detector: .jailbreak,
               before: [Slot(["act", "behave", "respond", "pretend", "roleplay"]), Slot(["as", "like"], optional: true),
                        Slot(["if"], optional: true), Slot(["you"], optional: true), Slot(["are", "were"], optional: true),
                        Slot(["an", "a"], optional: true)],
               keys: unbound, after: []),
        Phrase(detector: .jailbreak, before: [Slot(["you"]), Slot(["are"]), Slot(["now"], optional: true)], keys: unbound + ["dan"],
               after: []),
        Phrase(detector: .jailbreak, before: [Slot(["act", "pretend"]), Slot(["as", "to"], optional: true), Slot(["be"], optional: true)],
               keys: ["dan"], after: []),
        Phrase(detector: .jailbreak, before: [], keys: ["dan"], after: [Slot(["mode"])]),
        Phrase(detector: .jailbreak, before: [], keys: ["jailbreak", "jailbroken"], after: [Slot(["mode"])]),
        Phrase(detector: .jailbreak,
               before: [Slot(["chatgpt", "gpt", "ai", "assistant", "model", "claude", "llm"]), Slot(["with"], optional: true)],
               keys: ["developer"], after: [Slot(["mode"])]),
        Phrase(detector: .jailbreak, before: [Slot(["without"]), Slot(["any"])], keys: ["restrictions"],
               after: [Slot(["or"]), Slot(["filters", "limitations", "censorship"])]),
        Phrase(detector: .jailbreak, before: [Slot(["stay", "remain"]), Slot(["in"])], keys: ["character"],
               after: [Slot(["no"]), Slot(["matter"]), Slot(["what"])]),
    ]

    /// A phrase as docs/runtime.md writes it: alternatives joined by `/`, optional words in
    /// brackets, the key in bold (`ignore/disregard [all/any] **instructions/rules**`).
    static func documented(_ phrase: Phrase) -> String {
        func slot(_ slot: Slot) -> String {
            let words = slot.words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
            return slot.optional ? "[\(words)]" : words
        }
        return (phrase.before.map(slot) + ["**" + phrase.keys.joined(separator: "/") + "**"] + phrase.after.map(slot))
            .joined(separator: " ")
    }

    /// Keys shorter than this are found by their rarest byte pair, each at a cost per block;
    /// longer ones by sampled grams, all for the price of one. The key of a phrase is its rarest
    /// long word where it has one (`jailbreak mode` is keyed by `jailbreak`), and a test checks
    /// the short keys' pairs stay within ``InjectionKeyFilter/maximumShortPairs``.
    static let shortKeyLength = 9
}

/// Finds ``InjectionPhrases`` in a text: the detector scanner's block loop finds where keys may
/// be (``InjectionKeyFilter``); here a candidate key is verified and the rest of its phrases
/// read outwards from it.
struct InjectionPhraseScanner: Sendable {
    let filter = InjectionKeyFilter(phrases: InjectionPhrases.phrases)
    /// ``InjectionPhrases/phrases``, read once rather than through its lazy global per key.
    private let phrases = InjectionPhrases.phrases

    /// The longest whitespace run read between two words, and the longest word.
    private static let maximumGap = 64
    private static let maximumWord = 24

    /// The phrase of an `enabled` detector that short key `key` starts at `start`, if the key
    /// is there as a whole word.
    func finding(shortKey key: Int, at start: Int, in text: UnsafeBufferPointer<UInt8>, enabled: BitSet) -> Finding? {
        finding(filter.shortKeys[key], at: start, in: text, enabled: enabled)
    }

    /// The same for long key `key`.
    func finding(longKey key: Int, at start: Int, in text: UnsafeBufferPointer<UInt8>, enabled: BitSet) -> Finding? {
        finding(filter.longKeys[key], at: start, in: text, enabled: enabled)
    }

    /// Verifies `key` at `start` (ASCII case-insensitively, as a whole word), then the first of
    /// its phrases whose words are around it, unless quoted.
    private func finding(_ key: InjectionKeyFilter.Key, at start: Int, in text: UnsafeBufferPointer<UInt8>,
                         enabled: BitSet) -> Finding? {
        let end = start + key.bytes.count
        guard end <= text.count, start == 0 || !InjectionPhraseScanner.isWordByte(text[start - 1]),
              end == text.count || !InjectionPhraseScanner.isWordByte(text[end]),
              equalFolded(text, start..<end, key.bytes) else { return nil }
        for index in key.phrases {
            let phrase = phrases[index]
            guard enabled.contains(phrase.detector.rawValue), let from = before(phrase.before, phrase.before.count - 1, text, start),
                  let to = after(phrase.after, 0, text, end), !quoted(text, from, to) else { continue }
            return Finding(detector: phrase.detector, start: from, end: to)
        }
        return nil
    }

    /// Where the phrase starts if `slots[...slot]` match the words before `position`.
    private func before(_ slots: [InjectionPhrases.Slot], _ slot: Int, _ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int? {
        guard slot >= 0 else { return position }
        if let word = previousWord(text, position), isOneOf(text, word, slots[slot].words),
           let start = before(slots, slot - 1, text, word.lowerBound) {
            return start
        }
        return slots[slot].optional ? before(slots, slot - 1, text, position) : nil
    }

    /// Where the phrase ends if `slots[slot...]` match the words after `position`.
    private func after(_ slots: [InjectionPhrases.Slot], _ slot: Int, _ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int? {
        guard slot < slots.count else { return position }
        if slots[slot].isColon {
            let at = ByteClass.run(text, from: position, limit: InjectionPhraseScanner.maximumGap, ByteClass.isSpace)
            guard at < text.count, text[at] == UInt8(ascii: ":") else { return nil }
            return after(slots, slot + 1, text, at + 1)
        }
        if let word = nextWord(text, position), isOneOf(text, word, slots[slot].words),
           let end = after(slots, slot + 1, text, word.upperBound) {
            return end
        }
        return slots[slot].optional ? after(slots, slot + 1, text, position) : nil
    }

    /// What a word of the grammar is made of, for keys and the words around them alike: ASCII
    /// letters and digits, `_` (so `mode_on` is one identifier, not the word `mode`) and `'`
    /// (`don't`). Anything else — a space, punctuation, a curly quote or another non-ASCII byte —
    /// ends a word.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        ByteClass.isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "'")
    }

    /// Whether the word `text[range]` is one of `words`, ignoring ASCII case and a possessive
    /// `'s` or `'` (`Developer Mode's output`).
    private func isOneOf(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ words: [[UInt8]]) -> Bool {
        var stem = range
        if stem.count > 2, text[stem.upperBound - 2] == UInt8(ascii: "'"), text[stem.upperBound - 1] | 0x20 == UInt8(ascii: "s") {
            stem = stem.lowerBound..<stem.upperBound - 2
        } else if stem.count > 1, text[stem.upperBound - 1] == UInt8(ascii: "'") {
            stem = stem.lowerBound..<stem.upperBound - 1
        }
        return words.contains { equalFolded(text, range, $0) || (stem != range && equalFolded(text, stem, $0)) }
    }

    /// The word before `position`, separated from it by whitespace.
    private func previousWord(_ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Range<Int>? {
        var end = position
        while end > 0, position - end < InjectionPhraseScanner.maximumGap, ByteClass.isSpace(text[end - 1]) { end -= 1 }
        guard end < position else { return nil }
        var start = end
        while start > 0, end - start < InjectionPhraseScanner.maximumWord, InjectionPhraseScanner.isWordByte(text[start - 1]) { start -= 1 }
        guard start < end, start == 0 || !InjectionPhraseScanner.isWordByte(text[start - 1]) else { return nil }
        return start..<end
    }

    /// The word after `position`, separated from it by whitespace.
    private func nextWord(_ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Range<Int>? {
        let start = ByteClass.run(text, from: position, limit: InjectionPhraseScanner.maximumGap, ByteClass.isSpace)
        guard start > position else { return nil }
        let end = ByteClass.run(text, from: start, limit: InjectionPhraseScanner.maximumWord, InjectionPhraseScanner.isWordByte)
        guard end > start, end >= text.count || !InjectionPhraseScanner.isWordByte(text[end]) else { return nil }
        return start..<end
    }

    /// Whether `text[range]` is `word` (lower-case ASCII), ignoring ASCII case.
    private func equalFolded(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        range.count == word.count && ASCIIFold.matches(text, range.lowerBound, word)
    }

    /// Whether the phrase is quoted on both sides: mentioned, not said.
    private func quoted(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start > 0, end < text.count else { return false }
        let open = text[start - 1]
        let close = text[end]
        func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") }
        return isQuote(open) && isQuote(close)
    }
}

/// Text hidden in Unicode tag characters (U+E0000–U+E007F), invisible on screen but read by
/// models: evidence of a prompt-injection attempt.
enum HiddenText {
    /// Calls `report` once per run of tag characters.
    static func scan(_ text: UnsafeBufferPointer<UInt8>, _ report: (Finding) -> Void) {
        var index = 0
        let count = text.count
        while index + 3 < count {
            // U+E0000–U+E007F encode as F3 A0 80 80 … F3 A0 81 BF.
            if text[index] == 0xF3, text[index + 1] == 0xA0, text[index + 2] & 0xFE == 0x80 {
                let start = index
                while index + 3 < count, text[index] == 0xF3, text[index + 1] == 0xA0, text[index + 2] & 0xFE == 0x80 {
                    index += 4
                }
                report(Finding(detector: .hiddenText, start: start, end: index))
            } else {
                index += 1
            }
        }
    }
}
