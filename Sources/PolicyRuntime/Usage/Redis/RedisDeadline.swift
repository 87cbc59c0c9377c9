#if canImport(Glibc)
import Glibc
#endif

/// A point on the monotonic clock by which a wait must end.
///
/// Monotonic because a wall-clock step (NTP, an operator) must neither cut a wait short nor
/// stretch it.
struct RedisDeadline {
    private let nanoseconds: UInt64

    /// The deadline `seconds` from now; the duration is capped at a day so the arithmetic cannot
    /// overflow.
    init(after seconds: Double) {
        let capped = max(0, min(seconds, 86_400))
        nanoseconds = RedisDeadline.now() &+ UInt64(capped * 1_000_000_000)
    }

    /// The time left in whole milliseconds, rounded up so that a few microseconds left still make
    /// one real wait instead of a busy loop of zero-length polls; 0 once the deadline has passed.
    var remainingMilliseconds: Int32 {
        let now = RedisDeadline.now()
        guard nanoseconds > now else { return 0 }
        let milliseconds = (nanoseconds - now + 999_999) / 1_000_000
        return Int32(clamping: milliseconds)
    }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
