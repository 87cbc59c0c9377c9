import Foundation
import PolicyRuntime

/// `policyc-bench redis-usage`: reservations and charges per second through ``RedisUsageStore``
/// against a real server, one call at a time (a round trip each) and pipelined
/// (``RedisUsageStore/reserve(batch:)``, a round trip per batch). Each reservation charges three
/// meters, as a request with a user budget, a team budget and a rate limit does; limits are high
/// enough that every one is reserved. Uses a fresh key prefix and deletes its keys afterwards.
func runRedisUsageBench(_ arguments: [String]) {
    var url = ProcessInfo.processInfo.environment["POLICYLANG_TEST_REDIS"] ?? "redis://127.0.0.1:6379"
    var count = 20_000
    var batchSize = 100
    var index = 0
    while index < arguments.count {
        let value = index + 1 < arguments.count ? arguments[index + 1] : nil
        switch (arguments[index], value) {
        case ("--url", let text?): url = text
        case ("--requests", let text?): count = Int(text) ?? 0
        case ("--batch", let text?): batchSize = Int(text) ?? 0
        default: fail("usage: policyc-bench redis-usage [--url redis://HOST:PORT] [--requests N] [--batch K]")
        }
        index += 2
    }
    guard count > 0, batchSize > 0 else { fail("--requests and --batch must be positive") }
    let endpoint: RedisEndpoint
    do { endpoint = try RedisEndpoint(url: url) } catch { fail(error.description) }

    let prefix = "policylang-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64(Date().timeIntervalSince1970))"
    let store = RedisUsageStore(endpoint: endpoint, keyPrefix: prefix, ioTimeout: 30)
    defer {
        let client = RedisClient(endpoint: endpoint)
        _ = try? client.command(["DEL"] + ["meters", "reservations", "deadlines", "records"].map { "{\(prefix)}:\($0)" })
        client.close()
    }
    let time = 1_796_605_200  // 2026-12-07T01:00:00Z
    func requests(_ label: String) -> [ReservationRequest] {
        (0..<count).map { number in
            let charges = [
                MeterCharge(meter: Meter(key: "budget/daily/user\(number % 1_000)", window: .calendar(.daily)), unit: .usdMicros,
                            limit: 1 << 50, amount: 45_000, thresholds: [50, 80]),
                MeterCharge(meter: Meter(key: "budget/monthly/team\(number % 20)", window: .calendar(.monthly)), unit: .usdMicros,
                            limit: 1 << 50, amount: 45_000, thresholds: [80]),
                MeterCharge(meter: Meter(key: "rate/user\(number % 1_000)", window: .rolling(seconds: 60)), unit: .requests,
                            limit: 1 << 40, amount: 1, thresholds: []),
            ]
            return ReservationRequest(requestID: "\(label)-\(number)", time: time + number / 1_000, expiresAt: time + 900 + number / 1_000,
                                      charges: charges, attribution: UsageAttribution(user: "user\(number % 1_000)", model: "m"))
        }
    }

    print("Redis usage store at \(url): \(count) reservations of 3 charges each")
    let single = requests("single")
    var start = DispatchTime.now().uptimeNanoseconds
    for request in single {
        guard (try? store.reserve(request))?.status == .reserved else { fail("a reservation failed") }
    }
    var seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "  one by one:        %9.0f reservations/s  %9.0f charges/s", Double(count) / seconds, Double(count * 3) / seconds))

    let batched = requests("batch")
    start = DispatchTime.now().uptimeNanoseconds
    for first in stride(from: 0, to: count, by: batchSize) {
        let results = try? store.reserve(batch: Array(batched[first..<min(first + batchSize, count)]))
        guard let results, results.allSatisfy({ $0.status == .reserved }) else { fail("a batch failed") }
    }
    seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "  pipelined (%4d):   %9.0f reservations/s  %9.0f charges/s", batchSize, Double(count) / seconds,
                 Double(count * 3) / seconds))
}
