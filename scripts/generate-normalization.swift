// Generates Sources/PolicyRuntime/Scan/NormalizationData.swift, the table behind the normalized
// view (TextNormalizer), from Unicode's data files:
//
//   swift scripts/generate-normalization.swift ../shared/data/unicode \
//     > Sources/PolicyRuntime/Scan/NormalizationData.swift
//
// Inputs (in that directory): UnicodeData.txt (general category, decompositions, names),
// DerivedCoreProperties.txt (Default_Ignorable_Code_Point), PropList.txt (White_Space),
// CaseFolding.txt (statuses C and F) and confusables.txt (UTS #39, entries with an ASCII target).
// What a code point becomes, in this order (docs/runtime.md, "Normalization"):
//
//   separator  C0/C1 controls other than tab, LF and CR, and U+2800 BRAILLE PATTERN BLANK: the
//              normalizer removes them inside a word and makes them a space elsewhere;
//   removed    Default_Ignorable_Code_Point, and general category Mn (non-spacing marks);
//   NFKD       the full compatibility decomposition, recursively, then each scalar of it again;
//   space      other White_Space;
//   Latin      a look-alike of ASCII text (confusables.txt, filtered: see `latinTargets`);
//   folded     case folding (C + F), then each scalar of the folding again;
//   kept       everything else.
//
// Every non-ASCII scalar of a result is itself kept, so the mapping is idempotent. The output is
// a two-stage table: per 128 code points a page number, per page 128 entries of 32 bits; pages are
// shared. NormalizationTests runs this script and fails when its output differs from the
// committed file, and checks the decompositions against Foundation's.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: swift scripts/generate-normalization.swift PATH/unicode-data-directory\n".utf8))
    exit(2)
}

func lines(_ name: String) -> [Substring] {
    guard let data = FileManager.default.contents(atPath: arguments[1] + "/" + name) else {
        FileHandle.standardError.write(Data("cannot read \(arguments[1])/\(name)\n".utf8))
        exit(2)
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
}

/// The fields of a data line before its comment, trimmed.
func fields(_ line: Substring) -> [String] {
    let data = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
    return data.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
}

func scalars(_ text: String) -> [UInt32] { text.split(separator: " ").compactMap { UInt32($0, radix: 16) } }

/// `XXXX` or `XXXX..YYYY`.
func range(_ text: String) -> ClosedRange<UInt32> {
    let bounds = text.components(separatedBy: "..").map { UInt32($0, radix: 16)! }
    return bounds[0]...bounds[bounds.count - 1]
}

/// The header line that names a file's version (`# CaseFolding-15.0.0.txt`, `# Version: 17.0.0`).
func version(_ lines: [Substring], prefix: String, suffix: String = "") -> String {
    guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else { return "unknown version" }
    return String(line.dropFirst(prefix.count).dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
}

let count = 0x110000

// UnicodeData.txt: category, decomposition (either kind: NFKD uses both) and name.
var category = [String](repeating: "Cn", count: count)
var decomposition: [UInt32: [UInt32]] = [:]
var names: [UInt32: String] = [:]
var rangeStart: UInt32?
for line in lines("UnicodeData.txt") {
    let field = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    let code = UInt32(field[0], radix: 16)!
    if field[1].hasSuffix(", First>") {
        rangeStart = code
        continue
    }
    // Ranges (CJK ideographs, Hangul syllables, private use...) have no decomposition in the
    // file: Hangul's is algorithmic and left out on purpose (see docs/runtime.md).
    for value in (field[1].hasSuffix(", Last>") ? rangeStart! : code)...code { category[Int(value)] = field[2] }
    names[code] = field[1]
    if !field[5].isEmpty {
        let parts = field[5].split(separator: " ").filter { !$0.hasPrefix("<") }.map { UInt32($0, radix: 16)! }
        decomposition[code] = parts
    }
}

var ignorable = [Bool](repeating: false, count: count)
let derived = lines("DerivedCoreProperties.txt")
for line in derived where !line.hasPrefix("#") {
    let field = fields(line)
    guard field.count >= 2, field[1] == "Default_Ignorable_Code_Point" else { continue }
    for value in range(field[0]) { ignorable[Int(value)] = true }
}

var whiteSpace = [Bool](repeating: false, count: count)
let propList = lines("PropList.txt")
for line in propList where !line.hasPrefix("#") {
    let field = fields(line)
    guard field.count >= 2, field[1] == "White_Space" else { continue }
    for value in range(field[0]) { whiteSpace[Int(value)] = true }
}

var folding: [UInt32: [UInt32]] = [:]
let caseFolding = lines("CaseFolding.txt")
for line in caseFolding where !line.hasPrefix("#") {
    let field = fields(line)
    guard field.count >= 3, field[1] == "C" || field[1] == "F" else { continue }
    folding[UInt32(field[0], radix: 16)!] = scalars(field[2])
}

func isLetter(_ value: UInt32) -> Bool { category[Int(value)].hasPrefix("L") }
func isWord(_ value: UInt32) -> Bool { category[Int(value)].hasPrefix("L") || category[Int(value)].hasPrefix("N") }
func isASCIILetter(_ value: UInt32) -> Bool { (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
func isASCIIDigit(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) }

func isSeparator(_ value: UInt32) -> Bool {
    (category[Int(value)] == "Cc" && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x2800
}

/// The full compatibility decomposition (both kinds of mapping, recursively).
func nfkd(_ value: UInt32) -> [UInt32] {
    guard let parts = decomposition[value] else { return [value] }
    return parts.flatMap(nfkd)
}

// confusables.txt, the entries whose target is ASCII text, kept where mapping is safe for
// ordinary text. Each rule below says what it keeps out.
let confusableLines = lines("confusables.txt")
var latinTargets: [UInt32: [UInt32]] = [:]
var excluded: [String: Int] = [:]
for line in confusableLines where !line.hasPrefix("#") && !line.hasPrefix("\u{FEFF}#") {
    let field = fields(line)
    guard field.count >= 3, let source = UInt32(field[0], radix: 16) else { continue }
    var target = scalars(field[1])
    guard source >= 0x80, target.allSatisfy({ $0 < 0x80 }) else { continue }
    let kind = category[Int(source)]
    func exclude(_ reason: String) { excluded[reason, default: 0] += 1 }
    // Code points Unicode 15.0 does not assign (confusables.txt is 17.0): their category and
    // decomposition are unknown here, so they stay themselves.
    if kind == "Cn" { exclude("unassigned"); continue }
    // Decomposable and removed scalars are NFKD's and the mark rule's business.
    if decomposition[source] != nil || kind == "Mn" || ignorable[Int(source)] { continue }
    // `m` is its own prototype's `rn`, `"` its `''`: a single scalar that looks like either is
    // the one character.
    if target == [0x72, 0x6E] { target = [0x6D] }
    if target == [0x27, 0x27] { target = [0x22] }
    // A capital that looks like the prototype `l` is the capital `I` (Greek Ι, Cyrillic І):
    // detectors of upper-case tokens (`AIza`, `BEGIN`) must see it.
    if kind == "Lu" || kind == "Lt" { target = target.map { $0 == 0x6C ? 0x49 : $0 } }
    let letters = target.allSatisfy(isASCIILetter)
    let hasAlphanumeric = target.contains { isASCIILetter($0) || isASCIIDigit($0) }
    switch kind.first! {
    case "L" where kind == "Lm":
        // Modifier letters that stand for punctuation (ʼ ˈ ː) become it; none becomes a digit.
        if target.contains(where: isASCIIDigit) { exclude("letter to digit"); continue }
    case "L":
        // Letters become letters only: Cyrillic З to `3` or б to `6` would put digits in Russian
        // words, Hebrew י to `'` or katakana ノ to `/` punctuation in the middle of them.
        if target.contains(where: isASCIIDigit) { exclude("letter to digit"); continue }
        if !letters { exclude("letter to punctuation"); continue }
    case "N":
        // Digits of other scripts keep their value: Bengali ৪ (four) looks like `8`, Arabic ٠
        // (zero) like `.`; mapping the few that look like their own ASCII digit would leave
        // numbers half converted.
        exclude("number"); continue
    case "M":
        // Spacing marks (Devanagari visarga ः to `:`, Telugu anusvara ం to `o`) sit inside words.
        exclude("spacing mark"); continue
    case "P", "S":
        // Punctuation and symbols become punctuation (‐ – − to `-`, ’ to `'`); one that merely
        // looks like a letter or digit (× ∣ ∪ ⊤ ℮, box drawing │) is used as itself, and turning
        // it into one would join words and numbers (`3×4`, tables drawn with `│`).
        if hasAlphanumeric { exclude("symbol to letter or digit"); continue }
    case "Z":
        break
    default:
        exclude("other category"); continue
    }
    latinTargets[source] = target
}

// Look-alikes that confusables.txt leaves out but the character names state: small capitals
// (`LATIN LETTER SMALL CAPITAL A`, lower case like their category) and negative circled and
// squared capitals (🅟, 🅿), which have no decomposition.
for (code, name) in names where latinTargets[code] == nil && decomposition[code] == nil {
    for (prefix, lower) in [("LATIN LETTER SMALL CAPITAL ", true), ("NEGATIVE CIRCLED LATIN CAPITAL LETTER ", false),
                            ("NEGATIVE SQUARED LATIN CAPITAL LETTER ", false)] where name.hasPrefix(prefix) {
        let letter = name.dropFirst(prefix.count)
        guard letter.count == 1, let ascii = letter.unicodeScalars.first, isASCIILetter(ascii.value) else { continue }
        latinTargets[code] = [lower ? ascii.value | 0x20 : ascii.value]
    }
}

// Case partners. The matchers fold ASCII only, so a letter and its case folding must give the
// same text up to ASCII case, or a pattern in one case would miss the text in the other.
// A look-alike capital whose lower case confusables.txt does not list (Cyrillic В Н Т К М,
// Greek Κ Τ) gives its partner the lower-case letter; where the two disagree (Greek Ν → N but
// ν → v), the lower case wins and the capital folds to it.
func asciiFolded(_ values: [UInt32]) -> [UInt32] { values.map { isASCIILetter($0) ? $0 | 0x20 : $0 } }
for source in latinTargets.keys.sorted() {
    guard let target = latinTargets[source], let folded = folding[source], folded.count == 1 else { continue }
    let partner = folded[0]
    guard partner >= 0x80, decomposition[partner] == nil, category[Int(partner)] != "Mn", !ignorable[Int(partner)] else { continue }
    if let other = latinTargets[partner] {
        if asciiFolded(other) != asciiFolded(target) {
            latinTargets[source] = nil
            excluded["disagrees with its case partner"] = excluded["disagrees with its case partner", default: 0] + 1
        }
    } else if isLetter(partner) {
        latinTargets[partner] = category[Int(partner)] == "Lu" ? target.map { isASCIILetter($0) ? $0 & ~0x20 : $0 } : asciiFolded(target)
    }
}

/// What a non-separator scalar becomes.
func view(_ value: UInt32) -> [UInt32] {
    if value < 0x80 { return [value] }
    if ignorable[Int(value)] { return [] }
    let decomposed = nfkd(value)
    if decomposed != [value] { return decomposed.flatMap(view) }
    if category[Int(value)] == "Mn" { return [] }
    if whiteSpace[Int(value)] { return [0x20] }
    if let latin = latinTargets[value] { return latin }
    if let folded = folding[value] { return folded.flatMap(view) }
    return [value]
}

func utf8(_ values: [UInt32]) -> [UInt8] { Array(String(String.UnicodeScalarView(values.map { Unicode.Scalar($0)! })).utf8) }

// Entries: bits 0-1 the kind (0 kept, 1 replaced, 2 removed, 3 separator); bit 2 set when the
// result starts with a letter or digit (for a kept scalar: it is one); bit 3 set when the scalar
// has a compatibility decomposition; bits 8-31 for a replaced scalar the offset in the pool of
// its replacement (a length byte, then the UTF-8).
var pool: [UInt8] = []
var poolOffsets: [[UInt8]: Int] = [:]
var entries = [UInt32](repeating: 0, count: count)
var counts = [0, 0, 0, 0]
for value in 0..<UInt32(count) where !(0xD800...0xDFFF).contains(value) {
    var entry: UInt32
    if isSeparator(value) {
        entry = 3
    } else {
        let result = view(value)
        if result == [value] {
            entry = isWord(value) || isASCIILetter(value) || isASCIIDigit(value) ? 4 : 0
        } else if result.isEmpty {
            entry = 2
        } else {
            let bytes = utf8(result)
            precondition(bytes.count < 256, "U+\(String(value, radix: 16)): replacement too long")
            let offset = poolOffsets[bytes] ?? {
                let offset = pool.count
                pool.append(UInt8(bytes.count))
                pool += bytes
                poolOffsets[bytes] = offset
                return offset
            }()
            precondition(offset < 1 << 24)
            let first = result[0]
            entry = 1 | (isWord(first) || isASCIILetter(first) || isASCIIDigit(first) ? 4 : 0) | UInt32(offset) << 8
            for part in result where part >= 0x80 { precondition(view(part) == [part], "U+\(String(value, radix: 16)) is not idempotent") }
        }
        if nfkd(value) != [value] { entry |= 8 }
    }
    counts[Int(entry & 3)] += value >= 0x80 ? 1 : 0
    entries[Int(value)] = entry
}

let pageShift = 7
let pageSize = 1 << pageShift
var pageIndex: [UInt16] = []
var pages: [UInt32] = []
var pageNumbers: [[UInt32]: UInt16] = [:]
for start in stride(from: 0, to: count, by: pageSize) {
    let page = Array(entries[start..<start + pageSize])
    let number = pageNumbers[page] ?? {
        let number = UInt16(pageNumbers.count)
        pageNumbers[page] = number
        pages += page
        return number
    }()
    pageIndex.append(number)
}

func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
}

func literal(_ bytes: [UInt8]) -> String {
    let text = Data(bytes).base64EncodedString()
    var lines: [String] = []
    var index = text.startIndex
    while index < text.endIndex {
        let end = text.index(index, offsetBy: 120, limitedBy: text.endIndex) ?? text.endIndex
        lines.append("        " + text[index..<end])
        index = end
    }
    return lines.joined(separator: "\n")
}

let unicodeVersion = version(caseFolding, prefix: "# CaseFolding-", suffix: ".txt")
let confusablesVersion = version(confusableLines, prefix: "# Version:")
let exclusions = excluded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
print("""
    // Generated by scripts/generate-normalization.swift from ../shared/data/unicode (UnicodeData,
    // DerivedCoreProperties, PropList and CaseFolding \(unicodeVersion); confusables.txt \(confusablesVersion)).
    // Do not edit: rerun the script (see its header).
    //
    // Non-ASCII code points: \(counts[1]) replaced, \(counts[2]) removed, \(counts[3]) separators, the rest kept.
    // \(latinTargets.count) Latin look-alikes; confusables with an ASCII target left out: \(exclusions).

    /// The packed data of ``NormalizationTable``: base64 of little-endian integers.
    enum NormalizationData {
        /// The Unicode version of the character data, and of confusables.txt.
        static let unicodeVersion = "\(unicodeVersion)"
        static let confusablesVersion = "\(confusablesVersion)"
        /// Code points per page: `1 << pageShift`.
        static let pageShift = \(pageShift)
        /// `UInt16` per page of code points: the page of entries that describes it (\(pageIndex.count) pages, \(pageNumbers.count) distinct).
        static let pageIndex = \"\"\"
    \(literal(littleEndian(pageIndex)))
            \"\"\"
        /// `UInt32` entries, `1 << pageShift` per distinct page (layout: ``NormalizationTable``).
        static let pages = \"\"\"
    \(literal(littleEndian(pages)))
            \"\"\"
        /// Replacements: a length byte, then that many bytes of UTF-8.
        static let pool = \"\"\"
    \(literal(pool))
            \"\"\"
    }
    """)
