/// The stretch of time a budget or rate limit counts use over, and how use is bucketed in it.
///
/// Every store keeps a meter's use as amounts per bucket (a bucket is a whole number: the
/// bucket's index since the epoch) and sums the buckets the window counts, so a store needs no
/// calendar of its own:
///
/// - A **calendar** period (`daily`, `weekly` = ISO week from Monday, `monthly`, `quarterly`,
///   `yearly`, all UTC) has one bucket per period: use counts from the period's first second
///   and starts again at zero when the next period begins.
/// - A **rolling** window of `seconds` (`30d`, and every rate limit) is cut into buckets of
///   `seconds / 60` (at least one second) and counts the bucket of now and the `spanBuckets`
///   before it. That covers the whole window and at most one bucket more — more than the window
///   rounded up to whole buckets, when it is not a whole number of them (7,777 s in buckets of
///   129 s; minutes, hours and days always are) — so a charge counts for at least `seconds`:
///   never less than the window, the conservative side for a limit.
public enum UsageWindow: Sendable, Equatable, Hashable {
    /// A UTC calendar period.
    case calendar(CalendarPeriod)
    /// A sliding window of this many seconds.
    case rolling(seconds: Int)

    /// The buckets a rolling window is cut into (about this many).
    static let rollingBuckets = 60

    /// Length of one bucket of a rolling window, in seconds.
    public var bucketSeconds: Int {
        switch self {
        case .calendar(let period): return period.seconds
        case .rolling(let seconds): return max(1, seconds / UsageWindow.rollingBuckets)
        }
    }

    /// How many buckets before the current one the window counts (0 for a calendar period).
    public var spanBuckets: Int {
        switch self {
        case .calendar: return 0
        case .rolling(let seconds):
            let bucket = bucketSeconds
            return (seconds + bucket - 1) / bucket
        }
    }

    /// The bucket a moment falls in.
    public func bucket(at seconds: Int) -> Int {
        switch self {
        case .rolling: return Timestamp.floorDivide(seconds, bucketSeconds)
        case .calendar(let period):
            let day = Timestamp.floorDivide(seconds, 86_400)
            switch period {
            case .daily: return day
            // 1970-01-01 was a Thursday; ISO weeks start on Monday.
            case .weekly: return Timestamp.floorDivide(day + 3, 7)
            case .monthly, .quarterly, .yearly:
                let date = Timestamp.civilDate(daysSinceEpoch: day)
                let month = date.year * 12 + date.month - 1
                return period == .monthly ? month : period == .quarterly ? Timestamp.floorDivide(month, 3) : date.year
            }
        }
    }

    /// The first second of a bucket.
    public func start(ofBucket bucket: Int) -> Int {
        switch self {
        case .rolling: return bucket * bucketSeconds
        case .calendar(let period):
            switch period {
            case .daily: return bucket * 86_400
            case .weekly: return (bucket * 7 - 3) * 86_400
            case .monthly, .quarterly, .yearly:
                let month = period == .monthly ? bucket : period == .quarterly ? bucket * 3 : bucket * 12
                let year = Timestamp.floorDivide(month, 12)
                return Timestamp.daysSinceEpoch(year: year, month: month - year * 12 + 1, day: 1) * 86_400
            }
        }
    }

    /// The oldest bucket the window counts when the current bucket is `bucket`.
    public func oldestCounted(current bucket: Int) -> Int { bucket - spanBuckets }

    /// The first second the window counts at `seconds`: its calendar period's first second, or
    /// the start of the oldest bucket a rolling window counts (what the stores sum).
    public func start(at seconds: Int) -> Int {
        start(ofBucket: oldestCounted(current: bucket(at: seconds)))
    }

    /// When a calendar period that contains `seconds` ends (its next period's first second);
    /// nil for a rolling window, which never ends.
    public func periodEnd(at seconds: Int) -> Int? {
        guard case .calendar = self else { return nil }
        return start(ofBucket: bucket(at: seconds) + 1)
    }

    /// When an announcement (a threshold crossed, a refusal) made at `seconds` lapses: the end of
    /// a calendar period, or one window later for a rolling one (saturating).
    public func announcementEnd(at seconds: Int) -> Int {
        switch self {
        case .calendar: return periodEnd(at: seconds) ?? seconds
        case .rolling(let length):
            let (sum, overflow) = seconds.addingReportingOverflow(length)
            return overflow ? Int.max : sum
        }
    }

    /// The window of a compiled budget.
    public init(_ budget: CompiledBudget) {
        self = budget.periodName.map(UsageWindow.calendar) ?? .rolling(seconds: budget.periodSeconds)
    }

    /// A stable text form for store keys and logs: `monthly`, `rolling:2592000`.
    public var key: String {
        switch self {
        case .calendar(let period): return period.rawValue
        case .rolling(let seconds): return "rolling:" + String(seconds)
        }
    }

    /// Reads ``key``.
    public init?(key: String) {
        if let period = CalendarPeriod(rawValue: key) {
            self = .calendar(period)
        } else if key.hasPrefix("rolling:"), let seconds = Int(key.dropFirst(8)), seconds > 0 {
            self = .rolling(seconds: seconds)
        } else {
            return nil
        }
    }
}
