import Dispatch
import Foundation

/// The durable embedded usage store, and the default: a directory holding an append-only log of
/// checksummed operations and a periodic snapshot (docs/runtime.md, "The durable store").
///
/// - **Durable.** An operation's result is returned only after its record is on disk
///   (`fdatasync`), so a charge that was acknowledged survives `kill -9` and power loss, and a
///   retried reservation after a crash is recognised by its request id, never counted twice.
/// - **Group commit.** Threads that arrive while a write is in flight queue up; the next leader
///   applies all of them and writes their records with one write and one sync.
/// - **Shared by processes.** Every batch runs under an exclusive lock on `usage.lock` and first
///   replays what other processes appended, so processes on one host sharing the directory are
///   as exact as threads.
/// - **Fails closed.** A torn tail (a crash mid-write) is truncated with a warning; a corrupt
///   record with good ones after it is refused with its offset, never skipped or reset; a write
///   that fails (a full disk) fails every operation of its batch and the store reloads from disk.
public final class FileUsageStore: UsageStore, @unchecked Sendable {
    // @unchecked: `file`, `ledger`, `appliedOffset`, `snapshotOffset` and `needsReload` are
    // touched only by the group commit's one leader at a time, which is the exclusion the
    // compiler cannot see.
    private let group = GroupCommit<Request, Outcome>()

    private let file: UsageLogFile
    private var ledger = UsageLedger()
    /// The log offset up to which `ledger` has applied the records.
    private var appliedOffset = 0
    /// The offset the snapshot on disk covers.
    private var snapshotOffset = 0
    private var needsReload = false

    /// A snapshot is written when the log has grown this many bytes past the last one.
    public let snapshotEvery: Int

    /// Opens (or creates) the store in `directory`, loading the snapshot and replaying the log.
    /// - Parameters:
    ///   - snapshotEvery: log growth in bytes between snapshots (default 16 MiB).
    ///   - lockTimeout: seconds to wait for the directory's lock before failing closed (default 10).
    ///   - warn: told about repairs (a torn tail truncated, a damaged snapshot ignored).
    /// - Throws: ``UsageStoreError`` for a directory that cannot be used or a corrupt log.
    public init(directory: String, snapshotEvery: Int = 16 << 20, lockTimeout: Double = 10,
                warn: @escaping @Sendable (String) -> Void = { _ in }) throws(UsageStoreError) {
        self.snapshotEvery = max(1, snapshotEvery)
        file = try UsageLogFile(directory: directory, lockTimeout: lockTimeout, warn: warn)
        try file.lock()
        defer { file.unlock() }
        try reload()
    }

    /// Reads the snapshot and the log after it into a fresh ledger.
    private func reload() throws(UsageStoreError) {
        let first = try file.prepare()
        var ledger = UsageLedger()
        var offset = first
        if let snapshot = file.readSnapshot(), snapshot.logOffset >= first, snapshot.logOffset <= (try file.size()) {
            ledger = snapshot.ledger
            offset = snapshot.logOffset
        }
        snapshotOffset = offset
        offset = try file.readOperations(from: offset, repair: true) { UsageLedger.apply($0, to: &ledger) }
        self.ledger = ledger
        appliedOffset = offset
        needsReload = false
    }

    /// See ``UsageStore/reserve(_:)``.
    public func reserve(_ reservation: ReservationRequest) throws(UsageStoreError) -> ReservationResult {
        guard case .reserved(let result) = try perform(.reserve(reservation)) else { throw UsageStoreError("internal: wrong result") }
        return result
    }

    /// See ``UsageStore/settle(_:)``.
    public func settle(_ settlement: SettlementRequest) throws(UsageStoreError) -> SettlementResult {
        guard case .settled(let result) = try perform(.settle(settlement)) else { throw UsageStoreError("internal: wrong result") }
        return result
    }

    /// See ``UsageStore/used(_:at:)``.
    public func used(_ meters: [Meter], at time: Int) throws(UsageStoreError) -> [Int] {
        guard case .used(let result) = try perform(.used(meters, time)) else { throw UsageStoreError("internal: wrong result") }
        return result
    }

    /// See ``UsageStore/records(from:to:)``: the whole log replayed with records kept.
    public func records(from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord] {
        try FileUsageStore.records(inDirectory: file.directory, from: from, to: to)
    }

    /// The settled requests of the store in `directory`, read without opening the store: nothing
    /// is created, locked or repaired, so a report can run beside the gateways (or on a copy)
    /// with read access only. A record being written as it reads is simply not there yet.
    /// - Throws: ``UsageStoreError`` when there is no usage log, or it is not one, or it is corrupt.
    public static func records(inDirectory directory: String, from: Int?, to: Int?) throws(UsageStoreError) -> [UsageRecord] {
        let reader = try UsageLogFile(readingDirectory: directory)
        var ledger = UsageLedger(keepsRecords: true)
        let first = try reader.checkHeader()
        _ = try reader.readOperations(from: first, repair: false) { UsageLedger.apply($0, to: &ledger) }
        return UsageRecord.selected(ledger.records ?? [], from: from, to: to)
    }

    // MARK: Group commit

    private enum Request {
        case reserve(ReservationRequest)
        case settle(SettlementRequest)
        case used([Meter], Int)
    }

    private enum Outcome {
        case reserved(ReservationResult)
        case settled(SettlementResult)
        case used([Int])
        case failed(UsageStoreError)
    }

    /// Runs a request in a group commit.
    private func perform(_ request: Request) throws(UsageStoreError) -> Outcome {
        let outcome = group.perform(request) { batch in commit(batch) }
        if case .failed(let error) = outcome { throw error }
        return outcome
    }

    /// Runs a batch under the directory lock: catch up with other processes, apply every
    /// request, write the records of those that changed the ledger, sync once.
    private func commit(_ batch: [Request]) -> [Outcome] {
        do {
            try file.lock()
        } catch {
            return batch.map { _ in .failed(error) }
        }
        defer { file.unlock() }
        do {
            if needsReload { try reload() }
            appliedOffset = try file.readOperations(from: appliedOffset, repair: true) { UsageLedger.apply($0, to: &ledger) }
        } catch {
            needsReload = true
            return batch.map { _ in .failed(error) }
        }
        var records: [UInt8] = []
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        for request in batch {
            switch request {
            case .reserve(let reservation):
                let (result, changed) = ledger.reserve(reservation)
                if changed { UsageLogCodec.append(.reserve(reservation), into: &records) }
                outcomes.append(.reserved(result))
            case .settle(let settlement):
                let (result, changed) = ledger.settle(settlement)
                if changed { UsageLogCodec.append(.settle(settlement), into: &records) }
                outcomes.append(.settled(result))
            case .used(let meters, let time):
                outcomes.append(.used(meters.map { ledger.used($0, at: time) }))
            }
        }
        guard !records.isEmpty else { return outcomes }
        do {
            try file.append(records, at: appliedOffset)
            try file.sync()
        } catch {
            // Nothing of the batch is acknowledged: cut back what may have been written, and
            // rebuild the ledger from disk before the next batch.
            try? file.truncate(to: appliedOffset)
            needsReload = true
            return batch.map { _ in .failed(error) }
        }
        appliedOffset += records.count
        if appliedOffset - snapshotOffset >= snapshotEvery {
            // A snapshot only saves replay time: failing to write one loses nothing.
            if (try? file.writeSnapshot(ledger, logOffset: appliedOffset)) != nil { snapshotOffset = appliedOffset }
        }
        return outcomes
    }
}

extension UsageLedger {
    /// Replays one logged operation.
    static func apply(_ operation: UsageLogCodec.Operation, to ledger: inout UsageLedger) {
        switch operation {
        case .reserve(let request): _ = ledger.reserve(request)
        case .settle(let settlement): _ = ledger.settle(settlement)
        }
    }
}
