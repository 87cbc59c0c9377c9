/// RFC 3339 timestamps, as much as the policy needs: the UTC hour.
enum Timestamp {
    /// The UTC hour (0–23) of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, or nil when malformed.
    static func utcHour(of text: String) -> Int? {
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
        guard bytes.count >= 20, let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2), number(0, 4) != nil,
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var position = 19
        if bytes[position] == UInt8(ascii: ".") {
            position += 1
            let start = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > start else { return nil }
        }
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return position + 1 == bytes.count ? hour : nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard position + 6 == bytes.count, let offsetHours = number(position + 1, 2), bytes[position + 3] == UInt8(ascii: ":"),
                  let offsetMinutes = number(position + 4, 2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            let sign = bytes[position] == UInt8(ascii: "+") ? 1 : -1
            let minutes = hour * 60 + minute - sign * (offsetHours * 60 + offsetMinutes)
            return ((minutes % 1_440 + 1_440) % 1_440) / 60
        default:
            return nil
        }
    }
}
