import Foundation

/// What the normalized view makes of each code point, decoded once from the generated
/// ``NormalizationData`` (scripts/generate-normalization.swift; docs/runtime.md, "Normalization").
///
/// Immutable after `init`, so sharing it between threads is safe (hence `@unchecked Sendable`:
/// the compiler cannot see through the raw pointers).
///
/// A two-stage table over all 17 planes: the code point's page (128 code points) gives a page of
/// entries, and pages with the same entries are stored once. A look-up is two array reads.
final class NormalizationTable: @unchecked Sendable {
    /// What one code point becomes.
    struct Entry {
        let bits: UInt32

        /// The kinds, in the entry's low two bits.
        enum Kind: UInt32 {
            /// Left as it is (also every ASCII character but the separators).
            case kept = 0
            /// Replaced by ``NormalizationTable/replacement(_:)``.
            case replaced = 1
            /// Removed (default-ignorable, non-spacing mark).
            case removed = 2
            /// A control or blank look-alike: removed inside a word, a space elsewhere.
            case separator = 3
        }

        /// What happens to the code point.
        var kind: Kind { Kind(rawValue: bits & 3)! }
        /// Whether the result starts with a letter or digit (a kept scalar: is one), which
        /// decides whether a separator sits inside a word.
        var startsWord: Bool { bits & 4 != 0 }
        /// Whether the code point has a compatibility decomposition (its replacement is then
        /// what becomes of each scalar of the decomposition).
        var decomposes: Bool { bits & 8 != 0 }
        /// Where the replacement is in the pool.
        fileprivate var offset: Int { Int(bits >> 8) }
    }

    /// The one table, decoded on first use (a few milliseconds).
    static let shared = NormalizationTable()

    // Allocated once and never freed (the one table lives as long as the process): a look-up
    // then costs no bounds check and no reference counting.
    private let pageIndex: UnsafeMutablePointer<UInt16>
    private let pages: UnsafeMutablePointer<UInt32>
    private let pool: UnsafeMutablePointer<UInt8>
    private static let pageShift = NormalizationData.pageShift
    private static let pageMask = UInt32(1 << NormalizationData.pageShift - 1)

    private init() {
        func decode(_ text: String) -> [UInt8] {
            guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                preconditionFailure("NormalizationData is not base64: regenerate it")
            }
            return [UInt8](data)
        }
        func integers<T: FixedWidthInteger>(_ bytes: [UInt8], as: T.Type) -> [T] {
            let size = MemoryLayout<T>.size
            return stride(from: 0, to: bytes.count, by: size).map { start in
                (0..<size).reduce(T.zero) { $0 | T(bytes[start + $1]) << ($1 * 8) }
            }
        }
        func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: values.count)
            pointer.initialize(from: values, count: values.count)
            return pointer
        }
        let index = integers(decode(NormalizationData.pageIndex), as: UInt16.self)
        let entries = integers(decode(NormalizationData.pages), as: UInt32.self)
        let replacements = decode(NormalizationData.pool)
        // Every page number and pool offset in range, so the unchecked reads below stay inside.
        precondition(index.count << Self.pageShift == 0x110000 && entries.count & Int(Self.pageMask) == 0
            && index.allSatisfy { Int($0) << Self.pageShift < entries.count }
            && entries.allSatisfy { $0 & 3 != 1 || Int($0 >> 8) < replacements.count && Int($0 >> 8) + Int(replacements[Int($0 >> 8)]) < replacements.count })
        pageIndex = copy(index)
        pages = copy(entries)
        pool = copy(replacements)
    }

    /// The entry of a code point (at most U+10FFFF).
    @inline(__always)
    func entry(_ value: UInt32) -> Entry {
        let page = Int(pageIndex[Int(value >> UInt32(Self.pageShift))])
        return Entry(bits: pages[page << Self.pageShift | Int(value & Self.pageMask)])
    }

    /// The UTF-8 a replaced code point becomes (in the pool, which lives for ever: nothing is copied).
    @inline(__always)
    func replacement(_ entry: Entry) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pool + entry.offset + 1, count: Int(pool[entry.offset]))
    }
}
