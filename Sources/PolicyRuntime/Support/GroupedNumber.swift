/// Whole numbers as people read them in reports: `1234567` → `1,234,567`, `-1234` → `-1,234`.
/// One definition for `policyc diff` and the compliance report.
package enum GroupedNumber {
    /// `value` with a comma between each group of three digits.
    package static func text(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}
