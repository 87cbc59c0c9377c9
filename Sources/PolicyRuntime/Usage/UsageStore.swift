/// Where usage is kept: the one protocol the in-memory, the durable embedded and the Redis
/// store implement, each tested by the same conformance suite (docs/runtime.md, "Usage stores").
///
/// Every operation is atomic: a reservation is checked against every meter it charges and
/// either holds all of them or none, however many threads, processes or hosts share the store.
/// Operations are idempotent by request id: a repeated reservation holds nothing more (`duplicate`,
/// which ``UsageMeter`` refuses) and a repeated settlement changes nothing (`alreadySettled`).
public protocol UsageStore: Sendable {
    /// Holds `reservation`'s amounts on all its meters if every one has room, else on none.
    func reserve(_ reservation: ReservationRequest) throws(UsageStoreError) -> ReservationResult
    /// Replaces a reservation's held amounts by what the request actually used.
    func settle(_ settlement: SettlementRequest) throws(UsageStoreError) -> SettlementResult
    /// Use in each meter's window at `time` (settled and held), without changing anything.
    func used(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [Int]
    /// Settles a reservation, then reads `meters` at the settlement's time: where a completion's
    /// budgets stand. The default settles and then reads; a store that can do both in one step
    /// (the memory store: one lock, and the held meters reached without looking them up) does.
    func settle(_ settlement: SettlementRequest, reading meters: [Meter]) throws(UsageStoreError) -> (result: SettlementResult, used: [Int])
    /// The settled requests whose reservation was made in `[from, to)` (either end open when nil),
    /// oldest first: what `policyc usage report` reads.
    func records(from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord]
}

/// Why a store could not do what was asked. The runtime fails closed on any of them
/// (`budget_unavailable`) unless the policy's `usage.fail_open` says otherwise.
public struct UsageStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in one line (never a key or a request's text).
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

extension UsageStore {
    /// See ``UsageStore/settle(_:reading:)``: settles, then reads.
    public func settle(_ settlement: SettlementRequest, reading meters: [Meter]) throws(UsageStoreError) -> (result: SettlementResult, used: [Int]) {
        let result = try settle(settlement)
        return (result, meters.isEmpty ? [] : try used(meters, at: settlement.time))
    }
}
