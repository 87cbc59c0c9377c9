import Dispatch
import Foundation

/// Group commit with hand-off (the durable usage store and the audit trail both write this way):
/// the first caller to find no leader leads; the others queue and sleep, each on a semaphore of
/// its own. The leader commits everything queued in one batch — one write and one sync for many
/// callers — wakes each caller of it, and hands leadership to the first caller that queued
/// meanwhile, so no caller serves others for long and nobody wakes without work (waking every
/// waiter on each batch, as a shared condition would, cost more than the batch itself with
/// hundreds of callers on two cores).
final class GroupCommit<Item, Outcome>: @unchecked Sendable {
    // @unchecked: `queue` and `leading` are guarded by `lock`; a pending's outcome is written by
    // the leader before it signals `wake`, and read by its caller after.
    private let lock = NSLock()
    private var queue: [Pending] = []
    private var leading = false

    private final class Pending {
        let item: Item
        var outcome: Outcome?
        let wake = DispatchSemaphore(value: 0)
        init(_ item: Item) { self.item = item }
    }

    /// Commits `item` in a batch and returns its outcome. `commit` is called by one caller at a
    /// time, with every item of a batch in the order they came, and returns one outcome each.
    func perform(_ item: Item, commit: ([Item]) -> [Outcome]) -> Outcome {
        let pending = Pending(item)
        lock.lock()
        queue.append(pending)
        let leads = !leading
        leading = true
        lock.unlock()
        if !leads { pending.wake.wait() }
        if pending.outcome == nil {
            // Leading: this caller's item is in the batch it takes.
            lock.lock()
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            lock.unlock()
            let outcomes = commit(batch.map(\.item))
            for (waiting, outcome) in zip(batch, outcomes) { waiting.outcome = outcome }
            lock.lock()
            let next = queue.first
            if next == nil { leading = false }
            lock.unlock()
            for waiting in batch where waiting !== pending { waiting.wake.signal() }
            next?.wake.signal()
        }
        return pending.outcome!
    }
}
