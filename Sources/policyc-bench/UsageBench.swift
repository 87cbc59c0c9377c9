import Dispatch
import Foundation
import PolicyLang
import Synchronization
import PolicyRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `policyc-bench usage`: what metering costs and whether it is exact (issue figures: reserve +
/// settle under 1 µs on top of the decision in memory; the durable store at 50,000 charges/s or
/// more; Redis with pipelining; 4 processes × 8 threads charging one budget).
func runUsageBench(_ arguments: [String]) {
    var data: String?
    var only: String?
    var directory = FileManager.default.currentDirectoryPath + "/.build/bench-usage"
    var redis: String?
    var iterations = 9
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--data": data = rest.popFirst()
        case "--only": only = rest.popFirst()
        case "--dir": directory = rest.popFirst() ?? directory
        case "--redis": redis = rest.popFirst()
        case "--iterations": iterations = max(1, Int(rest.popFirst() ?? "") ?? iterations)
        default: fail("unknown option `\(argument)`")
        }
    }
    if only == nil || only == "meter" {
        guard let data else { fail("usage --only meter needs --data DIR (the output of ../shared/bench/gen_data.py)") }
        runMeterBench(data: data, iterations: iterations)
    }
    if only == "memory" { runStoreThroughputBench(label: "memory (MemoryUsageStore)", open: { MemoryUsageStore() }) }
    if only == nil || only == "durable" { runStoreThroughputBench(label: "durable (FileUsageStore)", open: { freshFileStore(directory) }) }
    if let redis, only == nil || only == "redis" { runRedisBenches(redis) }
    if only == nil || only == "exactness" {
        runExactnessBench(label: "memory, 32 threads", store: MemoryUsageStore())
        runExactnessBench(label: "durable, 4 processes × 8 threads", location: freshDirectory(directory))
        if let redis { runExactnessBench(label: "Redis, 4 processes × 8 threads", location: redis + "#" + UUID().uuidString) }
    }
}

/// A fresh directory for a durable store under `base`.
func freshDirectory(_ base: String) -> String {
    let path = base + "/" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func freshFileStore(_ base: String) -> any UsageStore {
    do { return try FileUsageStore(directory: freshDirectory(base)) } catch { fail("cannot open a durable store: \(error)") }
}

/// A store from a location: a directory, or `redis://…#PREFIX`.
func openStore(_ location: String) -> any UsageStore {
    if location.hasPrefix("redis://") { return openRedisStore(location) }
    do { return try FileUsageStore(directory: location) } catch { fail("cannot open \(location): \(error)") }
}

/// The W1 policy, its models priced, with a per-user daily budget and a per-user request rate:
/// every request reserves on two meters and its completion settles them.
private func runMeterBench(data: String, iterations: Int) {
    guard let table = FileManager.default.contents(atPath: data + "/policy_1000.json") else { fail("cannot read \(data)/policy_1000.json") }
    var source = policySource(fromRoleTable: [UInt8](table), name: "w1-metered")
        .replacingOccurrences(of: "{ provider bench }", with: "{ provider bench price input $0.003 per 1k, output $0.015 per 1k }")
    source += """
        usage { output_estimate 1k }
        budget per_user_daily { scope user period daily limit $1000000 }
        rate_limit per_user_requests { scope user limit 1000000000 requests per minute }

        """
    guard let plan = try? Plan(compilePolicy(source)) else { fail("cannot plan the metered W1 policy") }
    guard let lines = FileManager.default.contents(atPath: data + "/requests_10000.jsonl") else { fail("cannot read requests_10000.jsonl") }
    var prompts: [Request] = []
    for (index, line) in String(decoding: lines, as: UTF8.self).split(separator: "\n").enumerated() {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        var request = Request()
        request.requestID = "r\(index)"
        request.userID = "user_\(index % 1_000)"
        request.role = object["role"] as? String
        request.model = object["model"] as? String
        request.feature = object["feature"] as? String
        request.contextTokens = object["context_size"] as? Int
        request.tokensIn = object["context_size"] as? Int
        request.prompt = Array((object["prompt"] as? String ?? "").utf8)
        request.timestamp = Timestamp(secondsSinceEpoch: 1_796_637_600)
        prompts.append(request)
    }
    let completions = prompts.map { prompt -> Request in
        var completion = prompt
        completion.action = .completion
        completion.tokensOut = 300
        completion.prompt = []
        return completion
    }
    let count = Double(prompts.count)
    var allowed = 0
    // The store's part alone: the same reservations and settlements, built beforehand.
    let reservations = prompts.map { request in
        ReservationRequest(requestID: request.requestID!, time: 1_796_637_600, expiresAt: 1_796_638_500, charges: [
            MeterCharge(meter: Meter(key: "budget/per_user_daily/usd_micros/daily/" + request.userID!, window: .calendar(.daily)), unit: .usdMicros,
                        limit: 1_000_000_000_000, amount: 45_000, thresholds: []),
            MeterCharge(meter: Meter(key: "rate/per_user_requests/requests/rolling:60/" + request.userID!, window: .rolling(seconds: 60)), unit: .requests,
                        limit: 1_000_000_000, amount: 1, thresholds: []),
        ], attribution: UsageAttribution(user: request.userID, role: request.role, model: request.model, feature: request.feature))
    }
    let settlements = prompts.map { request in
        SettlementRequest(requestID: request.requestID!, time: 1_796_637_610, costMicros: 33_000, tokensIn: request.tokensIn ?? 0,
                          tokensOut: 300, model: request.model)
    }
    // Steady state, as a gateway that has run a while: its tables have grown to hold what a
    // reservation timeout's worth of traffic leaves in them, and entries come and go without
    // growing them again (growing a table rehashes every key). So each store first meters two
    // rounds of earlier requests, an hour ago, which one request now forgets.
    func warmedStore() -> MemoryUsageStore {
        let store = MemoryUsageStore()
        for round in 0..<2 {
            for reservation in reservations {
                var other = reservation
                other.requestID = "warm\(round)-" + reservation.requestID
                other.time -= 3_600
                other.expiresAt -= 3_600
                _ = try? store.reserve(other)
                _ = try? store.settle(SettlementRequest(requestID: other.requestID, time: other.time + 5, costMicros: 1, tokensIn: 1,
                                                        tokensOut: 1, model: nil))
            }
        }
        _ = try? store.reserve(ReservationRequest(requestID: "warm-now", time: 1_796_637_600, expiresAt: 1_796_637_601, charges: [],
                                                  attribution: UsageAttribution()))
        return store
    }
    let stores = (0..<iterations).map { _ in warmedStore() }
    // Each round meters into a store of its own (every reservation is new), warmed the same way.
    var meters: [UsageMeter] = []
    for _ in 0..<iterations {
        guard let meter = try? UsageMeter(plan: plan, store: warmedStore(), options: .init(timestampTolerance: nil)) else { fail("cannot meter the W1 policy") }
        meters.append(meter)
    }
    // Each round times the decisions alone, the completions alone and both metered, one after
    // the other, and takes the difference: on a shared machine, the load of the moment weighs on
    // all three alike. The figure is the median of the rounds' differences.
    var decideTimes: [Double] = [], completionTimes: [Double] = [], meteredTimes: [Double] = [], onTop: [Double] = []
    for round in 0..<iterations {
        let decide = measure(1) { for request in prompts { _ = plan.evaluate(request) } }
        let decideCompletion = measure(1) { for request in completions { _ = plan.evaluate(request) } }
        let meter = meters[round]
        let metered = measure(1) {
            allowed = 0
            for request in prompts where meter.evaluate(request).outcome == .allow { allowed += 1 }
            for request in completions { _ = meter.evaluate(request) }
        }
        decideTimes.append(decide)
        completionTimes.append(decideCompletion)
        meteredTimes.append(metered)
        onTop.append(metered - decide - decideCompletion)
    }
    let decide = median(decideTimes), decideCompletion = median(completionTimes), metered = median(meteredTimes)
    let perRequest = median(onTop) / count * 1e9
    // Each round takes a store of its own; it is freed after the timings, not inside them.
    var storeRound = 0
    let storeOnly = measure(iterations) {
        let store = stores[storeRound]
        storeRound += 1
        for reservation in reservations { _ = try? store.reserve(reservation) }
        for settlement in settlements { _ = try? store.settle(settlement) }
    }
    print("Metering in memory (W1 policy + a per-user budget and rate limit, \(prompts.count) requests, \(allowed) allowed and reserved):")
    print(String(format: "  decision alone %.2f µs, completion alone %.2f µs; with reserve + settle %.2f µs: %.0f ns per request on top",
                 decide / count * 1e6, decideCompletion / count * 1e6, metered / count * 1e6, perRequest))
    print(String(format: "  the store's reserve + settle alone (two meters each): %.0f ns per request", storeOnly / count * 1e9))
}

/// Reservations/s from 1 to 256 threads, each reserving on its own user's meter and a shared one.
func runStoreThroughputBench(label: String, open: () -> any UsageStore) {
    print("\(label): reserve, each on a user meter and a shared organization meter")
    for threads in [1, 2, 4, 8, 32, 128, 256] {
        let store = open()
        let perThread = max(200, 40_000 / threads)
        let start = DispatchTime.now().uptimeNanoseconds
        let organization = Meter(key: "budget/org/usd_micros/monthly/", window: .calendar(.monthly))
        runThreads(threads) { thread in
            // The meters made once, as the runtime makes its limits' once.
            let user = Meter(key: "budget/user/usd_micros/daily/u\(thread)", window: .calendar(.daily))
            for index in 0..<perThread {
                let request = ReservationRequest(
                    requestID: "t\(thread)-\(index)", time: 1_796_637_600, expiresAt: 1_796_638_500,
                    charges: [MeterCharge(meter: user, unit: .usdMicros, limit: Int(1e15), amount: 1_000, thresholds: [80]),
                              MeterCharge(meter: organization, unit: .usdMicros, limit: Int(1e15), amount: 1_000, thresholds: [])],
                    attribution: UsageAttribution(user: "u\(thread)", model: "m"))
                _ = try? store.reserve(request)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "  %2d threads: %8.0f charges/s (%d charges)", threads, Double(threads * perThread) / seconds, threads * perThread))
    }
}

/// Runs `body` on `count` threads of its own at once and waits for all of them
/// (`DispatchQueue.concurrentPerform` would run at most one per core).
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        let thread = Thread {
            body(index)
            done.signal()
        }
        thread.start()
    }
    for _ in 0..<count { done.wait() }
}

/// The one budget every exactness worker charges, and its limit: $10 in micro-dollars.
private let exactnessMeter = Meter(key: "budget/exact/", window: .calendar(.daily))
private let exactnessLimit = 10_000_000

/// Charges random amounts from `threads` threads until the budget refuses 50 times in a row on
/// each; returns (reserved amount, reservations).
private func chargeUntilExhausted(_ store: any UsageStore, threads: Int, worker: Int) -> (amount: Int, count: Int) {
    let total = Mutex((amount: 0, count: 0))
    runThreads(threads) { thread in
        var generator = SystemRandomNumberGenerator()
        var refusals = 0
        var index = 0
        var mine = (amount: 0, count: 0)
        while refusals < 50 {
            let amount = Int.random(in: 1...5_000, using: &generator)
            let request = ReservationRequest(requestID: "w\(worker)-t\(thread)-\(index)", time: 1_796_637_600, expiresAt: 1_796_638_500,
                                             charges: [MeterCharge(meter: exactnessMeter, unit: .usdMicros, limit: exactnessLimit,
                                                                   amount: amount, thresholds: [])],
                                             attribution: UsageAttribution(user: "w\(worker)"))
            index += 1
            guard let result = try? store.reserve(request) else { fail("a charge failed") }
            if result.status == .reserved {
                mine.amount += amount
                mine.count += 1
                refusals = 0
            } else {
                refusals += 1
            }
        }
        total.withLock { $0 = ($0.amount + mine.amount, $0.count + mine.count) }
    }
    return total.withLock { $0 }
}

/// `policyc-bench usage-worker LOCATION WORKER THREADS`: one process of the exactness benchmark.
func runUsageWorker(_ arguments: [String]) {
    guard arguments.count == 3, let worker = Int(arguments[1]), let threads = Int(arguments[2]) else {
        fail("usage-worker LOCATION WORKER THREADS")
    }
    let result = chargeUntilExhausted(openStore(arguments[0]), threads: threads, worker: worker)
    print("\(result.amount) \(result.count)")
}

private func runExactnessBench(label: String, store: any UsageStore) {
    let result = chargeUntilExhausted(store, threads: 32, worker: 0)
    report(label, charged: result, used: (try? store.used([exactnessMeter], at: 1_796_637_600))?.first)
}

private func runExactnessBench(label: String, location: String) {
    var children: [(Process, Pipe)] = []
    for worker in 0..<4 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["usage-worker", location, String(worker), "8"]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { fail("cannot start a worker: \(error)") }
        children.append((process, output))
    }
    var charged = (amount: 0, count: 0)
    for (process, output) in children {
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard process.terminationStatus == 0, numbers.count == 2 else { fail("a worker failed: \(text)") }
        charged.amount += numbers[0]
        charged.count += numbers[1]
    }
    report(label, charged: charged, used: (try? openStore(location).used([exactnessMeter], at: 1_796_637_600))?.first)
}

private func report(_ label: String, charged: (amount: Int, count: Int), used: Int?) {
    let exact = used == charged.amount && charged.amount <= exactnessLimit
    print("Exactness, \(label): limit \(exactnessLimit), charged \(charged.amount) in \(charged.count) reservations, store says \(used.map(String.init) ?? "?"), "
          + "left \(exactnessLimit - charged.amount): \(exact ? "exact" : "NOT EXACT")")
}
