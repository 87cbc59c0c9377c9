/// Where in a field a hit lies: the message (for `messages`) and the string of that message or
/// of the system prompt (`part`, in document order). Nil for the single text of `prompt` and
/// `response`.
struct TextLocation: Sendable, Equatable, Comparable {
    let message: Int?
    let part: Int?

    static let whole = TextLocation(message: nil, part: nil)

    static func < (lhs: TextLocation, rhs: TextLocation) -> Bool {
        (lhs.message ?? -1, lhs.part ?? -1) < (rhs.message ?? -1, rhs.part ?? -1)
    }
}

/// Places a range of a scanned text in its field: the location and the offsets there.
///
/// The strings of one message (or of the system prompt) are scanned as one text, their
/// concatenation, because that is what the model reads: a key, an address or a phrase split
/// across two parts is found. A hit is placed in the part it starts in, with `start` and `end`
/// counted from that part's first byte; a hit that runs on into later parts has an `end` past
/// its part's length.
struct TextPlacer {
    let message: Int?
    /// The first part's index and the offsets in the scanned text where each part starts
    /// (empty for a text of one part, which starts at 0). The offsets are borrowed from the
    /// caller of the scan: a placer is valid only inside the scan callback it is handed to,
    /// and copying one (at every hit) counts no references.
    private let firstPart: Int?
    private let partStarts: UnsafeBufferPointer<Int>

    /// A text that is not made of parts (`prompt`, `response`).
    static var whole: TextPlacer { TextPlacer(message: nil, firstPart: nil) }

    init(message: Int?, firstPart: Int?, partStarts: UnsafeBufferPointer<Int> = UnsafeBufferPointer(start: nil, count: 0)) {
        self.message = message
        self.firstPart = firstPart
        self.partStarts = partStarts
    }

    /// The location and offsets of the scanned text's range `start..<end`.
    func place(_ start: Int, _ end: Int) -> (location: TextLocation, start: Int, end: Int) {
        guard let firstPart else { return (TextLocation(message: message, part: nil), start, end) }
        var part = 0
        if partStarts.count > 1 {
            // The last part starting at or before `start` (a binary search: tool results can
            // have many parts).
            var low = 0
            var high = partStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if partStarts[middle] <= start { low = middle } else { high = middle - 1 }
            }
            part = low
        }
        let origin = partStarts.isEmpty ? 0 : partStarts[part]
        return (TextLocation(message: message, part: firstPart + part), start - origin, end - origin)
    }
}

extension Request {
    /// Whether `field` has any text to scan.
    func hasText(in field: TextField) -> Bool {
        switch field {
        case .prompt: return !prompt.isEmpty
        case .system: return !system.isEmpty
        case .messages: return !messages.isEmpty
        case .response: return response != nil
        }
    }

    /// Calls `scan` with every text of `field` as the scanners read it and the placer that maps
    /// its ranges back.
    ///
    /// A message or system prompt of several strings is scanned joined — so a finding may span
    /// parts — and also each string on its own, because joining can glue a token to the next
    /// part's first word and hide it (`…AKIA…` + `Thanks`). The second reading finds the same
    /// hits again; callers merge duplicates (``ScanResults/removeDuplicates(in:)``). Returns
    /// whether anything was scanned twice.
    @discardableResult
    func forEachScanText(in field: TextField, _ scan: (UnsafeBufferPointer<UInt8>, TextPlacer) -> Void) -> Bool {
        switch field {
        case .prompt:
            prompt.withUnsafeBufferPointer { scan($0, .whole) }
            return false
        case .response:
            guard let response else { return false }
            response.withUnsafeBufferPointer { scan($0, .whole) }
            return false
        case .system:
            return Request.scanParts(system[...], message: nil, scan)
        case .messages:
            var twice = false
            var start = 0
            while start < messages.count {
                let message = messages[start].message
                var end = start + 1
                while end < messages.count, messages[end].message == message { end += 1 }
                if Request.scanParts(messages[start..<end].lazy.map(\.text), message: message, scan) { twice = true }
                start = end
            }
            return twice
        }
    }

    /// Scans the parts of one message (or the system prompt): joined, then each alone when
    /// there are several.
    private static func scanParts<Parts: Collection<[UInt8]>>(_ parts: Parts, message: Int?,
                                                               _ scan: (UnsafeBufferPointer<UInt8>, TextPlacer) -> Void) -> Bool {
        guard let first = parts.first else { return false }
        guard parts.count > 1 else {
            first.withUnsafeBufferPointer { scan($0, TextPlacer(message: message, firstPart: 0)) }
            return false
        }
        var joined: [UInt8] = []
        joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var starts: [Int] = []
        starts.reserveCapacity(parts.count)
        for part in parts {
            starts.append(joined.count)
            joined.append(contentsOf: part)
        }
        starts.withUnsafeBufferPointer { starts in
            joined.withUnsafeBufferPointer { scan($0, TextPlacer(message: message, firstPart: 0, partStarts: starts)) }
        }
        for (index, part) in parts.enumerated() {
            part.withUnsafeBufferPointer { scan($0, TextPlacer(message: message, firstPart: index)) }
        }
        return true
    }
}
