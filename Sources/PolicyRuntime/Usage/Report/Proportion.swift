/// Whole-number proportions (percent, basis points) of integer amounts, without floating point
/// and without overflow, so that a share printed next to a money amount is exact.
enum Proportion {
    /// `part × scale ÷ whole`, rounded toward zero and held at the Int range instead of
    /// overflowing. `whole` and `scale` must be positive.
    static func scaled(_ part: Int, per whole: Int, by scale: Int) -> Int {
        precondition(whole > 0 && scale > 0, "a proportion of a positive whole")
        // part = q·whole + r, so part·scale/whole = q·scale + r·scale/whole, and |r| < whole keeps
        // the second term below `scale`: only the first can overflow.
        let (quotient, remainder) = part.quotientAndRemainder(dividingBy: whole)
        let (scaledQuotient, overflow) = quotient.multipliedReportingOverflow(by: scale)
        if overflow { return part < 0 ? Int.min : Int.max }
        let fraction = whole.dividingFullWidth(remainder.multipliedFullWidth(by: scale)).quotient
        return UsageTally.sum(scaledQuotient, fraction)
    }
}

extension Proportion {
    /// Whether `part` is more than `percent`% of `whole`, exactly (`part × 100 > whole × percent`,
    /// in double width so that nothing overflows or rounds).
    static func exceeds(_ part: Int, percent: Int, of whole: Int) -> Bool {
        compare(part.multipliedFullWidth(by: 100), whole.multipliedFullWidth(by: percent)) > 0
    }

    /// Whether `part` is less than `percent`% of `whole`, exactly.
    static func isBelow(_ part: Int, percent: Int, of whole: Int) -> Bool {
        compare(part.multipliedFullWidth(by: 100), whole.multipliedFullWidth(by: percent)) < 0
    }

    /// The sign of `left − right` for two double-width signed numbers.
    private static func compare(_ left: (high: Int, low: UInt), _ right: (high: Int, low: UInt)) -> Int {
        if left.high != right.high { return left.high < right.high ? -1 : 1 }
        return left.low == right.low ? 0 : left.low < right.low ? -1 : 1
    }
}
