/// A point in time, read from an RFC 3339 date and time (`2026-11-25T10:15:00Z`,
/// `2026-11-25T11:15:00.5+01:00`): the request's one source of time. `request.hour` and
/// `request.weekday` are derived from it, in UTC, so nothing can disagree with it.
public struct Timestamp: Sendable, Equatable, Hashable, Comparable {
    /// Whole seconds since 1970-01-01T00:00:00Z (fractions of a second are dropped).
    public let secondsSinceEpoch: Int

    /// A timestamp from seconds since the epoch.
    public init(secondsSinceEpoch: Int) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t` and a space may replace `T`, `z`
    /// may replace `Z`, a leap second (`:60`, only at the end of a UTC day) reads as the last second
    /// of its minute. Nil when the text is not such a date and time, or names a day the month does
    /// not have.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var position = 19
        if bytes[position] == UInt8(ascii: ".") {
            position += 1
            let start = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > start else { return nil }
        }
        guard position < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[position] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard position + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard position + 6 == bytes.count, let offsetHours = number(position + 1, 2), bytes[position + 3] == UInt8(ascii: ":"),
                  let offsetMinutes = number(position + 4, 2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = (bytes[position] == UInt8(ascii: "+") ? 1 : -1) * (offsetHours * 3_600 + offsetMinutes * 60)
        default:
            return nil
        }
        let days = Timestamp.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + min(second, 59) - offsetSeconds
        // A leap second is only ever the last second of a UTC day (RFC 3339 §5.7).
        guard second < 60 || Timestamp.floorModulo(seconds, 86_400) == 86_399 else { return nil }
        secondsSinceEpoch = seconds
    }

    /// The hour of the day in UTC, 0–23.
    public var utcHour: Int { Timestamp.floorModulo(secondsSinceEpoch, 86_400) / 3_600 }

    /// The day of the week in UTC.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let days = Timestamp.floorDivide(secondsSinceEpoch, 86_400)
        return Weekday.allCases[Timestamp.floorModulo(days + 3, 7)]
    }

    /// Ordered in time.
    public static func < (left: Timestamp, right: Timestamp) -> Bool { left.secondsSinceEpoch < right.secondsSinceEpoch }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = floorDivide(shifted, 400)
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The timestamp in RFC 3339 form, in UTC with whole seconds: `2026-11-25T10:15:00Z`.
    public var rfc3339: String {
        let days = Timestamp.floorDivide(secondsSinceEpoch, 86_400)
        let second = Timestamp.floorModulo(secondsSinceEpoch, 86_400)
        let date = Timestamp.civilDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = date.year >= 0 && date.year < 10_000 ? String(repeating: "0", count: 4 - String(date.year).count) + String(date.year)
                                                        : String(date.year)
        return "\(year)-\(two(date.month))-\(two(date.day))T\(two(second / 3_600)):\(two(second % 3_600 / 60)):\(two(second % 60))Z"
    }

    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    static func floorModulo(_ value: Int, _ divisor: Int) -> Int {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
