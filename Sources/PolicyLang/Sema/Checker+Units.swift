import PolicyRuntime

/// Quantities: unit checks and conversion to the compiled base units.
extension Checker {
    /// Names a unit the way messages do.
    func describe(_ unit: Quantity.Unit) -> String {
        switch unit {
        case .count: return "a number"
        case .money: return "money"
        case .percent: return "a percentage"
        case .duration: return "a duration"
        }
    }

    /// Checks that `quantity` is in `unit`, reporting P2202 otherwise.
    mutating func requireUnit(_ quantity: Quantity, _ unit: Quantity.Unit, _ what: String, _ file: SourceFile) -> Bool {
        guard quantity.unit == unit else {
            var help: String?
            if unit == .count, quantity.unit == .duration, quantity.text.hasSuffix("m") {
                help = "`m` means minutes; write millions as `M`, e.g. `\(quantity.text.dropLast())M`"
            } else if unit == .duration, quantity.unit == .count {
                help = "give a unit: s, m, h, d, w or y, e.g. `30d`"
            }
            error(.unitMismatch, "\(what) must be \(describe(unit)), found \(describe(quantity.unit)) `\(quantity.text)`",
                  file, quantity.span, help: help)
            return false
        }
        return true
    }

    /// A whole, non-negative count (tokens, requests); nil after reporting a problem.
    mutating func count(_ quantity: Quantity, _ what: String, _ file: SourceFile, allowZero: Bool = false) -> Int? {
        guard requireUnit(quantity, .count, what, file) else { return nil }
        return wholeValue(quantity, what, file, allowZero: allowZero)
    }

    /// A positive duration in seconds.
    mutating func seconds(_ quantity: Quantity, _ what: String, _ file: SourceFile) -> Int? {
        guard requireUnit(quantity, .duration, what, file) else { return nil }
        return wholeValue(quantity, what, file, allowZero: false)
    }

    /// A whole percentage within `range`.
    mutating func percent(_ quantity: Quantity, _ what: String, _ file: SourceFile, range: ClosedRange<Int> = 1...100) -> Int? {
        guard requireUnit(quantity, .percent, what, file) else { return nil }
        guard let value = quantity.integerValue else {
            error(.invalidQuantity, "\(what) must be a whole percentage, found `\(quantity.text)`", file, quantity.span)
            return nil
        }
        guard range.contains(value) else {
            let help = value == 0 && range.lowerBound > 0 ? "a threshold of 0% is reached by every request" : nil
            error(.invalidQuantity, "\(what) must be between \(range.lowerBound)% and \(range.upperBound)%, found `\(quantity.text)`",
                  file, quantity.span, help: help)
            return nil
        }
        return value
    }

    /// Money in integer micro-dollars; finer amounts are an error, never rounded.
    mutating func micros(_ quantity: Quantity, _ what: String, _ file: SourceFile, allowZero: Bool = true) -> Int? {
        guard requireUnit(quantity, .money, what, file) else { return nil }
        guard !quantity.negative else {
            error(.invalidQuantity, "\(what) must not be negative, found `\(quantity.text)`", file, quantity.span)
            return nil
        }
        guard let value = quantity.scaledValue(times: 6) else {
            error(.invalidQuantity, "\(what) `\(quantity.text)` is finer than a micro-dollar or too large", file, quantity.span,
                  help: "amounts are exact to $0.000001")
            return nil
        }
        if value == 0, !allowZero {
            error(.invalidQuantity, "\(what) must be more than $0", file, quantity.span)
            return nil
        }
        return withinDocumentRange(value, quantity, what, file)
    }

    /// Refuses a value the compiled document cannot hold exactly (docs/compiled-format.md: every
    /// integer is at most 2^53 − 1), so that what compiles also loads.
    mutating func withinDocumentRange(_ value: Int, _ quantity: Quantity, _ what: String, _ file: SourceFile) -> Int? {
        guard value <= CompiledPolicy.maximumInteger else {
            error(.invalidQuantity, "\(what) `\(quantity.text)` is larger than a compiled policy holds (\(CompiledPolicy.maximumInteger))",
                  file, quantity.span)
            return nil
        }
        return value
    }

    /// A whole value in base units, checking sign and fraction.
    mutating func wholeValue(_ quantity: Quantity, _ what: String, _ file: SourceFile, allowZero: Bool) -> Int? {
        guard !quantity.negative else {
            error(.invalidQuantity, "\(what) must not be negative, found `\(quantity.text)`", file, quantity.span)
            return nil
        }
        guard let value = quantity.integerValue else {
            error(.invalidQuantity, "\(what) must be a whole number, found `\(quantity.text)`", file, quantity.span)
            return nil
        }
        if value == 0, !allowZero {
            error(.invalidQuantity, "\(what) must be more than zero", file, quantity.span)
            return nil
        }
        return withinDocumentRange(value, quantity, what, file)
    }

    /// Renders a token count as authors write it (`200k`), for messages.
    func tokensText(_ value: Int) -> String {
        if value >= 1_000_000, value % 1_000_000 == 0 { return "\(value / 1_000_000)M" }
        if value >= 1_000, value % 1_000 == 0 { return "\(value / 1_000)k" }
        return "\(value)"
    }
}
