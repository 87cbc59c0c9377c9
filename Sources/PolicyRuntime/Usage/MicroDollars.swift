/// Money as people read it. Amounts are integer micro-dollars everywhere; they become dollars
/// only here, when printed, by integer arithmetic, so a printed figure is exactly the amount
/// rounded and never a floating-point approximation of it.
public enum MicroDollars {
    /// Micro-dollars in a dollar.
    public static let perDollar = 1_000_000

    /// Dollars and cents, rounded half up (half away from zero for a negative amount):
    /// 1_234_567 → `$1.23`, 5_000 → `$0.01`, −1_500_000 → `-$1.50`.
    public static func text(_ micros: Int) -> String {
        let magnitude = micros.magnitude
        // Rounded without adding first, which could overflow near the largest amounts.
        let cents = magnitude / 10_000 + (magnitude % 10_000 >= 5_000 ? 1 : 0)
        let fraction = cents % 100
        return (micros < 0 ? "-$" : "$") + String(cents / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// Dollars with all six decimals, exact and without the sign: 1_234_567 → `1.234567`, for
    /// files a spreadsheet adds up (CSV) where rounding each row would lose cents in the total.
    public static func exactText(_ micros: Int) -> String {
        let magnitude = micros.magnitude
        let fraction = String(magnitude % UInt(perDollar))
        return (micros < 0 ? "-" : "") + String(magnitude / UInt(perDollar)) + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
