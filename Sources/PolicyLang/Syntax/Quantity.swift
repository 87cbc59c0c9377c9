/// A number as written, kept exact: `mantissa × 10^-scale`, with its unit.
///
/// Money stays exact end to end (the compiled form holds integer micro-dollars), so a literal
/// is never turned into a floating-point value.
public struct Quantity: Sendable, Equatable {
    /// The suffixes that scale a count (grammar.md, "Units"): `200k`, `1.5M`.
    public static let countSuffixes: [(suffix: String, multiplier: Int, meaning: String)] = [
        ("k", 1_000, "thousand"), ("M", 1_000_000, "million"),
    ]
    /// The suffixes that make a number a duration: `30d`, `5m` (minutes), `7y` (365-day years).
    public static let durationSuffixes: [(suffix: String, seconds: Int, meaning: String)] = [
        ("s", 1, "seconds"), ("m", 60, "minutes"), ("h", 3_600, "hours"), ("d", 86_400, "days"), ("w", 604_800, "weeks"),
        ("y", 31_536_000, "years of 365 days"),
    ]

    /// What the literal measures.
    public enum Unit: String, Sendable, Equatable {
        /// A plain count, possibly with a `k` (thousand) or `M` (million) multiplier: `200k`.
        case count
        /// Dollars: `$0.015`.
        case money
        /// Whole percent: `80%`.
        case percent
        /// A length of time with a unit: `30d`, `5m`.
        case duration
    }

    /// The unit.
    public var unit: Unit
    /// Digits without the decimal point, multiplier applied.
    public var mantissa: Int
    /// Decimal places in `mantissa`.
    public var scale: Int
    /// Whether a `-` was written before it.
    public var negative: Bool
    /// Seconds per unit for durations (`d` is 86,400), else 1.
    public var secondsPerUnit: Int
    /// The literal as written, for messages.
    public var text: String
    /// Where it is.
    public var span: Span

    /// The exact value times `10^power`, when that is a whole number that fits in `Int`.
    public func scaledValue(times power: Int) -> Int? {
        var value = mantissa
        var shift = power - scale
        while shift > 0 {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
            shift -= 1
        }
        while shift < 0 {
            guard value % 10 == 0 else { return nil }
            value /= 10
            shift += 1
        }
        return negative ? -value : value
    }

    /// The value as a whole number in base units (tokens, whole percent, seconds); nil if fractional.
    public var integerValue: Int? {
        guard let whole = scaledValue(times: 0) else { return nil }
        let (product, overflow) = whole.multipliedReportingOverflow(by: secondsPerUnit)
        return overflow ? nil : product
    }

    /// Parses a number, money or percent literal from its text.
    static func parse(_ text: Substring, span: Span) -> Result<Quantity, QuantityError> {
        parse(bytes: Array(text.utf8)[...], span: span)
    }

    /// Parses a number, money or percent token straight from the source bytes.
    static func parse(bytes source: ArraySlice<UInt8>, span: Span) -> Result<Quantity, QuantityError> {
        let text = String(decoding: source, as: UTF8.self)
        var bytes = source
        var unit = Unit.count
        if bytes.first == UInt8(ascii: "$") { unit = .money; bytes = bytes.dropFirst() }
        if bytes.last == UInt8(ascii: "%") { unit = .percent; bytes = bytes.dropLast() }
        var mantissa = 0
        var scale = 0
        var seenPoint = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if isDigit(byte) {
                let (times, overflow1) = mantissa.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                if overflow1 || overflow2 { return .failure(.tooLarge) }
                mantissa = sum
                if seenPoint { scale += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if byte != UInt8(ascii: "_") {
                break
            }
            index += 1
        }
        let suffix = String(decoding: bytes[index...], as: UTF8.self)
        var quantity = Quantity(unit: unit, mantissa: mantissa, scale: scale, negative: false, secondsPerUnit: 1,
                                text: text, span: span)
        guard !suffix.isEmpty else { return .success(quantity) }
        guard unit == .count else { return .failure(.unknownSuffix(suffix)) }
        if let duration = Quantity.durationSuffixes.first(where: { $0.suffix == suffix }) {
            quantity.unit = .duration
            quantity.secondsPerUnit = duration.seconds
            return .success(quantity)
        }
        guard let multiplier = Quantity.countSuffixes.first(where: { $0.suffix == suffix })?.multiplier else {
            return .failure(.unknownSuffix(suffix))
        }
        let (product, overflow) = mantissa.multipliedReportingOverflow(by: multiplier)
        if overflow { return .failure(.tooLarge) }
        quantity.mantissa = product
        return .success(quantity)
    }
}

/// Why a numeric literal is malformed.
enum QuantityError: Error, Equatable {
    case tooLarge
    case unknownSuffix(String)

    var message: String {
        switch self {
        case .tooLarge: return "number is too large"
        case .unknownSuffix(let suffix): return "unknown unit `\(suffix)`"
        }
    }
}
