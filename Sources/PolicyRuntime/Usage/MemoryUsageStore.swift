import Foundation

/// A usage store in this process's memory: exact across threads, gone when the process ends.
/// For tests, `policyc test` and single-process gateways that accept losing usage on restart;
/// ``FileUsageStore`` is the durable default.
public final class MemoryUsageStore: UsageStore, @unchecked Sendable {
    // @unchecked: `state` is only touched inside `ledger(_:)`, under `lock`. A pthread mutex
    // (NSLock) rather than Synchronization's `Mutex`: with more threads than cores, this store
    // on `Mutex` fell from 520,000 reservations/s (1–2 threads) to 30,000–36,000 (8–32 threads)
    // on a 2-core machine; on NSLock it holds 540,000–630,000 (`policyc-bench usage --only memory`).
    private let lock = NSLock()
    private var state: UsageLedger

    /// Runs `body` on the ledger under the lock.
    private func ledger<Result>(_ body: (inout UsageLedger) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// An empty store.
    /// - Parameter keepsRecords: whether settled requests are kept for ``records(from:to:)``
    ///   (reports). Everything else the store holds is bounded — buckets by their windows,
    ///   reservations by their timeouts — but records grow with every request: a long-running
    ///   process that reports elsewhere passes false.
    public init(keepsRecords: Bool = true) {
        state = UsageLedger(keepsRecords: keepsRecords)
    }

    /// See ``UsageStore/reserve(_:)``.
    public func reserve(_ reservation: ReservationRequest) throws(UsageStoreError) -> ReservationResult {
        ledger { $0.reserve(reservation).result }
    }

    /// See ``UsageStore/settle(_:)``.
    public func settle(_ settlement: SettlementRequest) throws(UsageStoreError) -> SettlementResult {
        ledger { $0.settle(settlement).result }
    }

    /// See ``UsageStore/settle(_:reading:)``: both under one lock.
    public func settle(_ settlement: SettlementRequest, reading meters: [Meter]) throws(UsageStoreError) -> (result: SettlementResult, used: [Int]) {
        ledger { ledger in
            let settled = ledger.settle(settlement, reading: meters)
            return (settled.result, settled.used)
        }
    }

    /// See ``UsageStore/used(_:at:)``.
    public func used(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [Int] {
        ledger { ledger in meters.map { ledger.used($0, at: time) } }
    }

    /// See ``UsageStore/records(from:to:)``.
    public func records(from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord] {
        ledger { UsageRecord.selected($0.records ?? [], from: from, to: to) }
    }

    /// Adds use to a meter directly, as if settled requests had used it: the prior use a test
    /// states (`used per_user_daily $24`).
    package func addPriorUse(_ amount: Int, to meter: Meter, at time: Int) {
        ledger { $0.add(amount, to: meter, at: time) }
    }
}
