/// The scripts' arguments (``RedisUsageScripts`` documents their order): numbers checked against
/// what a Lua double holds exactly, and everything calendar-shaped computed here so that the
/// scripts need no calendar.
extension RedisUsageStore {
    /// Numbers must be below this in magnitude: 2^53, past which doubles skip integers.
    static let numberBound = 1 << 53

    /// `value` as decimal text, or an error naming `what` when a double cannot hold it exactly.
    static func number(_ value: Int, _ what: String) throws(UsageStoreError) -> [UInt8] {
        guard value.magnitude < UInt(numberBound) else {
            throw UsageStoreError("redis usage store: \(what) is 2^53 or more in magnitude, "
                + "which redis's lua numbers (doubles) cannot hold exactly")
        }
        return Array(String(value).utf8)
    }

    /// ARGV for ``RedisUsageScripts/reserve``.
    static func reserveArguments(_ reservation: ReservationRequest) throws(UsageStoreError) -> [[UInt8]] {
        let time = reservation.time
        var arguments: [[UInt8]] = [
            try number(time, "a reservation's time"),
            try number(reservation.expiresAt, "a reservation's expiry"),
            Array(reservation.requestID.utf8),
            attributionJSON(reservation.attribution),
            Array(String(releaseLimitPerCall).utf8),
            Array(String(reservation.charges.count).utf8),
        ]
        for charge in reservation.charges {
            let window = charge.meter.window
            let current = window.bucket(at: time)
            let markUntil = window.announcementEnd(at: time)
            // 0 tells the script there is no retry-after (a calendar period).
            let bucketSeconds: Int
            if case .rolling = window { bucketSeconds = window.bucketSeconds } else { bucketSeconds = 0 }
            arguments.append(Array(charge.meter.key.utf8))
            arguments.append(Array(charge.unit.rawValue.utf8))
            arguments.append(try number(charge.limit, "a charge's limit"))
            arguments.append(try number(charge.amount, "a charge's amount"))
            arguments.append(try number(current, "a window's current bucket"))
            arguments.append(try number(window.oldestCounted(current: current), "a window's oldest bucket"))
            arguments.append(try number(bucketSeconds, "a window's bucket length"))
            arguments.append(try number(window.spanBuckets, "a window's span"))
            arguments.append(try number(markUntil, "a window's end"))
            arguments.append(Array(String(charge.thresholds.count).utf8))
            for threshold in charge.thresholds {
                arguments.append(try number(threshold, "a charge's threshold"))
                arguments.append(Array(String(thresholdLine(percent: threshold, limit: charge.limit)).utf8))
            }
        }
        return arguments
    }

    /// The least use at or over `percent` of `limit`: ⌈percent × limit / 100⌉, so that the script
    /// compares uses with it instead of multiplying (use × 100 can pass 2^53 where use cannot).
    /// Clamped to ±2^53, which no use reaches, so an out-of-reach threshold is simply never crossed.
    static func thresholdLine(percent: Int, limit: Int) -> Int {
        let product = percent.multipliedFullWidth(by: limit)
        let low = Int(bitPattern: product.low)
        // The product fits in an Int when its high word only extends the low word's sign.
        guard product.high == (low < 0 ? -1 : 0) else { return product.high < 0 ? -numberBound : numberBound }
        // Division truncates toward zero, which is already the ceiling for a negative quotient.
        let quotient = low / 100 + (low % 100 > 0 ? 1 : 0)
        return min(max(quotient, -numberBound), numberBound)
    }

    /// ARGV for ``RedisUsageScripts/settle``.
    static func settleArguments(_ settlement: SettlementRequest) throws(UsageStoreError) -> [[UInt8]] {
        let (tokens, overflow) = settlement.tokensIn.addingReportingOverflow(settlement.tokensOut)
        return [
            try number(settlement.time, "a settlement's time"),
            Array(settlement.requestID.utf8),
            Array(String(releaseLimitPerCall).utf8),
            try number(settlement.costMicros, "a settlement's cost"),
            try number(overflow ? Int.max : tokens, "a settlement's tokens in and out together"),
            try number(settlement.tokensIn, "a settlement's input tokens"),
            try number(settlement.tokensOut, "a settlement's output tokens"),
            Array((settlement.model == nil ? "0" : "1").utf8),
            Array((settlement.model ?? "").utf8),
        ]
    }

    /// ARGV for ``RedisUsageScripts/used``.
    static func usedArguments(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [[UInt8]] {
        _ = try number(time, "a usage query's time")
        var arguments: [[UInt8]] = [Array(String(meters.count).utf8)]
        for meter in meters {
            let current = meter.window.bucket(at: time)
            arguments.append(Array(meter.key.utf8))
            arguments.append(try number(current, "a window's current bucket"))
            arguments.append(try number(meter.window.oldestCounted(current: current), "a window's oldest bucket"))
        }
        return arguments
    }

    /// The attribution as a JSON object of its present fields; the scripts keep it as text.
    static func attributionJSON(_ attribution: UsageAttribution) -> [UInt8] {
        let fields: [(String, String?)] = [
            ("user", attribution.user), ("team", attribution.team), ("department", attribution.department),
            ("role", attribution.role), ("model", attribution.model), ("feature", attribution.feature),
        ]
        let members = fields.compactMap { key, value in value.map { JSONTree.Member(key, .string($0)) } }
        return JSONTree.object(members).canonicalBytes
    }
}
